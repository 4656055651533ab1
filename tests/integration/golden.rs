//! A golden file per shipped scenario: each runs with its own events and
//! seed over its whole horizon, on a small population (at most 100
//! generated miners) so the suite stays quick, and its epochs.csv and
//! summary.json must match tests/golden/scenarios/ byte for byte. Any
//! change of results is then a visible decision: re-bless with
//! `HASHFLIGHT_BLESS=1 cargo test --release golden` and review the diff.

use crate::support::{check_golden, ok, read, run_in};
use hashflight::scenario::Scenario;
use hashflight::scenario::shipped::SHIPPED;

/// Generated miners at most, in the golden runs.
const MINERS: u64 = 100;

#[test]
fn golden_files_for_every_shipped_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/scenarios");
    let mut files = Vec::new();
    for s in SHIPPED {
        let spec = Scenario::load(s.name, &[]).unwrap();
        let miners = spec.spec().population.miners.min(MINERS);
        let seed = spec.spec().seed;
        let set = format!("population.miners={miners}");
        ok(&run_in(
            tmp.path(),
            &["run", s.name, "--set", &set, "--out", "out", "-q"],
        ));
        let run = tmp.path().join(format!("out/{}/seed-{seed}", s.name));
        // Every number in the summary but the wall time is deterministic;
        // the commit changes with every commit.
        let summary: String = read(run.join("summary.json"))
            .lines()
            .filter(|l| !l.contains("\"wall_time_s\"") && !l.contains("\"hashflight_commit\""))
            .map(|l| format!("{l}\n"))
            .collect();
        for (file, got) in [
            ("epochs.csv", read(run.join("epochs.csv"))),
            ("summary.json", summary),
        ] {
            files.push((golden.join(format!("{}-{file}", s.name)), got));
        }
    }
    check_golden(&files);
}

/// The table a golden mismatch prints names the columns that moved, how
/// many cells, and by how much.
#[test]
fn a_golden_mismatch_says_what_moved() {
    let pinned = "day,hashrate_ehs,bits\n0,100,0x17\n1,200,0x17\n";
    let got = "day,hashrate_ehs,bits\n0,100,0x17\n1,202,0x18\n";
    let table = crate::support::what_moved(pinned, got);
    let row = |name: &str| {
        table
            .lines()
            .find(|l| l.starts_with(name))
            .map(str::to_string)
    };
    assert!(row("day").is_none(), "{table}");
    let h = row("hashrate_ehs").unwrap();
    assert!(h.contains(" 1 ") && h.contains("9.901e-3"), "{table}");
    assert!(row("bits").unwrap().contains("inf"), "{table}");
    let summary = crate::support::what_moved(
        "{\n  \"blocks\": 10,\n  \"x\": 1.0,\n",
        "{\n  \"blocks\": 11,\n  \"x\": 1.0,\n",
    );
    assert!(
        summary.contains("blocks") && !summary.contains("\nx "),
        "{summary}"
    );
}
