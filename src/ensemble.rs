//! Seed ensembles: `hashflight run SCENARIO --seeds 1..20` runs the seeds
//! in parallel, each into its own run directory, and writes an ensemble
//! directory `<out>/<scenario>/ensemble-<first>-<last>/` with
//! - `ensemble.csv`: every summary figure over the seeds (mean, sd,
//!   median, 5 %, 25 %, 75 %, 95 %);
//! - `ensemble-days.csv`: the same per day for the dashboard's series
//!   (and, with a counterfactual, the hashrate without AI and the
//!   difference from it);
//! - `dashboard.png`/`.svg`: fan charts, the median with 50 % and 90 %
//!   bands.
//!
//! Runs are independent and the ensemble is computed in seed order from
//! their files, so it is byte-identical at any `--jobs`. The directory is
//! written aside and renamed into place when complete.

use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::metrics::Summary;
use crate::metrics::stats::Spread;
use crate::output::{COUNTERFACTUAL_DIR, RunDir, write_run_with};
use crate::plot::table::Table;
use crate::plot::{Line, Panel, XAxis, render, series_color};
use crate::scenario::Scenario;

/// Most seeds one ensemble runs.
pub const MAX_SEEDS: u64 = 100_000;

/// Parses `A..B` (inclusive) or `N` (meaning `1..N`).
pub fn parse_seeds(s: &str) -> Result<(u64, u64), String> {
    let bad = |why: &str| {
        format!(
            "`{s}`: {why}: give a count (`--seeds 20`, seeds 1 to 20) or an inclusive range (`--seeds 5..24`)"
        )
    };
    let num = |t: &str| {
        t.trim()
            .parse::<u64>()
            .map_err(|_| bad("not a whole number"))
    };
    let (a, b) = match s.split_once("..") {
        Some((a, b)) => (num(a)?, num(b.strip_prefix('=').unwrap_or(b))?),
        None => (1, num(s)?),
    };
    if s.split_once("..").is_none() && b == 0 {
        return Err(bad("zero seeds"));
    }
    if a > b {
        return Err(bad("the range runs backwards"));
    }
    if b - a >= MAX_SEEDS {
        return Err(bad(&format!("more than {MAX_SEEDS} seeds")));
    }
    Ok((a, b))
}

/// The name of an ensemble's directory.
pub fn dir_name(first: u64, last: u64) -> String {
    format!("ensemble-{first}-{last}")
}

/// The dashboard's series that `ensemble-days.csv` summarises, from
/// days.csv, with their panel titles and units.
pub const DAY_SERIES: &[(&str, &str, &str)] = &[
    ("hashrate_ehs", "Hashrate mining", "EH/s"),
    ("difficulty", "Difficulty", "T"),
    (
        "hashprice_usd_per_ph_day",
        "Hashprice",
        "USD per PH/s per day",
    ),
    ("btc_price_usd", "BTC price", "USD"),
    ("ai_mw", "AI leased", "MW"),
    ("sold_mw", "Sold to AI buyers", "MW"),
    ("pool_hhi", "Pool concentration (HHI)", "0–10,000"),
    ("firm_hhi", "Firm concentration (HHI)", "0–10,000"),
    (
        "template_hhi",
        "Template-builder concentration (HHI)",
        "0–10,000",
    ),
    (
        "security_budget_usd_per_day",
        "Security budget",
        "USD per day",
    ),
    ("dormant_ehs", "Dormant machines", "EH/s"),
    (
        "attack_build_asic_usd",
        "Machines for a majority attack, built new",
        "USD",
    ),
];

pub use crate::output::report::HEADLINES;

/// The statistics of every row, in column order.
pub const STATS: &[&str] = &["mean", "sd", "median", "p05", "p25", "p75", "p95"];

fn cell(v: f64) -> String {
    if v.is_nan() {
        String::new()
    } else {
        v.to_string()
    }
}

/// What an ensemble wrote.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Ensemble {
    /// The ensemble directory.
    pub dir: PathBuf,
    /// Each seed's run directory, in seed order.
    pub runs: Vec<PathBuf>,
    /// Per summary figure: its name and its spread over the seeds.
    #[serde(skip)]
    pub figures: Vec<(String, Spread)>,
}

impl Ensemble {
    /// The statistics of one figure.
    pub fn figure(&self, name: &str) -> Option<Spread> {
        self.figures.iter().find(|f| f.0 == name).map(|f| f.1)
    }
}

/// Runs `scenario` for seeds `first..=last` on `jobs` threads, each into
/// its run directory under `out`, then writes the ensemble directory.
/// `on_day` is called after each simulated day of any run.
pub fn run(
    scenario: &Scenario,
    (first, last): (u64, u64),
    out: &Path,
    (jobs, force): (usize, bool),
    on_day: impl Fn() + Sync,
) -> io::Result<Ensemble> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
        .map_err(io::Error::other)?;
    let seeds: Vec<u64> = (first..=last).collect();
    let done: Vec<(PathBuf, Summary)> = pool.install(|| {
        seeds
            .par_iter()
            .map(|&seed| {
                write_run_with(&scenario.clone().with_seed(seed), out, force, |_| on_day())
            })
            .collect::<io::Result<Vec<_>>>()
    })?;
    let name = &scenario.spec().name;
    let parent = out.join(name);
    let dirname = dir_name(first, last);
    let _lock = crate::output::Lock::acquire(
        &parent.join(format!(".{dirname}.lock")),
        &parent.join(&dirname).display().to_string(),
    )?;
    let staging = RunDir::create_named(&parent, &dirname)?;
    let figures = write_figures(&done, &staging.path().join("ensemble.csv"))?;
    let runs: Vec<PathBuf> = done.iter().map(|d| d.0.clone()).collect();
    let counterfactual = scenario.spec().counterfactual;
    let days = write_days(
        &runs,
        counterfactual,
        &staging.path().join("ensemble-days.csv"),
    )?;
    let title = format!(
        "{} — {} seeds ({first}–{last}): median, 50 % and 90 % of seeds",
        crate::output::clip(name, crate::output::MAX_TITLE_CHARS),
        seeds.len()
    );
    fan_dashboard(
        &days,
        counterfactual,
        &staging.path().join("dashboard"),
        &title,
        scenario.spec().chain.start_time_unix_s,
    )?;
    report(scenario, (first, last), &figures, &title, staging.path())?;
    let dir = staging.commit()?;
    Ok(Ensemble { dir, runs, figures })
}

fn write_figures(done: &[(PathBuf, Summary)], path: &Path) -> io::Result<Vec<(String, Spread)>> {
    let mut w = csv::Writer::from_path(path).map_err(io::Error::other)?;
    let mut head = vec!["figure".to_string(), "runs".into()];
    head.extend(STATS.iter().map(|s| s.to_string()));
    w.write_record(&head).map_err(io::Error::other)?;
    let per_run: Vec<Vec<(&'static str, f64)>> = done.iter().map(|d| d.1.figures()).collect();
    let mut out = Vec::new();
    for (k, name) in Summary::figure_names().into_iter().enumerate() {
        let values: Vec<f64> = per_run.iter().map(|f| f[k].1).collect();
        let s = Spread::of(&values);
        let mut rec = vec![
            name.to_string(),
            values.iter().filter(|v| v.is_finite()).count().to_string(),
        ];
        rec.extend(s.all().iter().map(|v| cell(*v)));
        w.write_record(&rec).map_err(io::Error::other)?;
        out.push((name.to_string(), s));
    }
    w.flush()?;
    Ok(out)
}

/// Per-day statistics: the day's time, and per series its seven figures.
struct Days {
    time_days: Vec<f64>,
    series: Vec<(String, Vec<Spread>)>,
}

fn write_days(runs: &[PathBuf], counterfactual: bool, path: &Path) -> io::Result<Days> {
    let read =
        |p: PathBuf| Table::read(&p).map_err(|e| io::Error::other(format!("{}: {e}", p.display())));
    let tables: Vec<Table> = runs
        .iter()
        .map(|r| read(r.join("days.csv")))
        .collect::<io::Result<_>>()?;
    let no_ai: Vec<Table> = if counterfactual {
        runs.iter()
            .map(|r| read(r.join(COUNTERFACTUAL_DIR).join("days.csv")))
            .collect::<io::Result<_>>()?
    } else {
        Vec::new()
    };
    let n_days = tables.iter().map(Table::len).min().unwrap_or(0);
    let column = |t: &Table, key: &str| -> Vec<f64> {
        t.get(key)
            .map_or(vec![f64::NAN; n_days], |v| v[..n_days].to_vec())
    };
    let mut named: Vec<(String, Vec<Vec<f64>>)> = DAY_SERIES
        .iter()
        .map(|(k, _, _)| (k.to_string(), tables.iter().map(|t| column(t, k)).collect()))
        .collect();
    if counterfactual {
        let cf: Vec<Vec<f64>> = no_ai.iter().map(|t| column(t, "hashrate_ehs")).collect();
        let diff: Vec<Vec<f64>> = named[0]
            .1
            .iter()
            .zip(&cf)
            .map(|(a, b)| a.iter().zip(b).map(|(x, y)| x - y).collect())
            .collect();
        named.push(("hashrate_no_ai_ehs".into(), cf));
        named.push(("hashrate_vs_no_ai_ehs".into(), diff));
    }
    let series: Vec<(String, Vec<Spread>)> = named
        .into_iter()
        .map(|(k, runs)| {
            let per_day = (0..n_days)
                .map(|d| Spread::of(&runs.iter().map(|r| r[d]).collect::<Vec<_>>()))
                .collect();
            (k, per_day)
        })
        .collect();
    let time_days: Vec<f64> = tables
        .first()
        .map(|t| column(t, "time_s").iter().map(|s| s / 86_400.0).collect())
        .unwrap_or_default();
    let mut w = csv::Writer::from_path(path).map_err(io::Error::other)?;
    let mut head = vec!["day".to_string(), "time_s".into()];
    for (k, _) in &series {
        head.extend(STATS.iter().map(|s| format!("{k}_{s}")));
    }
    w.write_record(&head).map_err(io::Error::other)?;
    let day_col = tables.first().map(|t| column(t, "day")).unwrap_or_default();
    for d in 0..n_days {
        let mut rec = vec![cell(day_col[d]), cell(time_days[d] * 86_400.0)];
        for (_, per_day) in &series {
            rec.extend(per_day[d].all().iter().map(|v| cell(*v)));
        }
        w.write_record(&rec).map_err(io::Error::other)?;
    }
    w.flush()?;
    Ok(Days { time_days, series })
}

fn fan_dashboard(
    days: &Days,
    counterfactual: bool,
    stem: &Path,
    title: &str,
    start_unix_s: i64,
) -> io::Result<()> {
    let fan = |key: &str, label: &str, scale: f64| -> Option<Vec<Line>> {
        let per_day = &days.series.iter().find(|s| s.0 == key)?.1;
        let col =
            |f: fn(&Spread) -> f64| per_day.iter().map(|s| f(s) * scale).collect::<Vec<f64>>();
        let x = days.time_days.clone();
        let color = series_color(key);
        Some(vec![
            Line::new(key, x.clone(), col(|s| s.median))
                .band(col(|s| s.p05), col(|s| s.p95))
                .label(format!("{label}: median, 90 % of seeds"))
                .color(color),
            Line::new(key, x, col(|s| s.median))
                .band(col(|s| s.p25), col(|s| s.p75))
                .label("50 % of seeds")
                .color(color),
        ])
    };
    let mut panels = Vec::new();
    for (key, title, unit) in DAY_SERIES {
        let (scale, unit) = match *key {
            "difficulty" => (1e-12, *unit),
            "attack_build_asic_usd" => (1e-9, "USD billion"),
            _ => (1.0, *unit),
        };
        let mut panel = Panel::new(*title, unit);
        if let Some(lines) = fan(key, title, scale) {
            for l in lines {
                panel = panel.line(l);
            }
        }
        if *key == "hashrate_ehs"
            && counterfactual
            && let Some(lines) = fan("hashrate_no_ai_ehs", "without AI", 1.0)
        {
            for l in lines {
                panel = panel.line(l.color(crate::plot::PALETTE[7]));
            }
        }
        panels.push(panel);
    }
    if counterfactual {
        let mut panel = Panel::new("Hashrate against the same seed without AI", "EH/s");
        for l in fan("hashrate_vs_no_ai_ehs", "difference", 1.0).unwrap_or_default() {
            panel = panel.line(l);
        }
        panels.insert(1, panel);
    }
    let x = XAxis {
        start_unix_s: Some(start_unix_s),
        label: None,
        ticks: None,
    };
    render(stem, title, &panels, &x).map_err(io::Error::other)
}

/// A figure over the seeds as words: its median and its 50 % and 90 %
/// bands, each number shown by `show`.
pub fn bands(s: &Spread, show: fn(f64) -> String) -> String {
    format!(
        "median {} (50 % of seeds: {} to {}; 90 %: {} to {})",
        show(s.median),
        show(s.p25),
        show(s.p75),
        show(s.p05),
        show(s.p95)
    )
}

fn report(
    scenario: &Scenario,
    (first, last): (u64, u64),
    figures: &[(String, Spread)],
    title: &str,
    dir: &Path,
) -> io::Result<()> {
    use crate::output::report::{self, number};
    let headline = HEADLINES
        .iter()
        .filter_map(|(k, what)| {
            let s = figures.iter().find(|f| f.0 == *k)?.1;
            s.median
                .is_finite()
                .then(|| (what.to_string(), bands(&s, number)))
        })
        .collect();
    let mut rows = vec![vec![
        "figure".to_string(),
        "median".into(),
        "5 %".into(),
        "95 %".into(),
    ]];
    rows.extend(
        figures
            .iter()
            .map(|(k, s)| vec![k.clone(), number(s.median), number(s.p05), number(s.p95)]),
    );
    report::write(
        dir,
        &report::Report {
            title: title.to_string(),
            question: scenario.spec().description.clone(),
            headline,
            headline_note: format!(
                "Over {} seeds ({first} to {last}), each a run directory of its own beside this one; ensemble.csv holds every figure.",
                last - first + 1
            ),
            sections: vec![
                (
                    "Day by day, over the seeds".into(),
                    report::inline_svg(&dir.join("dashboard.svg"))?,
                ),
                ("Every summary figure".into(), report::table(&rows)),
                report::glossary(),
            ],
            source: scenario.clone().with_seed(first).to_ron(),
            provenance: report::provenance(&[
                ("seeds", format!("{first} to {last}")),
                ("command", crate::output::command_line()),
                (
                    "scenario_hash (first seed)",
                    crate::output::scenario_hash(&scenario.clone().with_seed(first)),
                ),
            ]),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_a_count_or_an_inclusive_range() {
        assert_eq!(parse_seeds("20"), Ok((1, 20)));
        assert_eq!(parse_seeds("1..20"), Ok((1, 20)));
        assert_eq!(parse_seeds("5..=9"), Ok((5, 9)));
        assert_eq!(parse_seeds("7..7"), Ok((7, 7)));
        for bad in ["0", "5..1", "x", "1..", "..3", "1...3", "-2", "1..200000"] {
            assert!(parse_seeds(bad).is_err(), "{bad}");
        }
    }
}
