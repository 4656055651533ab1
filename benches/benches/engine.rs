//! Speed of the engine: the block loop alone (blocks per second), the
//! agents' systems (time per agent-day), and the shipped baseline end to
//! end, in memory and with its run directory.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hashflight::consensus::DifficultyAlgorithmKind;
use hashflight::market::fees::{FeeMarket, MempoolParams};
use hashflight::scenario::{Override, Scenario};
use hashflight::sim::Simulation;
use hashflight::sim::blocks::{MineOutcome, mine_until};
use hashflight::state::{Chain, DayStats, EpochStats, HashTable, rng};

fn set(s: &str) -> Override {
    Override::parse(s).unwrap()
}

/// Blocks mined by a whole run of `scenario`, in memory.
fn blocks(scenario: &Scenario) -> u64 {
    Simulation::new(scenario)
        .run_to_memory()
        .unwrap()
        .summary
        .blocks
}

/// One miner with free power and fixed difficulty: nothing but blocks.
fn block_loop_scenario(days: u32) -> Scenario {
    let src = format!(
        r#"(
    name: "block-loop",
    duration_days: {days},
    chain: (difficulty_algorithm: Fixed),
    btc_price: (model: Constant),
    miners: [(name: "m", pool: "Foundry", sites: [(name: "s", region: "US", power_mw: 20000.0,
        power_price_usd_per_mwh: 0.0, fleets: [(hashrate_ehs: 1000.0, efficiency_j_per_th: 17.5)])])],
    population: (miners: 0),
)"#
    );
    Scenario::from_str(&src, "bench", &[]).unwrap()
}

fn block_loop(c: &mut Criterion) {
    let days = 3650;
    let scenario = block_loop_scenario(days);
    let n = blocks(&scenario);
    let mut g = c.benchmark_group("block_loop");
    g.throughput(Throughput::Elements(n));
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("10y_one_pool", |b| b.iter(|| black_box(blocks(&scenario))));
    g.finish();

    // The loop alone, called as the driver calls it: a year of days at
    // 1,000 EH/s in one pool, fixed difficulty, the fee market on.
    let mut g = c.benchmark_group("mine_until");
    let days = 365;
    g.throughput(Throughput::Elements(days as u64 * 144));
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("1y_one_pool", |b| b.iter(|| black_box(mine_a_year(days))));
    g.finish();
}

/// Mines `days` days with [`mine_until`] alone; returns the blocks.
fn mine_a_year(days: u32) -> u64 {
    let bits = 0x1701e605;
    let mut chain = Chain::new(
        929_376,
        bits,
        1_767_225_600,
        DifficultyAlgorithmKind::Fixed.build(929_376, bits),
    );
    let mut table = HashTable::new(1);
    table.pool_ths[0] = 1.07e9;
    table.finish_sums();
    let mut rng = rng::stream(1, rng::BLOCKS);
    let mut fees = FeeMarket::mempool(&MempoolParams {
        demand_vbytes_per_s: 1500.0,
        demand_growth_per_year: 0.0,
        fee_rate_median_sat_per_vb: 2.0,
        fee_rate_sigma: 1.0,
        block_vbytes: 1e6,
        max_vbytes: 3e8,
    });
    let mut epoch = EpochStats::new(929_376, bits, 0.0, 1);
    let mut day = DayStats::new(1);
    for d in 0..days {
        let t_end = (d as f64 + 1.0) * 86_400.0;
        while mine_until(
            &mut chain, &table, t_end, &mut rng, &mut fees, &mut epoch, &mut day,
        ) == MineOutcome::EpochEnd
        {
            epoch = EpochStats::new(chain.next_height, chain.bits, chain.time_s, 1);
        }
        day = DayStats::new(1);
    }
    chain.blocks
}

fn baseline(c: &mut Criterion) {
    let scenario = Scenario::load("baseline", &[]).unwrap();
    let ten_years = Scenario::load("baseline", &[set("duration_days=3652")]).unwrap();
    let mut g = c.benchmark_group("baseline");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("5y_in_memory", |b| b.iter(|| black_box(blocks(&scenario))));
    g.bench_function("10y_in_memory", |b| {
        b.iter(|| black_box(blocks(&ten_years)))
    });
    let dir = tempfile::tempdir().unwrap();
    g.bench_function("5y_run_directory", |b| {
        b.iter(|| black_box(hashflight::output::write_run(&scenario, dir.path(), |_| {}).unwrap()))
    });
    // The target: ten years end to end with every output (CSVs, summary,
    // dashboards).
    g.bench_function("10y_run_directory", |b| {
        b.iter(|| black_box(hashflight::output::write_run(&ten_years, dir.path(), |_| {}).unwrap()))
    });
    g.finish();
}

/// The agents' systems on the baseline network split among `miners`
/// generated miners: the daily systems (the `DayStart` schedule: markets, deliveries,
/// each fleet's curtail-or-mine decision with the site's count into the
/// hash table, and the accounts) and the epoch's strategic review. The
/// throughput is agents (miners, each with one site and one fleet), so
/// criterion's elements/s inverts to the time per agent-day (daily) or per
/// agent-epoch (review).
fn agents(c: &mut Criterion) {
    let mut g = c.benchmark_group("agents");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(10));
    for miners in [10_000u64, 100_000] {
        let scenario = Scenario::load(
            "baseline",
            &[
                set(&format!("population.miners={miners}")),
                set("duration_days=30"),
            ],
        )
        .unwrap();
        let mut sim = Simulation::new(&scenario);
        let agents = sim.counts().miners as u64;
        g.throughput(Throughput::Elements(agents));
        // Days 1 to 28 over and over: each site decides on its turn, one
        // day in `strategy.commit_days`, and holds its decision between
        // (day 0, when every site decides, is left out).
        let mut day = 0;
        g.bench_function(format!("daily_{miners}"), |b| {
            b.iter(|| {
                day = day % 28 + 1;
                sim.run_day_start(day)
            })
        });
        g.bench_function(format!("review_{miners}"), |b| {
            b.iter(|| sim.run_review().unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, block_loop, agents, baseline);
criterion_main!(benches);
