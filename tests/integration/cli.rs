//! The binary as a user runs it: run, check, scenarios, overrides, run
//! directories, determinism.

use crate::support::*;

const SHORT: &[&str] = &[
    "--set",
    "duration_days=45",
    "--set",
    "population.miners=200",
    "-q",
];

fn run_baseline(dir: &std::path::Path, extra: &[&str]) -> String {
    let mut args = vec!["run", "baseline", "--out", "out"];
    args.extend_from_slice(SHORT);
    args.extend_from_slice(extra);
    ok(&run_in(dir, &args))
}

#[test]
fn run_writes_a_complete_run_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let stdout = run_baseline(tmp.path(), &["--seed", "7"]);
    let run = tmp.path().join("out/baseline/seed-7");
    assert!(stdout.contains("out/baseline/seed-7"), "{stdout}");
    for f in hashflight::output::RUN_FILES {
        assert!(run.join(f).is_file(), "{f} missing");
    }
    let summary: serde_json::Value = serde_json::from_str(&read(run.join("summary.json"))).unwrap();
    assert_eq!(summary["seed"], 7);
    assert_eq!(summary["days"], 45);
    assert!(summary["blocks"].as_u64().unwrap() > 45 * 120);
    let days = read(run.join("days.csv"));
    assert_eq!(days.lines().count(), 46, "header + 45 days");
    let epochs = read(run.join("epochs.csv"));
    let header = epochs.lines().next().unwrap();
    for col in [
        "epoch",
        "start_height",
        "start_time_s",
        "end_time_s",
        "duration_s",
        "bits",
        "difficulty",
        "hashrate_ehs",
        "mean_block_interval_s",
        "max_block_interval_s",
        "btc_price_usd",
        "subsidy_btc",
        "fees_btc",
        "hashprice_usd_per_ph_day",
        "mining_mw",
        "curtailed_mw",
        "active_miners",
    ] {
        assert!(
            header.split(',').any(|c| c == col),
            "epochs.csv lacks {col}"
        );
    }
    // 45 days hold three full epochs and a partial fourth.
    assert_eq!(epochs.lines().count(), 1 + 4);
    // Nothing but the run directory is left behind.
    let names: Vec<_> = std::fs::read_dir(tmp.path().join("out/baseline"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("seed-7")]);
}

#[test]
fn same_seed_same_bytes_other_seed_other_results() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    run_baseline(&a, &["--seed", "3"]);
    run_baseline(&b, &["--seed", "3"]);
    for f in [
        "scenario.ron",
        "epochs.csv",
        "days.csv",
        "dashboard.svg",
        "dashboard.png",
    ] {
        let (x, y) = (
            a.join("out/baseline/seed-3").join(f),
            b.join("out/baseline/seed-3").join(f),
        );
        assert_eq!(std::fs::read(x).unwrap(), std::fs::read(y).unwrap(), "{f}");
    }
    let strip = |p: std::path::PathBuf| {
        let mut v: serde_json::Value = serde_json::from_str(&read(p)).unwrap();
        v.as_object_mut().unwrap().remove("wall_time_s");
        v
    };
    assert_eq!(
        strip(a.join("out/baseline/seed-3/summary.json")),
        strip(b.join("out/baseline/seed-3/summary.json"))
    );
    run_baseline(&b, &["--seed", "4"]);
    assert_ne!(
        read(b.join("out/baseline/seed-3/epochs.csv")),
        read(b.join("out/baseline/seed-4/epochs.csv"))
    );
}

#[test]
fn the_resolved_scenario_reproduces_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    run_baseline(
        tmp.path(),
        &["--seed", "11", "--set", "btc_price.initial_usd=70000"],
    );
    let first = tmp.path().join("out/baseline/seed-11");
    let copy = tmp.path().join("again.ron");
    std::fs::copy(first.join("scenario.ron"), &copy).unwrap();
    ok(&run_in(
        tmp.path(),
        &["run", "again.ron", "--out", "second", "-q"],
    ));
    let second = tmp.path().join("second/baseline/seed-11");
    for f in ["scenario.ron", "epochs.csv", "days.csv"] {
        assert_eq!(read(first.join(f)), read(second.join(f)), "{f}");
    }
    assert!(read(first.join("days.csv")).contains(",70000.0,"));
}

/// The README's own `hashflight run baseline --set … --set
/// duration_days=365` replaced the five-year run without a word, and the
/// new dashboard kept the five-year title: a run of another scenario in
/// the directory now needs --force, and title and summary.json say the
/// overrides.
#[test]
fn silent_overwrite_a_run_with_other_overrides_needs_force() {
    let tmp = tempfile::tempdir().unwrap();
    run_baseline(tmp.path(), &[]);
    let run = tmp.path().join("out/baseline/seed-1");
    let before = read(run.join("days.csv"));
    let other = [
        "run",
        "baseline",
        "--out",
        "out",
        "-q",
        "--set",
        "duration_days=5",
        "--set",
        "population.miners=20",
    ];
    let out = run_in(tmp.path(), &other);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("seed-1 holds a run of another scenario (it differs in duration_days, population.miners)")
            && err.contains("--force"),
        "{err}"
    );
    assert_eq!(read(run.join("days.csv")), before, "the run is kept");
    // The same scenario again replaces its run (same files).
    run_baseline(tmp.path(), &[]);
    assert_eq!(read(run.join("days.csv")), before);
    // Forced, it is replaced whole; the overrides are recorded.
    let mut forced = other.to_vec();
    forced.push("--force");
    ok(&run_in(tmp.path(), &forced));
    let summary: serde_json::Value = serde_json::from_str(&read(run.join("summary.json"))).unwrap();
    assert_eq!(
        summary["overrides"],
        serde_json::json!(["duration_days=5", "population.miners=20"])
    );
    let svg = read(run.join("dashboard.svg"));
    assert!(
        svg.contains("with duration_days=5, population.miners=20"),
        "the title says the overrides"
    );
    // A directory that is not a run is not replaced either.
    std::fs::create_dir_all(tmp.path().join("out/baseline/seed-9")).unwrap();
    let out = run_in(tmp.path(), &["run", "--out", "out", "-q", "--seed", "9"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a run directory"));
}

#[test]
fn a_rerun_replaces_the_directory_whole() {
    let tmp = tempfile::tempdir().unwrap();
    run_baseline(tmp.path(), &[]);
    let mut args = vec!["run", "baseline", "--out", "out", "-q", "--force"];
    args.extend_from_slice(&["--set", "duration_days=5", "--set", "population.miners=20"]);
    ok(&run_in(tmp.path(), &args));
    let days = read(tmp.path().join("out/baseline/seed-1/days.csv"));
    assert_eq!(days.lines().count(), 6);
    assert_eq!(
        std::fs::read_dir(tmp.path().join("out/baseline"))
            .unwrap()
            .count(),
        1
    );
}

#[test]
fn overrides_set_any_field_by_path() {
    let tmp = tempfile::tempdir().unwrap();
    run_baseline(
        tmp.path(),
        &[
            "--set",
            "btc_price.model=Gbm(drift_per_year: 0.0, volatility_per_year: 0.8)",
            "--set",
            "chain.difficulty_algorithm=Fixed",
            "--set",
            "miners.0.sites.0.power_price_usd_per_mwh=41.5",
        ],
    );
    let resolved = read(tmp.path().join("out/baseline/seed-1/scenario.ron"));
    assert!(
        resolved.contains("model: Gbm(") && resolved.contains("volatility_per_year: 0.8,"),
        "{resolved}"
    );
    assert!(resolved.contains("difficulty_algorithm: Fixed"));
    assert!(resolved.contains("power_price_usd_per_mwh: 41.5"));
    // Fixed difficulty: every epoch has the starting bits.
    let epochs = read(tmp.path().join("out/baseline/seed-1/epochs.csv"));
    assert!(
        epochs.lines().skip(1).all(|l| l.contains(",0x1701e605,")),
        "{epochs}"
    );
}

#[test]
fn bad_scenarios_are_located_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("bad.ron"),
        "(\n  name: \"bad\",\n  chain: (start_height: 1000),\n  population: (pools: [(pool: \"Nobody\", share: 1.0)]),\n)\n",
    )
    .unwrap();
    let out = run_in(tmp.path(), &["run", "bad.ron", "--out", "out"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.ron:3:25: field `chain.start_height`"),
        "{err}"
    );
    assert!(err.contains("multiple of 2016"), "{err}");
    assert!(
        err.contains("bad.ron:4:31: field `population.pools.0.pool`: no pool named `Nobody`"),
        "{err}"
    );
    assert!(!tmp.path().join("out").exists(), "nothing may be written");

    std::fs::write(
        tmp.path().join("typo.ron"),
        "(name: \"t\",\n btc_price: (initial_usd: \"lots\"))",
    )
    .unwrap();
    let out = run_in(tmp.path(), &["check", "typo.ron", "bad.ron"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("typo.ron:2:"), "{err}");
    assert!(err.contains("field `btc_price.initial_usd`"), "{err}");
    assert!(err.contains("2 of 2 file(s) invalid"), "{err}");

    let out = run_in(
        tmp.path(),
        &["run", "baseline", "--set", "btc_price.initial_usdd=1"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `initial_usd`"));

    let out = run_in(tmp.path(), &["run", "no-such-scenario"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("shipped: baseline"));
}

#[test]
fn check_and_scenarios_accept_what_ships() {
    let tmp = tempfile::tempdir().unwrap();
    let listed = ok(&run_in(tmp.path(), &["scenarios"]));
    assert!(listed.starts_with("baseline "), "{listed}");
    let root = env!("CARGO_MANIFEST_DIR");
    let out = ok(&run_in(
        tmp.path(),
        &[
            "check",
            &format!("{root}/scenarios/baseline.ron"),
            "baseline",
        ],
    ));
    assert_eq!(out.lines().count(), 2);
    // A file that sets only its name is valid.
    std::fs::write(tmp.path().join("min.ron"), "(name: \"min\")").unwrap();
    ok(&run_in(tmp.path(), &["check", "min.ron"]));
    // Sweep files are checked as sweeps: the shipped ones pass, and a bad
    // axis is named with its line and column.
    let out = ok(&run_in(
        tmp.path(),
        &["check", &format!("{root}/scenarios/sweeps/ci-smoke.ron")],
    ));
    assert!(
        out.contains("(sweep ci-smoke, 6 points × 3 seeds)"),
        "{out}"
    );
    std::fs::write(
        tmp.path().join("sweep.ron"),
        "(name: \"s\", base: \"baseline\",\n axes: [(path: \"btc_price.initial_usdd\", values: [1.0])], seeds: 1)",
    )
    .unwrap();
    let out = run_in(tmp.path(), &["check", "sweep.ron", "min.ron"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sweep.ron:2:"), "{err}");
    assert!(err.contains("1 of 2 file(s) invalid"), "{err}");
}

#[test]
fn golden_epochs_for_a_fixed_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = data("golden.ron");
    ok(&run_in(
        tmp.path(),
        &["run", scenario.to_str().unwrap(), "--out", "out", "-q"],
    ));
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let files: Vec<_> = ["epochs.csv", "days.csv"]
        .iter()
        .map(|f| {
            (
                golden.join(format!("golden-{f}")),
                read(tmp.path().join("out/golden/seed-42").join(f)),
            )
        })
        .collect();
    check_golden(&files);
}

#[test]
fn every_run_draws_a_dashboard_without_empty_panels() {
    let tmp = tempfile::tempdir().unwrap();
    run_baseline(tmp.path(), &[]);
    let run = tmp.path().join("out/baseline/seed-1");
    let png = std::fs::read(run.join("dashboard.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        png.len() > 50_000,
        "a dashboard with text and lines, got {} bytes",
        png.len()
    );
    let svg = read(run.join("dashboard.svg"));
    for title in [
        "Hashrate by state",
        "Difficulty",
        "Block interval per epoch",
        "Hashprice",
        "Pool concentration (HHI)",
    ] {
        assert!(svg.contains(title), "panel {title} missing");
    }
    // Sites pivot to AI in the baseline: the panel is drawn.
    assert!(svg.contains("AI / HPC capacity"));
    // Without the AI option nothing pivots: the panel is left out, not
    // drawn empty.
    run_baseline(tmp.path(), &["--set", "ai.enabled=false", "--force"]);
    let svg = read(run.join("dashboard.svg"));
    assert!(!svg.contains("AI / HPC capacity"));
}

#[test]
fn compare_overlays_runs_and_seed_groups() {
    let tmp = tempfile::tempdir().unwrap();
    for seed in ["1", "2", "3"] {
        run_baseline(tmp.path(), &["--seed", seed]);
    }
    run_baseline(
        tmp.path(),
        &[
            "--set",
            "name=\"expensive\"",
            "--set",
            "btc_price.initial_usd=150000",
        ],
    );
    let out = ok(&run_in(
        tmp.path(),
        &[
            "compare",
            "out/baseline/seed-1",
            "out/baseline/seed-2",
            "out/baseline/seed-3",
            "out/expensive/seed-1",
            "--out",
            "cmp",
        ],
    ));
    assert_eq!(out.lines().count(), 3);
    let csv = read(tmp.path().join("cmp/compare.csv"));
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains("baseline (3 seeds) median") && header.contains("baseline (3 seeds) p95"),
        "{header}"
    );
    assert!(csv.lines().any(|l| l.starts_with("hashrate_decline_pct,")));
    let svg = read(tmp.path().join("cmp/compare.svg"));
    assert!(svg.contains("expensive seed 1") && svg.contains("baseline (3 seeds)"));
    assert!(tmp.path().join("cmp/compare.png").is_file());

    // Refusals.
    let out = run_in(tmp.path(), &["compare", "out/baseline", "--out", "cmp2"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a run directory"));
    // A run whose days are not on the daily grid (hand-edited, or not a
    // hashflight run) cannot be put on the shared axis.
    let bent = tmp.path().join("bent");
    std::fs::create_dir_all(&bent).unwrap();
    for f in ["scenario.ron", "epochs.csv", "summary.json"] {
        std::fs::copy(tmp.path().join("out/baseline/seed-2").join(f), bent.join(f)).unwrap();
    }
    let days = read(tmp.path().join("out/baseline/seed-2/days.csv")).replacen(
        ",172800.0,",
        ",170000.0,",
        1,
    );
    std::fs::write(bent.join("days.csv"), days).unwrap();
    let out = run_in(
        tmp.path(),
        &["compare", "out/baseline/seed-1", "bent", "--out", "cmp3"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot align"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run_in(
        tmp.path(),
        &[
            "compare",
            "out/baseline/seed-1",
            "--metrics",
            "hashrate_eh",
            "--out",
            "cmp4",
        ],
    );
    // `compare --metrics` without "did you mean": it suggests the column.
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("unknown metric `hashrate_eh`; did you mean `hashrate_ehs`?"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!tmp.path().join("cmp2").exists() && !tmp.path().join("cmp3").exists());
}

#[test]
fn a_csv_price_path_is_followed_and_bad_paths_are_located() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("scen");
    std::fs::create_dir(&dir).unwrap();
    // The baseline starts 2025-12-25; the path starts earlier and covers
    // the run's five days.
    let good = "date,usd\n2025-12-24,1\n2025-12-25,90000\n2025-12-26,85000\n2025-12-27,80000\n2025-12-28,88000\n2025-12-29,91000\n";
    std::fs::write(dir.join("prices.csv"), good).unwrap();
    std::fs::write(
        dir.join("path.ron"),
        "(name: \"path\", duration_days: 5, btc_price: (model: Path(csv: \"prices.csv\")),\n population: (miners: 50))",
    )
    .unwrap();
    // Run from elsewhere: the CSV is found beside the scenario.
    ok(&run_in(
        tmp.path(),
        &["run", "scen/path.ron", "--out", "out", "--quiet"],
    ));
    let days = read(tmp.path().join("out/path/seed-1/days.csv"));
    let prices: Vec<f64> = days
        .lines()
        .skip(1)
        .map(|l| {
            let header: Vec<&str> = days.lines().next().unwrap().split(',').collect();
            let i = header.iter().position(|h| *h == "btc_price_usd").unwrap();
            l.split(',').nth(i).unwrap().parse().unwrap()
        })
        .collect();
    assert_eq!(prices, [90000.0, 85000.0, 80000.0, 88000.0, 91000.0]);
    // The resolved scenario names the file absolutely: it re-runs anywhere.
    let resolved = read(tmp.path().join("out/path/seed-1/scenario.ron"));
    assert!(
        resolved.contains(&format!("{}", dir.join("prices.csv").display())),
        "{resolved}"
    );

    for (csv, expect) in [
        (
            "date,usd\n2025-12-25,90000\n2025-12-27,1\n",
            "prices.csv:3:1: field `btc_price.model.csv`: 2025-12-27 does not follow 2025-12-25",
        ),
        (
            "date,usd\n2025-12-25,90000\n26/12/2025,1\n",
            "prices.csv:3:1: field `btc_price.model.csv`: `26/12/2025` is not a date",
        ),
        (
            "date,usd\n2025-12-25,-5\n",
            "prices.csv:2:12: field `btc_price.model.csv`: the price must be a positive number",
        ),
        (
            "day,price\n2025-12-25,1\n",
            "prices.csv:1:1: field `btc_price.model.csv`: the header must be `date,usd`",
        ),
        (
            "date,usd\n2025-12-25,90000\n2025-12-26,1\n",
            "the path must cover every day of the run, 2025-12-25 to 2025-12-29; it has 2 of its 5 days",
        ),
        (
            "date,usd\n2025-12-26,90000\n",
            "the path starts after the run does",
        ),
    ] {
        std::fs::write(dir.join("prices.csv"), csv).unwrap();
        let out = run_in(tmp.path(), &["run", "scen/path.ron", "--out", "bad-out"]);
        assert_eq!(out.status.code(), Some(2), "{csv}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{csv}: {err}");
        assert!(
            !tmp.path().join("bad-out").exists(),
            "nothing may be written"
        );
    }
}

#[test]
fn counterfactual_runs_report_the_decline_against_no_ai() {
    let tmp = tempfile::tempdir().unwrap();
    // A year: over the first weeks, the machines of sites sold to AI are
    // bought second hand for idle MW sooner than new machines arrive.
    const YEAR: [&str; 2] = ["--set", "duration_days=365"];
    let stdout = run_baseline(tmp.path(), &["--counterfactual", YEAR[0], YEAR[1]]);
    assert!(stdout.contains("without the AI option"), "{stdout}");
    let summary = |dir: &str| -> serde_json::Value {
        serde_json::from_str(&read(
            tmp.path().join(dir).join("baseline/seed-1/summary.json"),
        ))
        .unwrap()
    };
    let v = summary("out");
    let with = v["hashrate_last_365_days_ehs"].as_f64().unwrap();
    let without = v["hashrate_last_365_days_no_ai_ehs"].as_f64().unwrap();
    let vs = v["hashrate_decline_vs_no_ai_pct"].as_f64().unwrap();
    // The counterfactual is the same seed run on its own without the AI
    // option, to the last digit.
    let mut args = vec![
        "run",
        "baseline",
        "--out",
        "no-ai",
        "--set",
        "ai.enabled=false",
    ];
    args.extend_from_slice(SHORT);
    args.extend_from_slice(&YEAR);
    ok(&run_in(tmp.path(), &args));
    let alone = summary("no-ai");
    assert_eq!(Some(without), alone["hashrate_last_365_days_ehs"].as_f64());
    assert!(alone["hashrate_decline_vs_no_ai_pct"].is_null());
    // Sites leave mining for AI within the year, so the run with the
    // option has less hashrate than the one without.
    let left: f64 = [
        "ai_mw_end",
        "gpu_cloud_mw_end",
        "converting_mw_end",
        "sold_mw_end",
    ]
    .iter()
    .map(|k| v[k].as_f64().unwrap())
    .sum();
    assert!(left > 0.0, "{v}");
    assert!(with < without && vs > 0.0, "{with} vs {without}: {vs}");
    // (The three figures went through JSON, hence the tolerance.)
    assert!((vs - (without - with) / without * 100.0).abs() < 1e-9);
    // Without the flag the fields are null (another scenario: it replaces
    // the run only when forced).
    run_baseline(tmp.path(), &["--force"]);
    let v: serde_json::Value =
        serde_json::from_str(&read(tmp.path().join("out/baseline/seed-1/summary.json"))).unwrap();
    assert!(v["hashrate_decline_vs_no_ai_pct"].is_null());
}

#[test]
fn runs_write_pools_and_regions_in_long_form() {
    let tmp = tempfile::tempdir().unwrap();
    run_baseline(tmp.path(), &[]);
    let run = tmp.path().join("out/baseline/seed-1");
    let pools = read(run.join("pools.csv"));
    let regions = read(run.join("regions.csv"));
    assert!(
        pools.starts_with("day,pool,hashrate_ehs,blocks\n"),
        "{pools}"
    );
    assert!(regions.starts_with("day,region,hashrate_ehs,online,power_price_factor,ai_mw\n"));
    let days = read(run.join("days.csv")).lines().count() - 1;
    // One row per pool (13) and per region (8) per day.
    assert_eq!(pools.lines().count() - 1, days * 13);
    assert_eq!(regions.lines().count() - 1, days * 8);
    // The pools' blocks add up to the day's blocks.
    let blocks: u64 = pools
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("3,"))
        .map(|l| l.rsplit(',').next().unwrap().parse::<u64>().unwrap())
        .sum();
    let day3 = read(run.join("days.csv"))
        .lines()
        .nth(4)
        .unwrap()
        .to_string();
    assert_eq!(
        day3.split(',').nth(3).unwrap().parse::<u64>().unwrap(),
        blocks
    );
}

/// Panics on stdout errors (a closed pipe): `hashflight check … | head -1`
/// must end quietly once its reader has gone, not panic.
#[test]
fn stdout_errors_do_not_panic_a_closed_pipe_ends_quietly() {
    let root = env!("CARGO_MANIFEST_DIR");
    let files: Vec<String> = hashflight::scenario::shipped::SHIPPED
        .iter()
        .map(|s| format!("{root}/{}", s.path))
        .collect();
    // A pipe whose reader has gone before the first line is written.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = bin()
        .arg("check")
        .args(&files)
        .stdout(writer)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

/// Panics on stdout errors (a full disk): the write error is an error
/// (exit 2) with its message.
#[test]
fn stdout_errors_do_not_panic_a_full_stdout_is_an_error() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // no /dev/full on this system
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["check", "baseline"])
        .current_dir(tmp.path())
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: writing to standard output: No space left on device"),
        "{stderr}"
    );
}

/// A hang that `check` passed: a hashrate beyond any physical range
/// (1e300 EH/s overflowed hashes per second and looped forever) is refused
/// by `check` as by `run`, and nothing is written.
#[test]
fn a_hang_that_check_passes_is_refused_by_check_and_run() {
    let tmp = tempfile::tempdir().unwrap();
    let set = [
        "--set",
        "population.hashrate_ehs=1e300",
        "--set",
        "duration_days=1",
    ];
    for cmd in [
        &["check", "baseline"][..],
        &["run", "baseline", "--out", "out", "-q"][..],
    ] {
        let args: Vec<&str> = cmd.iter().chain(&set).copied().collect();
        let out = run_in(tmp.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("field `population.hashrate_ehs`: must be > 0 and at most 1e6 EH/s"),
            "{stderr}"
        );
    }
    assert!(!tmp.path().join("out").exists());
}

/// A hang that `check` passed: a difficulty that cannot keep up (fixed at
/// the proof-of-work limit under 1 EH/s: 2.3e8 blocks a second) ends the
/// run with an error naming what to check, and leaves no run behind.
#[test]
fn a_hang_that_check_passes_a_runaway_block_rate_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("runaway.ron"),
        r#"(name: "runaway", duration_days: 3,
            chain: (difficulty_algorithm: Fixed, start_bits: 0x1d00ffff),
            miners: [(name: "m", pool: "Foundry", sites: [(name: "s", region: "US", power_mw: 20.0,
                power_price_usd_per_mwh: 0.0, fleets: [(hashrate_ehs: 1.0, efficiency_j_per_th: 17.5)])])],
            population: (miners: 0))"#,
    )
    .unwrap();
    let out = run_in(tmp.path(), &["run", "runaway.ron", "--out", "out", "-q"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("day 0: more than 1440000 blocks in a day"),
        "{stderr}"
    );
    assert!(stderr.contains("chain.start_bits"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(tmp.path().join("out/runaway"))
        .unwrap()
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// A UTF-8 BOM in a scenario or sweep file gave "1:1: Expected opening
/// (": it is accepted, and positions count from after it.
#[test]
fn a_utf8_bom_in_a_scenario_or_sweep_file_is_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("bom.ron"),
        "\u{feff}(name: \"bom\", duration_days: 2)",
    )
    .unwrap();
    ok(&run_in(tmp.path(), &["check", "bom.ron"]));
    std::fs::write(
        tmp.path().join("bad.ron"),
        "\u{feff}(name: \"bad\", duration_days: 0)",
    )
    .unwrap();
    let out = run_in(tmp.path(), &["check", "bad.ron"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.ron:1:30: field `duration_days`"),
        "{stderr}"
    );
    std::fs::write(
        tmp.path().join("sw.ron"),
        "\u{feff}(name: \"sw\", base: \"baseline\", set: [\"duration_days=2\", \"population.miners=10\"],\n axes: [(path: \"btc_price.initial_usd\", values: [90000])], seeds: 1)",
    )
    .unwrap();
    ok(&run_in(
        tmp.path(),
        &["sweep", "sw.ron", "--out", "o", "-q"],
    ));
}

/// The operating-behaviour fields are checked like every other: the field
/// named with its allowed values, and nothing written.
/// `run baseline --set SET` in `dir` fails as bad input (exit 2), saying
/// `says`.
fn refused_run(dir: &std::path::Path, set: &str, says: &str) {
    let out = run_in(
        dir,
        &["run", "baseline", "--out", "out", "-q", "--set", set],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{set}: {stderr}");
    assert!(stderr.contains(says), "{set}: {stderr}");
}

#[test]
fn operating_behaviour_fields_out_of_range_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    for (set, says) in [
        (
            "strategy.commit_days=0",
            "field `strategy.commit_days`: must be 1 to 90 days",
        ),
        (
            "strategy.mothball_after_days=0",
            "field `strategy.mothball_after_days`: must be at least 1 day",
        ),
        (
            "power.take_or_pay_share=1.5",
            "field `power.take_or_pay_share`",
        ),
        (
            "asics.frontier_floor_j_per_th=20",
            "field `asics.frontier_floor_j_per_th`: must be from 0 to asics.frontier_j_per_th (13.5), got 20",
        ),
        (
            "asics.supply_ehs_per_year=0",
            "field `asics.supply_ehs_per_year`: must be > 0",
        ),
        (
            "population.hashrate_basis=Mining(hashprice_usd_per_ph_day: 0.0)",
            "field `population.hashrate_basis.hashprice_usd_per_ph_day`: must be between 0.01 and 1000000, got 0",
        ),
        (
            "population.hashrate_basis=Mined",
            "field `population.hashrate_basis`",
        ),
    ] {
        refused_run(tmp.path(), set, says);
    }
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn capacity_fields_out_of_range_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    for (set, says) in [
        (
            "strategy.growth_equity_share=1.5",
            "field `strategy.growth_equity_share`: must be between 0 and 1, got 1.5",
        ),
        (
            "strategy.build_usd_per_mw=-1",
            "field `strategy.build_usd_per_mw`",
        ),
        (
            "strategy.build_lead_days=4000",
            "field `strategy.build_lead_days`: must be at most 3650 days, got 4000",
        ),
        (
            "strategy.used_listing_days=0",
            "field `strategy.used_listing_days`: must be 1 to 3650 days, got 0",
        ),
        (
            "strategy.entrant_mw_per_year=-10",
            "field `strategy.entrant_mw_per_year`: must be between 0 and 1000000, got -10",
        ),
        (
            "strategy.entrant_site_mw=0",
            "field `strategy.entrant_site_mw`: must be between 1 and 100000, got 0",
        ),
        (
            "pipeline=[(day: 2000, hashrate_ehs: 1.0, efficiency_j_per_th: 15.0)]",
            "field `pipeline.0.day`: must be a day of the run (0 to 1825), got 2000",
        ),
        (
            "pipeline=[(day: 10, power_mw: -5.0, hashrate_ehs: 1.0, efficiency_j_per_th: 15.0)]",
            "field `pipeline.0.power_mw`",
        ),
        (
            "pipeline=[(day: 10, hashrate_ehs: 1.0, efficiency_j_per_th: 0.0)]",
            "field `pipeline.0.efficiency_j_per_th`",
        ),
    ] {
        refused_run(tmp.path(), set, says);
    }
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn an_event_at_a_height_the_run_can_never_reach_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let set = r#"events=[(height: 1000000000000, event: RegionOnline(region: "US"))]"#;
    for args in [
        &["check", "baseline", "--set", set][..],
        &["run", "baseline", "--out", "out", "-q", "--set", set][..],
    ] {
        let cmd = args[0];
        let out = run_in(tmp.path(), args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {stderr}");
        assert!(
            stderr.contains("field `events.0.height`: height 1000000000000 can never be reached"),
            "{cmd}: {stderr}"
        );
    }
    assert!(!tmp.path().join("out").exists());
    // A height within reach is fine.
    let out = run_in(
        tmp.path(),
        &[
            "check",
            "baseline",
            "--set",
            r#"events=[(height: 935000, event: RegionOnline(region: "US"))]"#,
        ],
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_negative_count_says_what_the_field_takes() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("neg.ron"),
        "(name: \"neg\", duration_days: -5)\n",
    )
    .unwrap();
    for (args, says) in [
        (
            &["check", "neg.ron"][..],
            "neg.ron:1:31: field `duration_days`: Integer is out of bounds: this field takes a whole number of days from 1 to 73050",
        ),
        (
            &["check", "baseline", "--set", "population.miners=-1"][..],
            "field `population.miners`: Integer is out of bounds: this field takes a whole number, 0 or more",
        ),
    ] {
        let out = run_in(tmp.path(), args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
    }
}

#[test]
fn a_run_without_blocks_reports_no_interval_rather_than_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_in(
        tmp.path(),
        &[
            "run",
            "baseline",
            "--out",
            "out",
            "--set",
            "duration_days=1",
            "--set",
            "population.miners=0",
            "--set",
            "miners=[]",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("0 blocks in 1 days"), "{stdout}");
    assert!(
        stdout.contains("no block mined, so no block interval"),
        "{stdout}"
    );
    assert!(!stdout.contains("mean block interval 0.0 s"), "{stdout}");
    // Undefined values are not written as 0 either: no interval and no
    // concentration without blocks or hashrate (an HHI of 0 would read as
    // perfectly dispersed mining).
    let dir = tmp.path().join("out/baseline/seed-1");
    let summary: serde_json::Value = serde_json::from_str(&read(dir.join("summary.json"))).unwrap();
    for k in ["mean_block_interval_s", "pool_hhi_end", "firm_hhi_end"] {
        assert!(summary[k].is_null(), "{k}: {}", summary[k]);
    }
    let days = read(dir.join("days.csv"));
    let mut lines = days.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    for k in [
        "pool_hhi",
        "firm_hhi",
        "template_hhi",
        "pool_gini",
        "pool_hhi_blocks",
    ] {
        let i = header
            .iter()
            .position(|h| *h == k)
            .unwrap_or_else(|| panic!("{k}"));
        assert_eq!(row[i], "", "{k} is undefined on a day without hashrate");
    }
}

#[test]
fn out_problems_of_compare_and_sweep_name_the_path_once() {
    let tmp = tempfile::tempdir().unwrap();
    run_baseline(tmp.path(), &[]);
    std::fs::write(tmp.path().join("afile"), "x").unwrap();
    let sweep =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sweeps/ci-smoke.ron");
    for (args, says) in [
        (
            vec!["compare", "out/baseline/seed-1", "--out", "afile/sub"],
            "error: writing the comparison into afile/sub: Not a directory",
        ),
        (
            vec!["sweep", sweep.to_str().unwrap(), "--out", "afile/sub", "-q"],
            "error: writing the sweep under afile/sub: Not a directory",
        ),
    ] {
        let out = run_in(tmp.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
        assert_eq!(stderr.matches("Not a directory").count(), 1, "{stderr}");
    }
}

/// Concurrent runs of one scenario and seed sometimes failed and stranded
/// a finished run in a hidden partial directory: the second now refuses
/// at once, and what a killed run left is removed by the next one.
#[test]
fn no_locking_concurrent_runs_of_one_seed_and_partial_leftovers() {
    let tmp = tempfile::tempdir().unwrap();
    let args = [
        "run",
        "--out",
        "out",
        "-q",
        "--set",
        "duration_days=30",
        "--set",
        "population.miners=50",
    ];
    // What a killed run left: its staging directory and a half-replaced
    // old run.
    let parent = tmp.path().join("out/baseline");
    std::fs::create_dir_all(parent.join(".seed-1.partial-4000000")).unwrap();
    std::fs::write(parent.join(".seed-1.partial-4000000/days.csv"), "day\n0\n").unwrap();
    std::fs::create_dir_all(parent.join(".seed-1.old-4000000")).unwrap();
    // A run of another seed is another target: its leftovers stay.
    std::fs::create_dir_all(parent.join(".seed-2.partial-4000000")).unwrap();
    let spawn = || {
        bin()
            .args(args)
            .current_dir(tmp.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let runs: Vec<_> = (0..3).map(|_| spawn()).collect();
    let mut finished = 0;
    for r in runs {
        let o = r.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        match o.status.code() {
            Some(0) => finished += 1,
            Some(2) => assert!(
                err.contains("another hashflight process (pid ") && err.contains("seed-1"),
                "{err}"
            ),
            c => panic!("exit {c:?}: {err}"),
        }
    }
    assert!(finished >= 1);
    let mut names: Vec<String> = std::fs::read_dir(&parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, vec![".seed-2.partial-4000000", "seed-1"]);
    assert_eq!(read(parent.join("seed-1/days.csv")).lines().count(), 31);
}

/// `compare` labelled three runs of one scenario with other overrides
/// "baseline seed 1" three times, wrote a 64-bit seed through an f64, and
/// gave medians of seeds and wall times: runs are now labelled by what
/// differs between them, seeds are exact and those medians left empty.
#[test]
fn compare_labels_runs_by_what_differs() {
    let tmp = tempfile::tempdir().unwrap();
    for (out, price) in [("a", "60000"), ("b", "90000"), ("c", "120000")] {
        let mut args = vec![
            "run",
            "baseline",
            "--out",
            out,
            "--seed",
            "9007199254740993",
        ];
        args.extend_from_slice(SHORT);
        let set = format!("btc_price.initial_usd={price}");
        args.extend_from_slice(&["--set", &set]);
        ok(&run_in(tmp.path(), &args));
    }
    ok(&run_in(
        tmp.path(),
        &[
            "run", "baseline", "--out", "d", "--seed", "2", SHORT[0], SHORT[1], SHORT[2], SHORT[3],
            "-q",
        ],
    ));
    let seed_dir = "baseline/seed-9007199254740993";
    let dirs: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|o| format!("{o}/{seed_dir}"))
        .collect();
    let mut args = vec!["compare", "--out", "cmp"];
    args.extend(dirs.iter().map(String::as_str));
    ok(&run_in(tmp.path(), &args));
    let svg = read(tmp.path().join("cmp/compare.svg"));
    for price in ["60000", "90000", "120000"] {
        assert!(
            svg.contains(&format!(
                "btc_price.initial_usd={price} seed 9007199254740993"
            )),
            "{price}"
        );
    }
    assert!(!svg.contains("baseline seed 9007199254740993"));
    let csv = read(tmp.path().join("cmp/compare.csv"));
    let seed_row = csv.lines().find(|l| l.starts_with("seed,")).unwrap();
    assert_eq!(
        seed_row,
        "seed,9007199254740993,9007199254740993,9007199254740993"
    );
    // Two seeds of one scenario form a group; its seed and wall-time
    // medians are empty.
    let mut args = vec!["compare", "--out", "cmp2", &dirs[1], "d/baseline/seed-2"];
    args.push(&dirs[0]);
    ok(&run_in(tmp.path(), &args));
    let csv = read(tmp.path().join("cmp2/compare.csv"));
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains("btc_price.initial_usd=90000 (2 seeds) median"),
        "{header}"
    );
    let seed_row = csv.lines().find(|l| l.starts_with("seed,")).unwrap();
    assert!(seed_row.ends_with(",,,"), "{seed_row}");
    let wall = csv.lines().find(|l| l.starts_with("wall_time_s,")).unwrap();
    assert!(wall.ends_with(",,,"), "{wall}");
}

/// `--set chain.difficulty_algorithm=Asert` said only "Expected opening
/// `(`": a bare variant that takes fields now names them, as the schema
/// has them.
#[test]
fn a_bare_variant_that_takes_fields_names_them() {
    let tmp = tempfile::tempdir().unwrap();
    for (set, expect) in [
        (
            "chain.difficulty_algorithm=Asert",
            "`Asert` takes fields here: write `Asert(half_life_s: …)`",
        ),
        (
            "btc_price.model=Gbm",
            "write `Gbm(drift_per_year: …, volatility_per_year: …)`",
        ),
    ] {
        let out = run_in(tmp.path(), &["check", "baseline", "--set", set]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(expect), "{set}: {err}");
    }
}

/// A user who installed only the binary had no way to see a shipped
/// scenario or sweep, and shipped sweeps could not be run by name.
#[test]
fn show_prints_shipped_files_and_shipped_sweeps_run_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let shown = ok(&run_in(tmp.path(), &["show", "halving-2028"]));
    assert_eq!(
        shown.trim_end(),
        read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/halving-2028.ron"))
            .trim_end()
    );
    // What `show` prints is a file a user can start from.
    std::fs::write(tmp.path().join("mine.ron"), &shown).unwrap();
    ok(&run_in(tmp.path(), &["check", "mine.ron"]));
    let sweep = ok(&run_in(tmp.path(), &["show", "ci-smoke"]));
    assert!(sweep.contains("name: \"ci-smoke\""), "{sweep}");
    let out = run_in(tmp.path(), &["show", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("baseline") && err.contains("ci-smoke"),
        "{err}"
    );
    let listed = ok(&run_in(tmp.path(), &["scenarios"]));
    assert!(
        listed.contains("ci-smoke") && listed.contains("bench-throughput"),
        "{listed}"
    );
    // A shipped sweep runs by name, its checks included.
    let ran = ok(&run_in(
        tmp.path(),
        &["sweep", "ci-smoke", "--out", "o", "-q"],
    ));
    assert!(ran.contains("18 runs (6 points × 3 seeds)"), "{ran}");
    assert!(tmp.path().join("o/sweeps/ci-smoke/checks.csv").is_file());
    let out = run_in(tmp.path(), &["sweep", "no-such-sweep", "--out", "o"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("shipped: ci-smoke"));
}

/// Scripts had to scrape report lines: `--json` on run, sweep and merge
/// prints one JSON object, and a dry run plans without writing.
#[test]
fn json_results_and_a_dry_run_that_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ok(&run_in(
        tmp.path(),
        &["run", "--set", "duration_days=5", "--out", "o", "--json"],
    ));
    let v: serde_json::Value = serde_json::from_str(&out).expect("one JSON object");
    assert_eq!(v["dir"], "o/baseline/seed-1");
    assert_eq!(v["summary"]["days"], 5);
    let f = tmp.path().join("s.ron");
    std::fs::write(
        &f,
        r#"(name: "s", base: "baseline", set: ["duration_days=10", "population.miners=20"],
            axes: [(path: "btc_price.initial_usd", values: [60000, 90000])], seeds: 2,
            checks: [(metric: "blocks", between: (1.0, 100000.0))])"#,
    )
    .unwrap();
    let dry = ok(&run_in(
        tmp.path(),
        &["sweep", "s.ron", "--out", "d", "--dry-run", "--jobs", "2"],
    ));
    assert!(
        dry.contains("4 runs (2 points × 2 seeds) with 2 jobs"),
        "{dry}"
    );
    assert!(dry.contains("0 already recorded, 4 to run"), "{dry}");
    assert!(dry.contains("estimated"), "{dry}");
    assert!(!tmp.path().join("d").exists(), "a dry run writes nothing");
    for shard in ["1/2", "2/2"] {
        let v: serde_json::Value = serde_json::from_str(&ok(&run_in(
            tmp.path(),
            &["sweep", "s.ron", "--out", "d", "--shard", shard, "--json"],
        )))
        .unwrap();
        assert_eq!(v["runs"], 2);
        assert_eq!(v["checks"].as_array().unwrap().len(), 0);
    }
    let merged: serde_json::Value =
        serde_json::from_str(&ok(&run_in(tmp.path(), &["merge", "d/sweeps/s", "--json"]))).unwrap();
    assert_eq!(merged["passed"], true);
    assert_eq!(merged["checks"].as_array().unwrap().len(), 2);
    let dry: serde_json::Value = serde_json::from_str(&ok(&run_in(
        tmp.path(),
        &["sweep", "s.ron", "--out", "d", "--dry-run", "--json"],
    )))
    .unwrap();
    assert_eq!(
        (dry["recorded"].as_u64(), dry["to_run"].as_u64()),
        (Some(4), Some(0))
    );
}

/// summary.json and manifest.json did not say how they were made: they
/// record the command (without the options that change only where or how
/// it is written), the commit and a hash of the resolved scenario.
#[test]
fn provenance_is_recorded_in_summary_and_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    ok(&run_in(
        tmp.path(),
        &[
            "run",
            "--set",
            "duration_days=3",
            "--seed",
            "4",
            "--out",
            "o",
            "-q",
        ],
    ));
    let dir = tmp.path().join("o/baseline/seed-4");
    let s: serde_json::Value = serde_json::from_str(&read(dir.join("summary.json"))).unwrap();
    assert_eq!(
        s["command"],
        "hashflight run --set duration_days=3 --seed 4"
    );
    let commit = s["hashflight_commit"].as_str().unwrap();
    assert!(commit == "unknown" || commit.len() == 40, "{commit}");
    // The hash is of the resolved scenario: the same from its scenario.ron.
    ok(&run_in(
        tmp.path(),
        &["run", "o/baseline/seed-4/scenario.ron", "--out", "p", "-q"],
    ));
    let again: serde_json::Value =
        serde_json::from_str(&read(tmp.path().join("p/baseline/seed-4/summary.json"))).unwrap();
    assert_eq!(again["scenario_hash"], s["scenario_hash"]);
    assert_eq!(s["scenario_hash"].as_str().unwrap().len(), 16);
    ok(&run_in(
        tmp.path(),
        &["run", "--set", "duration_days=4", "--out", "q", "-q"],
    ));
    let other: serde_json::Value =
        serde_json::from_str(&read(tmp.path().join("q/baseline/seed-1/summary.json"))).unwrap();
    assert_ne!(other["scenario_hash"], s["scenario_hash"]);
    let sweep =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sweeps/ci-smoke.ron");
    ok(&run_in(
        tmp.path(),
        &[
            "sweep",
            sweep.to_str().unwrap(),
            "--out",
            "o",
            "--jobs",
            "2",
            "-q",
        ],
    ));
    let m: serde_json::Value =
        serde_json::from_str(&read(tmp.path().join("o/sweeps/ci-smoke/manifest.json"))).unwrap();
    assert_eq!(
        m["command"],
        format!("hashflight sweep {}", sweep.display())
    );
    assert_eq!(m["hashflight_commit"], commit);
}

/// The README wrote shocks and events as tuples (`[(day, multiply_by)]`)
/// and a user who wrote `(21, 0.8)` was told "Found invalid std
/// identifier "21", try the raw identifier `r#21`": fields are named, the
/// README says so (its examples run in docs::the_readme_commands_run_as_written),
/// and the error says how to write them.
#[test]
fn positional_fields_are_told_to_be_named() {
    let tmp = tempfile::tempdir().unwrap();
    for set in [
        "btc_price.shocks=[(21, 0.8)]",
        "events=[(day: 3, event: RegionCurtail(\"US\", 0.5, 3))]",
    ] {
        let out = run_in(tmp.path(), &["check", "baseline", "--set", set]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("fields are written by name here"),
            "{set}: {err}"
        );
        assert!(!err.contains("r#21"), "{err}");
    }
    ok(&run_in(
        tmp.path(),
        &[
            "check",
            "baseline",
            "--set",
            "btc_price.shocks=[(day: 21, multiply_by: 0.8)]",
        ],
    ));
}

#[test]
fn an_ensemble_of_seeds_with_its_counterfactual_kept_as_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let args = |jobs: &str, out: &str| {
        vec![
            "run".to_string(),
            "ai-landgrab".into(),
            "--seeds".into(),
            "2..4".into(),
            "--counterfactual".into(),
            "--set".into(),
            "duration_days=90".into(),
            "--set".into(),
            "population.miners=60".into(),
            "--jobs".into(),
            jobs.into(),
            "--out".into(),
            out.into(),
            "-q".into(),
        ]
    };
    let run = |a: Vec<String>| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        run_in(tmp.path(), &a)
    };
    let out = run(args("2", "a"));
    ok(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("hashrate lost against the same seed without AI"),
        "{stdout}"
    );
    let root = tmp.path().join("a/ai-landgrab");
    let ens = root.join("ensemble-2-4");
    for seed in 2..=4 {
        let d = root.join(format!("seed-{seed}"));
        // The counterfactual is a run directory of its own.
        for f in ["scenario.ron", "days.csv", "summary.json", "dashboard.png"] {
            assert!(d.join("no-ai").join(f).is_file(), "seed {seed}: no-ai/{f}");
        }
        assert!(read(d.join("no-ai/scenario.ron")).contains("counterfactual: false"));
        // The run's dashboard draws it beside the run.
        assert!(read(d.join("dashboard.svg")).contains("without the AI option"));
    }
    let csv = read(ens.join("ensemble.csv"));
    assert!(
        csv.starts_with("figure,runs,mean,sd,median,p05,p25,p75,p95\n"),
        "{csv}"
    );
    // Every summary figure, the difference from no AI with its band.
    let vs = csv
        .lines()
        .find(|l| l.starts_with("hashrate_decline_vs_no_ai_pct,"))
        .unwrap();
    let f: Vec<f64> = vs.split(',').skip(1).map(|x| x.parse().unwrap()).collect();
    assert_eq!(f[0], 3.0, "three seeds: {vs}");
    // runs, mean, sd, median, p05, p25, p75, p95.
    assert!(
        f[4] <= f[5] && f[5] <= f[3] && f[3] <= f[6] && f[6] <= f[7],
        "{vs}"
    );
    // The median of hashrate_end_ehs is the middle seed's.
    let ends: Vec<f64> = (2..=4)
        .map(|s| {
            let j: serde_json::Value =
                serde_json::from_str(&read(root.join(format!("seed-{s}/summary.json")))).unwrap();
            j["hashrate_end_ehs"].as_f64().unwrap()
        })
        .collect();
    let mut sorted = ends.clone();
    sorted.sort_by(f64::total_cmp);
    let end = csv
        .lines()
        .find(|l| l.starts_with("hashrate_end_ehs,"))
        .unwrap();
    assert_eq!(
        end.split(',').nth(4).unwrap().parse::<f64>().unwrap(),
        sorted[1]
    );
    let days = read(ens.join("ensemble-days.csv"));
    assert_eq!(days.lines().count(), 1 + 90);
    let head = days.lines().next().unwrap();
    for col in [
        "hashrate_ehs_median",
        "hashrate_ehs_p25",
        "hashrate_no_ai_ehs_p95",
        "hashrate_vs_no_ai_ehs_median",
    ] {
        assert!(head.split(',').any(|c| c == col), "{col}: {head}");
    }
    assert!(read(ens.join("dashboard.svg")).contains("50 % of seeds"));
    // A self-contained report: the question, the answer with its bands,
    // the plots inline, nothing fetched.
    for page in [ens.join("report.html"), root.join("seed-2/report.html")] {
        let html = read(&page);
        for part in [
            "The question.",
            "The answer",
            "<svg",
            "What was run",
            "Provenance",
        ] {
            assert!(html.contains(part), "{}: {part}", page.display());
        }
        assert!(
            !html.contains("http://") || !html.contains("src=\"http"),
            "{}",
            page.display()
        );
    }
    assert!(read(ens.join("report.html")).contains("50 % of seeds:"));
    // Byte-identical at one job.
    ok(&run(args("1", "b")));
    let other = tmp.path().join("b/ai-landgrab/ensemble-2-4");
    for f in ["ensemble.csv", "ensemble-days.csv"] {
        assert_eq!(read(ens.join(f)), read(other.join(f)), "{f}");
    }
}

#[test]
fn bad_seed_lists_are_refused_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    for bad in ["0", "5..1", "1..x", "..4"] {
        let out = run_in(tmp.path(), &["run", "--seeds", bad, "--out", "o"]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--seeds"), "{bad}: {err}");
    }
    let out = run_in(
        tmp.path(),
        &["run", "--seeds", "3", "--seed", "2", "--out", "o"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!tmp.path().join("o").exists(), "nothing may be written");
}
