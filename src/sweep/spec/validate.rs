//! The checks of a sweep file that need no scenario loaded: its size,
//! its axes and metrics, and what a sensitivity design requires.

use super::file::{
    DEFAULT_METRICS, Design, MAX_AXES, MAX_AXIS_VALUES, MAX_RUNS, SweepFile, points_by_seeds,
};
use crate::metrics::Summary;
use crate::scenario::error::{ScenarioError, did_you_mean};

/// Builds the error for a field of the sweep file.
pub(super) type At<'a> = dyn Fn(String, String) -> ScenarioError + 'a;

/// Refuses axes that cannot mean what they say (two on one path, one on
/// the seed) and metrics that are not summary figures.
pub(super) fn check_axes_and_metrics(file: &SweepFile, at: &At) -> Result<(), ScenarioError> {
    for (i, axis) in file.axes.iter().enumerate() {
        if axis.path == "seed" {
            return Err(at(
                format!("axes.{i}.path"),
                "every run's seed comes from the sweep's `seed` and `seeds`: an axis on `seed` would change nothing".into(),
            ));
        }
        if let Some(j) = file.axes[..i].iter().position(|a| a.path == axis.path) {
            return Err(at(
                format!("axes.{i}.path"),
                format!(
                    "`{}` is already axis {j}: give each path one axis",
                    axis.path
                ),
            ));
        }
    }
    let figures: Vec<String> = Summary::figure_names()
        .into_iter()
        .map(String::from)
        .collect();
    for (i, m) in file.metrics.iter().enumerate() {
        if !figures.contains(m) {
            let hint = did_you_mean(m, &figures)
                .map(|b| format!("did you mean `{b}`? "))
                .unwrap_or_default();
            return Err(at(
                format!("metrics.{i}"),
                format!(
                    "`{m}` is not a summary figure; {hint}(figures: {})",
                    figures.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses a sensitivity design that cannot give indices: fewer than two
/// axes, an axis of values (not a range) or a range that varies nothing,
/// a Sobol `n` that is not a power of two, a Morris grid of odd levels, a
/// metric that the runs leave empty.
pub(super) fn check_sensitivity(
    file: &SweepFile,
    counterfactual: bool,
    at: &At,
) -> Result<(), ScenarioError> {
    let (name, runs) = match file.design {
        Design::Morris {
            trajectories,
            levels,
        } => {
            if trajectories < 2 {
                return Err(at(
                    "design".into(),
                    format!(
                        "Morris needs at least 2 trajectories to give σ (it has {trajectories}); 10 to 50 is usual"
                    ),
                ));
            }
            if levels < 2 || levels % 2 == 1 || levels > 1000 {
                return Err(at(
                    "design".into(),
                    format!(
                        "Morris levels must be an even number from 2 to 1000 (it is {levels}): with an even grid each step of Δ = levels/(2(levels−1)) lands on a level; 4 is usual"
                    ),
                ));
            }
            (
                "Morris",
                u64::from(trajectories) * (file.axes.len() as u64 + 1),
            )
        }
        Design::Sobol { n } => {
            if n < 2 || !n.is_power_of_two() || n > crate::sweep::sensitivity::MAX_SOBOL_N {
                return Err(at(
                    "design".into(),
                    format!(
                        "Sobol n must be a power of two from 2 to {} (it is {n}): the sequence is balanced only over powers of two; e.g. {}",
                        crate::sweep::sensitivity::MAX_SOBOL_N,
                        n.max(2)
                            .checked_next_power_of_two()
                            .unwrap_or(crate::sweep::sensitivity::MAX_SOBOL_N)
                            .min(crate::sweep::sensitivity::MAX_SOBOL_N)
                    ),
                ));
            }
            ("Sobol", u64::from(n) * (file.axes.len() as u64 + 2))
        }
        _ => return Ok(()),
    };
    if file.axes.len() < 2 {
        return Err(at(
            "axes".into(),
            format!("a {name} design ranks parameters against each other: give at least two axes"),
        ));
    }
    for (i, axis) in file.axes.iter().enumerate() {
        match &axis.range {
            None => {
                return Err(at(
                    format!("axes.{i}"),
                    format!(
                        "a {name} design draws each axis from a range: give `range: (start: …, end: …)` (scale Linear or Log) instead of `values`"
                    ),
                ));
            }
            Some(r) if r.start == r.end => {
                return Err(at(
                    format!("axes.{i}.range"),
                    "start equals end: this axis varies nothing".into(),
                ));
            }
            Some(_) => {}
        }
    }
    if runs.saturating_mul(u64::from(file.seeds)) > MAX_RUNS {
        return Err(at(
            "design".into(),
            format!(
                "{} is more than {MAX_RUNS} runs",
                points_by_seeds(runs, file.seeds)
            ),
        ));
    }
    // The figures only a counterfactual gives are empty without one.
    let metrics: Vec<&str> = if file.metrics.is_empty() {
        DEFAULT_METRICS.to_vec()
    } else {
        file.metrics.iter().map(String::as_str).collect()
    };
    if let Some(i) = metrics.iter().position(|m| m.contains("no_ai"))
        && !counterfactual
    {
        let field = if file.metrics.is_empty() {
            "metrics".into()
        } else {
            format!("metrics.{i}")
        };
        return Err(at(
            field,
            format!(
                "`{}` is empty unless the runs have a counterfactual: add \"counterfactual=true\" to `set`",
                metrics[i]
            ),
        ));
    }
    Ok(())
}

/// Refuses an empty sweep, or one too large to plan, before anything is
/// built.
pub(super) fn check_sizes(file: &SweepFile, at: &At) -> Result<(), ScenarioError> {
    if file.axes.is_empty() {
        return Err(at("axes".into(), "a sweep needs at least one axis".into()));
    }
    if file.seeds == 0 {
        return Err(at("seeds".into(), "must be at least 1".into()));
    }
    // Sizes first, so a huge sweep is refused before anything is built.
    if file.axes.len() > MAX_AXES {
        return Err(at(
            "axes".into(),
            format!("{} axes; at most {MAX_AXES} are allowed", file.axes.len()),
        ));
    }
    let mut grid_points: u64 = 1;
    for (i, axis) in file.axes.iter().enumerate() {
        let (len, field) = match &axis.range {
            Some(r) => (r.steps.unwrap_or(2) as u64, format!("axes.{i}.range")),
            None => (axis.values.len() as u64, format!("axes.{i}.values")),
        };
        if len > MAX_AXIS_VALUES {
            return Err(at(
                field,
                format!("{len} values; at most {MAX_AXIS_VALUES} are allowed on one axis"),
            ));
        }
        grid_points = grid_points.saturating_mul(len.max(1));
    }
    if file.design == Design::Grid && grid_points.saturating_mul(file.seeds as u64) > MAX_RUNS {
        return Err(at(
            "axes".into(),
            format!(
                "{} is more than {MAX_RUNS} runs",
                points_by_seeds(grid_points, file.seeds)
            ),
        ));
    }
    Ok(())
}
