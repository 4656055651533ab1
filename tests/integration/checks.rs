//! Sweeps as CI checks, as a user puts them in CI: checks in the sweep
//! file (pass, fail with exit 3 and by how much, refused when they name
//! what the sweep does not have), `hashflight diff` telling a changed
//! parameter from another seed, and the workflow files running commands
//! the CLI has.

use std::path::{Path, PathBuf};

use crate::support::*;

/// A 3 × 2 grid of short runs (BTC price × power price), five seeds a
/// point (three could not bound a lumpy figure's noise: idle MW moves by
/// whole sites), from base seed `seed`, with extra fixed overrides and
/// checks.
fn sweep_with(dir: &Path, file: &str, seed: u64, set: &str, checks: &str) -> String {
    let src = format!(
        r#"(
    name: "c",
    base: "baseline",
    set: ["duration_days=30", "population.miners=100"{set}],
    axes: [
        (path: "btc_price.initial_usd", values: [50000, 90000, 130000]),
        (path: "population.power_price_median_usd_per_mwh", values: [35, 55]),
    ],
    seeds: 5,
    seed: {seed},
    checks: [{checks}],
)"#
    );
    std::fs::write(dir.join(file), src).unwrap();
    file.to_string()
}

fn code(out: &std::process::Output) -> Option<i32> {
    out.status.code()
}

fn text(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A points.csv's median of `figure` at a point given by its two values.
fn median(points: &str, btc: &str, power: &str, figure: &str) -> f64 {
    let mut lines = points.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = head
        .iter()
        .position(|h| *h == format!("{figure}_median"))
        .unwrap();
    lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|r| r[1] == btc && r[2] == power)
        .map(|r| r[col].parse().unwrap())
        .unwrap()
}

const HOLDS: &str = r#"
        (metric: "mean_block_interval_s", between: (400.0, 800.0)),
        (metric: "hashrate_end_ehs", stat: Median, along: "btc_price.initial_usd", at: [("population.power_price_median_usd_per_mwh", 55)], trend: Increasing),"#;

#[test]
fn checks_that_hold_pass_and_a_miss_exits_3_saying_which_and_by_how_much() {
    let tmp = tempfile::tempdir().unwrap();
    // A band no 30-day run can reach: end hashrate above 5,000 EH/s.
    let missed = r#"
        (metric: "hashrate_end_ehs", at: [("btc_price.initial_usd", "90000"), ("population.power_price_median_usd_per_mwh", 35)], between: (5000.0, 6000.0)),"#;
    let f = sweep_with(tmp.path(), "c.ron", 5, "", &format!("{HOLDS}{missed}"));
    let out = run_in(
        tmp.path(),
        &["sweep", &f, "--out", "o", "--jobs", "2", "-q"],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(code(&out), Some(3), "{stdout}\n{stderr}");
    let dir = tmp.path().join("o/sweeps/c");
    let points = read(dir.join("points.csv"));
    let got = median(&points, "90000", "35", "hashrate_end_ehs");
    assert!(got < 5000.0, "{got}");
    // The table names the failing check, the point and the shortfall.
    let fail = stdout
        .lines()
        .find(|l| l.contains("FAIL"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(fail.starts_with("checks.2 "), "{fail}");
    assert!(
        fail.contains("btc_price.initial_usd=90000 population.power_price_median_usd_per_mwh=35"),
        "{fail}"
    );
    let short = hashflight::sweep::checks::show(5000.0 - got);
    assert!(fail.contains(&format!("{short} below the band")), "{fail}");
    assert!(stdout.contains("checks: 1 of 8 failed"), "{stdout}");
    // checks.csv holds every verdict: the band at each of the 6 points,
    // the trend in its one group (`at` holds the power price), the miss.
    let csv = read(dir.join("checks.csv"));
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(
        rows.iter().filter(|r| r.starts_with("checks.0,")).count(),
        6
    );
    assert_eq!(
        rows.iter().filter(|r| r.starts_with("checks.1,")).count(),
        1
    );
    let miss = rows.iter().find(|r| r.starts_with("checks.2,")).unwrap();
    assert!(miss.contains(",fail,"), "{miss}");
    // The miss is the last column but one (the detail is last).
    let cells: Vec<&str> = miss.split(',').collect();
    let miss_value: f64 = cells[cells.len() - 2].parse().unwrap();
    assert!((miss_value - (5000.0 - got)).abs() < 1e-6, "{miss}");
    // Checks are not part of the sweep's identity: without the missed
    // check the same directory is re-evaluated from its recorded runs
    // (nothing is run again), passes, and checks.csv and the manifest say
    // so.
    let runs_before = read(dir.join("runs.csv"));
    sweep_with(tmp.path(), "c.ron", 5, "", HOLDS);
    let again = run_in(tmp.path(), &["sweep", &f, "--out", "o", "-q"]);
    let (stdout, _) = text(&again);
    assert_eq!(code(&again), Some(0), "{stdout}");
    assert!(stdout.contains("checks: all 7 passed"), "{stdout}");
    assert_eq!(read(dir.join("runs.csv")), runs_before);
    assert!(!read(dir.join("checks.csv")).contains("checks.2,"));
    let manifest: serde_json::Value =
        serde_json::from_str(&read(dir.join("manifest.json"))).unwrap();
    assert_eq!(manifest["sweep"]["checks"].as_array().unwrap().len(), 2);
}

#[test]
fn a_trend_that_does_not_hold_fails_and_merge_evaluates_the_checks() {
    let tmp = tempfile::tempdir().unwrap();
    // A higher BTC price never leaves less hashrate at the end of 30
    // days; claiming it does must fail in every group.
    let wrong = r#"
        (metric: "hashrate_end_ehs", along: "btc_price.initial_usd", trend: Decreasing),"#;
    let f = sweep_with(tmp.path(), "c.ron", 5, "", wrong);
    for k in ["1/2", "2/2"] {
        let out = run_in(tmp.path(), &["sweep", &f, "--out", "o", "--shard", k, "-q"]);
        let (stdout, stderr) = text(&out);
        assert_eq!(code(&out), Some(0), "{stdout}\n{stderr}");
        assert!(
            stdout.contains("evaluated when the shards are merged"),
            "{stdout}"
        );
    }
    let out = run_in(tmp.path(), &["merge", "o/sweeps/c"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(code(&out), Some(3), "{stdout}\n{stderr}");
    let fails: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("FAIL: rises by"))
        .collect();
    assert_eq!(fails.len(), 2, "one per power price: {stdout}");
    assert!(
        fails[0].contains("every step < 0 along btc_price.initial_usd"),
        "{}",
        fails[0]
    );
    assert!(read(tmp.path().join("o/sweeps/c/checks.csv")).contains(",fail,"));
}

#[test]
fn checks_naming_what_the_sweep_lacks_are_refused_where_they_stand() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        (
            r#"(metric: "hashrate_end", between: (1.0, 2.0))"#,
            vec!["field `checks.0.metric`", "did you mean `hashrate_end_ehs`"],
        ),
        (
            r#"(metric: "hashrate_end_ehs", at: [("btc_price.initial", 90000)], between: (1.0, 2.0))"#,
            vec![
                "field `checks.0.at.0`",
                "`btc_price.initial` is not an axis",
            ],
        ),
        (
            r#"(metric: "hashrate_end_ehs", at: [("btc_price.initial_usd", 95000)], between: (1.0, 2.0))"#,
            vec![
                "field `checks.0.at.0`",
                "no point has `btc_price.initial_usd` = 95000: its values are 50000, 90000, 130000",
            ],
        ),
        (
            r#"(metric: "hashrate_end_ehs", along: "btc_price", trend: Increasing)"#,
            vec!["field `checks.0.along`", "`btc_price` is not an axis"],
        ),
        (
            r#"(metric: "hashrate_end_ehs", along: "btc_price.initial_usd", at: [("btc_price.initial_usd", 50000)], trend: Increasing)"#,
            vec!["field `checks.0.along`", "also fixed in `at`"],
        ),
        (
            r#"(metric: "hashrate_end_ehs", between: (2.0, 1.0))"#,
            vec!["field `checks.0.between`", "not a band"],
        ),
        (
            r#"(metric: "hashrate_end_ehs")"#,
            vec![
                "field `checks.0`",
                "give `between: (low, high)`, or `along` and `trend`",
            ],
        ),
        (
            r#"(metric: "hashrate_end_ehs", between: (1.0, 2.0), along: "btc_price.initial_usd", trend: Increasing)"#,
            vec!["field `checks.0`", "not both"],
        ),
        (
            r#"(metric: "hashrate_end_ehs", stat: Mode, between: (1.0, 2.0))"#,
            vec!["field `checks.0.stat`"],
        ),
    ];
    for (i, (check, expect)) in cases.iter().enumerate() {
        let f = sweep_with(tmp.path(), &format!("bad{i}.ron"), 5, "", check);
        let out = run_in(tmp.path(), &["sweep", &f, "--out", "o"]);
        let (_, err) = text(&out);
        assert_eq!(code(&out), Some(2), "{check}: {err}");
        // The checks list is on line 11 of the file.
        assert!(err.contains(&format!("{f}:11:")), "{check}: {err}");
        for e in expect {
            assert!(err.contains(e), "{check}: {err}");
        }
    }
    assert!(!tmp.path().join("o").exists(), "nothing may be written");
}

/// Runs a sweep into its own output root and returns its directory.
fn swept(tmp: &Path, file: &str, root: &str) -> PathBuf {
    let out = run_in(tmp, &["sweep", file, "--out", root, "--jobs", "2", "-q"]);
    ok(&out);
    tmp.join(root).join("sweeps/c")
}

#[test]
fn diff_tells_a_changed_parameter_from_another_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let a = swept(tmp.path(), &sweep_with(tmp.path(), "a.ron", 5, "", ""), "a");
    let seed = swept(tmp.path(), &sweep_with(tmp.path(), "s.ron", 6, "", ""), "s");
    // One parameter the axes do not vary: a network of half the hashrate.
    let half = swept(
        tmp.path(),
        &sweep_with(
            tmp.path(),
            "h.ron",
            5,
            r#", "population.hashrate_ehs=520""#,
            "",
        ),
        "h",
    );
    let a = a.to_str().unwrap();
    // Another seed: changes within the seed noise, nothing moved.
    let out = run_in(tmp.path(), &["diff", a, seed.to_str().unwrap()]);
    let (stdout, stderr) = text(&out);
    assert_eq!(code(&out), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("diff: 0 of "), "{stdout}");
    // The changed parameter: the hashrate figures moved at every point.
    let out = run_in(
        tmp.path(),
        &["diff", a, half.to_str().unwrap(), "--out", "d"],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(code(&out), Some(3), "{stdout}\n{stderr}");
    let moved_end = stdout
        .lines()
        .filter(|l| l.split_whitespace().nth(2) == Some("hashrate_end_ehs"))
        .count();
    assert_eq!(moved_end, 6, "{stdout}");
    // diff.csv holds every pair, moved or not, with its medians.
    let csv = read(tmp.path().join("d/diff.csv"));
    let head: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    assert_eq!(
        &head[..4],
        &[
            "btc_price.initial_usd",
            "population.power_price_median_usd_per_mwh",
            "metric",
            "median_a"
        ]
    );
    let row = csv
        .lines()
        .find(|l| l.starts_with("90000,35,hashrate_end_ehs,"))
        .unwrap();
    let cells: Vec<&str> = row.split(',').collect();
    let (ma, mb): (f64, f64) = (cells[3].parse().unwrap(), cells[6].parse().unwrap());
    let points = read(Path::new(a).join("points.csv"));
    assert_eq!(ma, median(&points, "90000", "35", "hashrate_end_ehs"));
    assert!(mb < 0.8 * ma, "{ma} -> {mb}");
    assert_eq!(cells.last(), Some(&"true"));
    // A tolerance wider than every change of the hashrate figures: nothing
    // moved. (A count that is 0 in A, such as builds a smaller network
    // starts, moves by an infinite share at any tolerance.)
    let out = run_in(
        tmp.path(),
        &[
            "diff",
            a,
            half.to_str().unwrap(),
            "--tolerance",
            "100000%",
            "--metrics",
            "hashrate_end_ehs,hashrate_start_ehs",
        ],
    );
    assert_eq!(code(&out), Some(0), "{}", text(&out).0);
    // A reference points.csv file works as a sweep directory does, and
    // --metrics narrows the figures.
    let reference = tmp.path().join("reference.csv");
    std::fs::copy(Path::new(a).join("points.csv"), &reference).unwrap();
    let out = run_in(
        tmp.path(),
        &[
            "diff",
            reference.to_str().unwrap(),
            half.to_str().unwrap(),
            "--metrics",
            "blocks,hashrate_end_ehs",
        ],
    );
    let (stdout, _) = text(&out);
    assert_eq!(code(&out), Some(3), "{stdout}");
    assert!(stdout.contains(" of 12 moved"), "{stdout}");
}

#[test]
fn diff_refuses_sweeps_of_different_plans_and_bad_options() {
    let tmp = tempfile::tempdir().unwrap();
    let a = swept(tmp.path(), &sweep_with(tmp.path(), "a.ron", 5, "", ""), "a");
    // The same sweep with one BTC price fewer.
    let other = sweep_with(tmp.path(), "o.ron", 5, "", "");
    let src = read(tmp.path().join(&other)).replace("[50000, 90000, 130000]", "[50000, 90000]");
    std::fs::write(tmp.path().join(&other), src).unwrap();
    let fewer = swept(tmp.path(), &other, "f");
    let a = a.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["diff", a, fewer.to_str().unwrap()],
            "are not sweeps of one plan: 2 of",
        ),
        (vec!["diff", a, "nowhere"], "nowhere does not exist"),
        (vec!["diff", a, "."], "holds no points.csv"),
        (
            vec!["diff", a, a, "--metrics", "hashrate_end"],
            "did you mean `hashrate_end_ehs`",
        ),
        (
            vec!["diff", a, a, "--tolerance", "five"],
            "give a percentage",
        ),
        (
            vec!["diff", a, a, "--tolerance=-5%"],
            "give a percentage ≥ 0",
        ),
    ];
    for (args, expect) in cases {
        let out = run_in(tmp.path(), &args);
        let (_, err) = text(&out);
        assert_eq!(code(&out), Some(2), "{args:?}: {err}");
        assert!(err.contains(expect), "{args:?}: {err}");
    }
    // A sweep against itself: nothing moved.
    let out = run_in(tmp.path(), &["diff", a, a]);
    assert_eq!(code(&out), Some(0), "{}", text(&out).1);
}

/// The commands a step's script runs: its words, with line continuations
/// joined, quotes removed and each `${{ … }}` expression replaced by
/// `value(expression)` (enough for workflow steps).
fn commands(script: &str, value: impl Fn(&str) -> String) -> Vec<Vec<String>> {
    let mut s = script.replace("\\\n", " ");
    while let Some(i) = s.find("${{") {
        let j = s[i..].find("}}").map_or(s.len(), |j| i + j + 2);
        let v = value(s[i + 3..j.saturating_sub(2).max(i + 3)].trim());
        s.replace_range(i..j, &v);
    }
    s.lines()
        .flat_map(|l| l.split("&&").map(str::to_string).collect::<Vec<_>>())
        .map(|c| {
            c.split_whitespace()
                .map(|w| w.trim_matches(|ch| ch == '"' || ch == '\'').to_string())
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty() && !w[0].starts_with('#'))
        .collect()
}

#[test]
fn the_workflows_run_commands_the_cli_has_on_files_the_repository_has() {
    use clap::Parser;
    use yaml_rust2::YamlLoader;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(".github/workflows");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut ran: Vec<String> = Vec::new();
    for f in &files {
        let docs = YamlLoader::load_from_str(&read(f))
            .unwrap_or_else(|e| panic!("{}: not YAML: {e}", f.display()));
        let doc = &docs[0];
        if f.ends_with("ci.yml") {
            assert!(
                !doc["on"]["pull_request"].is_badvalue(),
                "{}: runs on pull requests",
                f.display()
            );
        }
        // An expression stands for an input's default, or the first
        // value of a matrix.
        let value = |e: &str| -> String {
            if let Some(name) = e.strip_prefix("inputs.") {
                let d = &doc["on"]["workflow_dispatch"]["inputs"][name]["default"];
                if let Some(s) = d.as_str() {
                    return s.to_string();
                }
            }
            if e.starts_with("matrix.") {
                return "1".into();
            }
            "x".into()
        };
        let jobs = doc["jobs"].as_hash().expect("jobs");
        for (name, job) in jobs {
            let name = name.as_str().unwrap_or("?");
            for step in job["steps"].as_vec().expect("steps") {
                let Some(script) = step["run"].as_str() else {
                    continue;
                };
                for words in commands(script, value) {
                    let args: Option<&[String]> = match words[0].as_str() {
                        "hashflight"
                        | "target/release/hashflight"
                        | "./target/release/hashflight" => Some(&words[1..]),
                        "cargo" if words.get(1).map(String::as_str) == Some("run") => words
                            .iter()
                            .position(|w| w == "--")
                            .map(|i| &words[i + 1..]),
                        "cargo" => {
                            assert!(
                                ["test", "build", "bench", "clippy", "fmt"]
                                    .contains(&words[1].as_str()),
                                "{}: job `{name}` runs `cargo {}`",
                                f.display(),
                                words[1]
                            );
                            None
                        }
                        _ => None,
                    };
                    let Some(args) = args else { continue };
                    let argv =
                        std::iter::once("hashflight".to_string()).chain(args.iter().cloned());
                    if let Err(e) = hashflight::cli::Cli::try_parse_from(argv) {
                        panic!(
                            "{}: job `{name}` runs `{}`, which the CLI refuses:\n{e}",
                            f.display(),
                            words.join(" ")
                        );
                    }
                    // Files the step names in the repository exist.
                    for w in args {
                        if (w.starts_with("scenarios/") || w.starts_with("tests/"))
                            && !w.contains('*')
                        {
                            assert!(
                                root.join(w).exists(),
                                "{}: `{w}` is not in the repository",
                                f.display()
                            );
                        }
                    }
                    ran.push(words.join(" "));
                }
            }
        }
    }
    // The pull-request workflow runs the smoke sweep with its checks and
    // diffs it against the committed reference.
    assert!(
        ran.iter()
            .any(|c| c.contains(" sweep scenarios/sweeps/ci-smoke.ron")),
        "{ran:?}"
    );
    assert!(
        ran.iter()
            .any(|c| c.contains(" diff tests/reference/ci-smoke-points.csv ")),
        "{ran:?}"
    );
}
