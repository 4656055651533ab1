//! Finishing a complete sweep directory: points.csv (each figure's
//! spread over seeds at every point), the plots, the checks' verdicts,
//! a sensitivity design's indices and the report.

use std::fs::{self, File};
use std::io;
use std::path::Path;

use super::checks;
use super::directory::{columns, number_cell, scan_rows};
use super::error::SweepError;
use super::plots::{Drawn, plot_metrics, plots};
use super::report::report;
use super::sensitivity;
use super::spec::{self, Plan};
use crate::metrics::Summary;
use crate::metrics::stats::Spread;
use crate::output::{RunDir, write_atomically};

/// Writes points.csv, the plots and (when the sweep has checks)
/// checks.csv of a complete sweep directory, and returns the checks'
/// verdicts.
pub fn finish(plan: &Plan, dir: &Path) -> Result<Vec<checks::Verdict>, SweepError> {
    let runs_path = dir.join("runs.csv");
    let header = columns(plan);
    let figures = Summary::figure_names();
    let first_figure = 4 + plan.file.axes.len();
    let staging = RunDir::staging(dir, "finish")?;
    let mut w =
        csv::Writer::from_path(staging.path().join("points.csv")).map_err(io::Error::other)?;
    let mut head: Vec<String> = vec!["point".into()];
    head.extend(plan.file.axes.iter().map(|a| a.path.clone()));
    head.push("runs".into());
    for f in &figures {
        for s in ["mean", "median", "p05", "p95"] {
            head.push(format!("{f}_{s}"));
        }
    }
    w.write_record(&head).map_err(io::Error::other)?;
    // A sensitivity design keeps its metrics' values over seeds at every
    // point (points × metrics × seeds numbers) for the indices.
    let layout = spec::layout(&plan.file);
    let sens_metrics = plot_metrics(plan);
    let sens_index: Vec<usize> = sens_metrics
        .iter()
        .filter_map(|m| figures.iter().position(|f| f == m))
        .collect();
    let mut sens_runs: Vec<Vec<Vec<f64>>> = Vec::new();
    // Rows are in plan order, so each point's runs come together: one
    // point's figures are held at a time.
    let mut point_stats: Vec<(usize, Vec<Spread>)> = Vec::new();
    let mut current: Option<(usize, Vec<Vec<f64>>)> = None;
    let mut flush = |point: usize,
                     values: Vec<Vec<f64>>,
                     w: &mut csv::Writer<File>|
     -> Result<(), SweepError> {
        let spreads: Vec<Spread> = values.iter().map(|v| Spread::of(v)).collect();
        let mut rec = vec![point.to_string()];
        rec.extend(plan.points[point].values.iter().cloned());
        rec.push(values.first().map_or(0, Vec::len).to_string());
        for s in &spreads {
            rec.extend(
                [s.mean, s.median, s.p05, s.p95]
                    .into_iter()
                    .map(number_cell),
            );
        }
        w.write_record(&rec).map_err(io::Error::other)?;
        if layout.is_some() {
            sens_runs.push(sens_index.iter().map(|&k| values[k].clone()).collect());
        }
        point_stats.push((point, spreads));
        Ok(())
    };
    let (count, _) = scan_rows(&runs_path, &header, |rec| {
        let point: usize = rec[1]
            .parse()
            .ok()
            .filter(|p| *p < plan.points.len())
            .ok_or_else(|| {
                SweepError::Corrupt(runs_path.clone(), format!("bad point index `{}`", &rec[1]))
            })?;
        if current.as_ref().is_some_and(|c| c.0 != point) {
            let (p, v) = current.take().expect("checked");
            flush(p, v, &mut w)?;
        }
        let entry = current.get_or_insert_with(|| (point, vec![Vec::new(); figures.len()]));
        for (k, v) in entry.1.iter_mut().enumerate() {
            v.push(rec[first_figure + k].parse().unwrap_or(f64::NAN));
        }
        Ok(())
    })?;
    if let Some((p, v)) = current.take() {
        flush(p, v, &mut w)?;
    }
    if count != plan.runs.len() {
        staging.abandon();
        return Err(SweepError::Corrupt(
            runs_path,
            format!("{count} of {} runs recorded", plan.runs.len()),
        ));
    }
    w.flush()?;
    drop(w);
    let mut names = vec!["points.csv".to_string()];
    let mut drawn = plots(plan, &point_stats, staging.path())?;
    let axes: Vec<String> = plan.file.axes.iter().map(|a| a.path.clone()).collect();
    let verdicts = evaluate_checks(plan, &axes, &point_stats);
    if !plan.file.checks.is_empty() {
        checks::write_csv(&staging.path().join("checks.csv"), &verdicts)?;
        names.push("checks.csv".into());
    } else if dir.join("checks.csv").exists() {
        // The verdicts of checks the sweep file no longer has.
        fs::remove_file(dir.join("checks.csv"))?;
    }
    let sens_rows = layout.as_ref().map(|layout| {
        sensitivity::indices(layout, &axes, &sens_metrics, &sens_runs, plan.file.seed)
    });
    if let (Some(layout), Some(rows)) = (&layout, &sens_rows) {
        names.push("sensitivity.csv".into());
        drawn.extend(sensitivity::write(
            layout,
            rows,
            &sens_metrics,
            &plan.file.name,
            staging.path(),
        )?);
    }
    names.extend(drawn.iter().flat_map(Drawn::files));
    report(
        plan,
        &drawn,
        sens_rows.as_deref(),
        &verdicts,
        staging.path(),
    )?;
    names.push("report.html".into());
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    write_atomically(staging, dir, &refs)?;
    Ok(verdicts)
}

/// The verdicts of the sweep file's checks on each point's spreads over
/// seeds (`point_stats`: point index and one spread per summary figure).
fn evaluate_checks(
    plan: &Plan,
    axes: &[String],
    point_stats: &[(usize, Vec<Spread>)],
) -> Vec<checks::Verdict> {
    let figure_names: Vec<String> = Summary::figure_names()
        .iter()
        .map(|f| f.to_string())
        .collect();
    let values: Vec<Vec<String>> = plan.points.iter().map(|p| p.values.clone()).collect();
    let mut at_point: Vec<Option<usize>> = vec![None; plan.points.len()];
    for (i, s) in point_stats.iter().enumerate() {
        at_point[s.0] = Some(i);
    }
    checks::evaluate(&plan.file.checks, axes, &values, &figure_names, |p, f| {
        at_point[p].map(|i| &point_stats[i].1[f])
    })
}
