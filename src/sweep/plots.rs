//! The sweep's plots: each figure against each axis (a line with its
//! band over seeds per combination of the other axes, or the medians as
//! points), and on a grid of two axes a heatmap of each figure's median.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::Path;

use super::error::SweepError;
use super::spec::{self, DEFAULT_METRICS, Plan};
use crate::metrics::Summary;
use crate::metrics::stats::Spread;
use crate::plot::{Line, Panel, XAxis, render_svg};

/// Most lines a sweep plot draws against one axis (one per combination of
/// the other axes' values); past it, the medians are drawn as points.
pub const MAX_LINES: usize = 8;

/// A figure the sweep drew: `<stem>.png` and `<stem>.svg` were written,
/// and the SVG markup is kept for the report to embed (nothing the sweep
/// draws is read back from its files).
pub(crate) struct Drawn {
    /// The files' name without extension.
    pub(crate) stem: String,
    /// The SVG markup written.
    pub(crate) svg: String,
}

impl Drawn {
    /// The two files written.
    pub(crate) fn files(&self) -> [String; 2] {
        [format!("{}.png", self.stem), format!("{}.svg", self.stem)]
    }
}

/// The figures a sweep plots (and ranks the parameters of): its
/// `metrics`, or [`DEFAULT_METRICS`].
pub fn plot_metrics(plan: &Plan) -> Vec<String> {
    if plan.file.metrics.is_empty() {
        DEFAULT_METRICS.iter().map(|s| s.to_string()).collect()
    } else {
        plan.file.metrics.clone()
    }
}

/// Draws the sweep's plots into `dir` from each point's spreads over
/// seeds (`stats`: point index and one spread per summary figure) and
/// returns the figures drawn.
pub(super) fn plots(
    plan: &Plan,
    stats: &[(usize, Vec<Spread>)],
    dir: &Path,
) -> Result<Vec<Drawn>, SweepError> {
    let names = Summary::figure_names();
    let metrics = plot_metrics(plan);
    let metric_index: Vec<(String, usize)> = metrics
        .iter()
        .filter_map(|m| names.iter().position(|n| n == m).map(|i| (m.clone(), i)))
        .collect();
    let mut written = Vec::new();
    // Each metric against each axis. On a grid, one line (median, 5–95 %
    // band over seeds) per combination of the other axes' values, so no
    // line joins points that differ in another axis; past MAX_LINES such
    // lines, and for Latin-hypercube samples, the medians as points.
    for a in 0..plan.file.axes.len() {
        let view = AxisView::new(plan, stats, a);
        let panels: Vec<Panel> = metric_index
            .iter()
            .map(|(m, k)| view.panel(m, *k))
            .collect();
        written.push(view.render(&panels, dir)?);
    }
    // Two axes on a grid: a heatmap of the median per metric.
    if plan.file.axes.len() == 2 && plan.file.design == spec::Design::Grid {
        written.extend(heatmaps(plan, stats, &metric_index, dir)?);
    }
    Ok(written)
}

/// An axis' values in plan order, each once.
fn distinct(plan: &Plan, a: usize) -> Vec<String> {
    let mut seen = HashSet::new();
    plan.points
        .iter()
        .filter(|p| seen.insert(p.values[a].as_str()))
        .map(|p| p.values[a].clone())
        .collect::<Vec<String>>()
}

/// The figures of a sweep seen against one of its axes.
struct AxisView<'a> {
    /// The sweep's plan.
    plan: &'a Plan,
    /// Each point's spreads over seeds, by summary figure.
    stats: &'a [(usize, Vec<Spread>)],
    /// The axis' index.
    a: usize,
    /// The axis' values in plan order, each once.
    values: Vec<String>,
    /// Whether a value of the axis is not a number: its values are then
    /// placed at their ranks and named as ticks.
    text_axis: bool,
    /// The rank of each value, in plan order.
    rank: HashMap<String, usize>,
    /// The points (indices into `stats`) by the other axes' values (one
    /// group on a design other than a grid).
    groups: Vec<(String, Vec<usize>)>,
    /// Whether the design samples the axes (Latin hypercube, Morris,
    /// Sobol) rather than stepping them.
    sampled: bool,
    /// Whether the medians are drawn as points rather than lines.
    scatter: bool,
}

/// A value of an axis as a number, if it is one.
fn numeric(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok()
}

impl<'a> AxisView<'a> {
    fn new(plan: &'a Plan, stats: &'a [(usize, Vec<Spread>)], a: usize) -> Self {
        let design = &plan.file.design;
        let values = distinct(plan, a);
        let text_axis = values.iter().any(|v| numeric(v).is_none());
        let rank = values
            .iter()
            .enumerate()
            .map(|(i, v)| (v.clone(), i))
            .collect();
        let groups = groups(plan, stats, a);
        let sampled =
            matches!(design, spec::Design::LatinHypercube { .. }) || design.is_sensitivity();
        let scatter = sampled || groups.len() > MAX_LINES;
        Self {
            plan,
            stats,
            a,
            values,
            text_axis,
            rank,
            groups,
            sampled,
            scatter,
        }
    }

    /// Where a value of the axis is drawn.
    fn x_of(&self, v: &str) -> f64 {
        match (self.text_axis, numeric(v)) {
            (false, Some(x)) => x,
            _ => self.rank.get(v).copied().unwrap_or(0) as f64,
        }
    }

    /// Where the `i`-th point of `stats` is drawn.
    fn x_at(&self, i: usize) -> f64 {
        self.x_of(&self.plan.points[self.stats[i].0].values[self.a])
    }

    /// The panel of figure `m` (the `k`-th summary figure).
    fn panel(&self, m: &str, k: usize) -> Panel {
        let panel = Panel::new(m.replace('_', " "), crate::plot::unit_of(m));
        if self.scatter {
            return panel.line(self.medians(m, k));
        }
        self.bands(m, k)
            .into_iter()
            .fold(panel, |panel, line| panel.line(line))
    }

    /// The medians of figure `m` at every point, as points.
    fn medians(&self, m: &str, k: usize) -> Line {
        let xs = (0..self.stats.len()).map(|i| self.x_at(i)).collect();
        let ys = self.stats.iter().map(|(_, s)| s[k].median).collect();
        let label = if self.sampled {
            "median over seeds at each sample (the other axes vary)".to_string()
        } else {
            format!(
                "median over seeds at each point ({} combinations of the other axes)",
                self.groups.len()
            )
        };
        Line::new(m, xs, ys).markers().label(label)
    }

    /// One line of figure `m` per group of points: the median, and the
    /// 5–95 % band over seeds.
    fn bands(&self, m: &str, k: usize) -> Vec<Line> {
        let design = &self.plan.file.design;
        let mut lines = Vec::new();
        for (g, (key, members)) in self.groups.iter().enumerate() {
            let mut pts: Vec<(f64, Spread)> = members
                .iter()
                .map(|&i| (self.x_at(i), self.stats[i].1[k]))
                .collect();
            pts.sort_by(|x, y| x.0.total_cmp(&y.0));
            let label = match (design, key.is_empty()) {
                (spec::Design::Zip, _) if self.plan.file.axes.len() > 1 => {
                    "median, 5–95 % over seeds (the other axes step with it)".to_string()
                }
                (_, true) => "median, 5–95 % over seeds".to_string(),
                (_, false) => key.clone(),
            };
            let mut line = Line::new(
                m,
                pts.iter().map(|p| p.0).collect(),
                pts.iter().map(|p| p.1.median).collect(),
            )
            .band(
                pts.iter().map(|p| p.1.p05).collect(),
                pts.iter().map(|p| p.1.p95).collect(),
            )
            .label(label);
            if self.groups.len() > 1 {
                line = line.color(crate::plot::nth_color(g));
            }
            lines.push(line);
        }
        lines
    }

    /// Draws the panels against the axis into `sweep-<axis>.png` and
    /// `.svg` in `dir`.
    fn render(&self, panels: &[Panel], dir: &Path) -> Result<Drawn, SweepError> {
        let plan = self.plan;
        let axis = &plan.file.axes[self.a];
        let stem = format!("sweep-{}", axis.path.replace('.', "_"));
        let several = self.groups.len() > 1 && !self.scatter;
        let x = XAxis {
            start_unix_s: None,
            label: Some(if several {
                format!("{} (lines: median and 5–95 % band over seeds)", axis.path)
            } else {
                axis.path.clone()
            }),
            ticks: self.text_axis.then(|| self.values.clone()),
        };
        let svg = render_svg(
            &dir.join(&stem),
            &format!("{}: against {}", plan.file.name, axis.path),
            panels,
            &x,
        )
        .map_err(io::Error::other)?;
        Ok(Drawn { stem, svg })
    }
}

/// The points (indices into `stats`) grouped by the values of the axes
/// other than `a`, in order of first appearance; on a design other than a
/// grid, all in one group with an empty key.
fn groups(plan: &Plan, stats: &[(usize, Vec<Spread>)], a: usize) -> Vec<(String, Vec<usize>)> {
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    let mut group_of: HashMap<String, usize> = HashMap::new();
    for (i, (p, _)) in stats.iter().enumerate() {
        let key = match plan.file.design {
            spec::Design::Grid => plan
                .file
                .axes
                .iter()
                .zip(&plan.points[*p].values)
                .enumerate()
                .filter(|(b, _)| *b != a)
                .map(|(_, (ax, v))| format!("{}={v}", ax.path))
                .collect::<Vec<_>>()
                .join(" "),
            _ => String::new(),
        };
        let g = *group_of.entry(key.clone()).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(i);
    }
    groups
}

/// On a grid of two axes, a heatmap of each figure's median over seeds,
/// `heatmap-<figure>.png` and `.svg`.
fn heatmaps(
    plan: &Plan,
    stats: &[(usize, Vec<Spread>)],
    metric_index: &[(String, usize)],
    dir: &Path,
) -> Result<Vec<Drawn>, SweepError> {
    let mut written = Vec::new();
    let (xv, yv) = (distinct(plan, 0), distinct(plan, 1));
    for (m, k) in metric_index {
        let mut grid = vec![vec![f64::NAN; yv.len()]; xv.len()];
        for (p, s) in stats {
            let pt = &plan.points[*p];
            let xi = xv
                .iter()
                .position(|v| *v == pt.values[0])
                .expect("value of the grid");
            let yi = yv
                .iter()
                .position(|v| *v == pt.values[1])
                .expect("value of the grid");
            grid[xi][yi] = s[*k].median;
        }
        let stem = format!("heatmap-{m}");
        let svg = crate::plot::heatmap(
            &dir.join(&stem),
            &crate::plot::Heatmap {
                title: &format!("{}: median {} over seeds", plan.file.name, m),
                x: crate::plot::MapAxis {
                    name: &plan.file.axes[0].path,
                    labels: &xv,
                },
                y: crate::plot::MapAxis {
                    name: &plan.file.axes[1].path,
                    labels: &yv,
                },
                values: &grid,
            },
        )
        .map_err(io::Error::other)?;
        written.push(Drawn { stem, svg });
    }
    Ok(written)
}
