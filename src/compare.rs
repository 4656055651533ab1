//! `hashflight compare`: overlays runs on shared axes. Runs of one scenario
//! that differ only in their seed form a group, drawn as a median line with
//! a 5–95 % band over seeds. Writes `compare.png`, `compare.svg` and
//! `compare.csv` (the summary figures side by side).

use std::path::{Path, PathBuf};

use crate::metrics::series::{day, epoch};
use crate::metrics::stats::Spread;
use crate::output::{RunDir, write_atomically};
use crate::plot::table::Table;
use crate::plot::{Line, Panel, XAxis, nth_color, render, unit_of};
use crate::scenario::error::did_you_mean;
use crate::scenario::load::{parse_str, to_ron};
use crate::units::SECONDS_PER_DAY;

/// Metrics drawn when none are asked for.
pub const DEFAULT_METRICS: &[&str] = &[
    day::HASHRATE_EHS.key,
    day::DIFFICULTY.key,
    day::MEAN_BLOCK_INTERVAL_S.key,
    day::HASHPRICE_USD_PER_PH_DAY.key,
    day::BTC_PRICE_USD.key,
    day::POOL_HHI.key,
];

/// Why runs cannot be compared.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CompareError {
    /// A directory is not a run directory.
    #[error(
        "{0} is not a run directory: it has no {1} (a run directory holds scenario.ron, epochs.csv, days.csv and summary.json)"
    )]
    NotARun(PathBuf, &'static str),
    /// A file in a run directory could not be read.
    #[error("{0}: {1}")]
    Unreadable(PathBuf, String),
    /// The runs' time axes do not line up.
    #[error("cannot align the runs' time axes: {0}")]
    Unaligned(String),
    /// A metric is not a column of the runs.
    #[error("unknown metric `{0}`{2} (columns of these runs: {1})")]
    UnknownMetric(String, String, String),
    /// Nothing to compare.
    #[error("compare needs at least one run directory")]
    Empty,
    /// Writing failed (the message is the cause's, once: it is not
    /// chained as a source as well).
    #[error("writing the comparison into {path}: {message}", path = .0.display(), message = .1)]
    Io(PathBuf, String),
}

struct Run {
    dir: PathBuf,
    label: String,
    group: String,
    start_unix_s: i64,
    days: Table,
    epochs: Table,
    summary: serde_json::Map<String, serde_json::Value>,
    /// The scenario without its seed, as JSON (to say how runs differ).
    scenario: serde_json::Value,
}

fn load(dir: &Path) -> Result<Run, CompareError> {
    for f in ["scenario.ron", "days.csv", "epochs.csv", "summary.json"] {
        if !dir.join(f).is_file() {
            return Err(CompareError::NotARun(dir.to_path_buf(), f));
        }
    }
    let bad = |f: &str, e: String| CompareError::Unreadable(dir.join(f), e);
    let src = std::fs::read_to_string(dir.join("scenario.ron"))
        .map_err(|e| bad("scenario.ron", e.to_string()))?;
    let mut scenario =
        parse_str(&src, "scenario.ron").map_err(|e| bad("scenario.ron", e.to_string()))?;
    let summary: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("summary.json")).map_err(|e| bad("summary.json", e.to_string()))?,
    )
    .map_err(|e| bad("summary.json", e.to_string()))?;
    let summary = summary
        .as_object()
        .cloned()
        .ok_or_else(|| bad("summary.json", "not an object".into()))?;
    let days = Table::read(&dir.join("days.csv")).map_err(|e| bad("days.csv", e.to_string()))?;
    let epochs =
        Table::read(&dir.join("epochs.csv")).map_err(|e| bad("epochs.csv", e.to_string()))?;
    let label = format!("{} seed {}", scenario.name, scenario.seed);
    let start_unix_s = scenario.chain.start_time_unix_s;
    // Runs that differ only in their seed belong together.
    scenario.seed = 0;
    let group = to_ron(&scenario);
    Ok(Run {
        dir: dir.to_path_buf(),
        label,
        group,
        start_unix_s,
        days,
        epochs,
        summary,
        scenario: serde_json::to_value(&scenario).unwrap_or_default(),
    })
}

/// A run's series of `metric` on its day grid (epoch metrics held between
/// epoch ends), or `None` if it has no such column.
fn series(run: &Run, metric: &str) -> Option<Vec<f64>> {
    let n = run.days.len();
    if let Some(v) = run.days.get(metric) {
        return Some(v.to_vec());
    }
    let v = run.epochs.get(metric)?;
    let ends = run.epochs.get(epoch::END_TIME_S.key)?;
    let times = run.days.get(day::TIME_S.key)?;
    let mut out = Vec::with_capacity(n);
    let mut k = 0;
    for &t in times {
        while k + 1 < ends.len() && ends[k + 1] <= t {
            k += 1;
        }
        out.push(if ends.first().is_some_and(|&e| e <= t) {
            v[k]
        } else {
            f64::NAN
        });
    }
    Some(out)
}

/// Runs of one scenario that differ only in their seed: (label, members),
/// in order of first appearance.
type Groups = Vec<(String, Vec<usize>)>;

/// Compares run directories into `out` and returns the files written.
pub(crate) fn compare(
    dirs: &[PathBuf],
    out: &Path,
    metrics: &[String],
) -> Result<Vec<PathBuf>, CompareError> {
    if dirs.is_empty() {
        return Err(CompareError::Empty);
    }
    let runs = dirs
        .iter()
        .map(|d| load(d))
        .collect::<Result<Vec<_>, _>>()?;
    let groups = groups(&runs)?;
    let metrics = known_metrics(&runs, metrics)?;
    let same_start = runs.iter().all(|r| r.start_unix_s == runs[0].start_unix_s);
    let x = XAxis {
        start_unix_s: same_start.then_some(runs[0].start_unix_s),
        label: (!same_start).then(|| "day of run (runs start on different dates)".to_string()),
        ticks: None,
    };

    let panels = panels(&runs, &groups, &metrics);
    let (header, rows) = figures_table(&runs, &groups);
    let names = ["compare.csv", "compare.png", "compare.svg"];
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(out)?;
        let staging = RunDir::staging(out, "compare")?;
        let mut w = csv::Writer::from_path(staging.path().join("compare.csv"))
            .map_err(std::io::Error::other)?;
        w.write_record(&header).map_err(std::io::Error::other)?;
        for row in &rows {
            w.write_record(row).map_err(std::io::Error::other)?;
        }
        w.flush()?;
        drop(w);
        let title = format!(
            "Comparison of {} run(s) in {} group(s)",
            runs.len(),
            groups.len()
        );
        render(&staging.path().join("compare"), &title, &panels, &x)
            .map_err(std::io::Error::other)?;
        write_atomically(staging, out, &names)
    };
    write().map_err(|e| CompareError::Io(out.to_path_buf(), e.to_string()))?;
    Ok(names.iter().map(|n| out.join(n)).collect())
}

/// The runs' seed groups, once every run is on the daily grid and the
/// seeds of a group last equally long.
fn groups(runs: &[Run]) -> Result<Groups, CompareError> {
    for r in runs {
        let t = r.days.get(day::TIME_S.key).unwrap_or(&[]);
        if t.is_empty() {
            return Err(CompareError::Unaligned(format!(
                "{} has no days",
                r.dir.display()
            )));
        }
        if t.iter()
            .enumerate()
            .any(|(i, &s)| (s - (i as f64 + 1.0) * SECONDS_PER_DAY).abs() > 1e-6)
        {
            return Err(CompareError::Unaligned(format!(
                "{} is not on a daily grid",
                r.dir.display()
            )));
        }
    }
    // Groups in order of first appearance.
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, r) in runs.iter().enumerate() {
        match groups.iter_mut().find(|g| g.0 == r.group) {
            Some(g) => g.1.push(i),
            None => groups.push((r.group.clone(), vec![i])),
        }
    }
    for (_, members) in &groups {
        let n = runs[members[0]].days.len();
        if let Some(&m) = members.iter().find(|&&m| runs[m].days.len() != n) {
            return Err(CompareError::Unaligned(format!(
                "{} and {} are seeds of one scenario but last {} and {} days",
                runs[members[0]].dir.display(),
                runs[m].dir.display(),
                n,
                runs[m].days.len()
            )));
        }
    }
    Ok(groups)
}

/// The metrics asked for (or the defaults), each a column some run has.
fn known_metrics(runs: &[Run], metrics: &[String]) -> Result<Vec<String>, CompareError> {
    let metrics: Vec<String> = if metrics.is_empty() {
        DEFAULT_METRICS.iter().map(|s| s.to_string()).collect()
    } else {
        metrics.to_vec()
    };
    for m in &metrics {
        if runs.iter().all(|r| series(r, m).is_none()) {
            let mut cols: Vec<&str> = runs[0]
                .days
                .names
                .iter()
                .chain(runs[0].epochs.names.iter())
                .map(String::as_str)
                .collect();
            cols.sort();
            cols.dedup();
            let names: Vec<String> = cols.iter().map(|c| c.to_string()).collect();
            let hint = did_you_mean(m, &names)
                .map(|b| format!("; did you mean `{b}`?"))
                .unwrap_or_default();
            return Err(CompareError::UnknownMetric(
                m.clone(),
                cols.join(", "),
                hint,
            ));
        }
    }
    Ok(metrics)
}

/// Most fields a label names (then "…").
const LABEL_FIELDS: usize = 3;

/// The fields in which groups' scenarios differ (none with one group).
fn differing(runs: &[Run], groups: &Groups) -> Vec<String> {
    let mut fields: Vec<String> = Vec::new();
    let first = &runs[groups[0].1[0]].scenario;
    for g in &groups[1..] {
        let mut d = Vec::new();
        crate::output::differing_fields(first, &runs[g.1[0]].scenario, "", &mut d);
        for f in d {
            if !fields.contains(&f) {
                fields.push(f);
            }
        }
    }
    // A field inside one that differs as a whole (another enum variant)
    // says nothing more.
    let whole = fields.clone();
    fields.retain(|f| {
        !whole.iter().any(|g| {
            f.len() > g.len() && f.starts_with(g.as_str()) && f[g.len()..].starts_with('.')
        })
    });
    fields
}

/// A JSON value at a dotted path, as short text.
fn value_at(v: &serde_json::Value, path: &str) -> String {
    let mut at = v;
    for seg in path.split('.').filter(|s| !s.is_empty()) {
        at = match at {
            serde_json::Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => at.get(seg),
        }
        .unwrap_or(&serde_json::Value::Null);
    }
    match at {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "none".into(),
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(x) if x.fract() == 0.0 && x.abs() < 1e15 && n.is_f64() => format!("{}", x as i64),
            _ => n.to_string(),
        },
        other => crate::output::clip(&other.to_string(), 40),
    }
}

/// A group's label: the scenario's name when names tell the groups apart
/// (a name says what its scenario is), else the fields in which they
/// differ with their values; then its seed or how many seeds it holds.
fn group_label(runs: &[Run], groups: &Groups, differ: &[String], g: usize) -> String {
    let members = &groups[g].1;
    let r = &runs[members[0]];
    let name = r
        .label
        .rsplit_once(" seed ")
        .map_or(r.label.as_str(), |p| p.0);
    let others: Vec<&String> = differ.iter().filter(|f| *f != "name").collect();
    let mut what = if others.is_empty() || differ.iter().any(|f| f == "name") {
        name.to_string()
    } else {
        let mut parts: Vec<String> = others
            .iter()
            .take(LABEL_FIELDS)
            .map(|f| format!("{f}={}", value_at(&r.scenario, f)))
            .collect();
        if others.len() > LABEL_FIELDS {
            parts.push("…".into());
        }
        parts.join(", ")
    };
    if members.len() == 1 {
        what.push_str(&format!(
            " seed {}",
            r.label.rsplit_once(" seed ").map_or("", |p| p.1)
        ));
    } else {
        what.push_str(&format!(" ({} seeds)", members.len()));
    }
    what
}

/// A panel per metric: a line per run, or a median line with a 5–95 %
/// band per seed group.
fn panels(runs: &[Run], groups: &Groups, metrics: &[String]) -> Vec<Panel> {
    let mut panels = Vec::new();
    let differ = differing(runs, groups);
    for m in metrics {
        let mut panel = Panel::new(m.replace('_', " "), unit_of(m));
        for (gi, g) in groups.iter().enumerate() {
            let all: Vec<Vec<f64>> = g.1.iter().filter_map(|&i| series(&runs[i], m)).collect();
            if all.is_empty() {
                continue;
            }
            let n = all[0].len();
            let xs: Vec<f64> = (1..=n).map(|d| d as f64).collect();
            let line = if all.len() == 1 {
                Line::new(m, xs, all[0].clone())
            } else {
                let spreads: Vec<Spread> = (0..n)
                    .map(|d| Spread::of(&all.iter().map(|s| s[d]).collect::<Vec<_>>()))
                    .collect();
                Line::new(m, xs, spreads.iter().map(|s| s.median).collect()).band(
                    spreads.iter().map(|s| s.p05).collect(),
                    spreads.iter().map(|s| s.p95).collect(),
                )
            };
            panel = panel.line(
                line.label(group_label(runs, groups, &differ, gi))
                    .color(nth_color(gi)),
            );
        }
        panels.push(panel);
    }

    panels
}

/// compare.csv's header and rows.
fn figures_table(runs: &[Run], groups: &Groups) -> (Vec<String>, Vec<Vec<String>>) {
    // compare.csv: one row per summary figure, one column per run, then
    // median and 5–95 % columns for each seed group.
    let mut figures: Vec<String> = Vec::new();
    for r in runs {
        for (k, v) in &r.summary {
            if v.is_number() && !figures.contains(k) {
                figures.push(k.clone());
            }
        }
    }
    let mut header = vec!["figure".to_string()];
    header.extend(runs.iter().map(|r| r.dir.display().to_string()));
    let differ = differing(runs, groups);
    let multi: Vec<usize> = (0..groups.len())
        .filter(|&g| groups[g].1.len() > 1)
        .collect();
    for &g in &multi {
        let l = group_label(runs, groups, &differ, g);
        header.extend([
            format!("{l} median"),
            format!("{l} p05"),
            format!("{l} p95"),
        ]);
    }
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(figures.len());
    for f in &figures {
        let value = |r: &Run| {
            r.summary
                .get(f)
                .and_then(|v| v.as_f64())
                .unwrap_or(f64::NAN)
        };
        let mut row = vec![f.clone()];
        // Each run's number as summary.json writes it (a 64-bit seed
        // stays exact).
        row.extend(runs.iter().map(|r| match r.summary.get(f) {
            Some(v) if v.is_number() => v.to_string(),
            _ => f64::NAN.to_string(),
        }));
        // A median of seeds or of wall times means nothing.
        let meaningless = f == "seed" || f == "wall_time_s";
        for &g in &multi {
            if meaningless {
                row.extend([String::new(), String::new(), String::new()]);
                continue;
            }
            let s = Spread::of(
                &groups[g]
                    .1
                    .iter()
                    .map(|&i| value(&runs[i]))
                    .collect::<Vec<_>>(),
            );
            row.extend([s.median.to_string(), s.p05.to_string(), s.p95.to_string()]);
        }
        rows.push(row);
    }

    (header, rows)
}
