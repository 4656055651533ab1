//! Plots: time panels drawn with plotters into PNG and SVG, with a font
//! bundled in the binary (DejaVu Sans) so text renders on machines with no
//! system fonts. Used by run dashboards, `compare` and sweeps.
//!
//! Colours come from the Okabe–Ito palette (safe for colour-blind readers),
//! and each named series keeps its colour in every plot ([`series_color`]).
//!
//! ```no_run
//! use hashflight::plot::{Line, Panel, render};
//! let line = Line::new("hashrate", vec![0.0, 1.0], vec![1000.0, 990.0]);
//! let panel = Panel::new("Hashrate", "EH/s").line(line);
//! render(std::path::Path::new("/tmp/example"), "Example", &[panel], &Default::default()).unwrap();
//! ```

use std::path::Path;
use std::sync::Once;

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

pub mod dashboard;
pub mod table;

/// The Okabe–Ito palette.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(240, 228, 66),  // yellow
    RGBColor(0, 0, 0),       // black
];

/// The colour of a named series, the same in every plot.
pub fn series_color(key: &str) -> RGBColor {
    let fixed = [
        ("hashrate_ehs", 0),
        ("curtailed_ehs", 1),
        ("offline_ehs", 3),
        ("difficulty", 2),
        ("mean_block_interval_s", 0),
        ("max_block_interval_s", 4),
        ("btc_price_usd", 1),
        ("hashprice_usd_per_ph_day", 2),
        ("fee_share_pct", 5),
        ("pool_hhi", 4),
        ("pool_nakamoto", 0),
        ("ai_mw", 4),
        ("gpu_cloud_mw", 5),
        ("converting_mw", 1),
        ("sold_mw", 3),
        ("double_spend_p_top_pool_z6", 3),
    ];
    match fixed.iter().find(|(k, _)| *k == key) {
        Some((_, i)) => PALETTE[*i],
        None => nth_color(
            key.bytes()
                .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize)),
        ),
    }
}

/// The n-th palette colour (for runs in a comparison).
pub fn nth_color(n: usize) -> RGBColor {
    PALETTE[n % PALETTE.len()]
}

/// Registers the bundled font once per process.
pub fn init_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for (style, bytes) in [
            (FontStyle::Normal, dejavu::sans::regular()),
            (FontStyle::Bold, dejavu::sans::bold()),
        ] {
            if register_font("sans-serif", style, bytes).is_err() {
                unreachable!("the bundled DejaVu font is valid");
            }
        }
    });
}

/// One series in a panel.
#[derive(Clone, Debug)]
pub struct Line {
    /// Legend label.
    pub label: String,
    /// Colour.
    pub color: RGBColor,
    /// X values (days since the run started, or an axis value).
    pub xs: Vec<f64>,
    /// Y values.
    pub ys: Vec<f64>,
    /// A band (low, high) around the line, e.g. 5–95 % over seeds.
    pub band: Option<(Vec<f64>, Vec<f64>)>,
    /// Draw the points as markers, not joined (a scatter: points that are
    /// not a series along x).
    pub markers: bool,
}

impl Line {
    /// A line whose colour follows its key.
    pub fn new(key: &str, xs: Vec<f64>, ys: Vec<f64>) -> Self {
        Self {
            label: key.to_string(),
            color: series_color(key),
            xs,
            ys,
            band: None,
            markers: false,
        }
    }

    /// Draws the points as markers, not joined.
    pub fn markers(mut self) -> Self {
        self.markers = true;
        self
    }

    /// Sets the legend label.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Sets the colour.
    pub fn color(mut self, color: RGBColor) -> Self {
        self.color = color;
        self
    }

    /// Adds a band.
    pub fn band(mut self, lo: Vec<f64>, hi: Vec<f64>) -> Self {
        self.band = Some((lo, hi));
        self
    }
}

/// One chart: a title, a unit, lines.
#[derive(Clone, Debug)]
pub struct Panel {
    /// Title.
    pub title: String,
    /// Unit of the y axis.
    pub unit: String,
    /// Lines (drawn in order; stacked panels stack them in order).
    pub lines: Vec<Line>,
    /// Stack the lines as areas.
    pub stacked: bool,
    /// Logarithmic y axis: `None` decides from the data (over two decades).
    pub log_y: Option<bool>,
}

impl Panel {
    /// An empty panel.
    pub fn new(title: impl Into<String>, unit: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            unit: unit.into(),
            lines: Vec::new(),
            stacked: false,
            log_y: None,
        }
    }

    /// Adds a line.
    pub fn line(mut self, line: Line) -> Self {
        self.lines.push(line);
        self
    }

    /// Stacks the lines as areas.
    pub fn stacked(mut self) -> Self {
        self.stacked = true;
        self
    }

    /// Forces a linear or log y axis.
    pub fn log_y(mut self, log: bool) -> Self {
        self.log_y = Some(log);
        self
    }

    fn has_data(&self) -> bool {
        self.lines
            .iter()
            .any(|l| l.ys.iter().any(|y| y.is_finite()))
    }
}

/// How the x axis is labelled.
#[derive(Clone, Debug, Default)]
pub struct XAxis {
    /// Unix time of x = 0 when x is days: ticks become dates.
    pub start_unix_s: Option<i64>,
    /// Label of the axis.
    pub label: Option<String>,
    /// Text ticks: x = k is labelled `ticks[k]` (an axis of text values);
    /// other x are left unlabelled.
    pub ticks: Option<Vec<String>>,
}

impl XAxis {
    /// The tick label of `x` on an axis spanning `span` (days when dated).
    fn format(&self, x: f64, span: f64) -> String {
        if let Some(ticks) = &self.ticks {
            let k = x.round();
            return if (x - k).abs() < 1e-6 && k >= 0.0 {
                ticks.get(k as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            };
        }
        // Months repeat on ticks less than a month apart: show days then.
        let pattern = if span < 400.0 { "%Y-%m-%d" } else { "%Y-%m" };
        match self.start_unix_s {
            Some(t0) => chrono::DateTime::from_timestamp(t0 + (x * 86_400.0) as i64, 0)
                .map(|d| d.format(pattern).to_string())
                .unwrap_or_else(|| format!("{x:.0}")),
            None => short(x),
        }
    }

    fn label(&self) -> String {
        self.label.clone().unwrap_or_else(|| {
            if self.start_unix_s.is_some() {
                "date".into()
            } else {
                "day of run".into()
            }
        })
    }
}

/// A compact number: 1.2k, 3.4M, 0.05.
pub fn short(v: f64) -> String {
    let a = v.abs();
    if a < 1e-9 {
        return "0".into();
    }
    let (d, s) = if a >= 1e12 {
        (1e12, "T")
    } else if a >= 1e9 {
        (1e9, "G")
    } else if a >= 1e6 {
        (1e6, "M")
    } else if a >= 1e4 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    let x = v / d;
    let txt = if x == x.round() || x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.1}")
    } else if x.abs() >= 0.01 {
        format!("{x:.2}")
    } else {
        format!("{x:.1e}")
    };
    format!("{txt}{s}")
}

/// Draws panels in a grid of `columns` into `<stem>.png` and `<stem>.svg`.
pub fn render(stem: &Path, title: &str, panels: &[Panel], x: &XAxis) -> Result<(), PlotError> {
    render_columns(stem, title, panels, x, 2)
}

/// [`render`] with a chosen number of columns.
pub fn render_columns(
    stem: &Path,
    title: &str,
    panels: &[Panel],
    x: &XAxis,
    columns: usize,
) -> Result<(), PlotError> {
    init_fonts();
    let panels: Vec<&Panel> = panels.iter().filter(|p| p.has_data()).collect();
    let columns = columns.clamp(1, panels.len().max(1));
    let rows = panels.len().div_ceil(columns).max(1);
    let size = (760 * columns as u32, 60 + 330 * rows as u32);
    let png = stem.with_extension("png");
    let svg = stem.with_extension("svg");
    {
        let root = BitMapBackend::new(&png, size).into_drawing_area();
        draw(&root, title, &panels, x, rows, columns)?;
        root.present().map_err(|e| PlotError(e.to_string()))?;
    }
    {
        let root = SVGBackend::new(&svg, size).into_drawing_area();
        draw(&root, title, &panels, x, rows, columns)?;
        root.present().map_err(|e| PlotError(e.to_string()))?;
    }
    Ok(())
}

/// A plot could not be drawn or written.
#[derive(Debug, thiserror::Error)]
#[error("plot: {0}")]
pub struct PlotError(pub String);

/// A drawing error as its message (not Rust's Debug text).
fn err<E: std::fmt::Display>(e: E) -> PlotError {
    PlotError(e.to_string())
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    panels: &[&Panel],
    x: &XAxis,
    rows: usize,
    columns: usize,
) -> Result<(), PlotError> {
    root.fill(&WHITE).map_err(err)?;
    let root = root
        .titled(title, ("sans-serif", 26).into_font().style(FontStyle::Bold))
        .map_err(err)?;
    // One x range for every panel, so the panels line up.
    let (x0, x1) = bounds(
        panels
            .iter()
            .flat_map(|p| p.lines.iter().flat_map(|l| l.xs.iter().copied())),
    );
    let areas = root.split_evenly((rows, columns));
    for (panel, area) in panels.iter().zip(areas.iter()) {
        draw_panel(area, panel, x, (x0, x1))?;
    }
    Ok(())
}

/// `color` blended with white; `strength` 1 is the colour itself.
pub fn tint(color: RGBColor, strength: f64) -> RGBColor {
    let mix = |c: u8| (255.0 - (255.0 - c as f64) * strength).round() as u8;
    RGBColor(mix(color.0), mix(color.1), mix(color.2))
}

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        (0.0, 1.0)
    } else if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5 - lo.abs() * 0.05, hi + 0.5 + hi.abs() * 0.05)
    }
}

/// Whether a panel's y axis is logarithmic (asked for, or all values
/// positive over more than two decades), and its range in plotted units.
fn y_range(lines: &[Line], panel: &Panel) -> (bool, f64, f64) {
    let all_y = || {
        lines.iter().flat_map(|l| {
            l.ys.iter()
                .chain(
                    l.band
                        .iter()
                        .flat_map(|(lo, hi)| lo.iter().chain(hi.iter())),
                )
                .copied()
        })
    };
    let positive = all_y().filter(|v| v.is_finite() && *v > 0.0);
    let (pmin, pmax) = bounds(positive);
    let log = panel.log_y.unwrap_or(
        !panel.stacked && all_y().all(|v| !v.is_finite() || v > 0.0) && pmax / pmin > 100.0,
    );
    // Log axes plot log10(y) and label ticks 10^k.
    let tf = |v: f64| {
        if log {
            if v > 0.0 { v.log10() } else { f64::NAN }
        } else {
            v
        }
    };
    let (mut y0, mut y1) = bounds(all_y().map(tf));
    if panel.stacked || (!log && y0 > 0.0 && y0 < 0.3 * y1) {
        y0 = y0.min(0.0);
    }
    let pad = (y1 - y0) * 0.05;
    y1 += pad;
    if !(panel.stacked && y0 == 0.0) {
        y0 -= pad;
    }
    (log, y0, y1)
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    panel: &Panel,
    x: &XAxis,
    (x0, x1): (f64, f64),
) -> Result<(), PlotError> {
    // Stacked lines become running sums.
    let mut lines = panel.lines.clone();
    if panel.stacked {
        for i in 1..lines.len() {
            let below = lines[i - 1].ys.clone();
            for (y, b) in lines[i].ys.iter_mut().zip(below) {
                *y += b;
            }
        }
    }
    let (log, y0, y1) = y_range(&lines, panel);
    // Log axes plot log10(y) and label ticks 10^k.
    let tf = |v: f64| {
        if log {
            if v > 0.0 { v.log10() } else { f64::NAN }
        } else {
            v
        }
    };
    let mut chart = ChartBuilder::on(area)
        .caption(
            format!("{} ({})", panel.title, panel.unit),
            ("sans-serif", 18),
        )
        .margin(8)
        .x_label_area_size(34)
        .y_label_area_size(64)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    let y_fmt = |v: &f64| {
        if log {
            short(10f64.powf(*v))
        } else {
            short(*v)
        }
    };
    chart
        .configure_mesh()
        .x_labels(7)
        .y_labels(6)
        .x_label_formatter(&|v| x.format(*v, x1 - x0))
        .y_label_formatter(&y_fmt)
        .x_desc(x.label())
        .label_style(("sans-serif", 13))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(err)?;
    for line in lines.iter().rev() {
        let pts: Vec<(f64, f64)> = line
            .xs
            .iter()
            .zip(&line.ys)
            .map(|(&a, &b)| (a, tf(b)))
            .filter(|p| p.1.is_finite())
            .collect();
        if let Some((lo, hi)) = &line.band {
            let upper = line.xs.iter().zip(hi).map(|(&a, &b)| (a, tf(b)));
            let lower = line.xs.iter().zip(lo).map(|(&a, &b)| (a, tf(b))).rev();
            let poly: Vec<(f64, f64)> = upper.chain(lower).filter(|p| p.1.is_finite()).collect();
            chart
                .draw_series(std::iter::once(Polygon::new(poly, line.color.mix(0.2))))
                .map_err(err)?;
        }
        // Data lines are one pixel wide: wider lines on the bitmap backend
        // escape the chart on steep data (plotters issue #549).
        let color = line.color;
        if panel.stacked {
            // Opaque tints: stacked areas are drawn top first and must not
            // blend into each other.
            let fill = tint(color, 0.55);
            chart
                .draw_series(AreaSeries::new(pts, y0, fill).border_style(color.stroke_width(1)))
                .map_err(err)?
                .label(line.label.clone())
                .legend(move |(a, b)| Rectangle::new([(a, b - 5), (a + 14, b + 5)], fill.filled()));
        } else if line.markers {
            chart
                .draw_series(pts.into_iter().map(|p| Circle::new(p, 3, color.filled())))
                .map_err(err)?
                .label(line.label.clone())
                .legend(move |(a, b)| Circle::new((a + 8, b), 3, color.filled()));
        } else {
            chart
                .draw_series(LineSeries::new(pts, color.stroke_width(1)))
                .map_err(err)?
                .label(line.label.clone())
                .legend(move |(a, b)| {
                    PathElement::new(vec![(a, b), (a + 16, b)], color.stroke_width(3))
                });
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(err)?;
    Ok(())
}

/// Draws a heatmap of `values[x][y]` (NaN cells left blank) with the
/// viridis colour scale into `<stem>.png` and `<stem>.svg`.
pub fn heatmap(
    stem: &Path,
    title: &str,
    (x_name, x_labels): (&str, &[String]),
    (y_name, y_labels): (&str, &[String]),
    values: &[Vec<f64>],
) -> Result<(), PlotError> {
    use plotters::style::colors::colormaps::ViridisRGB;
    init_fonts();
    let (lo, hi) = bounds(values.iter().flatten().copied());
    // Bounded, so a sweep with many values still draws a normal image.
    let size = (
        (220 + 100 * x_labels.len() as u32).clamp(760, 1800),
        (180 + 60 * y_labels.len() as u32).clamp(420, 1400),
    );
    fn draw_map<DB: DrawingBackend>(
        root: DrawingArea<DB, plotters::coord::Shift>,
        title: &str,
        (x_name, x_labels): (&str, &[String]),
        (y_name, y_labels): (&str, &[String]),
        values: &[Vec<f64>],
        (lo, hi): (f64, f64),
    ) -> Result<(), PlotError> {
        root.fill(&WHITE).map_err(err)?;
        let caption = format!("{title} (colour scale {} … {})", short(lo), short(hi));
        let mut chart = ChartBuilder::on(&root)
            .caption(caption, ("sans-serif", 15))
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(90)
            .build_cartesian_2d(0f64..x_labels.len() as f64, 0f64..y_labels.len() as f64)
            .map_err(err)?;
        // Label every cell while they fit, then every k-th.
        let every = |n: usize| n.div_ceil(16).max(1);
        let (kx, ky) = (every(x_labels.len()), every(y_labels.len()));
        let label = |labels: &[String], k: usize, v: f64| {
            let i = v.floor() as usize;
            if i.is_multiple_of(k) {
                labels.get(i).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        let xl = |v: &f64| label(x_labels, kx, *v);
        let yl = |v: &f64| label(y_labels, ky, *v);
        let annotate = x_labels.len() <= 16 && y_labels.len() <= 16;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(x_labels.len() * 2 + 1)
            .y_labels(y_labels.len() * 2 + 1)
            .x_label_formatter(&|v| {
                if v.fract() == 0.5 {
                    xl(v)
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|v| {
                if v.fract() == 0.5 {
                    yl(v)
                } else {
                    String::new()
                }
            })
            .x_desc(x_name)
            .y_desc(y_name)
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(err)?;
        for (i, col) in values.iter().enumerate() {
            for (j, &v) in col.iter().enumerate() {
                if !v.is_finite() {
                    continue;
                }
                let f = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
                let c = ViridisRGB::get_color(f as f32);
                let (x, y) = (i as f64, j as f64);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x, y), (x + 1.0, y + 1.0)],
                        c.filled(),
                    )))
                    .map_err(err)?;
                if !annotate {
                    continue;
                }
                let text_color = if f > 0.6 { BLACK } else { WHITE };
                chart
                    .draw_series(std::iter::once(Text::new(
                        short(v),
                        (x + 0.35, y + 0.55),
                        ("sans-serif", 14).into_font().color(&text_color),
                    )))
                    .map_err(err)?;
            }
        }
        root.present().map_err(err)
    }
    let png = stem.with_extension("png");
    let svg = stem.with_extension("svg");
    draw_map(
        BitMapBackend::new(&png, size).into_drawing_area(),
        title,
        (x_name, x_labels),
        (y_name, y_labels),
        values,
        (lo, hi),
    )?;
    draw_map(
        SVGBackend::new(&svg, size).into_drawing_area(),
        title,
        (x_name, x_labels),
        (y_name, y_labels),
        values,
        (lo, hi),
    )
}

/// The unit of a column, from its name.
pub fn unit_of(column: &str) -> &'static str {
    let suffixes = [
        ("_ehs", "EH/s"),
        ("_s", "s"),
        ("_usd_per_ph_day", "USD per PH/s per day"),
        ("_usd_per_th", "USD/TH"),
        ("_usd_per_kw_month", "USD per kW-month"),
        ("_j_per_th", "J/TH"),
        ("_days", "days"),
        ("_usd", "USD"),
        ("_mw", "MW"),
        ("_btc", "BTC"),
        ("_pct", "%"),
        ("_hhi", "0–10,000"),
    ];
    if column == "difficulty" {
        return "difficulty";
    }
    suffixes
        .iter()
        .find(|(s, _)| column.ends_with(s))
        .map_or("", |(_, u)| u)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plot errors were reported as Rust Debug text (`LayoutError`,
    /// `BackendError(DrawingError(Os { code: 28, … }))`): they are their
    /// messages.
    #[test]
    fn plot_errors_read_as_messages_not_debug_text() {
        let e: DrawingAreaErrorKind<std::io::Error> = DrawingAreaErrorKind::LayoutError;
        assert_eq!(err(e).0, "Bad layout");
        let e: DrawingAreaErrorKind<std::io::Error> = DrawingAreaErrorKind::SharingError;
        assert_eq!(err(e).0, "Multiple backend operation in progress");
    }
}
