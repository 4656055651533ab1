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

pub mod bars;
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

/// The n-th colour for runs in a comparison: the palette's eight, then
/// hues spread by the golden angle (no colour repeats, so a ninth group is
/// not drawn as the first).
pub fn nth_color(n: usize) -> RGBColor {
    match PALETTE.get(n) {
        Some(c) => *c,
        None => {
            let hue = ((n - PALETTE.len()) as f64 * 0.618_033_988_75 + 0.08).fract();
            let lightness = if n.is_multiple_of(2) { 0.38 } else { 0.55 };
            let (r, g, b) = HSLColor(hue, 0.75, lightness).rgb();
            RGBColor(r, g, b)
        }
    }
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
        // Months repeat on ticks less than a month apart: show days then;
        // over three years or more ticks fall on years: show the year.
        match self.start_unix_s {
            Some(t0) => chrono::DateTime::from_timestamp(t0 + (x * 86_400.0).round() as i64, 0)
                .map(|d| {
                    use chrono::Datelike;
                    let pattern = if span < 400.0 {
                        "%Y-%m-%d"
                    } else if span >= 3.0 * 365.0 && d.month() == 1 && d.day() == 1 {
                        "%Y"
                    } else {
                        "%Y-%m"
                    };
                    d.format(pattern).to_string()
                })
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
    let title = fit(root, title, 26)?;
    let root = root.titled(&title.0, title.1).map_err(err)?;
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

/// A bold title that fits the width of `area`: smaller type down to 16 px,
/// then cut with "…" in the middle, so that its start (the scenario) and
/// its end (the seed, the overrides) both stay in view.
fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    size: u32,
) -> Result<(String, TextStyle<'static>), PlotError> {
    let room = area.dim_in_pixel().0.saturating_sub(24);
    let style = |px: u32| -> TextStyle<'static> {
        ("sans-serif", px).into_font().style(FontStyle::Bold).into()
    };
    let width = |t: &str, px: u32| area.estimate_text_size(t, &style(px)).map_or(0, |s| s.0);
    let mut px = size;
    while px > 16 && width(title, px) > room {
        px -= 2;
    }
    let mut text = title.to_string();
    let chars: Vec<char> = title.chars().collect();
    let mut keep = chars.len();
    while width(&text, px) > room && keep > 8 {
        keep -= 2;
        let head: String = chars[..keep / 2].iter().collect();
        let tail: String = chars[chars.len() - keep / 2..].iter().collect();
        text = format!("{head} … {tail}");
    }
    Ok((text, style(px)))
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
    // Data that cannot be negative is never drawn below zero (a run whose
    // hashrate is 0 throughout sits on the axis).
    if !log && all_y().all(|v| !v.is_finite() || v >= 0.0) {
        y0 = y0.max(0.0);
    }
    (log, y0, y1)
}

/// A linear f64 axis whose ticks (and mesh lines) sit where they are
/// given. plotters' `WithKeyPoints` does the same but cannot take a label
/// formatter over f64.
struct Ticked {
    inner: plotters::coord::types::RangedCoordf64,
    points: Vec<f64>,
}

impl Ticked {
    fn new(range: std::ops::Range<f64>, points: Vec<f64>) -> Self {
        Self {
            inner: range.into(),
            points,
        }
    }
}

impl plotters::coord::ranged1d::Ranged for Ticked {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<H: plotters::coord::ranged1d::KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.points.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
}

/// Tick positions of the x axis over `x0..x1`: on month, quarter or year
/// boundaries when x is dated, on whole text positions for a text axis,
/// otherwise plotters' round numbers. None sits so close to the right edge
/// that its label would be cut.
fn x_ticks(x: &XAxis, x0: f64, x1: f64) -> Vec<f64> {
    use plotters::coord::ranged1d::Ranged;
    let span = x1 - x0;
    let inside = |v: &f64| *v >= x0 - 1e-9 && *v <= x1 - 0.03 * span;
    if let Some(ticks) = &x.ticks {
        let every = ticks.len().div_ceil(12).max(1);
        return (0..ticks.len())
            .step_by(every)
            .map(|k| k as f64)
            .filter(|v| *v >= x0 - 1e-9 && *v <= x1 + 1e-9)
            .collect();
    }
    let Some(t0) = x.start_unix_s else {
        let r: plotters::coord::types::RangedCoordf64 = (x0..x1).into();
        return r.key_points(7);
    };
    let day_of = |d: chrono::NaiveDate| {
        (d.and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc()
            .timestamp()
            - t0) as f64
            / 86_400.0
    };
    if span < 60.0 {
        let step = [1.0, 2.0, 5.0, 7.0, 14.0]
            .into_iter()
            .find(|s| span / s <= 7.0)
            .unwrap_or(14.0);
        let first = (x0 / step).ceil() * step;
        return (0..)
            .map(|k| first + k as f64 * step)
            .take_while(|v| *v <= x1)
            .filter(inside)
            .collect();
    }
    let date = |x: f64| {
        chrono::DateTime::from_timestamp(t0 + (x * 86_400.0) as i64, 0)
            .map(|d| d.date_naive())
            .unwrap_or_default()
    };
    use chrono::Datelike;
    let (d0, d1) = (date(x0), date(x1));
    let month_index = |d: chrono::NaiveDate| d.year() as i64 * 12 + d.month0() as i64;
    let months = (month_index(d1) - month_index(d0)).max(1);
    let step = [1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200]
        .into_iter()
        .find(|s| months / s <= 7)
        .unwrap_or(1200);
    let first = (month_index(d0) + step - 1).div_euclid(step) * step;
    (0..)
        .map(|k| first + k * step)
        .take_while(|m| *m <= month_index(d1))
        .filter_map(|m| {
            chrono::NaiveDate::from_ymd_opt(m.div_euclid(12) as i32, m.rem_euclid(12) as u32 + 1, 1)
        })
        .map(day_of)
        .filter(inside)
        .collect()
}

/// Tick positions of the y axis over `y0..y1` (in plotted units): whole
/// numbers when every value is one (a Nakamoto coefficient has no tick
/// 2.2), whole powers of ten on a log axis spanning two decades or more,
/// otherwise plotters' round numbers.
fn y_ticks(lines: &[Line], log: bool, y0: f64, y1: f64) -> Vec<f64> {
    use plotters::coord::ranged1d::Ranged;
    let integral = lines
        .iter()
        .flat_map(|l| l.ys.iter())
        .filter(|v| v.is_finite())
        .all(|v| v.fract() == 0.0)
        && lines.iter().all(|l| l.band.is_none());
    let whole = |step_from: &[f64]| {
        let step = step_from
            .iter()
            .copied()
            .find(|s| (y1 - y0) / s <= 7.0)
            .unwrap_or(f64::NAN);
        let first = (y0 / step).ceil() * step;
        (0..)
            .map(|k| first + k as f64 * step)
            .take_while(|v| *v <= y1)
            .collect::<Vec<f64>>()
    };
    if log && y1 - y0 >= 2.0 {
        return whole(&[1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0]);
    }
    if log {
        // Under two decades: 1, 2 and 5 times the powers of ten (every
        // digit when those are too few).
        let candidates = |digits: &[f64]| -> Vec<f64> {
            (y0.floor() as i32..=y1.ceil() as i32)
                .flat_map(|k| digits.iter().map(move |m| (m * 10f64.powi(k)).log10()))
                .filter(|v| *v >= y0 && *v <= y1)
                .collect()
        };
        let coarse = candidates(&[1.0, 2.0, 5.0]);
        return if coarse.len() >= 3 {
            coarse
        } else {
            candidates(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
        };
    }
    if !log && integral && y1 - y0 <= 70.0 {
        return whole(&[1.0, 2.0, 5.0, 10.0]);
    }
    let r: plotters::coord::types::RangedCoordf64 = (y0..y1).into();
    r.key_points(6)
}

/// The legend's entries laid out in rows below a chart `width` pixels wide:
/// each entry's (row, x offset) and the number of rows; labels are cut to
/// fit a row.
fn legend_layout<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    labels: &[String],
    width: u32,
    font: &TextStyle,
) -> (Vec<(String, u32, u32)>, u32) {
    let mut out = Vec::new();
    let (mut row, mut x) = (0u32, 0u32);
    let room = width.saturating_sub(LEGEND_LEFT + 16).max(60);
    for label in labels {
        let mut text = label.clone();
        let measure = |t: &str| area.estimate_text_size(t, font).map_or(0, |s| s.0);
        while measure(&text) + 24 > room && text.chars().count() > 4 {
            let keep = text.chars().count() - 2;
            text = format!("{}…", text.chars().take(keep).collect::<String>());
        }
        let w = measure(&text) + 24 + 16;
        if x > 0 && x + w > room {
            row += 1;
            x = 0;
        }
        out.push((text, row, x));
        x += w;
    }
    (out, if labels.is_empty() { 0 } else { row + 1 })
}

/// Most legend rows below a chart; the entries past them are counted.
const MAX_LEGEND_ROWS: u32 = 5;

/// Where the legend starts, in pixels from the panel's left edge (under
/// the chart, past the y labels).
const LEGEND_LEFT: u32 = 72;

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
    // The legend goes below the chart, never over the data.
    let font: TextStyle = ("sans-serif", 13).into_font().into();
    let (width, height) = area.dim_in_pixel();
    let labels: Vec<String> = lines
        .iter()
        .filter(|l| !l.label.is_empty())
        .map(|l| l.label.clone())
        .collect();
    let (mut entries, rows) = legend_layout(area, &labels, width, &font);
    let shown_rows = rows.min(MAX_LEGEND_ROWS);
    let hidden = entries.iter().filter(|e| e.1 >= shown_rows).count();
    entries.retain(|e| e.1 < shown_rows);
    let legend_h = if shown_rows == 0 {
        0
    } else {
        shown_rows * 18 + 12
    };
    let (chart_area, legend_area) = area.split_vertically(height.saturating_sub(legend_h));
    // A unit that only repeats the title ("difficulty (difficulty)") is
    // left out.
    let no_unit = panel.unit.is_empty() || panel.unit == panel.title;
    let caption = match (no_unit, log) {
        (true, false) => panel.title.clone(),
        (true, true) => format!("{} (log scale)", panel.title),
        (false, false) => format!("{} ({})", panel.title, panel.unit),
        (false, true) => format!("{} ({}, log scale)", panel.title, panel.unit),
    };
    let mut chart = ChartBuilder::on(&chart_area)
        .caption(caption, ("sans-serif", 18))
        .margin(8)
        .margin_right(28)
        .x_label_area_size(34)
        .y_label_area_size(64)
        .build_cartesian_2d(
            Ticked::new(x0..x1, x_ticks(x, x0, x1)),
            Ticked::new(y0..y1, y_ticks(&lines, log, y0, y1)),
        )
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
        .x_label_formatter(&|v| x.format(*v, x1 - x0))
        .y_label_formatter(&y_fmt)
        .x_desc(x.label())
        .label_style(("sans-serif", 13))
        .bold_line_style(RGBColor(225, 225, 225))
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
                .map_err(err)?;
        } else if line.markers {
            chart
                .draw_series(pts.into_iter().map(|p| Circle::new(p, 3, color.filled())))
                .map_err(err)?;
        } else {
            chart
                .draw_series(LineSeries::new(pts, color.stroke_width(1)))
                .map_err(err)?;
        }
    }
    // The legend, in the lines' order, with each line's mark.
    let marks = lines.iter().filter(|l| !l.label.is_empty());
    let left = LEGEND_LEFT;
    for ((text, row, dx), line) in entries.iter().zip(marks) {
        let (ex, ey) = ((left + dx) as i32, (row * 18 + 12) as i32);
        let color = line.color;
        if panel.stacked {
            legend_area
                .draw(&Rectangle::new(
                    [(ex, ey - 5), (ex + 14, ey + 5)],
                    tint(color, 0.55).filled(),
                ))
                .map_err(err)?;
        } else if line.markers {
            legend_area
                .draw(&Circle::new((ex + 8, ey), 3, color.filled()))
                .map_err(err)?;
        } else {
            legend_area
                .draw(&PathElement::new(
                    vec![(ex, ey), (ex + 16, ey)],
                    color.stroke_width(3),
                ))
                .map_err(err)?;
        }
        legend_area
            .draw(&Text::new(text.clone(), (ex + 22, ey - 7), font.clone()))
            .map_err(err)?;
    }
    if hidden > 0 {
        let ey = (shown_rows * 18) as i32 - 12;
        legend_area
            .draw(&Text::new(
                format!("… and {hidden} more"),
                (width as i32 - 140, ey),
                font.clone(),
            ))
            .map_err(err)?;
    }
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
        // A map with no value has no scale to state.
        let any = values.iter().flatten().any(|v| v.is_finite());
        let caption = if any {
            format!("{title} (colour scale {} … {})", short(lo), short(hi))
        } else {
            format!("{title} (no value at any point: nothing to colour)")
        };
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

    fn svg_of(title: &str, panels: &[Panel], x: &XAxis) -> String {
        let dir = tempfile::tempdir().unwrap();
        let stem = dir.path().join("p");
        render(&stem, title, panels, x).unwrap();
        std::fs::read_to_string(stem.with_extension("svg")).unwrap()
    }

    /// The y of every `<text>` holding `needle`, and of every polyline
    /// point, in an SVG.
    fn text_ys(svg: &str, needle: &str) -> Vec<f64> {
        svg.split("<text")
            .skip(1)
            .filter(|t| {
                t.split_once('>')
                    .is_some_and(|(_, rest)| rest.trim_start().starts_with(needle))
            })
            .filter_map(|t| {
                let y = t.split("y=\"").nth(1)?.split('"').next()?;
                y.parse().ok()
            })
            .collect()
    }

    /// The y of every point of the data lines (polylines of more than the
    /// two points a legend mark has).
    fn data_ys(svg: &str) -> Vec<f64> {
        svg.split("<polyline")
            .skip(1)
            .map(|p| {
                let pts = p
                    .split("points=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap();
                pts.split_whitespace()
                    .filter_map(|xy| xy.split(',').nth(1)?.parse().ok())
                    .collect::<Vec<f64>>()
            })
            .filter(|ys| ys.len() > 2)
            .flatten()
            .collect()
    }

    /// Legends were drawn over the data (upper right, where a rising
    /// series ends): they sit below the chart.
    #[test]
    fn legends_are_not_drawn_over_the_data() {
        let xs: Vec<f64> = (0..100).map(f64::from).collect();
        let rising = Line::new("a", xs.clone(), xs.clone()).label("rising to the corner");
        let flat = Line::new("b", xs.clone(), vec![50.0; 100]).label("flat");
        let svg = svg_of(
            "t",
            &[Panel::new("p", "u").line(rising).line(flat)],
            &XAxis::default(),
        );
        let lowest_data = data_ys(&svg).into_iter().fold(f64::MIN, f64::max);
        for label in ["rising to the corner", "flat"] {
            let ys = text_ys(&svg, label);
            assert_eq!(ys.len(), 1, "{label}");
            assert!(
                ys[0] > lowest_data + 30.0,
                "{label} at y {} over data down to {lowest_data}",
                ys[0]
            );
        }
    }

    /// Date ticks fell on arbitrary dates and the last label was cut at
    /// the edge: they sit on year (or month) boundaries, inside the axis.
    #[test]
    fn date_ticks_fall_on_calendar_boundaries_inside_the_axis() {
        let t0 = 1_767_225_600; // 2026-01-01
        let x = XAxis {
            start_unix_s: Some(t0),
            ..Default::default()
        };
        let five_years = x_ticks(&x, 0.0, 1825.0);
        let labels: Vec<String> = five_years.iter().map(|v| x.format(*v, 1825.0)).collect();
        assert_eq!(labels, ["2026", "2027", "2028", "2029", "2030"]);
        assert!(five_years.iter().all(|v| *v <= 1825.0 * 0.97));
        let one_year = x_ticks(&x, 0.0, 365.0);
        let labels: Vec<String> = one_year.iter().map(|v| x.format(*v, 365.0)).collect();
        assert!(labels.iter().all(|l| l.ends_with("-01")), "{labels:?}");
        assert!((4..=7).contains(&labels.len()), "{labels:?}");
        // A run that starts mid-month still gets month starts.
        let mid = XAxis {
            start_unix_s: Some(t0 + 14 * 86_400),
            ..Default::default()
        };
        let ticks = x_ticks(&mid, 0.0, 1000.0);
        assert!(ticks.iter().all(|v| mid.format(*v, 700.0).len() == 7));
        assert!(ticks[0] > 0.0);
    }

    /// An integer Nakamoto coefficient had ticks 2.2 and 2.4; a log axis
    /// was switched on without a word.
    #[test]
    fn integer_series_get_whole_ticks_and_log_axes_say_so() {
        let ys = vec![2.0, 2.0, 3.0, 3.0];
        let line = Line::new("pool_nakamoto", vec![0.0, 1.0, 2.0, 3.0], ys);
        let panel = Panel::new("n", "");
        let (log, y0, y1) = y_range(std::slice::from_ref(&line), &panel);
        let ticks = y_ticks(&[line], log, y0, y1);
        assert!(
            !ticks.is_empty() && ticks.iter().all(|t| t.fract() == 0.0),
            "{ticks:?}"
        );
        let wide = Line::new("x", vec![0.0, 1.0, 2.0], vec![1.0, 1e3, 1e6]);
        let svg = svg_of(
            "t",
            &[Panel::new("spread", "USD").line(wide)],
            &XAxis::default(),
        );
        assert!(svg.contains("spread (USD, log scale)"));
    }

    /// Compare colours repeated after 8 groups: the ninth looked like the
    /// first.
    #[test]
    fn comparison_colours_do_not_repeat() {
        let colours: Vec<RGBColor> = (0..24).map(nth_color).collect();
        for (i, a) in colours.iter().enumerate() {
            for b in &colours[..i] {
                assert_ne!(a, b, "colour {i} repeats");
            }
        }
    }

    /// A run whose hashrate is 0 was drawn below zero; an empty heatmap
    /// said "colour scale 0 … 1".
    #[test]
    fn zero_is_not_drawn_below_zero_and_an_empty_heatmap_says_so() {
        let zero = Line::new("hashrate_ehs", vec![0.0, 1.0], vec![0.0, 0.0]);
        let (_, y0, y1) = y_range(&[zero], &Panel::new("h", "EH/s"));
        assert_eq!(y0, 0.0);
        assert!(y1 > 0.0);
        let dir = tempfile::tempdir().unwrap();
        let stem = dir.path().join("h");
        let labels = vec!["1".to_string(), "2".to_string()];
        heatmap(
            &stem,
            "m",
            ("a", &labels),
            ("b", &labels),
            &vec![vec![f64::NAN; 2]; 2],
        )
        .unwrap();
        let svg = std::fs::read_to_string(stem.with_extension("svg")).unwrap();
        assert!(svg.contains("no value at any point"), "{svg}");
        assert!(!svg.contains("colour scale 0"));
    }

    /// Long titles were clipped on both sides (the scenario and the seed
    /// hidden): both ends stay in view.
    #[test]
    fn a_long_title_keeps_both_ends_in_view() {
        let title = format!("baseline: {} — seed 7", "very long description ".repeat(12));
        let svg = svg_of(
            &title,
            &[Panel::new("p", "u").line(Line::new("a", vec![0.0, 1.0], vec![1.0, 2.0]))],
            &XAxis::default(),
        );
        let shown = svg
            .split("<text")
            .find(|t| t.contains("baseline:"))
            .expect("the title is drawn");
        assert!(shown.contains("— seed 7"), "{shown}");
        assert!(shown.contains(" … "), "{shown}");
    }

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
