//! Global sensitivity analysis: the Morris and Sobol sweep designs, their
//! sample layouts and their estimators.
//!
//! - **Morris** (elementary effects; Morris 1991, with μ* of Campolongo,
//!   Cariboni & Saltelli 2007): `trajectories` one-at-a-time paths through
//!   a grid of `levels` levels per axis (on the unit scale of each range),
//!   each axis moved once per path by Δ = levels / (2 (levels − 1)). Per
//!   axis: μ (mean effect), μ* (mean absolute effect, the ranking measure),
//!   σ (their standard deviation: interactions and non-linearity), in the
//!   metric's unit per full range of the axis, μ* with a bootstrap 95 %
//!   interval over trajectories.
//! - **Sobol** (variance-based; Saltelli 2002 sampling): two `n` × k
//!   matrices A and B from one 2k-dimensional Owen-scrambled Sobol
//!   sequence (Burley 2020, the `sobol_burley` crate), then for each axis i
//!   the matrix A with its column i taken from B — n (k + 2) points.
//!   First-order S1 by Saltelli et al. (2010, Table 2 (b)), total ST by
//!   Jansen (1999, the same table (f)), both with bootstrap 95 %
//!   intervals over the n rows.
//!
//! Every point's replicate r shares one seed (common random numbers), so
//! what differs between points is the parameters, not the draws; with
//! more than one seed the indices are computed on the mean over seeds, and
//! the share of the runs' variance that lies within points (the seed noise)
//! is reported beside them.

use super::plots::Drawn;
use rand::RngExt;
use rand::seq::SliceRandom;

/// Bootstrap resamples of every interval.
pub(crate) const BOOTSTRAP: usize = 1000;

/// The largest `n` of a Sobol design (the sequence's length limit).
pub(crate) const MAX_SOBOL_N: u32 = 1 << 16;

/// How a sensitivity design's points are laid out.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Layout {
    /// Trajectories of k + 1 points, each step moving one axis.
    Morris {
        /// Per trajectory, its k steps: (axis, signed Δ on the unit scale).
        steps: Vec<Vec<(usize, f64)>>,
        /// Unit-scale coordinates of every point, trajectory by trajectory.
        fractions: Vec<Vec<f64>>,
    },
    /// A (n rows), B (n rows), then A with column i from B, for each i.
    Sobol {
        /// Rows of each matrix.
        n: usize,
        /// Axes.
        k: usize,
        /// Unit-scale coordinates of every point, in that order.
        fractions: Vec<Vec<f64>>,
    },
}

impl Layout {
    /// Unit-scale coordinates of every point, in plan order.
    pub(crate) fn fractions(&self) -> &[Vec<f64>] {
        match self {
            Layout::Morris { fractions, .. } | Layout::Sobol { fractions, .. } => fractions,
        }
    }
}

/// The Morris layout: `trajectories` paths through k axes on a grid of
/// `levels` levels, drawn from `seed`.
pub(crate) fn morris(k: usize, trajectories: usize, levels: u32, seed: u64) -> Layout {
    let p = levels.max(2) as f64;
    let delta = p / (2.0 * (p - 1.0));
    let mut rng = crate::state::rng::stream(seed, 0x4d4f_5252);
    let mut steps = Vec::with_capacity(trajectories);
    let mut fractions = Vec::with_capacity(trajectories * (k + 1));
    for _ in 0..trajectories {
        // A random start on the grid, then each axis once in a random
        // order, up by Δ where that stays inside the range, else down.
        let mut x: Vec<f64> = (0..k)
            .map(|_| f64::from(rng.random_range(0..levels.max(2))) / (p - 1.0))
            .collect();
        let mut order: Vec<usize> = (0..k).collect();
        order.shuffle(&mut rng);
        fractions.push(x.clone());
        let mut path = Vec::with_capacity(k);
        for i in order {
            let d = if x[i] + delta <= 1.0 + 1e-12 {
                delta
            } else {
                -delta
            };
            x[i] = (x[i] + d).clamp(0.0, 1.0);
            fractions.push(x.clone());
            path.push((i, d));
        }
        steps.push(path);
    }
    Layout::Morris { steps, fractions }
}

/// The Sobol (Saltelli) layout: n (k + 2) points, scrambled by `seed`.
pub(crate) fn sobol(k: usize, n: usize, seed: u64) -> Layout {
    let scramble = (seed ^ (seed >> 32)) as u32;
    // Dimensions 0..k are A's columns, k..2k are B's; sample 0 of an
    // Owen-scrambled sequence is as good a point as any other.
    let row = |i: usize, dims: std::ops::Range<usize>| -> Vec<f64> {
        dims.map(|d| f64::from(sobol_burley::sample(i as u32, d as u32, scramble)))
            .collect()
    };
    let a: Vec<Vec<f64>> = (0..n).map(|i| row(i, 0..k)).collect();
    let b: Vec<Vec<f64>> = (0..n).map(|i| row(i, k..2 * k)).collect();
    let mut fractions = Vec::with_capacity(n * (k + 2));
    fractions.extend(a.iter().cloned());
    fractions.extend(b.iter().cloned());
    for i in 0..k {
        for (ra, rb) in a.iter().zip(&b) {
            let mut r = ra.clone();
            r[i] = rb[i];
            fractions.push(r);
        }
    }
    Layout::Sobol { n, k, fractions }
}

/// One index of one axis: its value and bootstrap 95 % interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Index {
    /// The estimate.
    pub(crate) value: f64,
    /// 2.5 % of the bootstrap distribution (NaN without one).
    pub(crate) low: f64,
    /// 97.5 % of the bootstrap distribution (NaN without one).
    pub(crate) high: f64,
}

/// Elementary effects per axis: (μ*, μ, σ), μ* with its interval.
pub(crate) fn morris_indices(
    steps: &[Vec<(usize, f64)>],
    y: &[f64],
    k: usize,
    seed: u64,
) -> Vec<[Index; 3]> {
    // effects[i][t]: the effect of axis i on trajectory t.
    let mut effects = vec![Vec::with_capacity(steps.len()); k];
    for (t, path) in steps.iter().enumerate() {
        let base = t * (k + 1);
        for (j, &(i, d)) in path.iter().enumerate() {
            effects[i].push((y[base + j + 1] - y[base + j]) / d);
        }
    }
    let mut rng = crate::state::rng::stream(seed, 0x424f_4f54);
    effects
        .iter()
        .map(|e| {
            let r = e.len();
            let mu_star = |ix: &mut dyn Iterator<Item = usize>| {
                let (s, c) = ix.fold((0.0, 0usize), |(s, c), t| (s + e[t].abs(), c + 1));
                s / c as f64
            };
            let value = mu_star(&mut (0..r));
            let mut boot: Vec<f64> = (0..BOOTSTRAP)
                .map(|_| mu_star(&mut (0..r).map(|_| rng.random_range(0..r))))
                .collect();
            let (low, high) = interval(&mut boot);
            let mu = e.iter().sum::<f64>() / r as f64;
            let sigma = if r > 1 {
                (e.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / (r - 1) as f64).sqrt()
            } else {
                f64::NAN
            };
            let plain = |value| Index {
                value,
                low: f64::NAN,
                high: f64::NAN,
            };
            [Index { value, low, high }, plain(mu), plain(sigma)]
        })
        .collect()
}

/// First-order and total indices per axis: (S1, ST), each with its
/// interval. `y` holds A's n outputs, B's, then each A_B(i)'s.
pub(crate) fn sobol_indices(y: &[f64], n: usize, k: usize, seed: u64) -> Vec<[Index; 2]> {
    let (fa, rest) = y.split_at(n);
    let (fb, fab) = rest.split_at(n);
    let estimate = |rows: &[usize], i: usize| -> (f64, f64) {
        let fabi = &fab[i * n..(i + 1) * n];
        let m = rows.len() as f64;
        // The variance of the output over A and B together.
        let mean = rows.iter().map(|&j| fa[j] + fb[j]).sum::<f64>() / (2.0 * m);
        let var = rows
            .iter()
            .map(|&j| (fa[j] - mean).powi(2) + (fb[j] - mean).powi(2))
            .sum::<f64>()
            / (2.0 * m - 1.0);
        // Centred, as SALib standardises: the same expectation, far less
        // variance when the figure's mean is large against its spread.
        let s1 = rows
            .iter()
            .map(|&j| (fb[j] - mean) * (fabi[j] - fa[j]))
            .sum::<f64>()
            / m;
        let st = rows.iter().map(|&j| (fa[j] - fabi[j]).powi(2)).sum::<f64>() / (2.0 * m);
        if var > 0.0 {
            (s1 / var, st / var)
        } else {
            (f64::NAN, f64::NAN)
        }
    };
    let all: Vec<usize> = (0..n).collect();
    let mut rng = crate::state::rng::stream(seed, 0x424f_4f54);
    // One set of resampled rows serves every axis, as SALib's does.
    let resamples: Vec<Vec<usize>> = (0..BOOTSTRAP)
        .map(|_| (0..n).map(|_| rng.random_range(0..n)).collect())
        .collect();
    (0..k)
        .map(|i| {
            let (s1, st) = estimate(&all, i);
            let (mut b1, mut bt): (Vec<f64>, Vec<f64>) =
                resamples.iter().map(|rows| estimate(rows, i)).unzip();
            let (l1, h1) = interval(&mut b1);
            let (lt, ht) = interval(&mut bt);
            [
                Index {
                    value: s1,
                    low: l1,
                    high: h1,
                },
                Index {
                    value: st,
                    low: lt,
                    high: ht,
                },
            ]
        })
        .collect()
}

/// The 2.5 % and 97.5 % quantiles of bootstrap estimates (NaNs dropped).
fn interval(boot: &mut Vec<f64>) -> (f64, f64) {
    boot.retain(|v| v.is_finite());
    if boot.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    boot.sort_by(f64::total_cmp);
    let q = |p: f64| crate::metrics::stats::quantile(boot, p);
    (q(0.025), q(0.975))
}

/// The share of the runs' variance that lies within points (between the
/// seeds of one point): near 1, the answer is mostly seed noise. `runs`
/// holds each point's values over its seeds; None with one seed a point.
pub(crate) fn seed_share(runs: &[Vec<f64>]) -> Option<f64> {
    if runs.iter().any(|r| r.len() < 2) || runs.is_empty() {
        return None;
    }
    let all: Vec<f64> = runs.iter().flatten().copied().collect();
    let var = |v: &[f64]| {
        let m = v.iter().sum::<f64>() / v.len() as f64;
        v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64
    };
    let total = var(&all);
    let within = runs.iter().map(|r| var(r)).sum::<f64>() / runs.len() as f64;
    (total > 0.0).then(|| (within / total).min(1.0))
}

/// One row of sensitivity.csv.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Row {
    /// The summary figure.
    pub(crate) metric: String,
    /// The axis path (or `seeds` for the seed share).
    pub(crate) parameter: String,
    /// `mu_star`, `mu`, `sigma`, `S1`, `ST` or `seed_share`.
    pub(crate) index: String,
    /// The index.
    pub(crate) value: f64,
    /// 2.5 % of its bootstrap distribution.
    pub(crate) low: f64,
    /// 97.5 %.
    pub(crate) high: f64,
}

/// The columns of sensitivity.csv.
pub(crate) const COLUMNS: &[&str] = &["metric", "parameter", "index", "value", "low", "high"];

/// The indices of every metric, parameters ranked by μ* (Morris) or ST
/// (Sobol), most influential first, then the seed share. `runs` holds,
/// per point in plan order, per metric, the values over seeds.
pub(crate) fn indices(
    layout: &Layout,
    axes: &[String],
    metrics: &[String],
    runs: &[Vec<Vec<f64>>],
    seed: u64,
) -> Vec<Row> {
    let k = axes.len();
    let mut rows = Vec::new();
    for (m, metric) in metrics.iter().enumerate() {
        let y: Vec<f64> = runs
            .iter()
            .map(|p| {
                let v = &p[m];
                v.iter().sum::<f64>() / v.len() as f64
            })
            .collect();
        let per_axis: Vec<Vec<(&str, Index)>> = match layout {
            Layout::Morris { steps, .. } => morris_indices(steps, &y, k, seed)
                .into_iter()
                .map(|[s, m, sd]| vec![("mu_star", s), ("mu", m), ("sigma", sd)])
                .collect(),
            Layout::Sobol { n, .. } => sobol_indices(&y, *n, k, seed)
                .into_iter()
                .map(|[s1, st]| vec![("S1", s1), ("ST", st)])
                .collect(),
        };
        // Ranked by the design's main index, the largest first (NaN last).
        let main = match layout {
            Layout::Morris { .. } => 0,
            Layout::Sobol { .. } => 1,
        };
        let mut order: Vec<usize> = (0..k).collect();
        order.sort_by(|&a, &b| {
            let key = |i: usize| {
                let v = per_axis[i][main].1.value;
                if v.is_nan() { f64::NEG_INFINITY } else { v }
            };
            key(b).total_cmp(&key(a)).then(a.cmp(&b))
        });
        for i in order {
            for (name, idx) in &per_axis[i] {
                rows.push(Row {
                    metric: metric.clone(),
                    parameter: axes[i].clone(),
                    index: name.to_string(),
                    value: idx.value,
                    low: idx.low,
                    high: idx.high,
                });
            }
        }
        let share: Vec<Vec<f64>> = runs.iter().map(|p| p[m].clone()).collect();
        rows.push(Row {
            metric: metric.clone(),
            parameter: "seeds".into(),
            index: "seed_share".into(),
            value: seed_share(&share).unwrap_or(f64::NAN),
            low: f64::NAN,
            high: f64::NAN,
        });
    }
    rows
}

/// Writes sensitivity.csv and a ranked bar plot per metric
/// (`sensitivity-<metric>.png/.svg`) into `dir`; returns the plots drawn.
pub(crate) fn write(
    layout: &Layout,
    rows: &[Row],
    metrics: &[String],
    sweep_name: &str,
    dir: &std::path::Path,
) -> std::io::Result<Vec<Drawn>> {
    let cell = |v: f64| {
        if v.is_nan() {
            String::new()
        } else {
            v.to_string()
        }
    };
    let mut w =
        csv::Writer::from_path(dir.join("sensitivity.csv")).map_err(std::io::Error::other)?;
    w.write_record(COLUMNS).map_err(std::io::Error::other)?;
    for r in rows {
        w.write_record([
            r.metric.clone(),
            r.parameter.clone(),
            r.index.clone(),
            cell(r.value),
            cell(r.low),
            cell(r.high),
        ])
        .map_err(std::io::Error::other)?;
    }
    w.flush()?;
    let mut drawn = Vec::new();
    let (series, x_label): (&[(&str, &str)], String) = match layout {
        Layout::Morris { .. } => (
            &[
                (
                    "mu_star",
                    "μ* (mean |elementary effect|, 95 % bootstrap interval)",
                ),
                (
                    "sigma",
                    "σ (spread of the effects: interactions, non-linearity)",
                ),
            ],
            "effect on the figure, in its unit, of moving the parameter across its whole range"
                .into(),
        ),
        Layout::Sobol { .. } => (
            &[
                ("ST", "ST, total index (95 % bootstrap interval)"),
                ("S1", "S1, first-order index (95 % bootstrap interval)"),
            ],
            "share of the figure's variance over the parameters' ranges".into(),
        ),
    };
    for metric in metrics {
        let of: Vec<&Row> = rows.iter().filter(|r| &r.metric == metric).collect();
        let mut params: Vec<String> = Vec::new();
        for r in &of {
            if r.parameter != "seeds" && !params.contains(&r.parameter) {
                params.push(r.parameter.clone());
            }
        }
        let bars: Vec<crate::plot::bars::Series> = series
            .iter()
            .map(|(index, label)| crate::plot::bars::Series {
                label: label.to_string(),
                values: params
                    .iter()
                    .map(|p| {
                        of.iter()
                            .find(|r| &r.parameter == p && r.index == *index)
                            .map_or((f64::NAN, f64::NAN, f64::NAN), |r| (r.value, r.low, r.high))
                    })
                    .collect(),
            })
            .collect();
        let noise = of
            .iter()
            .find(|r| r.index == "seed_share")
            .map(|r| r.value)
            .filter(|v| v.is_finite())
            .map_or(
                String::from(" (one seed a point: seed noise not measured)"),
                |v| format!(" ({:.0} % of the runs' variance is seed noise)", 100.0 * v),
            );
        let stem = format!("sensitivity-{metric}");
        let svg = crate::plot::bars::ranked(
            &dir.join(&stem),
            &format!("{sweep_name}: what drives {metric}{noise}"),
            &params,
            &bars,
            &x_label,
        )
        .map_err(std::io::Error::other)?;
        drawn.push(Drawn { stem, svg });
    }
    Ok(drawn)
}

/// Reads the rows of a sensitivity.csv.
pub(crate) fn read(path: &std::path::Path) -> std::io::Result<Vec<Row>> {
    let mut r = csv::Reader::from_path(path).map_err(std::io::Error::other)?;
    let num = |s: &str| {
        if s.is_empty() {
            f64::NAN
        } else {
            s.parse().unwrap_or(f64::NAN)
        }
    };
    r.records()
        .map(|rec| {
            let rec = rec.map_err(std::io::Error::other)?;
            Ok(Row {
                metric: rec[0].to_string(),
                parameter: rec[1].to_string(),
                index: rec[2].to_string(),
                value: num(&rec[3]),
                low: num(&rec[4]),
                high: num(&rec[5]),
            })
        })
        .collect()
}

/// The ranking as text: per metric, each parameter's main index with its
/// interval, then the seed share.
pub(crate) fn table(rows: &[Row]) -> String {
    let f = |v: f64| {
        if v.is_nan() {
            "–".to_string()
        } else {
            crate::plot::short(v)
        }
    };
    let mut out = String::new();
    let mut last = "";
    for r in rows {
        if !matches!(r.index.as_str(), "mu_star" | "ST" | "seed_share") {
            continue;
        }
        if r.metric != last {
            out.push_str(&format!("{}:\n", r.metric));
            last = &r.metric;
        }
        if r.index == "seed_share" {
            out.push_str(&match r.value.is_finite() {
                true => format!(
                    "  seed noise: {:.0} % of the runs' variance\n",
                    100.0 * r.value
                ),
                false => "  seed noise: not measured (one seed a point)\n".to_string(),
            });
        } else {
            let s1 = rows
                .iter()
                .find(|o| o.metric == r.metric && o.parameter == r.parameter && o.index == "S1")
                .map(|o| format!("  S1 {} [{}, {}]", f(o.value), f(o.low), f(o.high)))
                .unwrap_or_default();
            let name = if r.index == "ST" { "ST" } else { "μ*" };
            out.push_str(&format!(
                "  {:<44} {name} {} [{}, {}]{s1}\n",
                r.parameter,
                f(r.value),
                f(r.low),
                f(r.high)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// Ishigami & Homma (1990), a = 7, b = 0.1, on [−π, π]³, with a fourth
    /// input that has no effect.
    fn ishigami(x: &[f64]) -> f64 {
        let x: Vec<f64> = x.iter().map(|f| -PI + 2.0 * PI * f).collect();
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    /// The analytic indices (Sobol' & Levitan 1999; Saltelli et al. 2008).
    fn analytic() -> ([f64; 3], [f64; 3]) {
        let (a, b) = (7.0f64, 0.1f64);
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        let v = v1 + v2 + v13;
        ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
    }

    #[test]
    fn sobol_indices_of_ishigami_match_the_analytic_ones() {
        let (k, n) = (4, 4096);
        let Layout::Sobol { fractions, .. } = sobol(k, n, 7) else {
            unreachable!()
        };
        assert_eq!(fractions.len(), n * (k + 2));
        let y: Vec<f64> = fractions.iter().map(|x| ishigami(x)).collect();
        let idx = sobol_indices(&y, n, k, 7);
        let (s1, st) = analytic();
        for i in 0..3 {
            let [a, t] = idx[i];
            assert!((a.value - s1[i]).abs() < 0.03, "S1[{i}] {a:?} vs {}", s1[i]);
            assert!((t.value - st[i]).abs() < 0.03, "ST[{i}] {t:?} vs {}", st[i]);
            // The intervals hold the estimate and the analytic value.
            assert!(a.low <= a.value && a.value <= a.high, "{a:?}");
            assert!(t.low - 0.02 <= st[i] && st[i] <= t.high + 0.02, "{t:?}");
        }
        // The input with no effect: no first-order and no total index.
        let [a, t] = idx[3];
        assert!(a.value.abs() < 0.02 && t.value.abs() < 1e-12, "{a:?} {t:?}");
    }

    #[test]
    fn morris_ranks_ishigami_and_finds_the_input_without_effect() {
        let k = 4;
        let Layout::Morris { steps, fractions } = morris(k, 200, 4, 3) else {
            unreachable!()
        };
        assert_eq!(fractions.len(), 200 * (k + 1));
        // Every coordinate sits on the 4-level grid, every step moves one.
        for x in fractions.iter().flatten() {
            let l = x * 3.0;
            assert!((l - l.round()).abs() < 1e-9, "{x}");
        }
        for (t, path) in steps.iter().enumerate() {
            let mut seen: Vec<usize> = path.iter().map(|s| s.0).collect();
            seen.sort_unstable();
            assert_eq!(seen, vec![0, 1, 2, 3]);
            for (j, &(i, d)) in path.iter().enumerate() {
                let (a, b) = (&fractions[t * 5 + j], &fractions[t * 5 + j + 1]);
                assert!((b[i] - a[i] - d).abs() < 1e-12 && d.abs() == 2.0 / 3.0);
            }
        }
        let y: Vec<f64> = fractions.iter().map(|x| ishigami(x)).collect();
        let idx = morris_indices(&steps, &y, k, 3);
        let mu_star: Vec<f64> = idx.iter().map(|i| i[0].value).collect();
        // x3 acts only with x1, and x1's effect is largest of all in
        // elementary effects on this grid; the dummy has none at all.
        assert_eq!(mu_star[3], 0.0);
        assert!(mu_star[0] > mu_star[2] && mu_star[2] > 0.0, "{mu_star:?}");
        assert!(mu_star[1] > 0.0);
        // x3 acts through an interaction: its σ is as large as its μ*.
        assert!(idx[2][2].value > 0.5 * mu_star[2], "{:?}", idx[2]);
        for i in &idx[..3] {
            assert!(i[0].low <= i[0].value && i[0].value <= i[0].high, "{i:?}");
        }
    }

    #[test]
    fn seed_share_is_the_variance_within_points() {
        // Points that differ by far more than their seeds: little noise.
        let quiet = [vec![0.0, 0.1], vec![10.0, 10.1], vec![20.0, 19.9]];
        assert!(seed_share(&quiet).unwrap() < 0.01);
        // Points that differ no more than their seeds: mostly noise.
        let noisy = [vec![0.0, 10.0], vec![10.0, 0.0], vec![5.0, 5.5]];
        assert!(seed_share(&noisy).unwrap() > 0.8);
        assert_eq!(seed_share(&[vec![1.0], vec![2.0]]), None);
    }
}
