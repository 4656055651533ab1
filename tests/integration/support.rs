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
    // Two fixed sites: no new MW (free power would double them).
    strategy: (build: false),
)"#,
        a = miner("A"),
        b = miner("B"),
    )
}

/// Checks results against files pinned under tests/golden/, each a
/// (path, text): with `HASHFLIGHT_BLESS` set they are written instead.
/// On a mismatch it fails with, for each file that changed, a table of
/// what moved: per CSV column (or per JSON field) the cells that differ
/// and the largest relative difference.
pub fn check_golden(files: &[(PathBuf, String)]) {
    if std::env::var_os("HASHFLIGHT_BLESS").is_some() {
        for (path, got) in files {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, got).unwrap();
        }
        return;
    }
    let mut report = String::new();
    for (path, got) in files {
        let pinned = std::fs::read_to_string(path).unwrap_or_default();
        if &pinned != got {
            report += &format!("\n{}:\n{}", path.display(), what_moved(&pinned, got));
        }
    }
    assert!(
        report.is_empty(),
        "results changed; if intended, re-bless with HASHFLIGHT_BLESS=1 cargo test --release golden and review the diff{report}"
    );
}

/// (column, cells that differ, largest relative difference) for two CSV
/// texts or two JSON objects, as a table.
pub fn what_moved(pinned: &str, got: &str) -> String {
    let columns = |text: &str| -> Vec<(String, Vec<String>)> {
        if text.trim_start().starts_with('{') {
            // A JSON object written one field a line (as summary.json is).
            return text
                .lines()
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| {
                    let k = k.trim().trim_matches('"').to_string();
                    (k, vec![v.trim().trim_end_matches(',').to_string()])
                })
                .collect();
        }
        let mut lines = text.lines();
        let header: Vec<String> = lines
            .next()
            .unwrap_or("")
            .split(',')
            .map(String::from)
            .collect();
        let mut cols: Vec<(String, Vec<String>)> =
            header.into_iter().map(|h| (h, Vec::new())).collect();
        for line in lines {
            for (c, cell) in cols.iter_mut().zip(line.split(',')) {
                c.1.push(cell.to_string());
            }
        }
        cols
    };
    let (a, b) = (columns(pinned), columns(got));
    let mut out = format!("{:<40} {:>8} {:>14}\n", "column", "differ", "max rel. diff");
    for (name, new) in &b {
        let Some((_, old)) = a.iter().find(|(n, _)| n == name) else {
            out += &format!("{name:<40} {:>8} {:>14}\n", "new", "");
            continue;
        };
        let mut differ = old.len().abs_diff(new.len());
        let mut rel: f64 = 0.0;
        for (x, y) in old.iter().zip(new) {
            if x != y {
                differ += 1;
                if let (Ok(x), Ok(y)) = (x.parse::<f64>(), y.parse::<f64>()) {
                    rel = rel.max((x - y).abs() / x.abs().max(y.abs()).max(f64::MIN_POSITIVE));
                } else {
                    rel = f64::INFINITY;
                }
            }
        }
        if differ > 0 {
            out += &format!("{name:<40} {differ:>8} {rel:>14.3e}\n");
        }
    }
    for (name, _) in a.iter().filter(|(n, _)| !b.iter().any(|(m, _)| m == n)) {
        out += &format!("{name:<40} {:>8} {:>14}\n", "gone", "");
    }
    out
}
