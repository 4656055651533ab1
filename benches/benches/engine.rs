//! Speed of the engine: the block loop alone (blocks per second), the
//! agents' systems (time per agent-day), and the shipped baseline end to
//! end, in memory and with its run directory.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hashflight::scenario::{Override, Scenario};
use hashflight::sim::{DayStart, Simulation};

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
    // The target: ten years end to end with every output (CSVs, summary,
    // dashboards).
    g.bench_function("10y_run_directory", |b| {
        b.iter(|| black_box(hashflight::output::write_run(&ten_years, dir.path(), |_| {}).unwrap()))
    });
    g.finish();
}

/// The agents' systems on the baseline network split among `miners`
/// generated miners: the daily systems ([`DayStart`]: markets, deliveries,
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
            &[set(&format!("population.miners={miners}")), set("duration_days=30")],
        )
        .unwrap();
        let mut sim = Simulation::new(&scenario);
        let agents = sim.counts().miners as u64;
        g.throughput(Throughput::Elements(agents));
        g.bench_function(format!("daily_{miners}"), |b| {
            b.iter(|| sim.world_mut().run_schedule(DayStart))
        });
        g.bench_function(format!("review_{miners}"), |b| {
            b.iter(|| hashflight::agents::review::review(sim.world_mut()))
        });
    }
    g.finish();
}

criterion_group!(benches, block_loop, agents, baseline);
criterion_main!(benches);
