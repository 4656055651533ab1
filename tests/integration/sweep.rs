//! Sweeps as a user runs them: outputs, determinism across --jobs, resume
//! after interruption, shards and merge, bad input.

use std::path::Path;

use crate::support::*;

fn sweep_file(dir: &Path, name: &str, days: u32, seeds: u32) -> String {
    let src = format!(
        r#"(
    name: "{name}",
    base: "baseline",
    set: ["duration_days={days}", "population.miners=100"],
    axes: [
        (path: "btc_price.initial_usd", values: [50000, 90000, 130000]),
        (path: "population.power_price_median_usd_per_mwh", range: (start: 35.0, end: 55.0, steps: 3)),
    ],
    seeds: {seeds},
    seed: 5,
)"#
    );
    let path = dir.join(format!("{name}.ron"));
    std::fs::write(&path, src).unwrap();
    path.to_str().unwrap().to_string()
}

fn sweep_dir(root: &Path, name: &str) -> std::path::PathBuf {
    root.join("sweeps").join(name)
}

#[test]
fn a_sweep_writes_runs_points_manifest_and_plots() {
    let tmp = tempfile::tempdir().unwrap();
    let f = sweep_file(tmp.path(), "s", 30, 2);
    let out = ok(&run_in(
        tmp.path(),
        &["sweep", &f, "--out", "o", "--jobs", "2", "-q"],
    ));
    assert!(out.contains("18 runs (9 points × 2 seeds)"), "{out}");
    let d = sweep_dir(&tmp.path().join("o"), "s");
    let runs = read(d.join("runs.csv"));
    assert_eq!(runs.lines().count(), 1 + 18);
    let header = runs.lines().next().unwrap();
    assert!(header.starts_with("id,point,replicate,seed,btc_price.initial_usd,population.power_price_median_usd_per_mwh,blocks,"));
    assert!(header.ends_with(",row_check"));
    assert!(
        !header.contains("wall_time"),
        "runs.csv must not depend on timing"
    );
    let points = read(d.join("points.csv"));
    assert_eq!(points.lines().count(), 1 + 9);
    assert!(
        points
            .lines()
            .next()
            .unwrap()
            .contains("hashrate_decline_pct_median")
    );
    let manifest: serde_json::Value = serde_json::from_str(&read(d.join("manifest.json"))).unwrap();
    assert_eq!(manifest["runs"].as_array().unwrap().len(), 18);
    assert_eq!(manifest["hashflight_version"], env!("CARGO_PKG_VERSION"));
    for f in [
        "sweep-btc_price_initial_usd.png",
        "sweep-population_power_price_median_usd_per_mwh.svg",
        "heatmap-hashrate_decline_pct.png",
        "heatmap-hashrate_decline_pct.svg",
    ] {
        assert!(d.join(f).is_file(), "{f}");
    }
    // Seeds depend on the point, not on its position: a sweep with one
    // more value gives the same row for every old point.
    let bigger = std::fs::read_to_string(&f)
        .unwrap()
        .replace("[50000, 90000, 130000]", "[40000, 50000, 90000, 130000]");
    std::fs::write(tmp.path().join("s.ron"), bigger).unwrap();
    ok(&run_in(tmp.path(), &["sweep", &f, "--out", "o2", "-q"]));
    let runs2 = read(sweep_dir(&tmp.path().join("o2"), "s").join("runs.csv"));
    // Compare all but the point index (its position) and the row check.
    let key = |l: &str| {
        let f: Vec<&str> = l.split(',').collect();
        format!("{},{}", f[0], f[2..f.len() - 1].join(","))
    };
    let new_rows: Vec<String> = runs2.lines().skip(1).map(key).collect();
    for line in runs.lines().skip(1) {
        assert!(new_rows.contains(&key(line)), "row changed: {line}");
    }
}

#[test]
fn jobs_never_change_the_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let f = sweep_file(tmp.path(), "j", 40, 2);
    ok(&run_in(
        tmp.path(),
        &["sweep", &f, "--out", "one", "--jobs", "1", "-q"],
    ));
    ok(&run_in(
        tmp.path(),
        &["sweep", &f, "--out", "two", "--jobs", "2", "-q"],
    ));
    for file in ["runs.csv", "points.csv", "manifest.json"] {
        assert_eq!(
            read(sweep_dir(&tmp.path().join("one"), "j").join(file)),
            read(sweep_dir(&tmp.path().join("two"), "j").join(file)),
            "{file}"
        );
    }
}

#[test]
fn a_torn_last_row_is_redone_and_finished_rows_are_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let f = sweep_file(tmp.path(), "t", 30, 1);
    ok(&run_in(tmp.path(), &["sweep", &f, "--out", "o", "-q"]));
    let d = sweep_dir(&tmp.path().join("o"), "t");
    let full = read(d.join("runs.csv"));
    // Cut the file in the middle of its 6th row, as a kill during a write
    // would, and flip a digit in the row before it.
    let cut = full.match_indices('\n').nth(6).unwrap().0 - 10;
    let mut torn = full[..cut].to_string();
    let fifth = torn.match_indices('\n').nth(4).unwrap().0 + 30;
    let digit = torn.as_bytes()[fifth];
    torn.replace_range(fifth..fifth + 1, if digit == b'1' { "2" } else { "1" });
    std::fs::write(d.join("runs.csv"), torn).unwrap();
    std::fs::remove_file(d.join("points.csv")).unwrap();
    ok(&run_in(tmp.path(), &["sweep", &f, "--out", "o", "-q"]));
    assert_eq!(
        read(d.join("runs.csv")),
        full,
        "the damaged rows are redone, nothing duplicated"
    );
    assert!(d.join("points.csv").is_file());
}

#[test]
fn a_killed_sweep_resumes_to_the_same_result() {
    let tmp = tempfile::tempdir().unwrap();
    let src = sweep_file(tmp.path(), "k", 3000, 8);
    // The uninterrupted reference.
    ok(&run_in(
        tmp.path(),
        &["sweep", &src, "--out", "ref", "--jobs", "2", "-q"],
    ));
    let reference = read(sweep_dir(&tmp.path().join("ref"), "k").join("runs.csv"));
    let mut child = bin()
        .args(["sweep", &src, "--out", "o", "--jobs", "2", "-q"])
        .current_dir(tmp.path())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let d = sweep_dir(&tmp.path().join("o"), "k");
    let partial = std::fs::read_to_string(d.join("runs.csv")).unwrap_or_default();
    assert!(
        partial.lines().count() < 1 + 72,
        "the kill came after the sweep finished: make it longer"
    );
    ok(&run_in(
        tmp.path(),
        &["sweep", &src, "--out", "o", "--jobs", "2", "-q"],
    ));
    assert_eq!(
        read(d.join("runs.csv")),
        reference,
        "resumed from {} rows",
        partial.lines().count()
    );
}

#[test]
fn shards_run_apart_and_merge_into_the_single_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let f = sweep_file(tmp.path(), "m", 30, 2);
    ok(&run_in(tmp.path(), &["sweep", &f, "--out", "single", "-q"]));
    // Three shards as separate processes, as three machines would.
    let children: Vec<_> = (1..=3)
        .map(|k| {
            bin()
                .args([
                    "sweep",
                    &f,
                    "--out",
                    "sharded",
                    "--shard",
                    &format!("{k}/3"),
                    "-q",
                ])
                .current_dir(tmp.path())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let d = sweep_dir(&tmp.path().join("sharded"), "m");
    // Two of three shards: refused, nothing merged.
    let out = run_in(
        tmp.path(),
        &[
            "merge",
            d.join("shards/1-of-3").to_str().unwrap(),
            d.join("shards/2-of-3").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("runs are missing"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!d.join("runs.csv").exists());
    // The same shard twice: a duplicate.
    let s1 = d.join("shards/1-of-3");
    let out = run_in(
        tmp.path(),
        &[
            "merge",
            s1.to_str().unwrap(),
            s1.to_str().unwrap(),
            "--out",
            "dup",
        ],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("recorded twice"));
    ok(&run_in(tmp.path(), &["merge", d.to_str().unwrap()]));
    let single = sweep_dir(&tmp.path().join("single"), "m");
    for file in ["runs.csv", "points.csv"] {
        assert_eq!(read(d.join(file)), read(single.join(file)), "{file}");
    }
    // A shard of another sweep is refused.
    let g = sweep_file(tmp.path(), "other", 31, 2);
    std::fs::write(
        &g,
        std::fs::read_to_string(&g)
            .unwrap()
            .replace("\"other\"", "\"m\""),
    )
    .unwrap();
    ok(&run_in(
        tmp.path(),
        &["sweep", &g, "--out", "foreign", "--shard", "1/3", "-q"],
    ));
    let foreign = sweep_dir(&tmp.path().join("foreign"), "m").join("shards/1-of-3");
    let out = run_in(
        tmp.path(),
        &[
            "merge",
            d.join("shards/2-of-3").to_str().unwrap(),
            foreign.to_str().unwrap(),
            "--out",
            "x",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("shard of another sweep"));
}

/// Each sweep file is refused (exit 2) with a message holding each of its
/// expected parts.
fn refused<const N: usize>(dir: &Path, cases: [(String, Vec<&str>); N]) {
    for (file, expect) in cases {
        let out = run_in(dir, &["sweep", &file, "--out", "o"]);
        assert_eq!(out.status.code(), Some(2), "{file}");
        let err = String::from_utf8_lossy(&out.stderr);
        for e in expect {
            assert!(err.contains(e), "{file}: {err}");
        }
    }
}

#[test]
fn bad_sweeps_are_located_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |name: &str, body: &str| {
        std::fs::write(tmp.path().join(name), body).unwrap();
        name.to_string()
    };
    let cases = [
        (
            write(
                "path.ron",
                "(name: \"b\", base: \"baseline\",\n axes: [(path: \"btc_price.initial_us\", values: [1.0])])",
            ),
            vec![
                "path.ron:2:",
                "field `axes.0.path`",
                "did you mean `initial_usd`",
            ],
        ),
        (
            write(
                "type.ron",
                "(name: \"b\", base: \"baseline\",\n axes: [(path: \"duration_days\", values: [\"\\\"long\\\"\"])])",
            ),
            vec!["type.ron:2:", "field `axes.0.values.0`"],
        ),
        (
            write(
                "empty.ron",
                "(name: \"b\", base: \"baseline\",\n axes: [(path: \"duration_days\", range: (start: 1.0, end: 5.0, steps: 0))])",
            ),
            vec!["empty.ron:2:", "field `axes.0.range`", "empty range"],
        ),
        (
            write(
                "zip.ron",
                "(name: \"b\", base: \"baseline\", design: Zip,\n axes: [(path: \"duration_days\", values: [1, 2]), (path: \"btc_price.initial_usd\", values: [1])])",
            ),
            vec!["zip needs axes of equal length"],
        ),
        // Sweep definitions that were caught late or never: duplicate
        // values (duplicate run ids), two axes on one path, an axis on the
        // seed, an unknown metric.
        (
            write(
                "dup.ron",
                "(name: \"b\", base: \"baseline\",\n axes: [(path: \"duration_days\", values: [5, 6, 5])])",
            ),
            vec!["dup.ron:2:", "field `axes.0.values.2`", "`5` appears twice"],
        ),
        (
            write(
                "twice.ron",
                "(name: \"b\", base: \"baseline\",\n axes: [(path: \"duration_days\", values: [5]),\n (path: \"duration_days\", values: [6])])",
            ),
            vec!["twice.ron:3:", "field `axes.1.path`", "already axis 0"],
        ),
        (
            write(
                "seed.ron",
                "(name: \"b\", base: \"baseline\",\n axes: [(path: \"seed\", values: [1, 2])])",
            ),
            vec!["seed.ron:2:", "field `axes.0.path`", "would change nothing"],
        ),
        (
            write(
                "metric.ron",
                "(name: \"b\", base: \"baseline\", metrics: [\"hashrate_end\"],\n axes: [(path: \"duration_days\", values: [5])])",
            ),
            vec![
                "metric.ron:1:",
                "field `metrics.0`",
                "did you mean `hashrate_end_ehs`",
            ],
        ),
        // Sizes are refused before anything is built (a billion steps
        // would otherwise be allocated and checked one by one).
        (
            write(
                "huge.ron",
                "(name: \"b\", base: \"baseline\",\n axes: [(path: \"duration_days\", range: (start: 1.0, end: 5.0, steps: 1000000000))])",
            ),
            vec![
                "huge.ron:2:",
                "field `axes.0.range`",
                "at most 1000 are allowed",
            ],
        ),
        (
            write(
                "grid.ron",
                &format!(
                    "(name: \"b\", base: \"baseline\",\n axes: [{}])",
                    ["(path: \"seed\", range: (start: 1.0, end: 1000.0, steps: 1000))"; 3]
                        .join(", ")
                ),
            ),
            vec![
                "grid.ron:2:",
                "1000000000 points × 1 seed is more than 10000000 runs",
            ],
        ),
    ];
    refused(tmp.path(), cases);
    let f = sweep_file(tmp.path(), "s", 10, 1);
    let out = run_in(tmp.path(), &["sweep", &f, "--shard", "4/3", "--out", "o"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 ≤ K ≤ N"));
    assert!(!tmp.path().join("o").exists(), "nothing may be written");
}

#[test]
fn latin_hypercube_covers_every_stratum_once() {
    let tmp = tempfile::tempdir().unwrap();
    let src = r#"(name: "lhs", base: "baseline", set: ["duration_days=5", "population.miners=20"],
        design: LatinHypercube(points: 8),
        axes: [(path: "btc_price.initial_usd", range: (start: 10000.0, end: 90000.0, steps: 2)),
               (path: "fees.per_block_btc", range: (start: 0.0, end: 0.8, steps: 2))])"#;
    std::fs::write(tmp.path().join("lhs.ron"), src).unwrap();
    ok(&run_in(
        tmp.path(),
        &["sweep", "lhs.ron", "--out", "o", "-q"],
    ));
    let runs = read(sweep_dir(&tmp.path().join("o"), "lhs").join("runs.csv"));
    let mut strata = [vec![false; 8], vec![false; 8]];
    for line in runs.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let price: f64 = f[4].parse().unwrap();
        let fee: f64 = f[5].parse().unwrap();
        strata[0][((price - 10000.0) / 10000.0) as usize] = true;
        strata[1][(fee / 0.1) as usize] = true;
    }
    assert!(strata.iter().all(|s| s.iter().all(|x| *x)), "{strata:?}");
}

/// `merge` cannot be run twice (a re-queued merge job failed with "give
/// --out"), and `merge --out` must refuse a directory holding another
/// sweep.
#[test]
fn merge_can_be_run_twice_and_refuses_an_out_holding_another_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let f = sweep_file(tmp.path(), "twice", 20, 1);
    for k in 1..=2 {
        let shard = format!("{k}/2");
        ok(&run_in(
            tmp.path(),
            &["sweep", &f, "--out", "s", "--shard", &shard, "-q"],
        ));
    }
    let d = sweep_dir(&tmp.path().join("s"), "twice");
    ok(&run_in(tmp.path(), &["merge", d.to_str().unwrap()]));
    let first = (read(d.join("runs.csv")), read(d.join("points.csv")));
    ok(&run_in(tmp.path(), &["merge", d.to_str().unwrap()]));
    assert_eq!(
        first,
        (read(d.join("runs.csv")), read(d.join("points.csv")))
    );
    // Another sweep's directory as --out: refused, left as it was.
    let g = sweep_file(tmp.path(), "other", 21, 1);
    ok(&run_in(tmp.path(), &["sweep", &g, "--out", "o", "-q"]));
    let other = sweep_dir(&tmp.path().join("o"), "other");
    let before = read(other.join("runs.csv"));
    let out = run_in(
        tmp.path(),
        &[
            "merge",
            d.to_str().unwrap(),
            "--out",
            other.to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("holds another sweep"), "{stderr}");
    assert_eq!(read(other.join("runs.csv")), before);
}

/// The data lines of a sweep plot's SVG (coloured polylines of more than
/// two points: axes and ticks are black, legend keys have two points),
/// each as its number of points.
fn data_lines(svg: &str) -> Vec<usize> {
    svg.split("<polyline")
        .skip(1)
        .filter(|e| !e.contains("stroke=\"#000000\""))
        .filter_map(|e| {
            let pts = e.split("points=\"").nth(1)?.split('"').next()?;
            Some(pts.split_whitespace().count())
        })
        .filter(|&n| n > 2)
        .collect()
}

#[test]
fn sweep_line_plots_invent_no_trends() {
    let tmp = tempfile::tempdir().unwrap();
    let f = sweep_file(tmp.path(), "s", 10, 1);
    ok(&run_in(tmp.path(), &["sweep", &f, "--out", "o", "-q"]));
    let d = sweep_dir(&tmp.path().join("o"), "s");
    // 3 BTC prices × 3 power prices: against each axis, one line per
    // value of the other (3 points each) in each of the 3 metric panels,
    // never one line zig-zagging through all 9 points.
    for axis in [
        "btc_price_initial_usd",
        "population_power_price_median_usd_per_mwh",
    ] {
        let svg = read(d.join(format!("sweep-{axis}.svg")));
        assert_eq!(data_lines(&svg), vec![3; 9], "{axis}");
        assert!(
            svg.contains("population.power_price_median_usd_per_mwh=35")
                || svg.contains("btc_price.initial_usd=50000")
        );
    }
    // Latin-hypercube samples are points, not a line.
    let src = r#"(name: "lhs", base: "baseline", set: ["duration_days=5", "population.miners=20"],
        design: LatinHypercube(points: 6),
        axes: [(path: "btc_price.initial_usd", range: (start: 10000.0, end: 90000.0, steps: 2)),
               (path: "fees.per_block_btc", range: (start: 0.0, end: 0.8, steps: 2))])"#;
    std::fs::write(tmp.path().join("lhs.ron"), src).unwrap();
    ok(&run_in(
        tmp.path(),
        &["sweep", "lhs.ron", "--out", "o", "-q"],
    ));
    let svg = read(sweep_dir(&tmp.path().join("o"), "lhs").join("sweep-btc_price_initial_usd.svg"));
    assert!(data_lines(&svg).is_empty(), "{:?}", data_lines(&svg));
    assert!(
        svg.matches("<circle").count() >= 3 * 6,
        "a marker per sample and metric"
    );
    // A text axis is labelled by its values, in the order written.
    let src = r#"(name: "txt", base: "baseline", set: ["duration_days=5", "population.miners=20"],
        axes: [(path: "chain.difficulty_algorithm", values: ["Bitcoin", "Fixed"])])"#;
    std::fs::write(tmp.path().join("txt.ron"), src).unwrap();
    ok(&run_in(
        tmp.path(),
        &["sweep", "txt.ron", "--out", "o", "-q"],
    ));
    let svg =
        read(sweep_dir(&tmp.path().join("o"), "txt").join("sweep-chain_difficulty_algorithm.svg"));
    // Three panels, each with both ticks.
    assert_eq!(svg.matches("\nBitcoin\n").count(), 3, "tick labels");
    assert_eq!(svg.matches("\nFixed\n").count(), 3, "tick labels");
}

/// Two sweeps started at once into one directory computed every run twice
/// and wedged it ("200 of 100 runs recorded"): a second process now
/// refuses at once, naming the holder, and the directory stays whole.
#[test]
fn no_locking_a_second_sweep_into_one_directory_refuses() {
    let tmp = tempfile::tempdir().unwrap();
    let f = sweep_file(tmp.path(), "s", 20, 2);
    // A lock held by another process (here, this test) is refused.
    let d = sweep_dir(&tmp.path().join("o"), "s");
    std::fs::create_dir_all(&d).unwrap();
    let held = std::fs::File::create(d.join(".lock")).unwrap();
    held.lock().unwrap();
    std::fs::write(d.join(".lock"), "4242\n").unwrap();
    let out = run_in(tmp.path(), &["sweep", &f, "--out", "o", "-q"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("another hashflight process (pid 4242) is writing")
            && err.contains("sweeps/s"),
        "{err}"
    );
    assert!(!d.join("runs.csv").exists() && !d.join("manifest.json").exists());
    held.unlock().unwrap();
    drop(held);
    // Two real processes at once: each finishes or refuses, never both
    // write; the directory ends whole and a third run has nothing to do.
    let spawn = || {
        bin()
            .args(["sweep", &f, "--out", "o", "-q", "--jobs", "1"])
            .current_dir(tmp.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
    let mut finished = 0;
    for o in &outs {
        let err = String::from_utf8_lossy(&o.stderr);
        match o.status.code() {
            Some(0) => finished += 1,
            Some(2) => assert!(err.contains("another hashflight process"), "{err}"),
            c => panic!("exit {c:?}: {err}"),
        }
    }
    assert!(finished >= 1);
    let runs = read(d.join("runs.csv"));
    assert_eq!(runs.lines().count(), 1 + 18, "each run recorded once");
    let again = ok(&run_in(tmp.path(), &["sweep", &f, "--out", "o", "-q"]));
    assert!(again.contains("18 runs"), "{again}");
    assert_eq!(read(d.join("runs.csv")), runs);
    assert!(!d.join(".lock").exists(), "the lock goes with its holder");
}

/// `.partial-PID` directories of a killed sweep were never removed: the
/// next start removes them (under the lock, nobody else can own them).
#[test]
fn partial_leftovers_of_a_killed_sweep_are_removed_on_the_next_start() {
    let tmp = tempfile::tempdir().unwrap();
    let f = sweep_file(tmp.path(), "s", 10, 1);
    ok(&run_in(tmp.path(), &["sweep", &f, "--out", "o", "-q"]));
    let d = sweep_dir(&tmp.path().join("o"), "s");
    for stale in [".finish.partial-4000000", ".merge.partial-4000001"] {
        std::fs::create_dir(d.join(stale)).unwrap();
        std::fs::write(d.join(stale).join("points.csv"), "half").unwrap();
    }
    std::fs::write(d.join(".manifest.json.partial"), "{").unwrap();
    ok(&run_in(tmp.path(), &["sweep", &f, "--out", "o", "-q"]));
    let hidden: Vec<String> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

/// runs.csv lacked six figures of summary.json (revenue from mining and
/// GPU cloud, site sales, AI capex, abandoned conversions, the no-AI
/// hashrate) and the capacity flows: every number a run's summary.json
/// holds (but its timing) is a column, with the same value.
#[test]
fn runs_csv_carries_every_figure_of_summary_json() {
    let tmp = tempfile::tempdir().unwrap();
    let src = r#"(name: "all", base: "baseline", set: ["duration_days=20", "population.miners=50", "counterfactual=true"],
        axes: [(path: "btc_price.initial_usd", values: [90000])])"#;
    std::fs::write(tmp.path().join("all.ron"), src).unwrap();
    ok(&run_in(
        tmp.path(),
        &["sweep", "all.ron", "--out", "o", "-q", "--keep-runs"],
    ));
    let d = sweep_dir(&tmp.path().join("o"), "all");
    let runs = read(d.join("runs.csv"));
    let mut lines = runs.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let id = row[0];
    let kept = std::fs::read_dir(d.join("runs").join(id).join("baseline"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let summary: serde_json::Value =
        serde_json::from_str(&read(kept.join("summary.json"))).unwrap();
    let mut checked = 0;
    for (k, v) in summary.as_object().unwrap() {
        if [
            "scenario",
            "seed",
            "hashflight_version",
            "overrides",
            "command",
            "hashflight_commit",
            "scenario_hash",
            "wall_time_s",
        ]
        .contains(&k.as_str())
        {
            continue;
        }
        let col = head
            .iter()
            .position(|h| h == k)
            .unwrap_or_else(|| panic!("summary.json's `{k}` is not a column of runs.csv"));
        let x = v.as_f64().unwrap_or_else(|| panic!("{k}: {v}"));
        let y: f64 = row[col].parse().unwrap();
        assert!((x - y).abs() <= 1e-12 * x.abs().max(1.0), "{k}: {x} vs {y}");
        checked += 1;
    }
    // And every figure column is a number of summary.json (the columns
    // are id, point, replicate, seed, the axis, the figures, row_check).
    assert_eq!(checked, head.len() - 6);
}

/// A damaged runs.csv (one changed number, a spreadsheet's save, a
/// deleted, swapped or duplicated row, a renamed header, an empty file)
/// used to truncate from the first bad row, or wedge the sweep for good
/// ("row for run … where run … was planned"). Every row whose check holds
/// is kept, only the runs left without one are done again, the warning
/// says what was repaired, and the file ends as the undamaged sweep's.
#[test]
fn damaged_runs_csv_keeps_every_row_whose_check_holds() {
    let tmp = tempfile::tempdir().unwrap();
    let f = sweep_file(tmp.path(), "dmg", 20, 2);
    ok(&run_in(tmp.path(), &["sweep", &f, "--out", "o", "-q"]));
    let d = sweep_dir(&tmp.path().join("o"), "dmg");
    let full = read(d.join("runs.csv"));
    let points = read(d.join("points.csv"));
    let lines: Vec<String> = full.lines().map(String::from).collect();
    assert_eq!(lines.len(), 19);
    let join = |l: &[String]| l.iter().map(|s| format!("{s}\n")).collect::<String>();
    let row4_changed = {
        let mut l = lines.clone();
        let mut cells: Vec<String> = l[4].split(',').map(String::from).collect();
        let k = cells.len() - 5;
        cells[k] = format!("{}1", cells[k]);
        l[4] = cells.join(",");
        join(&l)
    };
    // A spreadsheet writes every seed as `1.00336E+18`.
    let spreadsheet = {
        let mut l = lines.clone();
        for row in l.iter_mut().skip(1) {
            let mut cells: Vec<String> = row.split(',').map(String::from).collect();
            let seed: f64 = cells[3].parse().unwrap();
            cells[3] = format!("{seed:.5E}").replace('E', "E+");
            *row = cells.join(",");
        }
        join(&l)
    };
    let deleted = {
        let mut l = lines.clone();
        l.remove(7);
        join(&l)
    };
    let swapped = {
        let mut l = lines.clone();
        l.swap(3, 11);
        join(&l)
    };
    let duplicated = {
        let mut l = lines.clone();
        let again = l[5].clone();
        l.insert(9, again);
        join(&l)
    };
    let renamed_header = {
        let mut l = lines.clone();
        l[0] = l[0].replace(",seed,", ",Seed,");
        join(&l)
    };
    let cases: [(&str, String, &str); 8] = [
        (
            "a changed number",
            row4_changed,
            "redid 1 run whose row was damaged",
        ),
        (
            "a spreadsheet's save",
            spreadsheet,
            "restored the plan's point, replicate, seed and axis values in 18 of them",
        ),
        (
            "a deleted row",
            deleted,
            "redid 1 run whose row was damaged or missing",
        ),
        ("swapped rows", swapped, "put the rows back in plan order"),
        ("a duplicated row", duplicated, "dropped 1 duplicate row"),
        ("a renamed header", renamed_header, "wrote its header again"),
        ("an empty file", String::new(), ""),
        // Line ends a Windows editor writes: every row kept, the file
        // written again as hashflight writes it.
        ("CRLF line ends", full.replace('\n', "\r\n"), ""),
    ];
    for (what, damaged, says) in cases {
        std::fs::write(d.join("runs.csv"), &damaged).unwrap();
        let out = run_in(tmp.path(), &["sweep", &f, "--out", "o", "-q"]);
        ok(&out);
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(err.contains(says), "{what}: {err}");
        if !says.starts_with("redid") {
            assert!(!err.contains("redid"), "{what}: no run is redone: {err}");
        }
        assert_eq!(read(d.join("runs.csv")), full, "{what}");
        assert_eq!(read(d.join("points.csv")), points, "{what}");
        // Repaired for good: the next start finds nothing to say.
        let again = run_in(tmp.path(), &["sweep", &f, "--out", "o", "-q"]);
        ok(&again);
        assert!(
            !String::from_utf8_lossy(&again.stderr).contains("warning"),
            "{what}"
        );
        assert!(
            std::fs::read_dir(&d).unwrap().all(|e| !e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("partial")),
            "{what}: nothing left aside"
        );
    }
}

/// A damaged manifest.json was reported as "holds another sweep": it says
/// that it is damaged, why the directory cannot be trusted, and the fix;
/// nothing is written.
#[test]
fn a_damaged_manifest_is_named_with_its_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let f = sweep_file(tmp.path(), "m", 10, 1);
    ok(&run_in(tmp.path(), &["sweep", &f, "--out", "o", "-q"]));
    let d = sweep_dir(&tmp.path().join("o"), "m");
    std::fs::write(d.join("manifest.json"), "{half a manif").unwrap();
    let runs = read(d.join("runs.csv"));
    let out = run_in(tmp.path(), &["sweep", &f, "--out", "o", "-q"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("manifest.json is damaged"), "{err}");
    assert!(err.contains("remove it and runs.csv"), "{err}");
    assert_eq!(read(d.join("runs.csv")), runs);
    std::fs::remove_file(d.join("manifest.json")).unwrap();
    std::fs::remove_file(d.join("runs.csv")).unwrap();
    ok(&run_in(tmp.path(), &["sweep", &f, "--out", "o", "-q"]));
    assert_eq!(read(d.join("runs.csv")), runs);
}

/// A sensitivity sweep of the baseline: one parameter that moves the
/// hashrate (the BTC price), one that moves only a security measure (the
/// selfish miner's network share γ), and the power price.
fn sensitivity_file(dir: &Path, name: &str, design: &str) -> String {
    let src = format!(
        r#"(
    name: "{name}",
    base: "baseline",
    // The same machines at every power price: counted as mining, the tail
    // would be resized to mine its hashrate at each.
    set: ["duration_days=30", "population.miners=100", "population.hashrate_basis=Installed"],
    axes: [
        (path: "btc_price.initial_usd", range: (start: 40000.0, end: 140000.0)),
        (path: "security.selfish_mining_gamma", range: (start: 0.0, end: 1.0)),
        (path: "population.power_price_median_usd_per_mwh", range: (start: 30.0, end: 60.0)),
    ],
    design: {design},
    seeds: 2,
    seed: 3,
    metrics: ["hashrate_end_ehs"],
)"#
    );
    let path = dir.join(format!("{name}.ron"));
    std::fs::write(&path, src).unwrap();
    path.to_str().unwrap().to_string()
}

/// The rows of sensitivity.csv for one index: parameter → (value, low, high).
fn indices_of(csv: &str, index: &str) -> Vec<(String, f64, f64, f64)> {
    let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[2] == index)
        .map(|f| (f[1].to_string(), num(f[3]), num(f[4]), num(f[5])))
        .collect()
}

#[test]
fn sensitivity_designs_rank_what_matters_and_shard_like_any_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    // Morris: the price moves the hashrate, γ moves nothing (its runs are
    // the same runs: every point's replicate shares its seed).
    let f = sensitivity_file(tmp.path(), "morris", "Morris(trajectories: 6, levels: 4)");
    let out = run_in(tmp.path(), &["sweep", &f, "--out", "o", "--jobs", "2"]);
    ok(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("what drives each figure"), "{stdout}");
    let d = sweep_dir(&tmp.path().join("o"), "morris");
    let runs = read(d.join("runs.csv"));
    assert_eq!(runs.lines().count(), 1 + 6 * 4 * 2);
    let csv = read(d.join("sensitivity.csv"));
    assert!(
        csv.starts_with("metric,parameter,index,value,low,high\n"),
        "{csv}"
    );
    let mu = indices_of(&csv, "mu_star");
    assert_eq!(mu.len(), 3);
    assert_eq!(mu[0].0, "btc_price.initial_usd", "ranked first: {csv}");
    let gamma = mu
        .iter()
        .find(|r| r.0 == "security.selfish_mining_gamma")
        .unwrap();
    assert_eq!(gamma.1, 0.0, "no effect, no elementary effect: {csv}");
    assert!(
        mu[0].1 > 0.0 && mu[0].2 <= mu[0].1 && mu[0].1 <= mu[0].3,
        "{csv}"
    );
    assert_eq!(indices_of(&csv, "seed_share").len(), 1);
    let html = read(d.join("report.html"));
    assert!(html.contains("hashrate_end_ehs: btc_price.initial_usd") && html.contains("<svg"));
    for f in [
        "sensitivity-hashrate_end_ehs.png",
        "sensitivity-hashrate_end_ehs.svg",
    ] {
        assert!(d.join(f).is_file(), "{f}");
    }
    // Sobol: the two drivers have total indices above zero (at n = 8 their
    // order is within the estimate's noise); γ's is zero, and last.
    let f = sensitivity_file(tmp.path(), "sobol", "Sobol(n: 8)");
    ok(&run_in(tmp.path(), &["sweep", &f, "--out", "single", "-q"]));
    let single = sweep_dir(&tmp.path().join("single"), "sobol");
    assert_eq!(read(single.join("runs.csv")).lines().count(), 1 + 8 * 5 * 2);
    let csv = read(single.join("sensitivity.csv"));
    let st = indices_of(&csv, "ST");
    assert_eq!(st.len(), 3, "{csv}");
    for driver in &st[..2] {
        assert_ne!(driver.0, "security.selfish_mining_gamma", "{csv}");
        assert!(driver.1 > 0.0 && driver.2 > 0.0, "{csv}");
    }
    assert_eq!(st[2].0, "security.selfish_mining_gamma", "{csv}");
    assert_eq!(st[2].1, 0.0, "{csv}");
    // Interrupted (half its rows recorded, the last one torn), it resumes
    // to the same indices.
    let runs = read(single.join("runs.csv"));
    let keep: String = runs.lines().take(41).map(|l| format!("{l}\n")).collect();
    let torn = &runs.lines().nth(41).unwrap()[..20];
    std::fs::write(single.join("runs.csv"), format!("{keep}{torn}")).unwrap();
    std::fs::remove_file(single.join("sensitivity.csv")).unwrap();
    ok(&run_in(tmp.path(), &["sweep", &f, "--out", "single", "-q"]));
    assert_eq!(read(single.join("runs.csv")), runs);
    assert_eq!(read(single.join("sensitivity.csv")), csv);
    // Shards merge into the single sweep's indices byte for byte.
    for k in 1..=2 {
        ok(&run_in(
            tmp.path(),
            &[
                "sweep",
                &f,
                "--out",
                "sharded",
                "--shard",
                &format!("{k}/2"),
                "-q",
            ],
        ));
    }
    let d = sweep_dir(&tmp.path().join("sharded"), "sobol");
    ok(&run_in(tmp.path(), &["merge", d.to_str().unwrap()]));
    for file in ["runs.csv", "points.csv", "sensitivity.csv"] {
        assert_eq!(read(d.join(file)), read(single.join(file)), "{file}");
    }
}

#[test]
fn bad_sensitivity_designs_are_located_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |name: &str, body: &str| {
        std::fs::write(tmp.path().join(name), body).unwrap();
        name.to_string()
    };
    let two = "(path: \"btc_price.initial_usd\", range: (start: 4e4, end: 9e4)), (path: \"population.power_price_median_usd_per_mwh\", range: (start: 30.0, end: 60.0))";
    let cases = [
        (
            write(
                "values.ron",
                &format!(
                    "(name: \"b\", base: \"baseline\", design: Sobol(n: 8),\n axes: [(path: \"duration_days\", values: [5, 6]), {two}])"
                ),
            ),
            vec![
                "values.ron:2:",
                "field `axes.0`",
                "draws each axis from a range",
            ],
        ),
        (
            write(
                "one.ron",
                "(name: \"b\", base: \"baseline\", design: Morris(trajectories: 4, levels: 4),\n axes: [(path: \"btc_price.initial_usd\", range: (start: 4e4, end: 9e4))])",
            ),
            vec!["one.ron:2:", "field `axes`", "at least two axes"],
        ),
        (
            write(
                "power.ron",
                &format!(
                    "(name: \"b\", base: \"baseline\",\n design: Sobol(n: 100), axes: [{two}])"
                ),
            ),
            vec!["power.ron:2:", "field `design`", "power of two", "e.g. 128"],
        ),
        (
            write(
                "levels.ron",
                &format!(
                    "(name: \"b\", base: \"baseline\",\n design: Morris(trajectories: 4, levels: 3), axes: [{two}])"
                ),
            ),
            vec!["levels.ron:2:", "field `design`", "even number"],
        ),
        (
            write(
                "metric.ron",
                &format!(
                    "(name: \"b\", base: \"baseline\", design: Sobol(n: 8),\n metrics: [\"hashrate_decline_vs_no_ai_pct\"], axes: [{two}])"
                ),
            ),
            vec!["metric.ron:2:", "field `metrics.0`", "counterfactual=true"],
        ),
        (
            write(
                "steps.ron",
                "(name: \"b\", base: \"baseline\",\n axes: [(path: \"btc_price.initial_usd\", range: (start: 4e4, end: 9e4))])",
            ),
            vec!["steps.ron:2:", "field `axes.0.range`", "give `steps`"],
        ),
        (
            write(
                "flat.ron",
                "(name: \"b\", base: \"baseline\", design: Sobol(n: 8),\n axes: [(path: \"btc_price.initial_usd\", range: (start: 4e4, end: 4e4)), (path: \"duration_days\", range: (start: 5.0, end: 9.0))])",
            ),
            vec!["flat.ron:2:", "field `axes.0.range`", "varies nothing"],
        ),
    ];
    refused(tmp.path(), cases);
    assert!(!tmp.path().join("o").exists(), "nothing may be written");
}

#[test]
fn a_whole_number_axis_is_drawn_in_whole_numbers() {
    // duration_days takes whole days: a Sobol or Latin-hypercube draw
    // between 20 and 40 is rounded, not refused when the run starts.
    let tmp = tempfile::tempdir().unwrap();
    // (A Latin-hypercube draw ignores `steps`: drawn between 20, 30 and
    // 40 it was 27.4 days, and the run failed.)
    for (name, design, steps) in [
        ("w", "Sobol(n: 4)", ""),
        ("l", "LatinHypercube(points: 6)", ", steps: 3"),
    ] {
        let f = tmp.path().join(format!("{name}.ron"));
        std::fs::write(
            &f,
            format!("(name: \"{name}\", base: \"baseline\", set: [\"population.miners=50\"], design: {design},\n axes: [(path: \"duration_days\", range: (start: 20.0, end: 40.0{steps})), (path: \"btc_price.initial_usd\", range: (start: 4e4, end: 9e4))])"),
        )
        .unwrap();
        ok(&run_in(
            tmp.path(),
            &["sweep", f.to_str().unwrap(), "--out", "o", "-q"],
        ));
        let runs = read(sweep_dir(&tmp.path().join("o"), name).join("runs.csv"));
        for line in runs.lines().skip(1) {
            let days: f64 = line.split(',').nth(4).unwrap().parse().unwrap();
            assert!(
                days.fract() == 0.0 && (20.0..=40.0).contains(&days),
                "{line}"
            );
        }
    }
}
