//! The points of a sweep's design: each axis' values, checked against the
//! schema, combined by the design (a grid, a zip, or draws from the
//! ranges).

use rand::RngExt;
use rand::seq::SliceRandom;

use super::file::{AxisRange, Design, MAX_RUNS, Scale, SweepFile};
use super::validate::At;
use crate::scenario::error::ScenarioError;
use crate::scenario::{Override, Scenario, locate};
use crate::sweep::value::{AxisValue, format_number};

/// The layout of a sensitivity design (None for the other designs), from
/// the sweep file alone: the same file always gives the same points.
pub(crate) fn layout(file: &SweepFile) -> Option<crate::sweep::sensitivity::Layout> {
    let k = file.axes.len();
    match file.design {
        Design::Morris {
            trajectories,
            levels,
        } => Some(crate::sweep::sensitivity::morris(
            k,
            trajectories as usize,
            levels,
            file.seed,
        )),
        Design::Sobol { n } => Some(crate::sweep::sensitivity::sobol(k, n as usize, file.seed)),
        _ => None,
    }
}

/// Each axis' values as RON text, each checked against the schema on its
/// own (the base with `set` and that one value must load).
pub(super) fn axis_values(
    file: &SweepFile,
    base: &str,
    set: &[Override],
    resolved: &str,
    at: &At,
) -> Result<Vec<Vec<String>>, ScenarioError> {
    // Each axis' values, each checked against the schema on its own.
    let mut axis_values: Vec<Vec<String>> = Vec::new();
    for (i, axis) in file.axes.iter().enumerate() {
        let values: Vec<String> = match (&axis.range, axis.values.is_empty()) {
            (Some(r), true) => {
                if r.steps == Some(0) || !r.start.is_finite() || !r.end.is_finite() {
                    return Err(at(
                        format!("axes.{i}.range"),
                        "an empty range: steps must be ≥ 1 and start, end finite".into(),
                    ));
                }
                let draws = matches!(file.design, Design::LatinHypercube { .. })
                    || file.design.is_sensitivity();
                if r.steps.is_none() && !draws {
                    return Err(at(
                        format!("axes.{i}.range"),
                        "give `steps` (how many values): a Grid or Zip design takes the range's values; Latin-hypercube, Morris and Sobol designs draw from the whole range and need none".into(),
                    ));
                }
                if r.scale == Scale::Log && (r.start <= 0.0 || r.end <= 0.0) {
                    return Err(at(
                        format!("axes.{i}.range"),
                        "a log range needs start and end > 0".into(),
                    ));
                }
                r.values().into_iter().map(format_number).collect()
            }
            (None, false) => axis.values.iter().map(AxisValue::ron).collect(),
            (None, true) => {
                return Err(at(
                    format!("axes.{i}"),
                    "give `values` or `range` (this axis has neither: it is empty)".into(),
                ));
            }
            (Some(_), false) => {
                return Err(at(
                    format!("axes.{i}"),
                    "give `values` or `range`, not both".into(),
                ));
            }
        };
        for (j, v) in values.iter().enumerate() {
            let mut o = set.to_vec();
            o.push(Override {
                path: axis.path.clone(),
                value: v.clone(),
            });
            if let Err(e) = Scenario::load(base, &o) {
                // A path the resolved scenario does not have is the axis'
                // fault; otherwise the value is.
                let segments: Vec<&str> = axis.path.split('.').collect();
                let field = if locate::find(resolved, &segments).is_err() {
                    format!("axes.{i}.path")
                } else if axis.range.is_some() {
                    format!("axes.{i}.range")
                } else {
                    format!("axes.{i}.values.{j}")
                };
                let msg = e
                    .problems()
                    .first()
                    .map_or(e.to_string(), |p| p.message.clone());
                return Err(at(field, format!("`{} = {v}`: {msg}", axis.path)));
            }
        }
        if let Some(j) = (1..values.len()).find(|&j| values[..j].contains(&values[j])) {
            let field = match axis.range {
                Some(_) => format!("axes.{i}.range"),
                None => format!("axes.{i}.values.{j}"),
            };
            return Err(at(
                field,
                format!(
                    "`{}` appears twice on this axis: its runs would repeat (and share ids)",
                    values[j]
                ),
            ));
        }
        axis_values.push(values);
    }
    Ok(axis_values)
}

/// Which range axes take whole numbers only (a field of days, say): a
/// design that draws from the whole range rounds their draws. An axis is
/// taken as whole when a fraction between its ends is refused where its
/// rounded value is not.
pub(super) fn whole_number_axes(file: &SweepFile, base: &str, set: &[Override]) -> Vec<bool> {
    let loads = |path: &str, v: f64| {
        let mut o = set.to_vec();
        o.push(Override {
            path: path.to_string(),
            value: format_number(v),
        });
        Scenario::load(base, &o).is_ok()
    };
    // Grid and Zip take the range's own values, each checked when planned.
    let draws =
        matches!(file.design, Design::LatinHypercube { .. }) || file.design.is_sensitivity();
    file.axes
        .iter()
        .map(|axis| match &axis.range {
            Some(r) if draws => {
                let v = r.at(0.5);
                let fraction = if v.fract() == 0.0 { v + 0.5 } else { v };
                !loads(&axis.path, fraction) && loads(&axis.path, fraction.round())
            }
            _ => false,
        })
        .collect()
}

/// A draw from a range, rounded on a whole-number axis.
pub(super) fn draw(r: &AxisRange, f: f64, whole: bool) -> String {
    let v = r.at(f);
    format_number(if whole { v.round() } else { v })
}

/// The points of the design: each a value per axis.
pub(super) fn design_points(
    file: &SweepFile,
    axis_values: &[Vec<String>],
    whole: &[bool],
    at: &At,
) -> Result<Vec<Vec<String>>, ScenarioError> {
    Ok(match &file.design {
        Design::Grid => {
            let mut points = vec![Vec::new()];
            for values in axis_values {
                points = points
                    .into_iter()
                    .flat_map(|p| {
                        values
                            .iter()
                            .map(move |v| [p.clone(), vec![v.clone()]].concat())
                    })
                    .collect();
            }
            points
        }
        Design::Zip => {
            let n = axis_values[0].len();
            if let Some(i) = axis_values.iter().position(|v| v.len() != n) {
                return Err(at(
                    format!("axes.{i}"),
                    format!(
                        "zip needs axes of equal length: axis 0 has {n} values, axis {i} has {}",
                        axis_values[i].len()
                    ),
                ));
            }
            (0..n)
                .map(|k| axis_values.iter().map(|v| v[k].clone()).collect())
                .collect()
        }
        Design::LatinHypercube { points } => {
            let n = *points as usize;
            if n == 0 || n as u64 * file.seeds as u64 > MAX_RUNS {
                return Err(at(
                    "design".into(),
                    format!("points must be between 1 and {MAX_RUNS} / seeds"),
                ));
            }
            let mut rng = crate::state::rng::stream(file.seed, 0x4c48_5300);
            let columns: Vec<Vec<String>> = file
                .axes
                .iter()
                .zip(axis_values)
                .zip(whole)
                .map(|((axis, values), &whole)| {
                    let mut strata: Vec<usize> = (0..n).collect();
                    strata.shuffle(&mut rng);
                    strata
                        .into_iter()
                        .map(|s| {
                            let f = (s as f64 + rng.random::<f64>()) / n as f64;
                            match &axis.range {
                                Some(r) => draw(r, f, whole),
                                None => values
                                    [((f * values.len() as f64) as usize).min(values.len() - 1)]
                                .clone(),
                            }
                        })
                        .collect()
                })
                .collect();
            (0..n)
                .map(|k| columns.iter().map(|c| c[k].clone()).collect())
                .collect()
        }
        Design::Morris { .. } | Design::Sobol { .. } => {
            let layout = layout(file).expect("a sensitivity design");
            layout
                .fractions()
                .iter()
                .map(|f| {
                    file.axes
                        .iter()
                        .zip(f)
                        .zip(whole)
                        .map(|((axis, &f), &whole)| {
                            draw(axis.range.as_ref().expect("checked: ranges"), f, whole)
                        })
                        .collect()
                })
                .collect()
        }
    })
}
