//! The simulation: orchestration only. `build.rs` makes a `bevy_ecs` world
//! of a scenario (agents from `population.rs`, every resource, the
//! schedules); [`Simulation`] drives it day by day and hands the rows the
//! measures produce to a [`RecordSink`]. Each day runs the
//! [`DayStart`] schedule (scenario events from `events.rs`, markets, the miners' daily
//! decisions, the tally), then the [`Mine`] schedule — one tight loop over
//! blocks, [`blocks::mine_until`] — until the day ends; each completed
//! epoch runs [`EpochEnd`] (the review, the epoch's row) on the way; the
//! day closes with [`DayEnd`] (its rows). All schedules run
//! single-threaded: parallelism belongs to sweeps, one world per thread.
//!
//! ```
//! use hashflight::{scenario::{Override, Scenario}, sim::Simulation};
//! let set = |s: &str| Override::parse(s).unwrap();
//! let s = Scenario::load("baseline", &[set("duration_days=3"), set("population.miners=50")]).unwrap();
//! let run = Simulation::new(&s).run_to_memory().unwrap();
//! assert_eq!(run.days.len(), 3);
//! assert!(run.summary.blocks > 300);
//! ```

use std::time::Instant;

use bevy_ecs::prelude::*;

use crate::agents::review;
use crate::metrics::record::{Measurement, Rows, RunTotals, record_epoch};
use crate::metrics::{
    DayRow, EpochRow, MemorySink, NullSink, PoolDayRow, RecordSink, RegionDayRow, Summary,
};
use crate::scenario::Scenario;
use crate::state::{Chain, Clock, EpochStats, HashTable, Ledger, PopulationCounts, Regions};
use crate::units::SECONDS_PER_DAY;

pub mod blocks;
mod build;
mod error;
mod events;
mod population;

pub use blocks::MineOutcome;
pub use build::{DayEnd, DayStart, EpochEnd, Mine, StalledReview};
pub use error::SimError;

/// Days without an epoch's end after which the miners review anyway (at
/// the end of a day): twice a normal epoch. Without it a chain whose
/// hashrate has all gone would never review again, and nobody could come
/// back to it.
pub const STALLED_REVIEW_DAYS: u32 = 28;

/// A run held in memory.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// Epoch rows.
    pub epochs: Vec<EpochRow>,
    /// Day rows.
    pub days: Vec<DayRow>,
    /// The summary.
    pub summary: Summary,
}

/// A world ready to run a scenario.
pub struct Simulation {
    world: World,
    name: String,
    seed: u64,
    duration_days: u32,
}

impl Simulation {
    /// Builds the world of a validated scenario.
    pub fn new(scenario: &Scenario) -> Self {
        let spec = scenario.spec();
        Self {
            world: build::world(scenario),
            name: spec.name.clone(),
            seed: spec.seed,
            duration_days: spec.duration_days,
        }
    }

    /// How many agents the world holds.
    pub fn counts(&self) -> PopulationCounts {
        *self.world.resource::<PopulationCounts>()
    }

    /// Runs the [`DayStart`] schedule of `day` once: the daily systems
    /// alone, with no block mined (for the agent benchmarks).
    pub fn run_day_start(&mut self, day: u32) {
        *self.world.resource_mut::<Clock>() = Clock {
            day,
            t_end_s: (day as f64 + 1.0) * SECONDS_PER_DAY,
        };
        self.world.run_schedule(DayStart);
    }

    /// Runs the epoch's strategic review once, on the world as it stands
    /// (for the agent benchmarks).
    pub fn run_review(&mut self) -> Result<(), SimError> {
        self.world
            .run_system_cached(review::review)
            .map_err(|error| SimError::System {
                stage: "running the review",
                error,
            })
    }

    /// Runs to the end, sending rows to `sink` as they are produced, and
    /// gives the sink back with the summary; `on_day` is called after each
    /// day (for progress).
    pub fn run<S: RecordSink>(
        mut self,
        mut sink: S,
        mut on_day: impl FnMut(u32),
    ) -> Result<(Summary, S), SimError> {
        let started = Instant::now();
        let mut last_review_day = 0;
        for day in 0..self.duration_days {
            self.run_day_start(day);
            loop {
                self.world.run_schedule(Mine);
                match *self.world.resource::<MineOutcome>() {
                    MineOutcome::DayEnd => break,
                    MineOutcome::EpochEnd => {}
                    MineOutcome::Runaway => return Err(SimError::Runaway { day }),
                }
                self.world.run_schedule(EpochEnd);
                last_review_day = day;
                self.drain(&mut sink)?;
            }
            if day - last_review_day >= STALLED_REVIEW_DAYS {
                self.world.run_schedule(StalledReview);
                last_review_day = day;
            }
            self.world.run_schedule(DayEnd);
            self.drain(&mut sink)?;
            on_day(day);
        }
        // The epoch under way when the run ends, if it has any block.
        if self.world.resource::<EpochStats>().blocks > 0 {
            self.world
                .run_system_cached(record_epoch)
                .map_err(|error| SimError::System {
                    stage: "recording the last epoch",
                    error,
                })?;
        }
        self.drain(&mut sink)?;
        sink.flush()?;
        let totals = self.world.resource::<RunTotals>();
        let mut summary = totals.summary(
            self.world.resource::<Chain>(),
            self.world.resource::<HashTable>(),
            self.world.resource::<Ledger>().run,
        );
        summary.scenario = self.name.clone();
        summary.seed = self.seed;
        summary.wall_time_s = started.elapsed().as_secs_f64();
        Ok((summary, sink))
    }

    /// Hands the rows produced so far to `sink`, with their pools' and
    /// regions' names.
    fn drain(&mut self, sink: &mut impl RecordSink) -> std::io::Result<()> {
        // Taken out and put back emptied, so the buffers keep their capacity
        // from one day to the next.
        let mut rows = std::mem::take(&mut *self.world.resource_mut::<Rows>());
        let written = self.write_rows(&rows, sink);
        rows.clear();
        *self.world.resource_mut::<Rows>() = rows;
        written
    }

    /// Sends `rows` to `sink`, pool and region rows with their names.
    fn write_rows(&self, rows: &Rows, sink: &mut impl RecordSink) -> std::io::Result<()> {
        let pools = &self.world.resource::<Measurement>().pool_names;
        let regions = &self.world.resource::<Regions>().names;
        for r in &rows.epochs {
            sink.epoch(r)?;
        }
        for p in &rows.pools {
            sink.pool_day(&PoolDayRow {
                day: p.day,
                pool: &pools[p.pool],
                hashrate_ehs: p.hashrate_ehs,
                blocks: p.blocks,
            })?;
        }
        for r in &rows.regions {
            sink.region_day(&RegionDayRow {
                day: r.day,
                region: &regions[r.region],
                hashrate_ehs: r.hashrate_ehs,
                online: r.online,
                power_price_factor: r.power_price_factor,
                ai_mw: r.ai_mw,
            })?;
        }
        for r in &rows.days {
            sink.day(r)?;
        }
        Ok(())
    }

    /// Runs `scenario` into `sink`. When the scenario asks for a
    /// counterfactual, the same seed then runs again without the AI option
    /// (its rows dropped) and the summary gains the comparison.
    pub fn run_scenario<S: RecordSink>(
        scenario: &Scenario,
        sink: S,
        mut on_day: impl FnMut(u32),
    ) -> Result<(Summary, S), SimError> {
        let (mut summary, sink) = Simulation::new(scenario).run(sink, &mut on_day)?;
        if scenario.spec().counterfactual {
            let no_ai = scenario.without_ai();
            let (other, _) = Simulation::new(&no_ai).run(NullSink, &mut on_day)?;
            summary.set_counterfactual(&other);
        }
        Ok((summary, sink))
    }

    /// Runs to the end keeping every row in memory.
    pub fn run_to_memory(self) -> Result<RunResult, SimError> {
        let (summary, sink) = self.run(MemorySink::default(), |_| {})?;
        Ok(RunResult {
            epochs: sink.epochs,
            days: sink.days,
            summary,
        })
    }
}
