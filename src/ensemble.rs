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
//! Runs are independent; each keeps in memory only the few day series
//! the ensemble needs ([`ENSEMBLE_FIELDS`]) as it finishes, and the
//! ensemble is computed from them in seed order, so it is byte-identical
//! at any `--jobs` and reads no run's files back. The directory is written
//! aside and renamed into place when complete.

use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::metrics::series::{Columns, Field, day};
use crate::metrics::stats::Spread;
use crate::metrics::{DayRow, Summary};
use crate::output::{RunDir, Written, write_run_keeping};
use crate::plot::{Line, Panel, XAxis, render_svg, series_color};
use crate::scenario::Scenario;
use crate::units::SECONDS_PER_DAY;

/// Most seeds one ensemble runs.
pub(crate) const MAX_SEEDS: u64 = 100_000;

/// Parses `A..B` (inclusive) or `N` (meaning `1..N`).
pub(crate) fn parse_seeds(s: &str) -> Result<(u64, u64), String> {
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
pub(crate) fn dir_name(first: u64, last: u64) -> String {
    format!("ensemble-{first}-{last}")
}

/// One of the day series an ensemble summarises: its column of days.csv,
/// with its panel's title and unit.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DaySeries {
    /// The column of days.csv.
    pub(crate) field: Field<DayRow>,
    /// The panel's title.
    pub(crate) title: &'static str,
    /// The panel's unit.
    pub(crate) unit: &'static str,
}

const fn series(field: Field<DayRow>, title: &'static str, unit: &'static str) -> DaySeries {
    DaySeries { field, title, unit }
}

/// The dashboard's series that `ensemble-days.csv` summarises, from
/// days.csv, with their panel titles and units.
pub(crate) const DAY_SERIES: &[DaySeries] = &[
    series(day::HASHRATE_EHS, "Hashrate mining", "EH/s"),
    series(day::DIFFICULTY, "Difficulty", "T"),
    series(
        day::HASHPRICE_USD_PER_PH_DAY,
        "Hashprice",
        "USD per PH/s per day",
    ),
    series(day::BTC_PRICE_USD, "BTC price", "USD"),
    series(day::AI_MW, "AI leased", "MW"),
    series(day::SOLD_MW, "Sold to AI buyers", "MW"),
    series(day::POOL_HHI, "Pool concentration (HHI)", "0–10,000"),
    series(day::FIRM_HHI, "Firm concentration (HHI)", "0–10,000"),
    series(
        day::TEMPLATE_HHI,
        "Template-builder concentration (HHI)",
        "0–10,000",
    ),
    series(
        day::SECURITY_BUDGET_USD_PER_DAY,
        "Security budget",
        "USD per day",
    ),
    series(day::DORMANT_EHS, "Dormant machines", "EH/s"),
    series(
        day::ATTACK_BUILD_ASIC_USD,
        "Machines for a majority attack, built new",
        "USD",
    ),
];

/// The columns of days.csv each run (and its counterfactual) keeps for
/// the ensemble: the day, its time and [`DAY_SERIES`].
pub(crate) const ENSEMBLE_FIELDS: &[Field<DayRow>] = &[
    day::DAY,
    day::TIME_S,
    day::HASHRATE_EHS,
    day::DIFFICULTY,
    day::HASHPRICE_USD_PER_PH_DAY,
    day::BTC_PRICE_USD,
    day::AI_MW,
    day::SOLD_MW,
    day::POOL_HHI,
    day::FIRM_HHI,
    day::TEMPLATE_HHI,
    day::SECURITY_BUDGET_USD_PER_DAY,
    day::DORMANT_EHS,
    day::ATTACK_BUILD_ASIC_USD,
];

/// The series of ensemble-days.csv with a counterfactual: the hashrate of
/// the same seed without AI, and the run's less it.
pub(crate) const NO_AI_SERIES: [&str; 2] = ["hashrate_no_ai_ehs", "hashrate_vs_no_ai_ehs"];

pub(crate) use crate::output::report::HEADLINES;

/// The statistics of every row, in column order.
pub(crate) const STATS: &[&str] = &["mean", "sd", "median", "p05", "p25", "p75", "p95"];

fn cell(v: f64) -> String {
    if v.is_nan() {
        String::new()
    } else {
        v.to_string()
    }
}

/// What an ensemble wrote.
#[derive(Clone, Debug, serde::Serialize)]
pub(crate) struct Ensemble {
    /// The ensemble directory.
    pub(crate) dir: PathBuf,
    /// Each seed's run directory, in seed order.
    pub(crate) runs: Vec<PathBuf>,
    /// Per summary figure: its name and its spread over the seeds.
    #[serde(skip)]
    pub(crate) figures: Vec<(String, Spread)>,
}

impl Ensemble {
    /// The statistics of one figure.
    pub(crate) fn figure(&self, name: &str) -> Option<Spread> {
        self.figures.iter().find(|f| f.0 == name).map(|f| f.1)
    }
}

/// The seeds of an ensemble, `first..=last`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Seeds {
    /// The first seed.
    pub(crate) first: u64,
    /// The last seed (included).
    pub(crate) last: u64,
}

impl Seeds {
    /// How many seeds.
    pub(crate) fn count(&self) -> u64 {
        self.last - self.first + 1
    }
}

/// Where and how an ensemble runs.
#[derive(Clone, Copy, Debug)]
pub struct Options<'a> {
    /// Its seeds.
    pub(crate) seeds: Seeds,
    /// The directory under which runs and the ensemble are written.
    pub(crate) out: &'a Path,
    /// Worker threads.
    pub(crate) jobs: usize,
    /// Replace run directories that hold runs of another scenario.
    pub(crate) force: bool,
}

/// Runs `scenario` for its seeds on `jobs` threads, each into its run
/// directory under `out`, then writes the ensemble directory. `on_day` is
/// called after each simulated day of any run.
pub fn run(scenario: &Scenario, opts: &Options, on_day: impl Fn() + Sync) -> io::Result<Ensemble> {
    let Seeds { first, last } = opts.seeds;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .build()
        .map_err(io::Error::other)?;
    let seeds: Vec<u64> = (first..=last).collect();
    // Each run hands back its summary and the few series kept for the
    // ensemble as it finishes; its rows are on disk only.
    let done: Vec<Written> = pool.install(|| {
        seeds
            .par_iter()
            .map(|&seed| {
                write_run_keeping(
                    &scenario.clone().with_seed(seed),
                    opts.out,
                    opts.force,
                    ENSEMBLE_FIELDS,
                    |_| on_day(),
                )
            })
            .collect::<io::Result<Vec<_>>>()
    })?;
    let name = &scenario.spec().name;
    let parent = opts.out.join(name);
    let dirname = dir_name(first, last);
    let _lock = crate::output::Lock::acquire(
        &parent.join(format!(".{dirname}.lock")),
        &parent.join(&dirname).display().to_string(),
    )?;
    let staging = RunDir::create_named(&parent, &dirname)?;
    let figures = write_figures(&done, &staging.path().join("ensemble.csv"))?;
    let counterfactual = scenario.spec().counterfactual;
    let days = write_days(
        &done,
        counterfactual,
        &staging.path().join("ensemble-days.csv"),
    )?;
    let title = format!(
        "{} — {} seeds ({first}–{last}): median, 50 % and 90 % of seeds",
        crate::output::clip(name, crate::output::MAX_TITLE_CHARS),
        seeds.len()
    );
    let svg = fan_dashboard(
        &days,
        counterfactual,
        &staging.path().join("dashboard"),
        &title,
        scenario.spec().chain.start_time_unix_s,
    )?;
    report(
        scenario,
        &Report {
            seeds: opts.seeds,
            figures: &figures,
            title: &title,
            svg: &svg,
        },
        staging.path(),
    )?;
    let dir = staging.commit()?;
    let runs = done.into_iter().map(|d| d.dir).collect();
    Ok(Ensemble { dir, runs, figures })
}

fn write_figures(done: &[Written], path: &Path) -> io::Result<Vec<(String, Spread)>> {
    let mut w = csv::Writer::from_path(path).map_err(io::Error::other)?;
    let mut head = vec!["figure".to_string(), "runs".into()];
    head.extend(STATS.iter().map(|s| s.to_string()));
    w.write_record(&head).map_err(io::Error::other)?;
    let per_run: Vec<Vec<(&'static str, f64)>> = done.iter().map(|d| d.summary.figures()).collect();
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

/// Per day, the spread over the seeds of each of [`DAY_SERIES`] (and with
/// a counterfactual, of [`NO_AI_SERIES`]), over the days every run has;
/// written to `path` as ensemble-days.csv.
fn write_days(done: &[Written], counterfactual: bool, path: &Path) -> io::Result<Days> {
    let kept: Vec<&Columns<DayRow>> = done.iter().map(|d| &d.days).collect();
    let no_ai: Vec<&Columns<DayRow>> = if counterfactual {
        done.iter()
            .map(|d| {
                d.no_ai_days.as_ref().ok_or_else(|| {
                    io::Error::other(format!("{}: no counterfactual kept", d.dir.display()))
                })
            })
            .collect::<io::Result<_>>()?
    } else {
        Vec::new()
    };
    let n_days = kept.iter().map(|t| t.len()).min().unwrap_or(0);
    let column = |t: &Columns<DayRow>, field: Field<DayRow>| -> Vec<f64> {
        t.get(field)
            .map_or(vec![f64::NAN; n_days], |v| v[..n_days].to_vec())
    };
    let mut named: Vec<(String, Vec<Vec<f64>>)> = DAY_SERIES
        .iter()
        .map(|s| {
            let runs = kept.iter().map(|t| column(t, s.field)).collect();
            (s.field.key.to_string(), runs)
        })
        .collect();
    if counterfactual {
        let cf: Vec<Vec<f64>> = no_ai.iter().map(|t| column(t, day::HASHRATE_EHS)).collect();
        let diff: Vec<Vec<f64>> = named[0]
            .1
            .iter()
            .zip(&cf)
            .map(|(a, b)| a.iter().zip(b).map(|(x, y)| x - y).collect())
            .collect();
        named.push((NO_AI_SERIES[0].into(), cf));
        named.push((NO_AI_SERIES[1].into(), diff));
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
    let time_days: Vec<f64> = kept
        .first()
        .map(|t| {
            column(t, day::TIME_S)
                .iter()
                .map(|s| s / SECONDS_PER_DAY)
                .collect()
        })
        .unwrap_or_default();
    let mut w = csv::Writer::from_path(path).map_err(io::Error::other)?;
    let mut head = vec!["day".to_string(), "time_s".into()];
    for (k, _) in &series {
        head.extend(STATS.iter().map(|s| format!("{k}_{s}")));
    }
    w.write_record(&head).map_err(io::Error::other)?;
    let day_col = kept
        .first()
        .map(|t| column(t, day::DAY))
        .unwrap_or_default();
    for d in 0..n_days {
        let mut rec = vec![cell(day_col[d]), cell(time_days[d] * SECONDS_PER_DAY)];
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
) -> io::Result<String> {
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
    for s in DAY_SERIES {
        let key = s.field.key;
        let (scale, unit) = if key == day::DIFFICULTY.key {
            (1e-12, s.unit)
        } else if key == day::ATTACK_BUILD_ASIC_USD.key {
            (1e-9, "USD billion")
        } else {
            (1.0, s.unit)
        };
        let mut panel = Panel::new(s.title, unit);
        if let Some(lines) = fan(key, s.title, scale) {
            for l in lines {
                panel = panel.line(l);
            }
        }
        if key == day::HASHRATE_EHS.key
            && counterfactual
            && let Some(lines) = fan(NO_AI_SERIES[0], "without AI", 1.0)
        {
            for l in lines {
                panel = panel.line(l.color(crate::plot::PALETTE[7]));
            }
        }
        panels.push(panel);
    }
    if counterfactual {
        let mut panel = Panel::new("Hashrate against the same seed without AI", "EH/s");
        for l in fan(NO_AI_SERIES[1], "difference", 1.0).unwrap_or_default() {
            panel = panel.line(l);
        }
        panels.insert(1, panel);
    }
    let x = XAxis {
        start_unix_s: Some(start_unix_s),
        label: None,
        ticks: None,
    };
    render_svg(stem, title, &panels, &x).map_err(io::Error::other)
}

/// A figure over the seeds as words: its median and its 50 % and 90 %
/// bands, each number shown by `show`.
pub(crate) fn bands(s: &Spread, show: fn(f64) -> String) -> String {
    format!(
        "median {} (50 % of seeds: {} to {}; 90 %: {} to {})",
        show(s.median),
        show(s.p25),
        show(s.p75),
        show(s.p05),
        show(s.p95)
    )
}

/// What an ensemble's report shows.
struct Report<'a> {
    /// The ensemble's seeds.
    seeds: Seeds,
    /// Every summary figure's spread over the seeds.
    figures: &'a [(String, Spread)],
    /// The page's title.
    title: &'a str,
    /// The fan charts' SVG markup, just drawn.
    svg: &'a str,
}

/// Writes the ensemble's report.html into `dir`.
fn report(scenario: &Scenario, r: &Report, dir: &Path) -> io::Result<()> {
    let Seeds { first, last } = r.seeds;
    let (figures, title) = (r.figures, r.title);
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
                r.seeds.count()
            ),
            sections: vec![
                (
                    "Day by day, over the seeds".into(),
                    report::svg_section(r.svg),
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
