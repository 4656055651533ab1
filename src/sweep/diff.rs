//! `hashflight diff A B`: what moved between two sweeps of one plan.
//!
//! A and B are sweep directories (their points.csv), or points.csv files
//! (a reference committed beside the code, say). They must vary the same
//! axes over the same points; the base, the fixed overrides, the seeds and
//! the model may differ — that is what a diff is for. For each point and
//! summary figure, the two medians are compared: a figure **moved** when
//! the change is beyond the tolerance (a share of A's median) *and* beyond
//! the seed noise (the two 5–95 % bands over seeds do not overlap). A
//! change that passes only one test is reported as such, not as a move.
//!
//! A band from a few seeds understates the noise: with three seeds a
//! point's 5–95 % band is about the range of three draws, and two sweeps
//! that differ only in their seed then show non-overlapping bands in about
//! one pair of ten (14 of 186 point-figure pairs, 31 figures, for ci-smoke, seeds 7 and
//! 8). So each point's band is widened, about its median, to the widest
//! band the figure shows at any point of either sweep: the noise of a
//! figure is judged on the whole sweep, not on three draws (0 of 186 pairs
//! for the same two sweeps; a change of the power price still moves 18).

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use super::error::SweepError;
use super::value::format_number;
use crate::metrics::stats::Spread;
use crate::output::{RunDir, write_atomically};

/// The statistics points.csv holds per figure, in its column order.
const STATS: [&str; 4] = ["mean", "median", "p05", "p95"];

/// A points.csv read back.
#[derive(Clone, Debug)]
struct Points {
    /// Where it was read from.
    path: PathBuf,
    /// Axis paths, in order.
    axes: Vec<String>,
    /// Figures, in column order.
    figures: Vec<String>,
    /// Per point (its axis values, numbers normalised): each figure's
    /// spread.
    rows: Vec<(Vec<String>, Vec<Spread>)>,
    /// Row of each point, by its values.
    index: HashMap<Vec<String>, usize>,
}

fn cannot(msg: String) -> SweepError {
    SweepError::Diff(msg)
}

/// A number on an axis in one spelling (`90000.0` and `90000` are one).
fn normalise(v: &str) -> String {
    match v.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => format_number(x),
        _ => v.to_string(),
    }
}

fn read_points(given: &Path) -> Result<Points, SweepError> {
    let path = if given.is_dir() {
        given.join("points.csv")
    } else {
        given.to_path_buf()
    };
    if !path.is_file() {
        return Err(cannot(if given.is_dir() {
            format!(
                "{} holds no points.csv: give a finished sweep directory (a sharded sweep is finished by `hashflight merge`)",
                given.display()
            )
        } else {
            format!("{} does not exist", given.display())
        }));
    }
    let bad = |msg: String| SweepError::Corrupt(path.clone(), msg);
    let mut r = csv::Reader::from_path(&path).map_err(|e| bad(e.to_string()))?;
    let header: Vec<String> = r
        .headers()
        .map_err(|e| bad(e.to_string()))?
        .iter()
        .map(String::from)
        .collect();
    let runs = header
        .iter()
        .position(|h| h == "runs")
        .filter(|_| header.first().is_some_and(|h| h == "point"))
        .ok_or_else(|| {
            bad(
                "not a points.csv of a sweep: its header does not start `point,<axes>…,runs`"
                    .into(),
            )
        })?;
    let axes = header[1..runs].to_vec();
    let stat_columns = &header[runs + 1..];
    if !stat_columns.len().is_multiple_of(STATS.len()) {
        return Err(bad(
            "its figure columns do not come in mean, median, p05, p95".into(),
        ));
    }
    let mut figures = Vec::new();
    for group in stat_columns.chunks(STATS.len()) {
        let figure = group[0].strip_suffix("_mean").unwrap_or_default();
        if figure.is_empty()
            || group
                .iter()
                .zip(STATS)
                .any(|(c, s)| *c != format!("{figure}_{s}"))
        {
            return Err(bad(format!(
                "columns {} are not one figure's mean, median, p05, p95",
                group.join(", ")
            )));
        }
        figures.push(figure.to_string());
    }
    let mut rows: Vec<(Vec<String>, Vec<Spread>)> = Vec::new();
    let mut index: HashMap<Vec<String>, usize> = HashMap::new();
    for (line, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| bad(e.to_string()))?;
        if rec.len() != header.len() {
            return Err(bad(format!(
                "row {} has {} cells where the header has {}",
                line + 2,
                rec.len(),
                header.len()
            )));
        }
        let cell = |i: usize| -> Result<f64, SweepError> {
            match &rec[i] {
                "" => Ok(f64::NAN),
                s => s.parse().map_err(|_| {
                    bad(format!(
                        "row {}, column {}: `{s}` is not a number",
                        line + 2,
                        header[i]
                    ))
                }),
            }
        };
        let values: Vec<String> = (1..runs).map(|i| normalise(&rec[i])).collect();
        let mut spreads = Vec::with_capacity(figures.len());
        for k in 0..figures.len() {
            let at = runs + 1 + k * STATS.len();
            // points.csv holds mean, median, p05 and p95.
            spreads.push(Spread {
                mean: cell(at)?,
                median: cell(at + 1)?,
                p05: cell(at + 2)?,
                p95: cell(at + 3)?,
                sd: f64::NAN,
                p25: f64::NAN,
                p75: f64::NAN,
            });
        }
        if index.insert(values.clone(), rows.len()).is_some() {
            return Err(bad(format!("row {} repeats a point", line + 2)));
        }
        rows.push((values, spreads));
    }
    Ok(Points {
        path,
        axes,
        figures,
        rows,
        index,
    })
}

/// How a diff judges a change.
#[derive(Clone, Debug)]
pub struct Options {
    /// A change within this share of A's median (in %) is not a move.
    pub(crate) tolerance_pct: f64,
    /// The figures compared (default: every figure both hold).
    pub(crate) metrics: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            tolerance_pct: 5.0,
            metrics: Vec::new(),
        }
    }
}

/// One point and figure of a diff.
#[derive(Clone, Debug)]
pub(crate) struct Change {
    /// The point's axis values, in axis order.
    pub(crate) point: Vec<String>,
    /// The figure.
    pub(crate) metric: String,
    /// Its spread in A.
    pub(crate) a: Spread,
    /// Its spread in B.
    pub(crate) b: Spread,
    /// Median of B less median of A (NaN when either has none).
    pub(crate) change: f64,
    /// The change as a share of A's median, in %.
    pub(crate) change_pct: f64,
    /// Whether the change exceeds the tolerance (or a value appeared or
    /// vanished).
    pub(crate) beyond_tolerance: bool,
    /// Whether the two 5–95 % bands, each widened to the figure's widest
    /// band in either sweep, do not overlap.
    pub(crate) beyond_noise: bool,
    /// That widest band (p95 − p05) of the figure.
    pub(crate) noise_width: f64,
}

impl Change {
    /// Whether this is a move: beyond both the tolerance and the noise.
    pub(crate) fn moved(&self) -> bool {
        self.beyond_tolerance && self.beyond_noise
    }
}

/// A diff of two sweeps.
#[derive(Clone, Debug)]
pub(crate) struct Diff {
    /// Where A's points were read.
    pub(crate) a: PathBuf,
    /// Where B's points were read.
    pub(crate) b: PathBuf,
    /// The axes both vary.
    pub(crate) axes: Vec<String>,
    /// The tolerance, in %.
    pub(crate) tolerance_pct: f64,
    /// Every point and figure compared (both with a value, or one).
    pub(crate) changes: Vec<Change>,
    /// Figures held by only one of the two (not compared).
    pub(crate) unmatched_figures: Vec<String>,
}

impl Diff {
    /// The moves.
    pub(crate) fn moved(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.moved())
    }
}

/// Compares two sweeps of one plan.
pub(crate) fn diff(a: &Path, b: &Path, opts: &Options) -> Result<Diff, SweepError> {
    if !(opts.tolerance_pct.is_finite() && opts.tolerance_pct >= 0.0) {
        return Err(cannot(format!(
            "tolerance {} %: give a share ≥ 0, e.g. 5%",
            opts.tolerance_pct
        )));
    }
    let (pa, pb) = (read_points(a)?, read_points(b)?);
    same_plan(&pa, &pb)?;
    let (metrics, unmatched) = figures_compared(&pa, &pb, &opts.metrics)?;
    let index = |p: &Points| -> HashMap<String, usize> {
        p.figures
            .iter()
            .enumerate()
            .map(|(i, f)| (f.clone(), i))
            .collect()
    };
    let (ia, ib) = (index(&pa), index(&pb));
    let tol = opts.tolerance_pct / 100.0;
    // Each figure's widest 5–95 % band in either sweep: its seed noise.
    let widest: HashMap<&String, f64> = metrics
        .iter()
        .map(|m| {
            let w = pa
                .rows
                .iter()
                .map(|r| r.1[ia[m]])
                .chain(pb.rows.iter().map(|r| r.1[ib[m]]))
                .map(|s| s.p95 - s.p05)
                .filter(|w| w.is_finite())
                .fold(0.0, f64::max);
            (m, w)
        })
        .collect();
    let mut changes = Vec::new();
    for (values, sa) in &pa.rows {
        let sb = &pb.rows[pb.index[values]].1;
        for m in &metrics {
            let (x, y) = (sa[ia[m]], sb[ib[m]]);
            if x.median.is_nan() && y.median.is_nan() {
                continue;
            }
            changes.push(Change {
                point: values.clone(),
                metric: m.clone(),
                ..Change::between(x, y, tol, widest[m])
            });
        }
    }
    Ok(Diff {
        a: pa.path,
        b: pb.path,
        axes: pa.axes,
        tolerance_pct: opts.tolerance_pct,
        changes,
        unmatched_figures: unmatched,
    })
}

/// Refuses two sweeps that do not vary the same axes over the same points.
fn same_plan(pa: &Points, pb: &Points) -> Result<(), SweepError> {
    if pa.axes != pb.axes {
        return Err(cannot(format!(
            "{} and {} are not sweeps of one plan: the first varies [{}], the second [{}]",
            pa.path.display(),
            pb.path.display(),
            pa.axes.join(", "),
            pb.axes.join(", ")
        )));
    }
    let show = |v: &[String]| super::checks::describe(&pa.axes, v, None);
    let only = |x: &Points, y: &Points| -> Vec<String> {
        x.rows
            .iter()
            .filter(|r| !y.index.contains_key(&r.0))
            .map(|r| show(&r.0))
            .collect()
    };
    for (x, y) in [(pa, pb), (pb, pa)] {
        let missing = only(x, y);
        if !missing.is_empty() {
            return Err(cannot(format!(
                "{} and {} are not sweeps of one plan: {} of {}'s points are not in {} (e.g. {})",
                pa.path.display(),
                pb.path.display(),
                missing.len(),
                x.path.display(),
                y.path.display(),
                missing
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; ")
            )));
        }
    }
    Ok(())
}

/// The figures compared (those asked for, each of which both sweeps must
/// hold, or every figure both hold) and the figures only one holds.
fn figures_compared(
    pa: &Points,
    pb: &Points,
    asked: &[String],
) -> Result<(Vec<String>, Vec<String>), SweepError> {
    let common: Vec<String> = pa
        .figures
        .iter()
        .filter(|f| pb.figures.contains(f))
        .cloned()
        .collect();
    let metrics = if asked.is_empty() {
        common.clone()
    } else {
        for m in asked {
            if !common.contains(m) {
                let hint = crate::scenario::error::did_you_mean(m, &common)
                    .map(|b| format!(" did you mean `{b}`?"))
                    .unwrap_or_default();
                return Err(cannot(format!(
                    "`{m}` is not a figure of both sweeps;{hint} (figures: {})",
                    common.join(", ")
                )));
            }
        }
        asked.to_vec()
    };
    let mut unmatched: Vec<String> = pa
        .figures
        .iter()
        .chain(&pb.figures)
        .filter(|f| !common.contains(f))
        .cloned()
        .collect();
    unmatched.dedup();
    Ok((metrics, unmatched))
}

impl Change {
    /// The change of a figure from its spread `x` in A to `y` in B, judged
    /// against the tolerance `tol` (a share of A's median) and the noise:
    /// each band widened, about its median, to `noise_width`. Its point
    /// and figure are left empty: the caller names them.
    fn between(x: Spread, y: Spread, tol: f64, noise_width: f64) -> Change {
        let band =
            |s: &Spread, w: f64| (s.p05.min(s.median - w / 2.0), s.p95.max(s.median + w / 2.0));
        let change = y.median - x.median;
        let (beyond_tolerance, beyond_noise) = if change.is_nan() {
            // A value appeared or vanished.
            (true, true)
        } else {
            let ((lo_x, hi_x), (lo_y, hi_y)) = (band(&x, noise_width), band(&y, noise_width));
            (
                change.abs() > tol * x.median.abs(),
                lo_y > hi_x || hi_y < lo_x,
            )
        };
        let change_pct = if x.median != 0.0 {
            100.0 * change / x.median.abs()
        } else if change == 0.0 {
            0.0
        } else {
            f64::INFINITY.copysign(change)
        };
        Change {
            point: Vec::new(),
            metric: String::new(),
            a: x,
            b: y,
            change,
            change_pct,
            beyond_tolerance,
            beyond_noise,
            noise_width,
        }
    }
}

/// Parses a tolerance: a percentage, the `%` optional (`5%`, `5`, `0.5%`).
pub(crate) fn parse_tolerance(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let x: f64 = t
        .strip_suffix('%')
        .unwrap_or(t)
        .trim()
        .parse()
        .map_err(|_| format!("`{s}`: give a percentage, e.g. 5%"))?;
    if !(x.is_finite() && x >= 0.0) {
        return Err(format!("`{s}`: give a percentage ≥ 0, e.g. 5%"));
    }
    Ok(x)
}

fn cell(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        x.to_string()
    }
}

impl Diff {
    /// Writes diff.csv (every point and figure compared) into `out`,
    /// through a staging directory.
    pub(crate) fn write_csv(&self, out: &Path) -> io::Result<PathBuf> {
        let staging = RunDir::staging(out, "diff")?;
        let mut w =
            csv::Writer::from_path(staging.path().join("diff.csv")).map_err(io::Error::other)?;
        let mut head = self.axes.clone();
        head.extend(
            [
                "metric",
                "median_a",
                "p05_a",
                "p95_a",
                "median_b",
                "p05_b",
                "p95_b",
                "change",
                "change_pct",
                "noise_width",
                "beyond_tolerance",
                "beyond_noise",
                "moved",
            ]
            .map(String::from),
        );
        w.write_record(&head).map_err(io::Error::other)?;
        for c in &self.changes {
            let mut rec = c.point.clone();
            rec.push(c.metric.clone());
            for x in [
                c.a.median,
                c.a.p05,
                c.a.p95,
                c.b.median,
                c.b.p05,
                c.b.p95,
                c.change,
                c.change_pct,
                c.noise_width,
            ] {
                rec.push(cell(x));
            }
            for flag in [c.beyond_tolerance, c.beyond_noise, c.moved()] {
                rec.push(flag.to_string());
            }
            w.write_record(&rec).map_err(io::Error::other)?;
        }
        w.flush()?;
        drop(w);
        write_atomically(staging, out, &["diff.csv"])?;
        Ok(out.join("diff.csv"))
    }

    /// The report for a terminal: the moves as a table, then a line that
    /// says what moved and what stayed within the tolerance or the noise.
    pub fn report(&self) -> String {
        use super::checks::{describe, layout, show};
        let mut s = format!(
            "diff {} → {}: {} point-figure pairs compared; a move is beyond {} % of the first median and beyond the seed noise (the 5–95 % bands over seeds, each at least as wide as the figure's widest, do not overlap)\n",
            self.a.display(),
            self.b.display(),
            self.changes.len(),
            format_number(self.tolerance_pct)
        );
        let moved: Vec<&Change> = self.moved().collect();
        if !moved.is_empty() {
            let mut rows: Vec<[String; 6]> = vec![[
                "point".into(),
                "metric".into(),
                "median A [5–95 %]".into(),
                "median B [5–95 %]".into(),
                "change".into(),
                "change %".into(),
            ]];
            let band = |x: &Spread| {
                if x.median.is_nan() {
                    "none".to_string()
                } else {
                    format!("{} [{}, {}]", show(x.median), show(x.p05), show(x.p95))
                }
            };
            for c in &moved {
                rows.push([
                    describe(&self.axes, &c.point, None),
                    c.metric.clone(),
                    band(&c.a),
                    band(&c.b),
                    show(c.change),
                    if c.change_pct.is_nan() {
                        "-".into()
                    } else {
                        format!("{:+.1}", c.change_pct)
                    },
                ]);
            }
            s.push_str(&layout(&rows, &[]));
        }
        let tol_only = self
            .changes
            .iter()
            .filter(|c| c.beyond_tolerance && !c.beyond_noise)
            .count();
        let noise_only = self
            .changes
            .iter()
            .filter(|c| !c.beyond_tolerance && c.beyond_noise)
            .count();
        s.push_str(&format!(
            "diff: {} of {} moved; {tol_only} changed beyond the tolerance within the seed noise, {noise_only} beyond the seed noise within the tolerance\n",
            moved.len(),
            self.changes.len()
        ));
        if !self.unmatched_figures.is_empty() {
            s.push_str(&format!(
                "note: figures held by one sweep only, not compared: {}\n",
                self.unmatched_figures.join(", ")
            ));
        }
        s
    }
}
