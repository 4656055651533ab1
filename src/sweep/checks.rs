//! Checks in a sweep file: what its results must show, evaluated after the
//! runs (by `sweep`, and by `merge` for a sharded sweep) on the statistics
//! of points.csv.
//!
//! Two kinds, each on one summary figure and one statistic over seeds:
//!
//! - a **band**: `(metric: "hashrate_end_ehs", stat: Median, at:
//!   [("btc_price.initial_usd", 90000)], between: (900.0, 1150.0))` holds
//!   when the statistic lies in the band at every point `at` selects (no
//!   `at`: every point);
//! - a **trend**: `(metric: "hashrate_end_ehs", along:
//!   "btc_price.initial_usd", trend: Increasing)` holds when, in every group
//!   of selected points that share the other axes' values, the statistic
//!   moves the stated way at each step along the axis.
//!
//! Each check gives one [`Verdict`] per point (band) or per group (trend),
//! with how far it missed. A check that names an unknown figure, axis or
//! value, or selects nothing, is refused when the sweep is planned.

use serde::{Deserialize, Serialize};

use super::value::{AxisValue, format_number, same_value};
use crate::metrics::stats::Spread;

/// One expectation on a sweep's results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// A summary figure (a column of runs.csv).
    pub metric: String,
    /// The statistic over a point's seeds (default: the median).
    #[serde(default)]
    pub stat: Stat,
    /// The points checked, by axis values (`[("axis.path", value), …]`):
    /// every point whose values match all of them. Empty: every point.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub at: Vec<(String, AxisValue)>,
    /// A band `(low, high)`, both included, for the statistic at each
    /// selected point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub between: Option<(f64, f64)>,
    /// The axis a trend runs along (with `trend`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub along: Option<String>,
    /// How the statistic moves along `along`, the other axes held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trend: Option<Trend>,
}

/// A statistic over a point's seeds: a column of points.csv.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stat {
    /// The mean.
    Mean,
    /// The median.
    #[default]
    Median,
    /// The 5 % quantile.
    P05,
    /// The 95 % quantile.
    P95,
}

impl Stat {
    /// Its name in points.csv (`<figure>_<name>`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Mean => "mean",
            Self::Median => "median",
            Self::P05 => "p05",
            Self::P95 => "p95",
        }
    }

    /// Its value in a spread.
    pub fn of(self, s: &Spread) -> f64 {
        match self {
            Self::Mean => s.mean,
            Self::Median => s.median,
            Self::P05 => s.p05,
            Self::P95 => s.p95,
        }
    }
}

/// How a statistic moves along an axis (in the axis' numeric order, or in
/// the order its values are written when they are not numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Trend {
    /// Rises at every step.
    Increasing,
    /// Falls at every step.
    Decreasing,
    /// Never falls.
    NonDecreasing,
    /// Never rises.
    NonIncreasing,
}

impl Trend {
    /// What each step must be.
    fn step(self) -> &'static str {
        match self {
            Self::Increasing => "> 0",
            Self::Decreasing => "< 0",
            Self::NonDecreasing => "≥ 0",
            Self::NonIncreasing => "≤ 0",
        }
    }

    /// Whether a step of `d` goes the stated way.
    fn holds(self, d: f64) -> bool {
        match self {
            Self::Increasing => d > 0.0,
            Self::Decreasing => d < 0.0,
            Self::NonDecreasing => d >= 0.0,
            Self::NonIncreasing => d <= 0.0,
        }
    }

    fn rising(self) -> bool {
        matches!(self, Self::Increasing | Self::NonDecreasing)
    }
}

/// The outcome of a check at one point (band) or one group (trend).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Verdict {
    /// The check's index in the sweep file (`checks.N`).
    pub check: usize,
    /// The statistic and figure, e.g. `median hashrate_end_ehs`.
    pub what: String,
    /// Where: the point's axis values (band), or the values held (trend).
    pub at: String,
    /// The value checked: the statistic (band), or the step that goes
    /// least the stated way (trend). NaN when the figure has no value.
    pub value: f64,
    /// What was expected, e.g. `in [900, 1150]`.
    pub expected: String,
    /// Whether it held.
    pub passed: bool,
    /// How far it missed: the distance outside the band, or how far the
    /// worst step went the wrong way; 0 when it held, NaN with no value.
    pub miss: f64,
    /// For a miss, which way and where, e.g. `50.2 above the band`.
    pub detail: String,
}

/// A check's problem, as the field it is in and a message.
pub type Refusal = (String, String);

/// The points a check selects (indices into `points`), or the refusal of
/// an `at` naming no axis or no value of one.
fn selected(
    i: usize,
    check: &Check,
    axes: &[String],
    points: &[Vec<String>],
) -> Result<Vec<usize>, Refusal> {
    let mut fixed: Vec<(usize, &AxisValue)> = Vec::new();
    for (j, (path, want)) in check.at.iter().enumerate() {
        let field = format!("checks.{i}.at.{j}");
        let Some(a) = axes.iter().position(|p| p == path) else {
            return Err((
                field,
                format!(
                    "`{path}` is not an axis of this sweep (axes: {})",
                    axes.join(", ")
                ),
            ));
        };
        if fixed.iter().any(|(b, _)| *b == a) {
            return Err((field, format!("`{path}` is named twice in `at`")));
        }
        if !points.iter().any(|p| same_value(&p[a], want)) {
            let mut values: Vec<&str> = Vec::new();
            // The first few distinct values are enough to show.
            for p in points {
                if !values.contains(&p[a].as_str()) {
                    values.push(&p[a]);
                    if values.len() > 12 {
                        break;
                    }
                }
            }
            let shown: Vec<&str> = values.iter().take(12).copied().collect();
            let more = if values.len() > shown.len() {
                ", …"
            } else {
                ""
            };
            return Err((
                field,
                format!(
                    "no point has `{path}` = {}: its values are {}{more}",
                    want.ron(),
                    shown.join(", ")
                ),
            ));
        }
        fixed.push((a, want));
    }
    let chosen: Vec<usize> = (0..points.len())
        .filter(|&k| {
            fixed
                .iter()
                .all(|(a, want)| same_value(&points[k][*a], want))
        })
        .collect();
    if chosen.is_empty() {
        return Err((
            format!("checks.{i}.at"),
            "no point has all of these values together".into(),
        ));
    }
    Ok(chosen)
}

/// The groups of a trend: the selected points that share every other
/// axis' value, each ordered along the axis.
fn groups(along: usize, chosen: &[usize], points: &[Vec<String>]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut index: std::collections::HashMap<Vec<&str>, usize> = std::collections::HashMap::new();
    for &k in chosen {
        let key: Vec<&str> = points[k]
            .iter()
            .enumerate()
            .filter(|(a, _)| *a != along)
            .map(|(_, v)| v.as_str())
            .collect();
        let g = *index.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(k);
    }
    let numeric = chosen
        .iter()
        .all(|&k| points[k][along].trim().parse::<f64>().is_ok());
    groups
        .into_iter()
        .map(|mut g| {
            if numeric {
                let x = |k: usize| points[k][along].trim().parse::<f64>().unwrap_or(0.0);
                g.sort_by(|a, b| x(*a).total_cmp(&x(*b)));
            }
            g
        })
        .collect()
}

/// Refuses checks that cannot be evaluated on this plan: an unknown figure
/// or axis, a value no point has, a band that is not one, a trend along an
/// axis on which no two selected points differ alone.
pub fn validate(
    checks: &[Check],
    axes: &[String],
    points: &[Vec<String>],
    figures: &[String],
) -> Result<(), Refusal> {
    for (i, c) in checks.iter().enumerate() {
        if !figures.contains(&c.metric) {
            let hint = crate::scenario::error::did_you_mean(&c.metric, figures)
                .map(|b| format!("did you mean `{b}`? "))
                .unwrap_or_default();
            return Err((
                format!("checks.{i}.metric"),
                format!(
                    "`{}` is not a summary figure; {hint}(figures: {})",
                    c.metric,
                    figures.join(", ")
                ),
            ));
        }
        let chosen = selected(i, c, axes, points)?;
        match (c.between, &c.along, c.trend) {
            (Some((lo, hi)), None, None) => {
                if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
                    return Err((
                        format!("checks.{i}.between"),
                        format!("({lo}, {hi}) is not a band: give (low, high), finite, low ≤ high"),
                    ));
                }
            }
            (None, Some(along), Some(_)) => {
                let Some(a) = axes.iter().position(|p| p == along) else {
                    return Err((
                        format!("checks.{i}.along"),
                        format!(
                            "`{along}` is not an axis of this sweep (axes: {})",
                            axes.join(", ")
                        ),
                    ));
                };
                if c.at.iter().any(|(p, _)| p == along) {
                    return Err((
                        format!("checks.{i}.along"),
                        format!("`{along}` is also fixed in `at`: a trend needs its axis free"),
                    ));
                }
                if groups(a, &chosen, points).iter().all(|g| g.len() < 2) {
                    return Err((
                        format!("checks.{i}.along"),
                        format!(
                            "no two of the points checked differ in `{along}` alone, so there is no trend to check (a Grid design has such points)"
                        ),
                    ));
                }
            }
            (None, None, None) => {
                return Err((
                    format!("checks.{i}"),
                    "give `between: (low, high)`, or `along` and `trend`".into(),
                ));
            }
            (Some(_), _, _) => {
                return Err((
                    format!("checks.{i}"),
                    "a check is a band (`between`) or a trend (`along`, `trend`), not both".into(),
                ));
            }
            (None, Some(_), None) => {
                return Err((
                    format!("checks.{i}.along"),
                    "`along` needs a `trend` (Increasing, Decreasing, NonDecreasing or NonIncreasing)".into(),
                ));
            }
            (None, None, Some(_)) => {
                return Err((
                    format!("checks.{i}.trend"),
                    "a trend needs `along`: the axis it runs along".into(),
                ));
            }
        }
    }
    Ok(())
}

/// A number as the table shows it: about five significant digits.
pub fn show(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "none".into()
        } else {
            x.to_string()
        };
    }
    if x == 0.0 {
        return "0".into();
    }
    let decimals = (4 - x.abs().log10().floor() as i64).clamp(0, 6) as usize;
    format!("{x:.decimals$}")
}

/// A point's axis values as `path=value …`, leaving out axis `skip`.
pub(crate) fn describe(axes: &[String], point: &[String], skip: Option<usize>) -> String {
    axes.iter()
        .zip(point)
        .enumerate()
        .filter(|(a, _)| Some(*a) != skip)
        .map(|(_, (p, v))| format!("{p}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Evaluates validated checks. `stat(point, figure)` gives a point's
/// spread of a figure (by index into `figures`).
pub fn evaluate<'a>(
    checks: &[Check],
    axes: &[String],
    points: &[Vec<String>],
    figures: &[String],
    spread: impl Fn(usize, usize) -> Option<&'a Spread>,
) -> Vec<Verdict> {
    let mut out = Vec::new();
    for (i, c) in checks.iter().enumerate() {
        let Some(f) = figures.iter().position(|n| *n == c.metric) else {
            continue;
        };
        let Ok(chosen) = selected(i, c, axes, points) else {
            continue;
        };
        let value = |k: usize| spread(k, f).map_or(f64::NAN, |s| c.stat.of(s));
        let what = format!("{} {}", c.stat.name(), c.metric);
        if let Some((lo, hi)) = c.between {
            for k in chosen {
                let v = value(k);
                let (passed, miss, detail) = if v.is_nan() {
                    (
                        false,
                        f64::NAN,
                        "no value: the figure does not exist for these runs".into(),
                    )
                } else if v < lo {
                    (false, lo - v, format!("{} below the band", show(lo - v)))
                } else if v > hi {
                    (false, v - hi, format!("{} above the band", show(v - hi)))
                } else {
                    (true, 0.0, String::new())
                };
                out.push(Verdict {
                    check: i,
                    what: what.clone(),
                    at: describe(axes, &points[k], None),
                    value: v,
                    expected: format!("in [{}, {}]", format_number(lo), format_number(hi)),
                    passed,
                    miss,
                    detail,
                });
            }
        } else if let (Some(along), Some(trend)) = (&c.along, c.trend) {
            let Some(a) = axes.iter().position(|p| p == along) else {
                continue;
            };
            for g in groups(a, &chosen, points)
                .into_iter()
                .filter(|g| g.len() > 1)
            {
                // The step that goes least the stated way decides.
                let steps: Vec<(f64, usize, usize)> = g
                    .windows(2)
                    .map(|w| (value(w[1]) - value(w[0]), w[0], w[1]))
                    .collect();
                let worst = steps
                    .iter()
                    .copied()
                    .reduce(|x, y| {
                        let key = |d: f64| {
                            if d.is_nan() {
                                f64::NEG_INFINITY
                            } else if trend.rising() {
                                d
                            } else {
                                -d
                            }
                        };
                        if key(y.0) < key(x.0) { y } else { x }
                    })
                    .expect("a group of two points has a step");
                let (d, from, to) = worst;
                let passed = !d.is_nan() && trend.holds(d);
                let detail = if d.is_nan() {
                    "no value: the figure does not exist for these runs".to_string()
                } else if passed {
                    String::new()
                } else {
                    format!(
                        "{} by {} from {along}={} to {}",
                        if d < 0.0 {
                            "falls"
                        } else if d > 0.0 {
                            "rises"
                        } else {
                            "stays"
                        },
                        show(d.abs()),
                        points[from][a],
                        points[to][a]
                    )
                };
                out.push(Verdict {
                    check: i,
                    what: what.clone(),
                    at: describe(axes, &points[g[0]], Some(a)),
                    value: d,
                    expected: format!("every step {} along {along}", trend.step()),
                    passed,
                    miss: if passed {
                        0.0
                    } else if d.is_nan() {
                        f64::NAN
                    } else {
                        d.abs()
                    },
                    detail,
                });
            }
        }
    }
    out
}

/// The verdicts as checks.csv holds them.
pub fn write_csv(path: &std::path::Path, verdicts: &[Verdict]) -> std::io::Result<()> {
    let mut w = csv::Writer::from_path(path).map_err(std::io::Error::other)?;
    let cell = |x: f64| {
        if x.is_nan() {
            String::new()
        } else {
            x.to_string()
        }
    };
    w.write_record([
        "check",
        "statistic",
        "at",
        "value",
        "expected",
        "result",
        "miss",
        "detail",
    ])
    .map_err(std::io::Error::other)?;
    for v in verdicts {
        w.write_record([
            format!("checks.{}", v.check),
            v.what.clone(),
            v.at.clone(),
            cell(v.value),
            v.expected.clone(),
            if v.passed { "pass" } else { "fail" }.to_string(),
            cell(v.miss),
            v.detail.clone(),
        ])
        .map_err(std::io::Error::other)?;
    }
    w.flush()
}

/// Rows of cells as aligned text columns, two spaces apart (the columns
/// in `right` right-aligned), one line a row, trailing spaces trimmed.
pub(crate) fn layout<const N: usize>(rows: &[[String; N]], right: &[usize]) -> String {
    let widths: Vec<usize> = (0..N)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut s = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (cell, w))| {
                if right.contains(&c) {
                    format!("{cell:>w$}")
                } else {
                    format!("{cell:<w$}")
                }
            })
            .collect();
        s.push_str(line.join("  ").trim_end());
        s.push('\n');
    }
    s
}

/// The verdicts as a table for a terminal, with a last line counting the
/// failures.
pub fn table(verdicts: &[Verdict]) -> String {
    let mut rows: Vec<[String; 6]> = vec![[
        "check".into(),
        "statistic".into(),
        "at".into(),
        "value".into(),
        "expected".into(),
        "result".into(),
    ]];
    for v in verdicts {
        rows.push([
            format!("checks.{}", v.check),
            v.what.clone(),
            if v.at.is_empty() {
                "-".into()
            } else {
                v.at.clone()
            },
            show(v.value),
            v.expected.clone(),
            if v.passed {
                "pass".into()
            } else {
                format!("FAIL: {}", v.detail)
            },
        ]);
    }
    // The value column is right-aligned.
    let mut s = layout(&rows, &[3]);
    let failed = verdicts.iter().filter(|v| !v.passed).count();
    if failed == 0 {
        s.push_str(&format!("checks: all {} passed\n", verdicts.len()));
    } else {
        s.push_str(&format!("checks: {failed} of {} failed\n", verdicts.len()));
    }
    s
}
