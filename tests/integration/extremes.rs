//! Extremes: runs at the edges of what a scenario can ask must finish and
//! write sensible outputs — every number finite, hashrate never negative,
//! one row a day, the chain stalling rather than breaking when nothing
//! mines.

use std::path::Path;

use crate::support::{equilibrium_ehs, ok, read, run_in, two_regions};

/// Runs `args` (after `run`) in a fresh directory and returns the run's
/// days.csv as rows of (column, value), after checking every number in it
/// and in summary.json is finite and, but for GPU-cloud income (which
/// power can turn negative), not negative.
fn run_checked(args: &[&str], run: &str) -> (Vec<Vec<(String, String)>>, serde_json::Value) {
    let tmp = tempfile::tempdir().unwrap();
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", "out", "-q"]);
    ok(&run_in(tmp.path(), &all));
    let dir = tmp.path().join("out").join(run);
    let days = rows(&dir.join("days.csv"));
    for row in &days {
        for (k, v) in row {
            if v.is_empty() || v == "true" || v == "false" {
                continue;
            }
            let x: f64 = v.parse().unwrap_or_else(|_| panic!("{k} = {v}"));
            assert!(x.is_finite(), "{k} = {v}");
            assert!(x >= 0.0 || k == "revenue_gpu_cloud_usd", "{k} = {v}");
        }
    }
    let summary: serde_json::Value = serde_json::from_str(&read(dir.join("summary.json"))).unwrap();
    for (k, v) in summary.as_object().unwrap() {
        if let Some(x) = v.as_f64() {
            assert!(x.is_finite(), "summary {k} = {x}");
        }
    }
    (days, summary)
}

fn rows(path: &Path) -> Vec<Vec<(String, String)>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

fn column(days: &[Vec<(String, String)>], name: &str) -> Vec<f64> {
    days.iter()
        .map(|r| {
            let v = &r.iter().find(|(k, _)| k == name).unwrap().1;
            v.parse().unwrap()
        })
        .collect()
}

#[test]
fn months_without_hashrate_stall_the_chain_while_days_go_on() {
    let tmp = tempfile::tempdir().unwrap();
    const BITS: u32 = 0x1702_2bd9; // end-2025 difficulty
    let src = two_regions(
        "dark",
        200,
        BITS,
        equilibrium_ehs(BITS) / 2.0,
        r#"(day: 10, event: RegionOffline(region: "A")), (day: 10, event: RegionOffline(region: "B")), (day: 130, event: RegionOnline(region: "A")), (day: 130, event: RegionOnline(region: "B"))"#,
    );
    let file = tmp.path().join("dark.ron");
    std::fs::write(&file, src).unwrap();
    let (days, summary) = run_checked(&[file.to_str().unwrap()], "dark/seed-1");
    assert_eq!(days.len(), 200);
    let height = column(&days, "height");
    let blocks = column(&days, "blocks");
    assert!(
        blocks[10..130].iter().all(|b| *b == 0.0),
        "four months dark"
    );
    assert!(height[10..130].windows(2).all(|w| w[0] == w[1]));
    assert!(blocks[131..].iter().sum::<f64>() > 1000.0, "mining resumes");
    assert_eq!(summary["hashrate_min_ehs"].as_f64(), Some(0.0));
}

#[test]
fn a_btc_price_near_zero_switches_every_machine_off() {
    // Without take-or-pay power, which would keep its share hashing for
    // whatever a block still pays.
    let (days, summary) = run_checked(
        &[
            "baseline",
            "--set",
            "power.take_or_pay_share=0",
            "--set",
            "btc_price.initial_usd=0.01",
            "--set",
            "duration_days=90",
            "--set",
            "population.miners=200",
        ],
        "baseline/seed-1",
    );
    assert_eq!(days.len(), 90);
    assert!(column(&days, "hashrate_ehs").iter().all(|h| *h == 0.0));
    assert_eq!(summary["blocks"].as_u64(), Some(0));
}

#[test]
fn no_subsidy_and_no_fees_means_nothing_mines() {
    // fee-only starts past the last halving; with no fees either, no
    // machine covers its power.
    let (days, summary) = run_checked(
        &[
            "fee-only",
            "--set",
            "fees.model=Fixed",
            "--set",
            "fees.per_block_btc=0",
            "--set",
            "duration_days=60",
            "--set",
            "population.miners=100",
        ],
        "fee-only/seed-1",
    );
    assert_eq!(days.len(), 60);
    assert!(column(&days, "hashrate_ehs").iter().all(|h| *h == 0.0));
    assert_eq!(summary["blocks"].as_u64(), Some(0));
}

#[test]
fn a_hundred_year_horizon_runs_to_its_end() {
    let (days, summary) = run_checked(
        &[
            "baseline",
            "--set",
            "duration_days=36525",
            "--set",
            "population.miners=200",
        ],
        "baseline/seed-1",
    );
    assert_eq!(days.len(), 36_525);
    assert_eq!(summary["days"].as_u64(), Some(36_525));
    // At a flat $90k the halvings shrink mining, but fees and the
    // take-or-pay share keep blocks coming in every year of the century,
    // and the efficiency floor keeps the network from running away. (With
    // 50 miners a network of indebted firms can all go bankrupt in one
    // review and, with no hashrate, never see the retarget that would pay
    // a newcomer: 200 miners keep it a market.)
    let hashrate = column(&days, "hashrate_ehs");
    let blocks = column(&days, "blocks");
    assert!(hashrate[0] > 500.0);
    for year in 0..100 {
        let (a, b) = (
            (year as f64 * 365.25) as usize,
            ((year + 1) as f64 * 365.25) as usize,
        );
        let n: f64 = blocks[a..b].iter().sum();
        assert!(n > 0.0, "no block in year {year}");
    }
    let peak = hashrate.iter().cloned().fold(0.0, f64::max);
    assert!(peak < 10.0 * hashrate[0], "peak {peak}");
}

#[test]
fn a_single_miner_is_the_whole_network() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("one.ron");
    std::fs::write(
        &file,
        r#"(
    name: "one",
    duration_days: 60,
    miners: [(name: "Solo", pool: "Foundry", sites: [(name: "s", region: "Texas", power_mw: 20.0,
        power_price_usd_per_mwh: 30.0, fleets: [(hashrate_ehs: 1.0, efficiency_j_per_th: 17.5)])])],
    population: (miners: 0),
)"#,
    )
    .unwrap();
    let (days, _) = run_checked(&[file.to_str().unwrap()], "one/seed-1");
    assert_eq!(days.len(), 60);
    // One EH/s against end-2025 difficulty (about 1,000 EH/s at 144 blocks
    // a day): a block a week, on average; the difficulty cannot adjust
    // before 2,016 blocks.
    assert!(column(&days, "blocks").iter().sum::<f64>() > 1.0);
    assert!(column(&days, "firm_nakamoto").iter().all(|n| *n == 1.0));
    assert!(column(&days, "top_firm_share").iter().all(|s| *s == 1.0));
}

#[test]
fn a_million_miners_run() {
    let (days, summary) = run_checked(&["scale-1m", "--set", "duration_days=2"], "scale-1m/seed-1");
    assert_eq!(days.len(), 2);
    assert!(summary["hashrate_start_ehs"].as_f64().unwrap() > 900.0);
    // The named firms still lead; the million share the rest.
    let top = column(&days, "top_firm_share")[0];
    assert!(0.0 < top && top < 0.2, "{top}");
}

#[test]
fn absurd_agent_counts_are_refused_with_the_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_in(
        tmp.path(),
        &[
            "run",
            "--set",
            "population.miners=1000000000000",
            "--out",
            "out",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("at most 5000000"), "{err}");
    assert!(!tmp.path().join("out").exists(), "nothing written");
}

/// Non-finite results were written as empty cells and nulls without a
/// word: a price of 1e308 is refused (check and run), and a price process
/// that would overflow (GBM drift 5 a year for 30 years, e^150) is held
/// at its cap, which the run reports and summary.json counts.
#[test]
fn non_finite_results_a_runaway_price_is_capped_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    for cmd in ["check", "run"] {
        let mut args = vec![cmd];
        if cmd == "check" {
            args.push("baseline");
        }
        args.extend(["--set", "btc_price.initial_usd=1e308"]);
        let out = run_in(tmp.path(), &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {err}");
        assert!(
            err.contains("field `btc_price.initial_usd`: must be at most 1e15"),
            "{err}"
        );
    }
    assert!(!tmp.path().join("output").exists());
    let out = ok(&run_in(
        tmp.path(),
        &[
            "run",
            "-q",
            "--out",
            "o",
            "--set",
            "btc_price.model=Gbm(drift_per_year: 5.0, volatility_per_year: 0.1)",
            "--set",
            "duration_days=10950",
            "--set",
            "population.miners=20",
        ],
    ));
    assert!(
        out.contains("warning: the BTC price was held at its cap of $1e15 on "),
        "{out}"
    );
    let run = tmp.path().join("o/baseline/seed-1");
    let summary: serde_json::Value = serde_json::from_str(&read(run.join("summary.json"))).unwrap();
    let capped = summary["btc_price_capped_days"].as_u64().unwrap();
    assert!(capped > 8000 && capped < 10950, "{capped}");
    // Every money figure is a number, every price and revenue cell too.
    for k in [
        "security_budget_usd_per_day_end",
        "revenue_mining_usd",
        "attack_build_asic_usd_end",
    ] {
        assert!(
            summary[k].as_f64().is_some_and(f64::is_finite),
            "{k}: {}",
            summary[k]
        );
    }
    let days = read(run.join("days.csv"));
    let head: Vec<&str> = days.lines().next().unwrap().split(',').collect();
    for col in [
        "btc_price_usd",
        "hashprice_usd_per_ph_day",
        "revenue_mining_usd",
        "security_budget_usd_per_day",
    ] {
        let i = head.iter().position(|h| *h == col).unwrap();
        for l in days.lines().skip(1) {
            let cell = l.split(',').nth(i).unwrap();
            assert!(
                cell.parse::<f64>().is_ok_and(f64::is_finite),
                "{col}: `{cell}` in {l}"
            );
        }
    }
}

/// A fleet whose power overflowed (1e308 J/TH: EH/s × J/TH = inf MW)
/// skipped the check that a site's fleets fit its MW, and `check` passed
/// it. Efficiencies and site sizes have the pipeline's ranges, and an
/// infinite draw is still compared.
#[test]
fn an_overflowing_fleet_power_is_refused_not_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let src = two_regions("fp", 5, 0x1d00ffff, 1.0, "");
    let path = tmp.path().join("fp.ron");
    std::fs::write(&path, &src).unwrap();
    ok(&run_in(tmp.path(), &["check", "fp.ron"]));
    for (set, says) in [
        // The overflow itself: 10^6 EH/s × 10^303 J/TH is inf MW, which
        // the old check skipped (`check` said ok).
        (
            "miners.0.sites.0.fleets.0.efficiency_j_per_th=1e303 miners.0.sites.0.fleets.0.hashrate_ehs=1000000",
            "the fleets draw inf MW",
        ),
        (
            "miners.0.sites.0.fleets.0.efficiency_j_per_th=1e308",
            "field `miners.0.sites.0.fleets.0.efficiency_j_per_th`: must be between 0.1 and 1000, got 1e308",
        ),
        (
            "miners.0.sites.0.power_mw=1e308",
            "field `miners.0.sites.0.power_mw`: must be between 0 and 10000000, got 1e308",
        ),
        (
            "miners.0.sites.0.fleets.0.hashrate_ehs=1000000",
            "the fleets draw 17500000 MW",
        ),
    ] {
        for cmd in ["check", "run"] {
            let mut args = vec![cmd, "fp.ron"];
            for s in set.split(' ') {
                args.extend(["--set", s]);
            }
            if cmd == "run" {
                args.extend(["--out", "o"]);
            }
            let out = run_in(tmp.path(), &args);
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{cmd} {set}: {err}");
            assert!(err.contains(says), "{cmd} {set}: {err}");
        }
        assert!(!tmp.path().join("o").exists(), "nothing is written");
    }
}
