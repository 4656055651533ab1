//! A golden file per shipped scenario: each runs with its own events and
//! seed over its whole horizon, on a small population (at most 100
//! generated miners) so the suite stays quick, and its epochs.csv and
//! summary.json must match tests/golden/scenarios/ byte for byte. Any
//! change of results is then a visible decision: re-bless with
//! `HASHFLIGHT_BLESS=1 cargo test --release golden` and review the diff.

use crate::support::{ok, read, run_in};
use hashflight::scenario::Scenario;
use hashflight::scenario::shipped::SHIPPED;

/// Generated miners at most, in the golden runs.
const MINERS: u64 = 100;

#[test]
fn golden_files_for_every_shipped_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/scenarios");
    let bless = std::env::var_os("HASHFLIGHT_BLESS").is_some();
    if bless {
        std::fs::create_dir_all(&golden).unwrap();
    }
    let mut changed = Vec::new();
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
        // Every number in the summary but the wall time is deterministic.
        let summary: String = read(run.join("summary.json"))
            .lines()
            .filter(|l| !l.contains("\"wall_time_s\""))
            .map(|l| format!("{l}\n"))
            .collect();
        for (file, got) in [
            ("epochs.csv", read(run.join("epochs.csv"))),
            ("summary.json", summary),
        ] {
            let pinned = golden.join(format!("{}-{file}", s.name));
            if bless {
                std::fs::write(&pinned, &got).unwrap();
            }
            if !pinned.exists() || got != read(&pinned) {
                changed.push(format!("{}: {file}", s.name));
            }
        }
    }
    assert!(
        changed.is_empty(),
        "results changed for {changed:?}: if intended, re-bless with HASHFLIGHT_BLESS=1 and review the diff"
    );
}
