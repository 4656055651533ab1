//! The sweep file (RON) and its expansion into a plan of runs.

use serde::{Deserialize, Serialize};
use siphasher::sip::SipHasher13;

use crate::metrics::Summary;

mod design;
mod file;
mod validate;

pub use super::value::{AxisValue, format_number};
use crate::scenario::error::{Problem, ScenarioError};
use crate::scenario::{Override, Scenario, locate};
pub(crate) use design::layout;
use design::{axis_values, design_points, whole_number_axes};
pub use file::{
    Axis, AxisRange, DEFAULT_METRICS, Design, MAX_AXES, MAX_AXIS_VALUES, MAX_RUNS, Scale,
    SweepFile, points_by_seeds,
};
use validate::{check_axes_and_metrics, check_sensitivity, check_sizes};

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

/// A stable 64-bit hash of `bytes` under `key`: the identities of points,
/// runs' seeds and the sweep's hash.
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
