//! The simulation: a `bevy_ecs` world built from a scenario, a clock of
//! days, and the block loop. Each day runs the [`DayStart`] schedule
//! (events, markets, decisions, the pools' hashrate), then the [`Mine`]
//! schedule — one tight loop over blocks, see [`blocks`] — until the day
//! ends; each completed epoch runs [`EpochEnd`] on the way; the day closes
//! with [`DayEnd`]. All schedules run single-threaded: parallelism belongs
//! to sweeps, one world per thread.
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
use bevy_ecs::schedule::{ScheduleLabel, SingleThreadedExecutor};
use rand_chacha::ChaCha8Rng;

use crate::agents::population::{self, PopulationCounts};
use crate::agents::{
    FleetState, Ledger, Orders, ProjectKind, Regions, Site, Strategy, decisions, review,
};
use crate::consensus::DifficultyAlgorithm;
use crate::consensus::difficulty::{difficulty, expected_hashes_per_block};
use crate::consensus::subsidy::block_subsidy_sats;
use crate::market::ai::AiMarket;
use crate::market::asics::AsicMarket;
use crate::market::fees::FeeMarket;
use crate::market::price::BtcPrice;
use crate::metrics::concentration::{Concentration, ConcentrationTracker};
use crate::metrics::security::{
    attack_cost, confirmations_needed, double_spend_probability, selfish_mining_threshold,
};
use crate::metrics::{Centralization, Security};
use crate::metrics::{
    DayRow, EpochRow, MemorySink, Pivot, PoolDayRow, RecordSink, RegionDayRow, Summary,
    hashprice_usd_per_ph_day,
};
use crate::scenario::Scenario;
use crate::scenario::schema::{Event, FeeModel};
use crate::units::{SECONDS_PER_DAY, sats_to_btc, ths_to_ehs};

pub mod blocks;
pub mod rng;

/// Runs at the start of every day.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
pub struct DayStart;
/// Runs the block loop.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Mine;
/// Runs when the last block of an epoch is found.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
pub struct EpochEnd;
/// Runs at the end of every day.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
pub struct DayEnd;

/// The chain tip and the difficulty rule.
#[derive(Resource)]
pub struct Chain {
    /// Height of the next block.
    pub next_height: u64,
    /// Bits the next block must meet.
    pub bits: u32,
    /// Expected hashes per block at `bits`.
    pub expected_hashes: f64,
    /// The simulation clock, seconds since the run started.
    pub time_s: f64,
    /// Time of the last block (0 before the first).
    pub last_block_time_s: f64,
    /// Unix time of the run's start.
    pub start_unix_s: i64,
    /// The difficulty rule.
    pub algo: Box<dyn DifficultyAlgorithm>,
    /// Blocks mined so far.
    pub blocks: u64,
}

impl Chain {
    /// Changes the bits and what follows from them.
    pub fn set_bits(&mut self, bits: u32) {
        self.bits = bits;
        self.expected_hashes = expected_hashes_per_block(bits);
    }
}

/// The day being simulated.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct Clock {
    /// Day of the run, from 0.
    pub day: u32,
    /// End of the day, seconds since the run started.
    pub t_end_s: f64,
}

/// The pools' hashrate, fixed between day ticks, and what is mining.
#[derive(Resource, Clone, Debug, Default)]
pub struct HashTable {
    /// Hashrate per pool, TH/s.
    pub pool_ths: Vec<f64>,
    /// Running sums of `pool_ths`, for drawing a winner.
    pub cumulative: Vec<f64>,
    /// Total hashrate mining, TH/s.
    pub total_ths: f64,
    /// Power mining, MW.
    pub mining_mw: f64,
    /// Power curtailed by owners, MW.
    pub curtailed_mw: f64,
    /// Power in offline regions, MW.
    pub offline_mw: f64,
    /// Hashrate curtailed by owners, TH/s.
    pub curtailed_ths: f64,
    /// Hashrate in offline regions, TH/s.
    pub offline_ths: f64,
    /// Miners with any fleet mining.
    pub active_miners: u64,
    /// Hashrate mining per miner (by id), TH/s.
    pub miner_ths: Vec<f64>,
    /// Hashrate mining per region, TH/s.
    pub region_ths: Vec<f64>,
    /// Concentration of firms' hashrate (kept up to date by a
    /// [`ConcentrationTracker`], which does little on days when few firms
    /// change).
    pub firms: Concentration,
    /// Grid connection owned per miner (by id), MW, sold sites excluded.
    pub miner_mw: Vec<f64>,
    /// MW leased to AI tenants (contracts running).
    pub ai_mw: f64,
    /// MW running an own GPU cloud.
    pub gpu_cloud_mw: f64,
    /// MW being converted (lease or GPU cloud).
    pub converting_mw: f64,
    /// MW of sites sold to AI buyers.
    pub sold_mw: f64,
    /// MW of unsold sites doing nothing (no machines, no project).
    pub idle_mw: f64,
    /// Critical MW of tenant demand that miners' sites supply (leases,
    /// building or running, and sites sold).
    pub ai_filled_critical_mw: f64,
    /// Keeps `firms` up to date.
    firm_tracker: ConcentrationTracker,
}

impl HashTable {
    /// Starts a new count of the sites: every sum to zero.
    pub fn clear_sums(&mut self, miners: usize, regions: &mut Regions) {
        self.pool_ths.iter_mut().for_each(|x| *x = 0.0);
        self.miner_ths.clear();
        self.miner_ths.resize(miners, 0.0);
        self.miner_mw.clear();
        self.miner_mw.resize(miners, 0.0);
        self.region_ths.clear();
        self.region_ths.resize(regions.names.len(), 0.0);
        regions.ai_mw.iter_mut().for_each(|x| *x = 0.0);
        for x in [
            &mut self.mining_mw,
            &mut self.curtailed_mw,
            &mut self.offline_mw,
            &mut self.curtailed_ths,
            &mut self.offline_ths,
            &mut self.ai_mw,
            &mut self.gpu_cloud_mw,
            &mut self.converting_mw,
            &mut self.sold_mw,
            &mut self.idle_mw,
            &mut self.ai_filled_critical_mw,
        ] {
            *x = 0.0;
        }
    }

    /// Counts one site's fleets and projects as they stand on `day` (AI
    /// load into its region's `ai_mw`); `critical` is the critical IT share
    /// of gross MW.
    #[inline]
    pub fn add_site(&mut self, site: &Site, regions: &mut Regions, day: u32, critical: f64) {
        if site.sold {
            self.sold_mw += site.power_mw;
            self.ai_filled_critical_mw += site.power_mw * critical;
            return;
        }
        let owner = site.owner_id as usize;
        self.miner_mw[owner] += site.power_mw;
        let mut used = 0.0;
        for fleet in &site.fleets {
            let mw = fleet.power_mw();
            used += mw;
            match fleet.state {
                FleetState::Mining => {
                    self.pool_ths[site.pool as usize] += fleet.hashrate_ths;
                    self.miner_ths[owner] += fleet.hashrate_ths;
                    self.region_ths[site.region as usize] += fleet.hashrate_ths;
                    self.mining_mw += mw;
                }
                FleetState::Curtailed => {
                    self.curtailed_mw += mw;
                    self.curtailed_ths += fleet.hashrate_ths;
                }
                FleetState::Offline => {
                    self.offline_mw += mw;
                    self.offline_ths += fleet.hashrate_ths;
                }
            }
        }
        for p in &site.projects {
            used += p.mw;
            if p.kind == ProjectKind::Lease {
                self.ai_filled_critical_mw += p.mw * critical;
            }
            if p.converting(day) {
                self.converting_mw += p.mw;
            } else {
                regions.ai_mw[site.region as usize] += p.mw;
                match p.kind {
                    ProjectKind::Lease => self.ai_mw += p.mw,
                    ProjectKind::GpuCloud => self.gpu_cloud_mw += p.mw,
                }
            }
        }
        self.idle_mw += (site.power_mw - used).max(0.0);
    }

    /// Ends a count: the running sums that draw a block's pool, the active
    /// miners and the firms' concentration.
    pub fn finish_sums(&mut self, nakamoto_threshold_pct: f64) {
        let mut sum = 0.0;
        for (c, p) in self.cumulative.iter_mut().zip(&self.pool_ths) {
            sum += p;
            *c = sum;
        }
        self.total_ths = sum;
        self.active_miners = self.miner_ths.iter().filter(|t| **t > 0.0).count() as u64;
        self.firms = self
            .firm_tracker
            .update(&self.miner_ths, nakamoto_threshold_pct);
    }

    /// The pool that finds a block, given a uniform draw in [0, 1).
    #[inline]
    pub fn draw(&self, u: f64) -> usize {
        let x = u * self.total_ths;
        self.cumulative
            .partition_point(|&c| c <= x)
            .min(self.cumulative.len().saturating_sub(1))
    }
}

/// Markets of the run.
#[derive(Resource, Clone, Debug)]
pub struct Markets {
    /// BTC price.
    pub price: BtcPrice,
    /// Fees.
    pub fees: FeeMarket,
    /// AI tenants, leases and GPU rental.
    pub ai: AiMarket,
    /// New machines.
    pub asics: AsicMarket,
}

/// The moving average of hashprice that adaptive forecasts use.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq)]
pub struct HashpriceMemory {
    /// Exponential moving average over `strategy.memory_days`, USD/PH/day.
    pub average_usd_per_ph_day: f64,
}

/// Sites relocating after a regional ban: (day they mine again, site,
/// region index).
#[derive(Resource, Clone, Debug, Default)]
pub struct Relocations(pub Vec<(u32, Entity, u16)>);

/// What miners see when they decide: today's prices and hashprice.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq)]
pub struct Economics {
    /// BTC price, USD.
    pub btc_price_usd: f64,
    /// Subsidy of the next block, BTC.
    pub subsidy_btc: f64,
    /// Fees expected per block, BTC.
    pub expected_fees_btc: f64,
    /// Hashprice, USD per PH/s per day.
    pub hashprice_usd_per_ph_day: f64,
}

/// The block stream.
#[derive(Resource)]
pub struct BlockRng(pub ChaCha8Rng);

/// The price stream.
#[derive(Resource)]
pub struct PriceRng(pub ChaCha8Rng);

/// Why the block loop returned.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MineOutcome {
    /// The day is over.
    #[default]
    DayEnd,
    /// The last block of an epoch was found.
    EpochEnd,
}

/// Scenario events not yet applied: (day or height trigger, index in the
/// scenario, event), in the scenario's order.
#[derive(Resource, Clone, Debug, Default)]
pub struct PendingEvents(pub Vec<(Trigger, u64, Event)>);

/// When an event happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// At the start of this day.
    Day(u32),
    /// At the start of the first day that begins at or past this height.
    Height(u64),
}

/// Accumulates the current epoch.
#[derive(Resource, Clone, Debug, Default)]
pub struct EpochStats {
    /// Height of its first block.
    pub start_height: u64,
    /// Its bits.
    pub bits: u32,
    /// Blocks so far.
    pub blocks: u64,
    /// Time its hashrate integral starts (the previous epoch's last block).
    pub span_start_s: f64,
    /// Time of its first block.
    pub first_block_s: f64,
    /// Time of its latest block.
    pub last_block_s: f64,
    /// Sum of its block intervals, s.
    pub interval_sum_s: f64,
    /// Longest interval, s.
    pub interval_max_s: f64,
    /// ∫ hashrate dt, TH.
    pub hash_ths_s: f64,
    /// Subsidy, sats.
    pub subsidy_sats: u64,
    /// Fees, BTC.
    pub fees_btc: f64,
    /// Blocks won per pool.
    pub pool_blocks: Vec<u64>,
}

impl EpochStats {
    fn new(start_height: u64, bits: u32, span_start_s: f64, pools: usize) -> Self {
        Self {
            start_height,
            bits,
            span_start_s,
            pool_blocks: vec![0; pools],
            ..Default::default()
        }
    }

    /// Adds a block found at `t` after `interval` seconds.
    #[inline]
    pub fn add_block(
        &mut self,
        t: f64,
        interval: f64,
        subsidy_sats: u64,
        fees_btc: f64,
        pool: usize,
    ) {
        if self.blocks == 0 {
            self.first_block_s = t;
        }
        self.blocks += 1;
        self.last_block_s = t;
        self.interval_sum_s += interval;
        self.interval_max_s = self.interval_max_s.max(interval);
        self.subsidy_sats += subsidy_sats;
        self.fees_btc += fees_btc;
        self.pool_blocks[pool] += 1;
    }
}

/// Accumulates the current day.
#[derive(Resource, Clone, Debug, Default)]
pub struct DayStats {
    /// Blocks so far.
    pub blocks: u64,
    /// ∫ hashrate dt, TH.
    pub hash_ths_s: f64,
    /// Blocks won per pool.
    pub pool_blocks: Vec<u64>,
    /// Subsidy and fees paid, BTC.
    pub reward_btc: f64,
    /// Fees paid, BTC.
    pub fees_btc: f64,
}

/// How the run measures security and concentration, and which template
/// builder each pool mines for.
#[derive(Resource, Clone, Debug)]
pub struct Measurement {
    /// The scenario's settings.
    pub spec: crate::scenario::schema::SecuritySpec,
    /// Template builder (a pool index) of each pool.
    pub template_of: Vec<usize>,
    /// Pool names, for pools.csv.
    pub pool_names: Vec<String>,
}

/// Pool block counts of the last days, for block-share measures.
#[derive(Resource, Clone, Debug, Default)]
pub struct BlockWindow(pub std::collections::VecDeque<Vec<u64>>);

/// Running figures for the summary.
#[derive(Resource, Clone, Debug, Default)]
pub struct RunTotals {
    /// Day-0 hashrate, EH/s.
    pub hashrate_start_ehs: Option<f64>,
    /// Latest daily hashrate, EH/s.
    pub hashrate_end_ehs: f64,
    /// The last 90 days' hashrates, EH/s.
    pub hashrate_tail: std::collections::VecDeque<f64>,
    /// Lowest daily hashrate, EH/s.
    pub hashrate_min_ehs: f64,
    /// Epoch rows written.
    pub epochs: u64,
    /// Days done.
    pub days: u32,
    /// The last day's measures.
    pub last_day: Option<(Centralization, Security)>,
    /// Lowest daily pool Nakamoto coefficient.
    pub pool_nakamoto_min: u64,
    /// Lowest daily template-builder Nakamoto coefficient.
    pub template_nakamoto_min: u64,
    /// Largest daily top-pool share.
    pub top_pool_share_max: f64,
    /// Highest daily double-spend probability against the top pool.
    pub double_spend_p_max: f64,
}

/// Where rows go, and the first error in writing them.
#[derive(Resource)]
pub struct Recorder {
    /// The sink.
    pub sink: Box<dyn RecordSink>,
    /// The first write error, which ends the run.
    pub error: Option<std::io::Error>,
}

impl Recorder {
    fn keep(&mut self, r: std::io::Result<()>) {
        if let (Err(e), None) = (r, &self.error) {
            self.error = Some(e);
        }
    }
}

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
    /// Builds the world of a validated scenario (its seed decides every
    /// random draw, including the generated population).
    pub fn new(scenario: &Scenario) -> Self {
        let spec = scenario.spec();
        let mut world = World::new();
        let counts = population::spawn(&mut world, scenario);
        let pools = spec.pools.len();
        let chain = &spec.chain;
        let mut c = Chain {
            next_height: chain.start_height,
            bits: chain.start_bits,
            expected_hashes: 0.0,
            time_s: 0.0,
            last_block_time_s: 0.0,
            start_unix_s: chain.start_time_unix_s,
            algo: chain
                .difficulty_algorithm
                .build(chain.start_height, chain.start_bits),
            blocks: 0,
        };
        c.set_bits(chain.start_bits);
        world.insert_resource(c);
        world.insert_resource(Clock::default());
        world.insert_resource(HashTable {
            pool_ths: vec![0.0; pools],
            cumulative: vec![0.0; pools],
            ..Default::default()
        });
        world.insert_resource(Markets {
            price: BtcPrice::with_path(
                spec.btc_price.initial_usd,
                spec.btc_price.model.clone(),
                spec.btc_price
                    .shocks
                    .iter()
                    .map(|s| (s.day, s.multiply_by))
                    .collect(),
                scenario.price_path_shared(),
            ),
            fees: match spec.fees.model {
                FeeModel::Fixed => FeeMarket::fixed(spec.fees.per_block_btc),
                FeeModel::Mempool => FeeMarket::mempool(&spec.fees.mempool),
            },
            ai: AiMarket::new(&spec.ai),
            asics: AsicMarket::new(&spec.asics),
        });
        world.insert_resource(Economics::default());
        world.insert_resource(HashpriceMemory::default());
        world.insert_resource(Strategy {
            spec: spec.strategy.clone(),
            other_opex_usd_per_mwh: spec.power.other_opex_usd_per_mwh,
            ai_price_pressure_per_gw: spec.power.ai_price_pressure_per_gw,
            seed: spec.seed,
        });
        world.insert_resource(Ledger::default());
        world.insert_resource(crate::agents::DailyMargins::default());
        world.insert_resource(Orders::default());
        world.insert_resource(Relocations::default());
        world.insert_resource(BlockRng(rng::stream(spec.seed, rng::BLOCKS)));
        world.insert_resource(PriceRng(rng::stream(spec.seed, rng::PRICES)));
        world.insert_resource(MineOutcome::default());
        let events = spec
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let trigger = match (e.day, e.height) {
                    (Some(d), _) => Trigger::Day(d),
                    (None, Some(h)) => Trigger::Height(h),
                    (None, None) => unreachable!("validated: a day or a height"),
                };
                (trigger, i as u64, e.event.clone())
            })
            .collect();
        world.insert_resource(PendingEvents(events));
        world.insert_resource(EpochStats::new(
            chain.start_height,
            chain.start_bits,
            0.0,
            pools,
        ));
        world.insert_resource(DayStats {
            pool_blocks: vec![0; pools],
            ..Default::default()
        });
        world.insert_resource(Measurement {
            spec: spec.security.clone(),
            template_of: spec
                .pools
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    p.template_builder
                        .as_deref()
                        .map_or(i, |t| scenario.pool_index(t))
                })
                .collect(),
            pool_names: spec.pools.iter().map(|p| p.name.clone()).collect(),
        });
        world.insert_resource(BlockWindow::default());
        world.insert_resource(RunTotals {
            pool_nakamoto_min: u64::MAX,
            template_nakamoto_min: u64::MAX,
            ..Default::default()
        });
        world.insert_resource(counts);

        let mut day_start = Schedule::new(DayStart);
        day_start.add_systems(
            (
                apply_events,
                step_markets,
                update_economics,
                remember_hashprice,
                decisions::update_power_prices,
                decisions::deliver_asics,
                decisions::operate_fleets,
                decisions::settle_accounts,
            )
                .chain(),
        );
        let mut mine = Schedule::new(Mine);
        mine.add_systems(blocks::mine_blocks);
        let mut epoch_end = Schedule::new(EpochEnd);
        epoch_end.add_systems(
            (
                update_economics,
                review::review,
                aggregate_hashrate,
                record_epoch,
            )
                .chain(),
        );
        let mut day_end = Schedule::new(DayEnd);
        day_end.add_systems(record_day);
        for mut s in [day_start, mine, epoch_end, day_end] {
            s.set_executor(SingleThreadedExecutor::new());
            world.add_schedule(s);
        }
        Self {
            world,
            name: spec.name.clone(),
            seed: spec.seed,
            duration_days: spec.duration_days,
        }
    }

    /// The world, for inspection.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The world, to drive one schedule or system at a time (the agent
    /// benchmarks run [`DayStart`] and the review on their own).
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// How many agents the world holds.
    pub fn counts(&self) -> PopulationCounts {
        *self.world.resource::<PopulationCounts>()
    }

    /// Runs to the end, sending rows to `sink` as they are produced, and
    /// gives the sink back with the summary; `on_day` is called after each
    /// day (for progress).
    pub fn run<S: RecordSink>(
        mut self,
        sink: S,
        mut on_day: impl FnMut(u32),
    ) -> std::io::Result<(Summary, S)> {
        let started = Instant::now();
        self.world.insert_resource(Recorder {
            sink: Box::new(sink),
            error: None,
        });
        for day in 0..self.duration_days {
            *self.world.resource_mut::<Clock>() = Clock {
                day,
                t_end_s: (day as f64 + 1.0) * SECONDS_PER_DAY,
            };
            self.world.run_schedule(DayStart);
            loop {
                self.world.run_schedule(Mine);
                if *self.world.resource::<MineOutcome>() == MineOutcome::DayEnd {
                    break;
                }
                self.world.run_schedule(EpochEnd);
                self.check_recorder()?;
            }
            self.world.run_schedule(DayEnd);
            self.check_recorder()?;
            on_day(day);
        }
        // The epoch under way when the run ends, if it has any block.
        if self.world.resource::<EpochStats>().blocks > 0 {
            self.world
                .run_system_cached(record_epoch)
                .expect("record_epoch runs");
        }
        self.check_recorder()?;
        let mut recorder = self.world.remove_resource::<Recorder>().expect("recorder");
        recorder.sink.flush()?;
        let chain = self.world.resource::<Chain>();
        let table = self.world.resource::<HashTable>();
        let totals = self.world.resource::<RunTotals>();
        let start = totals.hashrate_start_ehs.unwrap_or(0.0);
        let last = totals.last_day.clone().unwrap_or_default();
        let summary = Summary {
            scenario: self.name.clone(),
            seed: self.seed,
            hashflight_version: env!("CARGO_PKG_VERSION").to_string(),
            blocks: chain.blocks,
            epochs: totals.epochs,
            days: totals.days,
            hashrate_start_ehs: start,
            hashrate_end_ehs: totals.hashrate_end_ehs,
            hashrate_last_90_days_ehs: totals.hashrate_tail.iter().sum::<f64>()
                / totals.hashrate_tail.len().max(1) as f64,
            hashrate_min_ehs: totals.hashrate_min_ehs,
            hashrate_decline_pct: if start > 0.0 {
                (start - totals.hashrate_end_ehs) / start * 100.0
            } else {
                0.0
            },
            mean_block_interval_s: if chain.blocks > 0 {
                chain.last_block_time_s / chain.blocks as f64
            } else {
                0.0
            },
            pool_hhi_end: last.0.pool_hhi,
            pool_nakamoto_end: last.0.pool_nakamoto,
            pool_nakamoto_min: totals.pool_nakamoto_min.min(last.0.pool_nakamoto),
            firm_hhi_end: last.0.firm_hhi,
            template_nakamoto_end: last.0.template_nakamoto,
            template_nakamoto_min: totals.template_nakamoto_min.min(last.0.template_nakamoto),
            top_pool_share_max: totals.top_pool_share_max,
            double_spend_p_top_pool_z6_max: totals.double_spend_p_max,
            security_budget_usd_per_day_end: last.1.security_budget_usd_per_day,
            attack_build_asic_usd_end: last.1.attack_build_asic_usd,
            ai_mw_end: table.ai_mw,
            gpu_cloud_mw_end: table.gpu_cloud_mw,
            converting_mw_end: table.converting_mw,
            sold_mw_end: table.sold_mw,
            idle_mw_end: table.idle_mw,
            flows: self.world.resource::<Ledger>().run,
            hashrate_last_90_days_no_ai_ehs: None,
            hashrate_decline_vs_no_ai_pct: None,
            wall_time_s: started.elapsed().as_secs_f64(),
        };
        let sink: Box<dyn std::any::Any> = recorder.sink;
        let sink = *sink
            .downcast::<S>()
            .expect("the sink put in is the sink taken out");
        Ok((summary, sink))
    }

    /// Runs `scenario` into `sink`. When the scenario asks for a
    /// counterfactual, the same seed then runs again without the AI option
    /// (its rows dropped) and the summary gains the comparison.
    pub fn run_scenario<S: RecordSink>(
        scenario: &Scenario,
        sink: S,
        mut on_day: impl FnMut(u32),
    ) -> std::io::Result<(Summary, S)> {
        let (mut summary, sink) = Simulation::new(scenario).run(sink, &mut on_day)?;
        if scenario.spec().counterfactual {
            let no_ai = scenario.without_ai();
            let (other, _) = Simulation::new(&no_ai).run(crate::metrics::NullSink, &mut on_day)?;
            summary.set_counterfactual(&other);
        }
        Ok((summary, sink))
    }

    /// Runs to the end keeping every row in memory.
    pub fn run_to_memory(self) -> std::io::Result<RunResult> {
        let (summary, sink) = self.run(MemorySink::default(), |_| {})?;
        Ok(RunResult {
            epochs: sink.epochs,
            days: sink.days,
            summary,
        })
    }

    fn check_recorder(&mut self) -> std::io::Result<()> {
        match self.world.resource_mut::<Recorder>().error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

#[allow(clippy::too_many_arguments)] // a system's parameters are its data access
fn apply_events(
    clock: Res<Clock>,
    chain: Res<Chain>,
    strategy: Res<Strategy>,
    mut pending: ResMut<PendingEvents>,
    mut regions: ResMut<Regions>,
    mut markets: ResMut<Markets>,
    mut relocations: ResMut<Relocations>,
    mut ledger: ResMut<Ledger>,
    mut sites: Query<(Entity, &mut Site)>,
) {
    let day = clock.day;
    // Relocated sites arrive.
    relocations.0.retain(|&(d, site, region)| {
        if d > day {
            return true;
        }
        if let Ok((_, mut s)) = sites.get_mut(site) {
            s.region = region;
        }
        false
    });
    let due = |t: &Trigger| match *t {
        Trigger::Day(d) => d <= day,
        Trigger::Height(h) => chain.next_height >= h,
    };
    let events: Vec<(u64, Event)> = pending
        .0
        .extract_if(.., |e| due(&e.0))
        .map(|(_, i, e)| (i, e))
        .collect();
    let seed = strategy.seed;
    for (index, event) in events {
        // Each site's draw for this event: keyed by site and event.
        let draw = |site: &Site| crate::sim::rng::unit(seed, site.id as u64, index);
        match event {
            Event::RegionOffline {
                region,
                relocate_share,
                relocate_after_days,
                relocate_to,
            } => {
                let r = regions.intern(&region);
                regions.online[r as usize] = false;
                if let Some(to) = relocate_to.filter(|_| relocate_share > 0.0) {
                    let known = regions.names.contains(&to);
                    let target = regions.intern(&to);
                    if !known {
                        // A new region inherits the drift of the one left.
                        regions.drift_per_year[target as usize] =
                            regions.drift_per_year[r as usize];
                    }
                    for (e, s) in &sites {
                        if s.region == r && !s.sold && draw(s) < relocate_share {
                            relocations.0.push((
                                day.saturating_add(relocate_after_days),
                                e,
                                target,
                            ));
                        }
                    }
                }
            }
            Event::RegionOnline { region } => {
                let r = regions.intern(&region) as usize;
                regions.online[r] = true;
            }
            Event::RegionCurtail {
                region,
                share,
                days,
            } => {
                let r = regions.intern(&region);
                for (_, mut s) in &mut sites {
                    if s.region == r && draw(&s) < share {
                        s.offline_until_day = s.offline_until_day.max(day.saturating_add(days));
                    }
                }
            }
            Event::PowerPrice {
                region,
                multiply_by,
            } => {
                let r = regions.intern(&region) as usize;
                regions.tariff[r] *= multiply_by;
            }
            Event::AiShock {
                demand_multiply_by,
                lease_multiply_by,
                gpu_multiply_by,
                abandon_share,
                stall_days,
            } => {
                markets
                    .ai
                    .shock(demand_multiply_by, lease_multiply_by, gpu_multiply_by);
                let mut abandoned = 0;
                for (_, mut s) in &mut sites {
                    if !s.projects.iter().any(|p| p.converting(day)) {
                        continue;
                    }
                    if draw(&s) < abandon_share {
                        let before = s.projects.len();
                        s.projects.retain(|p| !p.converting(day));
                        abandoned += (before - s.projects.len()) as u64;
                    } else if stall_days > 0 {
                        for p in s.projects.iter_mut().filter(|p| p.converting(day)) {
                            p.ready_day += stall_days;
                            p.end_day += stall_days;
                        }
                    }
                }
                ledger.add(|f| f.conversions_abandoned += abandoned);
            }
            Event::FeeWave {
                demand_multiply_by,
                fee_rate_multiply_by,
                days,
            } => markets
                .fees
                .wave(day, days, demand_multiply_by, fee_rate_multiply_by),
        }
    }
}

/// Steps the markets to today: the BTC price, fee demand, the AI market
/// (with the tenant demand miners supplied yesterday).
fn step_markets(
    clock: Res<Clock>,
    table: Res<HashTable>,
    mut markets: ResMut<Markets>,
    mut rng: ResMut<PriceRng>,
) {
    if clock.day > 0 {
        markets.price.step(clock.day, &mut rng.0);
    }
    markets.fees.start_day(clock.day);
    markets.ai.update(clock.day, table.ai_filled_critical_mw);
}

/// Folds today's hashprice into the adaptive miners' moving average.
fn remember_hashprice(
    economics: Res<Economics>,
    strategy: Res<Strategy>,
    mut memory: ResMut<HashpriceMemory>,
) {
    let h = economics.hashprice_usd_per_ph_day;
    if memory.average_usd_per_ph_day == 0.0 {
        memory.average_usd_per_ph_day = h;
    } else {
        let w = 1.0 / strategy.spec.memory_days;
        memory.average_usd_per_ph_day += (h - memory.average_usd_per_ph_day) * w;
    }
}

/// Today's hashprice from the price, the next block's subsidy, the fees
/// expected and the current difficulty.
pub fn update_economics(
    chain: Res<Chain>,
    markets: Res<Markets>,
    mut economics: ResMut<Economics>,
) {
    let btc_price_usd = markets.price.usd();
    let subsidy_btc = sats_to_btc(block_subsidy_sats(chain.next_height));
    let expected_fees_btc = markets.fees.expected_per_block_btc();
    *economics = Economics {
        btc_price_usd,
        subsidy_btc,
        expected_fees_btc,
        hashprice_usd_per_ph_day: hashprice_usd_per_ph_day(
            btc_price_usd,
            subsidy_btc + expected_fees_btc,
            difficulty(chain.bits),
        ),
    };
}

/// Sums the fleets that are mining into the pools' hashrate, and every
/// site's MW by what it is doing (after the review; on other days
/// [`decisions::operate_fleets`] counts each site as it decides).
pub fn aggregate_hashrate(
    clock: Res<Clock>,
    mut table: ResMut<HashTable>,
    counts: Res<PopulationCounts>,
    sites: Query<&Site>,
    mut regions: ResMut<Regions>,
    markets: Res<Markets>,
    measurement: Res<Measurement>,
) {
    let critical = markets.ai.spec().critical_it_share;
    table.clear_sums(counts.miners as usize, &mut regions);
    for site in &sites {
        table.add_site(site, &mut regions, clock.day, critical);
    }
    table.finish_sums(measurement.spec.nakamoto_threshold_pct);
}

/// The AI and fee-market part of a row, and the period's flows.
fn pivot(
    table: &HashTable,
    markets: &Markets,
    flows: crate::agents::Flows,
    subsidy_btc: f64,
    fees_btc: f64,
) -> Pivot {
    let reward = subsidy_btc + fees_btc;
    Pivot {
        ai_mw: table.ai_mw,
        gpu_cloud_mw: table.gpu_cloud_mw,
        converting_mw: table.converting_mw,
        sold_mw: table.sold_mw,
        idle_mw: table.idle_mw,
        fee_share: if reward > 0.0 { fees_btc / reward } else { 0.0 },
        mempool_vbytes: markets.fees.backlog_vbytes(),
        ai_lease_usd_per_kw_month: markets.ai.lease_usd_per_kw_month(),
        gpu_usd_per_hour: markets.ai.gpu_usd_per_hour(),
        tenant_demand_mw: markets.ai.tenant_demand_mw(),
        tenant_unmet_mw: markets.ai.unmet_mw(),
        flows,
    }
}

#[allow(clippy::too_many_arguments)] // a system's parameters are its data access
fn record_epoch(
    chain: Res<Chain>,
    table: Res<HashTable>,
    markets: Res<Markets>,
    mut ledger: ResMut<Ledger>,
    economics: Res<Economics>,
    measurement: Res<Measurement>,
    mut stats: ResMut<EpochStats>,
    mut totals: ResMut<RunTotals>,
    mut recorder: ResMut<Recorder>,
) {
    let s = &*stats;
    // The hashrate integral runs to now: the epoch's last block, or the end
    // of the run for a partial last epoch.
    let span = chain.time_s - s.span_start_s;
    let centralization = centralization(&table, &measurement, &s.pool_blocks);
    let row = EpochRow {
        epoch: s.start_height / crate::consensus::bitcoin::EPOCH_BLOCKS,
        start_height: s.start_height,
        blocks: s.blocks,
        start_time_s: s.first_block_s,
        end_time_s: s.last_block_s,
        duration_s: s.last_block_s - s.first_block_s,
        bits: format!("{:#010x}", s.bits),
        difficulty: difficulty(s.bits),
        hashrate_ehs: if span > 0.0 {
            ths_to_ehs(s.hash_ths_s / span)
        } else {
            0.0
        },
        mean_block_interval_s: s.interval_sum_s / s.blocks as f64,
        max_block_interval_s: s.interval_max_s,
        btc_price_usd: economics.btc_price_usd,
        subsidy_btc: sats_to_btc(s.subsidy_sats),
        fees_btc: s.fees_btc,
        hashprice_usd_per_ph_day: economics.hashprice_usd_per_ph_day,
        mining_mw: table.mining_mw,
        curtailed_mw: table.curtailed_mw,
        offline_mw: table.offline_mw,
        active_miners: table.active_miners,
        pivot: pivot(
            &table,
            &markets,
            std::mem::take(&mut ledger.epoch),
            sats_to_btc(s.subsidy_sats),
            s.fees_btc,
        ),
        security: security(
            &table,
            &measurement,
            &economics,
            &centralization,
            (sats_to_btc(s.subsidy_sats) + s.fees_btc) * economics.btc_price_usd
                / (span / SECONDS_PER_DAY).max(1e-9),
        ),
        centralization,
    };
    let r = recorder.sink.epoch(&row);
    recorder.keep(r);
    totals.epochs += 1;
    let pools = stats.pool_blocks.len();
    *stats = EpochStats::new(chain.next_height, chain.bits, chain.time_s, pools);
}

/// Concentration at the three layers from the pools' and miners' current
/// hashrate, and from `pool_blocks` (blocks found per pool over a window).
pub fn centralization(table: &HashTable, m: &Measurement, pool_blocks: &[u64]) -> Centralization {
    let threshold = m.spec.nakamoto_threshold_pct;
    let by_template = |per_pool: &[f64]| {
        let mut t = vec![0.0; per_pool.len()];
        for (i, v) in per_pool.iter().enumerate() {
            t[m.template_of[i]] += v;
        }
        t
    };
    let firm = table.firms;
    let pool = Concentration::of(&table.pool_ths, threshold);
    let template = Concentration::of(&by_template(&table.pool_ths), threshold);
    let blocks: Vec<f64> = pool_blocks.iter().map(|&b| b as f64).collect();
    let pool_b = Concentration::of(&blocks, threshold);
    let template_b = Concentration::of(&by_template(&blocks), threshold);
    let region_total: f64 = table.region_ths.iter().sum();
    Centralization {
        firm_hhi: firm.hhi,
        firm_nakamoto: firm.nakamoto,
        top_firm_share: firm.top1,
        firm_gini: firm.gini,
        pool_hhi: pool.hhi,
        pool_nakamoto: pool.nakamoto,
        top_pool_share: pool.top1,
        top4_pool_share: pool.top4,
        pool_entropy_eff: pool.entropy_eff,
        pool_gini: pool.gini,
        template_hhi: template.hhi,
        template_nakamoto: template.nakamoto,
        top_template_share: template.top1,
        largest_region_share: if region_total > 0.0 {
            table.region_ths.iter().cloned().fold(0.0, f64::max) / region_total
        } else {
            0.0
        },
        pool_hhi_blocks: pool_b.hhi,
        pool_nakamoto_blocks: pool_b.nakamoto,
        top_pool_share_blocks: pool_b.top1,
        template_hhi_blocks: template_b.hhi,
        template_nakamoto_blocks: template_b.nakamoto,
    }
}

/// Security from the current hashrate and prices and the largest shares in
/// `c`, with the day's or epoch's miner revenue in USD per day.
pub fn security(
    table: &HashTable,
    m: &Measurement,
    economics: &Economics,
    c: &Centralization,
    budget_usd_per_day: f64,
) -> Security {
    let spec = &m.spec;
    let cost = attack_cost(
        ths_to_ehs(table.total_ths),
        spec.attack_share,
        spec.rentable_share,
        economics.hashprice_usd_per_ph_day * (1.0 + spec.rent_premium_pct / 100.0),
        spec.asic_usd_per_th,
        spec.frontier_efficiency_j_per_th,
        spec.attacker_power_usd_per_mwh,
    );
    Security {
        security_budget_usd_per_day: budget_usd_per_day,
        double_spend_p_top_pool_z6: double_spend_probability(c.top_pool_share, 6),
        double_spend_p_top_template_z6: double_spend_probability(c.top_template_share, 6),
        confirmations_needed_top_pool: confirmations_needed(
            c.top_pool_share,
            spec.max_double_spend_p,
        ),
        selfish_mining_breached: c.top_pool_share
            > selfish_mining_threshold(spec.selfish_mining_gamma),
        attack_rent_usd_per_hour: cost.rent_usd_per_hour,
        attack_build_asic_usd: cost.build_asic_usd,
        attack_build_power_mw: cost.build_power_mw,
        attack_build_power_usd_per_hour: cost.build_power_usd_per_hour,
    }
}

#[allow(clippy::too_many_arguments)] // a system's parameters are its data access
fn record_day(
    clock: Res<Clock>,
    chain: Res<Chain>,
    table: Res<HashTable>,
    markets: Res<Markets>,
    regions: Res<Regions>,
    mut ledger: ResMut<Ledger>,
    economics: Res<Economics>,
    measurement: Res<Measurement>,
    mut window: ResMut<BlockWindow>,
    mut day: ResMut<DayStats>,
    mut totals: ResMut<RunTotals>,
    mut recorder: ResMut<Recorder>,
) {
    let hashrate_ehs = ths_to_ehs(day.hash_ths_s / SECONDS_PER_DAY);
    // Block shares over the trailing window of days.
    window.0.push_back(std::mem::take(&mut day.pool_blocks));
    while window.0.len() > measurement.spec.block_window_days as usize {
        window.0.pop_front();
    }
    let mut blocks = vec![0u64; table.pool_ths.len()];
    for d in &window.0 {
        for (b, n) in blocks.iter_mut().zip(d) {
            *b += n;
        }
    }
    let centralization = centralization(&table, &measurement, &blocks);
    for (i, name) in measurement.pool_names.iter().enumerate() {
        let r = recorder.sink.pool_day(&PoolDayRow {
            day: clock.day,
            pool: name,
            hashrate_ehs: ths_to_ehs(table.pool_ths[i]),
            blocks: window.0.back().map_or(0, |b| b[i]),
        });
        recorder.keep(r);
    }
    for (i, name) in regions.names.iter().enumerate() {
        let r = recorder.sink.region_day(&RegionDayRow {
            day: clock.day,
            region: name,
            hashrate_ehs: ths_to_ehs(table.region_ths.get(i).copied().unwrap_or(0.0)),
            online: regions.online[i],
            power_price_factor: regions.price_factor[i],
            ai_mw: regions.ai_mw[i],
        });
        recorder.keep(r);
    }
    let row = DayRow {
        day: clock.day,
        time_s: clock.t_end_s,
        height: chain.next_height.saturating_sub(1),
        blocks: day.blocks,
        hashrate_ehs,
        mean_block_interval_s: (day.blocks > 0).then(|| SECONDS_PER_DAY / day.blocks as f64),
        difficulty: difficulty(chain.bits),
        btc_price_usd: economics.btc_price_usd,
        hashprice_usd_per_ph_day: economics.hashprice_usd_per_ph_day,
        curtailed_ehs: ths_to_ehs(table.curtailed_ths),
        offline_ehs: ths_to_ehs(table.offline_ths),
        mining_mw: table.mining_mw,
        curtailed_mw: table.curtailed_mw,
        offline_mw: table.offline_mw,
        fees_btc: day.fees_btc,
        pivot: pivot(
            &table,
            &markets,
            std::mem::take(&mut ledger.day),
            day.reward_btc - day.fees_btc,
            day.fees_btc,
        ),
        security: security(
            &table,
            &measurement,
            &economics,
            &centralization,
            day.reward_btc * economics.btc_price_usd,
        ),
        centralization,
    };
    let r = recorder.sink.day(&row);
    recorder.keep(r);
    if totals.hashrate_start_ehs.is_none() {
        totals.hashrate_start_ehs = Some(hashrate_ehs);
        totals.hashrate_min_ehs = hashrate_ehs;
    }
    totals.hashrate_end_ehs = hashrate_ehs;
    if totals.hashrate_tail.len() == crate::metrics::TAIL_DAYS {
        totals.hashrate_tail.pop_front();
    }
    totals.hashrate_tail.push_back(hashrate_ehs);
    totals.hashrate_min_ehs = totals.hashrate_min_ehs.min(hashrate_ehs);
    totals.days += 1;
    totals.last_day = Some((row.centralization.clone(), row.security.clone()));
    let c = &row.centralization;
    totals.pool_nakamoto_min = totals.pool_nakamoto_min.min(c.pool_nakamoto);
    totals.template_nakamoto_min = totals.template_nakamoto_min.min(c.template_nakamoto);
    totals.top_pool_share_max = totals.top_pool_share_max.max(c.top_pool_share);
    totals.double_spend_p_max = totals
        .double_spend_p_max
        .max(row.security.double_spend_p_top_pool_z6);
    *day = DayStats {
        pool_blocks: vec![0; table.pool_ths.len()],
        ..Default::default()
    };
}
