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
use crate::agents::{Fleet, FleetState, Miner, Regions, Site, decisions};
use crate::consensus::DifficultyAlgorithm;
use crate::consensus::difficulty::{difficulty, expected_hashes_per_block};
use crate::consensus::subsidy::{SATS_PER_BTC, block_subsidy_sats};
use crate::market::fees::FeeMarket;
use crate::market::price::BtcPrice;
use crate::metrics::concentration::Concentration;
use crate::metrics::security::{
    attack_cost, confirmations_needed, double_spend_probability, selfish_mining_threshold,
};
use crate::metrics::{Centralization, Security};
use crate::metrics::{
    DayRow, EpochRow, MemorySink, RecordSink, SECONDS_PER_DAY, Summary, hashprice_usd_per_ph_day,
};
use crate::scenario::Scenario;
use crate::scenario::schema::Event;

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
    /// Concentration of firms' hashrate (recomputed only when it changes:
    /// it sorts every firm).
    pub firms: Concentration,
}

impl HashTable {
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
}

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

/// Scenario events not yet applied, sorted by day.
#[derive(Resource, Clone, Debug, Default)]
pub struct PendingEvents(pub Vec<(u32, Event)>);

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
}

/// How the run measures security and concentration, and which template
/// builder each pool mines for.
#[derive(Resource, Clone, Debug)]
pub struct Measurement {
    /// The scenario's settings.
    pub spec: crate::scenario::schema::SecuritySpec,
    /// Template builder (a pool index) of each pool.
    pub template_of: Vec<usize>,
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
            price: BtcPrice::new(
                spec.btc_price.initial_usd,
                spec.btc_price.model.clone(),
                spec.btc_price
                    .shocks
                    .iter()
                    .map(|s| (s.day, s.multiply_by))
                    .collect(),
            ),
            fees: FeeMarket::fixed(spec.fees.per_block_btc),
        });
        world.insert_resource(Economics::default());
        world.insert_resource(BlockRng(rng::stream(spec.seed, rng::BLOCKS)));
        world.insert_resource(PriceRng(rng::stream(spec.seed, rng::PRICES)));
        world.insert_resource(MineOutcome::default());
        let mut events: Vec<(u32, Event)> = spec
            .events
            .iter()
            .map(|e| (e.day, e.event.clone()))
            .collect();
        events.sort_by_key(|e| e.0);
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
                step_price,
                update_economics,
                decisions::curtail_unprofitable_fleets,
                aggregate_hashrate,
            )
                .chain(),
        );
        let mut mine = Schedule::new(Mine);
        mine.add_systems(blocks::mine_blocks);
        let mut epoch_end = Schedule::new(EpochEnd);
        epoch_end.add_systems((update_economics, record_epoch).chain());
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
            wall_time_s: started.elapsed().as_secs_f64(),
        };
        let sink: Box<dyn std::any::Any> = recorder.sink;
        let sink = *sink
            .downcast::<S>()
            .expect("the sink put in is the sink taken out");
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

fn apply_events(
    clock: Res<Clock>,
    mut pending: ResMut<PendingEvents>,
    mut regions: ResMut<Regions>,
) {
    let due = pending.0.iter().take_while(|e| e.0 <= clock.day).count();
    for (_, event) in pending.0.drain(..due) {
        let (region, online) = match event {
            Event::RegionOffline { region } => (region, false),
            Event::RegionOnline { region } => (region, true),
        };
        let i = regions.intern(&region) as usize;
        regions.online[i] = online;
    }
}

fn step_price(clock: Res<Clock>, mut markets: ResMut<Markets>, mut rng: ResMut<PriceRng>) {
    if clock.day > 0 {
        markets.price.step(clock.day, &mut rng.0);
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
    let subsidy_btc = block_subsidy_sats(chain.next_height) as f64 / SATS_PER_BTC as f64;
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

/// Sums the fleets that are mining into the pools' hashrate.
#[allow(clippy::too_many_arguments)] // a system's parameters are its data access
pub fn aggregate_hashrate(
    mut table: ResMut<HashTable>,
    counts: Res<PopulationCounts>,
    fleets: Query<&Fleet>,
    sites: Query<&Site>,
    miners: Query<&Miner>,
    regions: Res<Regions>,
    measurement: Res<Measurement>,
    mut active: Local<Vec<bool>>,
    mut previous: Local<Vec<f64>>,
) {
    let table = &mut *table;
    table.pool_ths.iter_mut().for_each(|x| *x = 0.0);
    table.mining_mw = 0.0;
    table.curtailed_mw = 0.0;
    table.offline_mw = 0.0;
    table.curtailed_ths = 0.0;
    table.offline_ths = 0.0;
    active.clear();
    active.resize(counts.miners as usize, false);
    table.miner_ths.clear();
    table.miner_ths.resize(counts.miners as usize, 0.0);
    table.region_ths.clear();
    table.region_ths.resize(regions.names.len(), 0.0);
    for fleet in &fleets {
        let mw = fleet.power_mw();
        match fleet.state {
            FleetState::Mining => {
                let Ok(site) = sites.get(fleet.site) else {
                    continue;
                };
                let Ok(miner) = miners.get(site.miner) else {
                    continue;
                };
                table.pool_ths[miner.pool as usize] += fleet.hashrate_ths;
                table.miner_ths[miner.id as usize] += fleet.hashrate_ths;
                table.region_ths[site.region as usize] += fleet.hashrate_ths;
                table.mining_mw += mw;
                active[miner.id as usize] = true;
            }
            FleetState::Curtailed => {
                table.curtailed_mw += mw;
                table.curtailed_ths += fleet.hashrate_ths;
            }
            FleetState::Offline => {
                table.offline_mw += mw;
                table.offline_ths += fleet.hashrate_ths;
            }
        }
    }
    let mut sum = 0.0;
    for (c, p) in table.cumulative.iter_mut().zip(&table.pool_ths) {
        sum += p;
        *c = sum;
    }
    table.total_ths = sum;
    table.active_miners = active.iter().filter(|a| **a).count() as u64;
    if *previous != table.miner_ths || previous.is_empty() {
        table.firms = Concentration::of(&table.miner_ths, measurement.spec.nakamoto_threshold_pct);
        previous.clone_from(&table.miner_ths);
    }
}

fn record_epoch(
    chain: Res<Chain>,
    table: Res<HashTable>,
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
            s.hash_ths_s / span / 1e6
        } else {
            0.0
        },
        mean_block_interval_s: s.interval_sum_s / s.blocks as f64,
        max_block_interval_s: s.interval_max_s,
        btc_price_usd: economics.btc_price_usd,
        subsidy_btc: s.subsidy_sats as f64 / SATS_PER_BTC as f64,
        fees_btc: s.fees_btc,
        hashprice_usd_per_ph_day: economics.hashprice_usd_per_ph_day,
        mining_mw: table.mining_mw,
        curtailed_mw: table.curtailed_mw,
        offline_mw: table.offline_mw,
        active_miners: table.active_miners,
        security: security(
            &table,
            &measurement,
            &economics,
            &centralization,
            (s.subsidy_sats as f64 / SATS_PER_BTC as f64 + s.fees_btc) * economics.btc_price_usd
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
        table.total_ths / 1e6,
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
    economics: Res<Economics>,
    measurement: Res<Measurement>,
    mut window: ResMut<BlockWindow>,
    mut day: ResMut<DayStats>,
    mut totals: ResMut<RunTotals>,
    mut recorder: ResMut<Recorder>,
) {
    let hashrate_ehs = day.hash_ths_s / SECONDS_PER_DAY / 1e6;
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
        curtailed_ehs: table.curtailed_ths / 1e6,
        offline_ehs: table.offline_ths / 1e6,
        mining_mw: table.mining_mw,
        curtailed_mw: table.curtailed_mw,
        offline_mw: table.offline_mw,
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
