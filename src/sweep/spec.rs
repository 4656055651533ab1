//! The sweep file (RON) and its expansion into a plan of runs.

use serde::{Deserialize, Serialize};
use siphasher::sip::SipHasher13;

use rand::RngExt;
use rand::seq::SliceRandom;

use crate::metrics::Summary;

use super::checks::Check;
pub use super::value::{AxisValue, format_number};
use crate::scenario::error::{Problem, ScenarioError, did_you_mean};
use crate::scenario::{Override, Scenario, locate};

/// A sweep as written in a `.ron` file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepFile {
    /// Names the sweep's directory (`<out>/sweeps/<name>`).
    pub name: String,
    /// The question the sweep asks, for its report (optional).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The base scenario: a shipped name, or a path relative to the sweep file.
    pub base: String,
    /// Overrides applied to every run, `PATH=VALUE` as with `--set`.
    #[serde(default)]
    pub set: Vec<String>,
    /// The parameters varied.
    pub axes: Vec<Axis>,
    /// How axes combine into points.
    #[serde(default)]
    pub design: Design,
    /// Monte Carlo replicates per point.
    #[serde(default = "one")]
    pub seeds: u32,
    /// Seed from which every run's seed is derived.
    #[serde(default)]
    pub seed: u64,
    /// Summary figures to plot (default: hashrate decline, end hashrate,
    /// mean block interval).
    #[serde(default)]
    pub metrics: Vec<String>,
    /// What the results must show, checked after the runs
    /// ([`super::checks`]). Not part of the sweep's identity: changing a
    /// check and running the sweep again re-evaluates it on the recorded
    /// runs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
}

fn one() -> u32 {
    1
}

/// One varied parameter: a list of values or a range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Axis {
    /// Dotted scenario path, as `--set` takes.
    pub path: String,
    /// Values: numbers, or strings holding RON text (`"Fixed"`, `"\"Foundry\""`).
    #[serde(default)]
    pub values: Vec<AxisValue>,
    /// A range instead of values.
    #[serde(default)]
    pub range: Option<AxisRange>,
}

/// Evenly spaced values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AxisRange {
    /// First value.
    pub start: f64,
    /// Last value.
    pub end: f64,
    /// Number of values (≥ 1; 1 gives `start`). Grid and Zip designs
    /// need it; Latin-hypercube, Morris and Sobol designs draw from the
    /// whole range and take none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<u32>,
    /// Linear or logarithmic spacing.
    #[serde(default)]
    pub scale: Scale,
}

/// Spacing of a range.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scale {
    /// Equal differences.
    #[default]
    Linear,
    /// Equal ratios (start and end > 0).
    Log,
}

impl AxisRange {
    /// The value at fraction `f` ∈ [0, 1] of the range.
    pub fn at(&self, f: f64) -> f64 {
        match self.scale {
            Scale::Linear => self.start + f * (self.end - self.start),
            Scale::Log => (self.start.ln() + f * (self.end.ln() - self.start.ln())).exp(),
        }
    }

    /// The range's values: `steps` of them, or without `steps` its two
    /// ends (what a design that draws from the whole range is checked on).
    pub fn values(&self) -> Vec<f64> {
        let steps = self.steps.unwrap_or(2);
        if steps <= 1 {
            return vec![self.start];
        }
        (0..steps)
            .map(|i| self.at(i as f64 / (steps - 1) as f64))
            .collect()
    }
}

/// How axes combine.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Design {
    /// Every combination (the first axis varies slowest).
    #[default]
    Grid,
    /// Axes of equal length stepped together.
    Zip,
    /// `points` points, each axis split into `points` strata, one draw per
    /// stratum, strata shuffled per axis (seeded by the sweep's seed).
    LatinHypercube {
        /// Number of points.
        points: u32,
    },
    /// Elementary effects (global sensitivity): `trajectories` paths of
    /// k + 1 points on a grid of `levels` levels per range
    /// ([`super::sensitivity`]).
    Morris {
        /// One-at-a-time paths (10 to 50 is usual).
        trajectories: u32,
        /// Grid levels per axis (an even number, usually 4).
        levels: u32,
    },
    /// Variance-based indices (global sensitivity): Saltelli's n (k + 2)
    /// points from a Sobol sequence, n a power of two
    /// ([`super::sensitivity`]).
    Sobol {
        /// Rows of each base matrix.
        n: u32,
    },
}

impl Design {
    /// Whether this is a sensitivity design (Morris or Sobol).
    pub fn is_sensitivity(&self) -> bool {
        matches!(self, Design::Morris { .. } | Design::Sobol { .. })
    }
}

/// One point of the sweep: a value per axis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Index in plan order.
    pub index: usize,
    /// RON text of each axis' value, in axis order.
    pub values: Vec<String>,
    /// Stable hash of the point's assignments (its identity).
    pub hash: u64,
}

/// One run of the plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedRun {
    /// Stable id: the point's hash and the replicate.
    pub id: String,
    /// Index of its point.
    pub point: usize,
    /// Replicate number, from 0.
    pub replicate: u32,
    /// The run's seed, derived from the sweep seed, the point and the
    /// replicate only: adding points or reordering never changes it.
    pub seed: u64,
}

/// Most runs a sweep may plan.
pub const MAX_RUNS: u64 = 10_000_000;

/// Most axes in one sweep.
pub const MAX_AXES: usize = 16;

/// Most values on one axis (each is checked against the schema up front).
pub const MAX_AXIS_VALUES: u64 = 1_000;

/// A checked sweep: its points and runs, and the base it builds on.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The sweep as written.
    pub file: SweepFile,
    /// Where the base scenario comes from (shipped name or resolved path).
    pub base: String,
    /// Fixed overrides.
    pub set: Vec<Override>,
    /// Points in plan order.
    pub points: Vec<Point>,
    /// Runs in plan order (points × replicates).
    pub runs: Vec<PlannedRun>,
    /// Identity of the sweep (hash of its canonical form).
    pub sweep_hash: String,
}

fn sip(key: u64, bytes: &[u8]) -> u64 {
    SipHasher13::new_with_keys(key, 0x6861_7368_666c_6967).hash(bytes)
}

impl Plan {
    /// The overrides of one run: the fixed ones, then the point's values.
    pub fn overrides(&self, point: &Point) -> Vec<Override> {
        let mut o = self.set.clone();
        for (axis, value) in self.file.axes.iter().zip(&point.values) {
            o.push(Override {
                path: axis.path.clone(),
                value: value.clone(),
            });
        }
        o
    }

    /// The validated scenario of a planned run.
    pub fn scenario(&self, run: &PlannedRun) -> Result<Scenario, ScenarioError> {
        Ok(
            Scenario::load(&self.base, &self.overrides(&self.points[run.point]))?
                .with_seed(run.seed),
        )
    }
}

impl Plan {
    /// Its size in words ([`points_by_seeds`]).
    pub fn size(&self) -> String {
        points_by_seeds(self.points.len() as u64, self.file.seeds)
    }
}

/// A plan's size in words.
///
/// ```
/// use hashflight::sweep::spec::points_by_seeds;
/// assert_eq!(points_by_seeds(9, 2), "9 points × 2 seeds");
/// assert_eq!(points_by_seeds(1, 1), "1 point × 1 seed");
/// ```
pub fn points_by_seeds(points: u64, seeds: u32) -> String {
    let plural = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{} × {}",
        plural(points, "point"),
        plural(seeds.into(), "seed")
    )
}

/// Parses and checks a sweep file; `origin` names it in errors and `dir`
/// resolves a relative `base`.
pub fn plan(src: &str, origin: &str, dir: &std::path::Path) -> Result<Plan, ScenarioError> {
    let src = crate::scenario::load::without_bom(src);
    let file: SweepFile = crate::scenario::load::parse_ron(src, origin)?;
    let at = |field: String, message: String| {
        ScenarioError::Invalid(vec![Problem {
            origin: origin.to_string(),
            position: locate::position(src, &field).0,
            field,
            message,
        }])
    };
    if !crate::scenario::validate::is_directory_name(&file.name) {
        return Err(at(
            "name".into(),
            format!(
                "`{}` is not usable as a directory name: use letters, digits, `-`, `_` and `.`",
                file.name
            ),
        ));
    }
    let base =
        if crate::scenario::shipped::find(&file.base).is_some() && !dir.join(&file.base).exists() {
            file.base.clone()
        } else {
            dir.join(&file.base).display().to_string()
        };
    let set = file
        .set
        .iter()
        .enumerate()
        .map(|(i, s)| Override::parse(s).map_err(|e| at(format!("set.{i}"), e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    // The base with the fixed overrides must be valid on its own.
    let resolved = Scenario::load(&base, &set).map_err(|e| {
        at(
            "base".into(),
            format!("the base scenario with `set` is invalid:\n{e}"),
        )
    })?;
    let counterfactual = resolved.spec().counterfactual;
    let resolved = resolved.to_ron();
    check_sizes(&file, &at)?;
    check_axes_and_metrics(&file, &at)?;
    check_sensitivity(&file, counterfactual, &at)?;
    let axis_values = axis_values(&file, &base, &set, &resolved, &at)?;
    let whole = whole_number_axes(&file, &base, &set);
    let points_values = design_points(&file, &axis_values, &whole, &at)?;
    let points: Vec<Point> = points_values
        .into_iter()
        .enumerate()
        .map(|(index, values)| {
            let mut key: String = file
                .axes
                .iter()
                .zip(&values)
                .map(|(a, v)| format!("{}={v}\n", a.path))
                .collect();
            // A sensitivity design may visit one point twice (two Morris
            // paths crossing): its sample number is part of its identity.
            if file.design.is_sensitivity() {
                key.push_str(&format!("sample={index}\n"));
            }
            Point {
                index,
                hash: sip(file.seed, key.as_bytes()),
                values,
            }
        })
        .collect();
    // In a sensitivity design replicate r of every point shares a seed
    // (common random numbers): points differ by their parameters only.
    let common = file.design.is_sensitivity();
    let runs = points
        .iter()
        .flat_map(|p| {
            (0..file.seeds).map(move |r| PlannedRun {
                id: format!("{:016x}-{r}", p.hash),
                point: p.index,
                replicate: r,
                seed: if common {
                    sip(file.seed ^ 0x5345_4e53, &r.to_le_bytes())
                } else {
                    sip(p.hash, &r.to_le_bytes())
                },
            })
        })
        .collect();
    let figures: Vec<String> = Summary::figure_names()
        .into_iter()
        .map(String::from)
        .collect();
    let axes: Vec<String> = file.axes.iter().map(|a| a.path.clone()).collect();
    let values: Vec<Vec<String>> = points.iter().map(|p| p.values.clone()).collect();
    super::checks::validate(&file.checks, &axes, &values, &figures)
        .map_err(|(field, message)| at(field, message))?;
    // The checks are judgements on the runs, and the description words
    // for the report: neither is part of what is run.
    let canonical = serde_json::to_string(&SweepFile {
        checks: Vec::new(),
        description: String::new(),
        ..file.clone()
    })
    .expect("sweeps serialize");
    Ok(Plan {
        sweep_hash: format!("{:016x}", sip(0, canonical.as_bytes())),
        file,
        base,
        set,
        points,
        runs,
    })
}

/// Builds the error for a field of the sweep file.
type At<'a> = dyn Fn(String, String) -> ScenarioError + 'a;

/// Refuses axes that cannot mean what they say (two on one path, one on
/// the seed) and metrics that are not summary figures.
fn check_axes_and_metrics(file: &SweepFile, at: &At) -> Result<(), ScenarioError> {
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

/// The layout of a sensitivity design (None for the other designs), from
/// the sweep file alone: the same file always gives the same points.
pub fn layout(file: &SweepFile) -> Option<super::sensitivity::Layout> {
    let k = file.axes.len();
    match file.design {
        Design::Morris {
            trajectories,
            levels,
        } => Some(super::sensitivity::morris(
            k,
            trajectories as usize,
            levels,
            file.seed,
        )),
        Design::Sobol { n } => Some(super::sensitivity::sobol(k, n as usize, file.seed)),
        _ => None,
    }
}

/// Summary figures plotted (and ranked) by default.
pub const DEFAULT_METRICS: &[&str] = &[
    "hashrate_decline_pct",
    "hashrate_end_ehs",
    "mean_block_interval_s",
];

/// Refuses a sensitivity design that cannot give indices: fewer than two
/// axes, an axis of values (not a range) or a range that varies nothing,
/// a Sobol `n` that is not a power of two, a Morris grid of odd levels, a
/// metric that the runs leave empty.
fn check_sensitivity(file: &SweepFile, counterfactual: bool, at: &At) -> Result<(), ScenarioError> {
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
            if n < 2 || !n.is_power_of_two() || n > super::sensitivity::MAX_SOBOL_N {
                return Err(at(
                    "design".into(),
                    format!(
                        "Sobol n must be a power of two from 2 to {} (it is {n}): the sequence is balanced only over powers of two; e.g. {}",
                        super::sensitivity::MAX_SOBOL_N,
                        n.max(2)
                            .checked_next_power_of_two()
                            .unwrap_or(super::sensitivity::MAX_SOBOL_N)
                            .min(super::sensitivity::MAX_SOBOL_N)
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
fn check_sizes(file: &SweepFile, at: &At) -> Result<(), ScenarioError> {
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

/// Each axis' values as RON text, each checked against the schema on its
/// own (the base with `set` and that one value must load).
fn axis_values(
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
fn whole_number_axes(file: &SweepFile, base: &str, set: &[Override]) -> Vec<bool> {
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
fn draw(r: &AxisRange, f: f64, whole: bool) -> String {
    let v = r.at(f);
    format_number(if whole { v.round() } else { v })
}

/// The points of the design: each a value per axis.
fn design_points(
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
