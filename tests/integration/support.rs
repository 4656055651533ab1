//! Helpers: run the real binary in temp dirs, build small scenarios.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hashflight"))
}

/// Runs the binary with `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs")
}

pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

pub fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Hashrate (EH/s) at which blocks come every 1,209,600 / 2015 s at `bits`.
pub fn equilibrium_ehs(bits: u32) -> f64 {
    hashflight::consensus::difficulty::expected_hashes_per_block(bits)
        / (1_209_600.0 / 2015.0)
        / 1e18
}

/// Two regions, A and B, each with one miner holding `ehs_each` EH/s of
/// free-powered machines that never curtail; no generated population.
pub fn two_regions(name: &str, days: u32, bits: u32, ehs_each: f64, events: &str) -> String {
    let miner = |n: &str| {
        format!(
            r#"(name: "{n}", pool: "P{n}", sites: [(name: "s", region: "{n}", power_mw: {mw}, power_price_usd_per_mwh: 0.0,
                fleets: [(hashrate_ehs: {ehs_each}, efficiency_j_per_th: 17.5)])])"#,
            mw = ehs_each * 17.5 * 1.01
        )
    };
    format!(
        r#"(
    name: "{name}",
    duration_days: {days},
    chain: (start_height: 0, start_bits: {bits}, start_time_unix_s: 1700000000),
    btc_price: (initial_usd: 50000.0, model: Constant, shocks: []),
    pools: [(name: "PA", fee_pct: 0.0), (name: "PB", fee_pct: 0.0)],
    miners: [{a}, {b}],
    population: (miners: 0, hashrate_ehs: 0.0),
    events: [{events}],
)"#,
        a = miner("A"),
        b = miner("B"),
    )
}
