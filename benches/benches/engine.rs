//! Speed of the engine: the block loop alone (blocks per second) and the
//! shipped baseline end to end, in memory and with its run directory.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hashflight::scenario::{Override, Scenario};
use hashflight::sim::Simulation;

fn set(s: &str) -> Override {
    Override::parse(s).unwrap()
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
    let blocks = Simulation::new(&scenario).run_to_memory().unwrap().summary.blocks;
    let mut g = c.benchmark_group("block_loop");
    g.throughput(Throughput::Elements(blocks));
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("10y_one_pool", |b| {
        b.iter(|| black_box(Simulation::new(&scenario).run_to_memory().unwrap().summary.blocks))
    });
    g.finish();
}

fn baseline(c: &mut Criterion) {
    let scenario = Scenario::load("baseline", &[]).unwrap();
    let ten_years = Scenario::load("baseline", &[set("duration_days=3652")]).unwrap();
    let mut g = c.benchmark_group("baseline");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("5y_in_memory", |b| {
        b.iter(|| black_box(Simulation::new(&scenario).run_to_memory().unwrap().summary.blocks))
    });
    g.bench_function("10y_in_memory", |b| {
        b.iter(|| black_box(Simulation::new(&ten_years).run_to_memory().unwrap().summary.blocks))
    });
    let dir = tempfile::tempdir().unwrap();
    g.bench_function("5y_run_directory", |b| {
        b.iter(|| black_box(hashflight::output::write_run(&scenario, dir.path(), |_| {}).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, block_loop, baseline);
criterion_main!(benches);
