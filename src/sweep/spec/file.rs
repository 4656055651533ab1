//! The sweep file as written: its axes, its design, and the limits on its
//! size.

use serde::{Deserialize, Serialize};

use crate::sweep::checks::Check;
use crate::sweep::value::AxisValue;

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
    /// ([`crate::sweep::checks`]). Not part of the sweep's identity: changing a
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
    /// ([`crate::sweep::sensitivity`]).
    Morris {
        /// One-at-a-time paths (10 to 50 is usual).
        trajectories: u32,
        /// Grid levels per axis (an even number, usually 4).
        levels: u32,
    },
    /// Variance-based indices (global sensitivity): Saltelli's n (k + 2)
    /// points from a Sobol sequence, n a power of two
    /// ([`crate::sweep::sensitivity`]).
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

/// Most runs a sweep may plan.
pub const MAX_RUNS: u64 = 10_000_000;

/// Most axes in one sweep.
pub const MAX_AXES: usize = 16;

/// Most values on one axis (each is checked against the schema up front).
pub const MAX_AXIS_VALUES: u64 = 1_000;

/// Summary figures plotted (and ranked) by default.
pub const DEFAULT_METRICS: &[&str] = &[
    "hashrate_decline_pct",
    "hashrate_end_ehs",
    "mean_block_interval_s",
];

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
