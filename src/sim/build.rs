//! Building the world of a scenario: its agents (by [`super::population`]),
//! every resource of the state, the agents' and the measures' resources,
//! and the four schedules.

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{ScheduleLabel, SingleThreadedExecutor};

use super::blocks::{MineOutcome, mine_blocks};
use super::events::{PendingEvents, Relocations, apply_events};
use super::population;
use crate::agents::daily::{ChangedSites, DailyMargins, SiteTallies};
use crate::agents::{Site, UsedMachines, decisions, review, tally};
use crate::market::ai::AiMarket;
use crate::market::asics::AsicMarket;
use crate::market::fees::FeeMarket;
use crate::market::price::BtcPrice;
use crate::metrics::record::{
    BlockWindow, FirmConcentration, Measurement, Rows, RunTotals, record_day, record_epoch,
    track_firms,
};
use crate::scenario::Scenario;
use crate::state::economy::{step_markets, update_economics};
use crate::state::rng::{self, BlockRng, PriceRng, RunSeed};
use crate::state::{
    Chain, Clock, DayStats, Economics, EpochStats, HashTable, HashpriceMemory, Ledger, Markets,
    PoolFees,
};

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
/// Runs the review at the end of a day when no epoch has ended for
/// [`super::STALLED_REVIEW_DAYS`] (a chain too slow to reach its next
/// retarget): the review and a recount, without an epoch row.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
pub struct StalledReview;

/// The world of a validated scenario (its seed decides every random draw,
/// including the generated population), with its schedules.
pub fn world(scenario: &Scenario) -> World {
    let spec = scenario.spec();
    let resolved = scenario.resolved();
    let market = scenario.market();
    let mut world = World::new();
    let counts = population::spawn(&mut world, scenario);
    let pipeline = population::pipeline(&mut world, scenario);
    let pools = resolved.pools.len();
    let chain = &spec.chain;
    world.insert_resource(Chain::new(
        chain.start_height,
        chain.start_bits,
        chain.start_time_unix_s,
        chain
            .difficulty_algorithm
            .build(chain.start_height, chain.start_bits),
    ));
    world.insert_resource(Clock::default());
    world.insert_resource(HashTable::new(pools));
    world.insert_resource(Markets {
        price: BtcPrice::new(
            market.btc_initial_usd,
            market.btc_process.clone(),
            market.btc_shocks.clone(),
        ),
        fees: FeeMarket::new(&market.fees),
        ai: AiMarket::new(market.ai.clone()),
        // The machines on order at the start are the first part of the
        // manufacturers' book.
        asics: AsicMarket::with_backlog(
            market.asics.clone(),
            pipeline.machines.iter().map(|o| o.hashrate_ths).sum(),
        ),
    });
    world.insert_resource(Economics::default());
    world.insert_resource(HashpriceMemory::default());
    world.insert_resource(PoolFees(resolved.pools.iter().map(|p| p.fee_pct).collect()));
    world.insert_resource(resolved.strategy.clone());
    world.insert_resource(Ledger::default());
    world.insert_resource(DailyMargins::default());
    world.insert_resource(SiteTallies::default());
    // Every site is new to the daily pass.
    let mut changed = ChangedSites::default();
    for site in world.query::<&Site>().iter(&world) {
        changed.mark(site.id);
    }
    world.insert_resource(changed);
    world.insert_resource(pipeline);
    world.insert_resource(UsedMachines::default());
    world.insert_resource(Relocations::default());
    world.insert_resource(RunSeed(spec.seed));
    world.insert_resource(BlockRng(rng::stream(spec.seed, rng::BLOCKS)));
    world.insert_resource(PriceRng(rng::stream(spec.seed, rng::PRICES)));
    world.insert_resource(MineOutcome::default());
    world.insert_resource(PendingEvents(resolved.events.clone()));
    world.insert_resource(EpochStats::new(
        chain.start_height,
        chain.start_bits,
        0.0,
        pools,
    ));
    world.insert_resource(DayStats::new(pools));
    world.insert_resource(Measurement {
        params: resolved.security.clone(),
        template_of: resolved
            .pools
            .iter()
            .map(|p| p.template_builder.index())
            .collect(),
        pool_names: resolved.pools.iter().map(|p| p.name.clone()).collect(),
    });
    world.insert_resource(FirmConcentration::default());
    world.insert_resource(BlockWindow::default());
    world.insert_resource(RunTotals::default());
    world.insert_resource(Rows::default());
    world.insert_resource(counts);
    add_schedules(&mut world);
    world
}

/// The day's schedules: [`DayStart`] (events, markets, the miners' daily
/// decisions with the tally, the firms' concentration), [`Mine`],
/// [`EpochEnd`] (the review, a recount, the epoch's row) and [`DayEnd`]
/// (the day's rows).
fn add_schedules(world: &mut World) {
    let mut day_start = Schedule::new(DayStart);
    day_start.add_systems(
        (
            apply_events,
            step_markets,
            update_economics,
            decisions::remember_hashprice,
            decisions::update_power_prices,
            decisions::deliver_asics,
            decisions::operate_fleets,
            tally::count_pipeline,
            track_firms,
            decisions::settle_accounts,
        )
            .chain(),
    );
    let mut mine = Schedule::new(Mine);
    mine.add_systems(mine_blocks);
    let mut epoch_end = Schedule::new(EpochEnd);
    epoch_end.add_systems(
        (
            update_economics,
            review::review,
            tally::count_sites,
            tally::count_pipeline,
            track_firms,
            record_epoch,
        )
            .chain(),
    );
    let mut day_end = Schedule::new(DayEnd);
    day_end.add_systems(record_day);
    let mut stalled = Schedule::new(StalledReview);
    stalled.add_systems(
        (
            update_economics,
            review::review,
            tally::count_sites,
            tally::count_pipeline,
            track_firms,
        )
            .chain(),
    );
    for mut s in [day_start, mine, epoch_end, day_end, stalled] {
        s.set_executor(SingleThreadedExecutor::new());
        world.add_schedule(s);
    }
}
