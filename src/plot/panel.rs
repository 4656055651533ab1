//! One time panel of a figure: its chart, its lines (stacked, banded or
//! as markers) and its legend below the chart.

use plotters::prelude::*;

use super::axes::{Ticked, XAxis, x_ticks, y_range, y_ticks};
use super::chart::{Line, Panel};
use super::style::{PlotError, err, short, tint};

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

/// The x range every panel of a figure shares, so that the panels line
/// up.
#[derive(Clone, Copy, Debug)]
pub(super) struct Span {
    /// The lowest x drawn.
    pub(super) from: f64,
    /// The highest x drawn.
    pub(super) to: f64,
}

/// The legend below a chart: the entries that fit in
/// [`MAX_LEGEND_ROWS`], and how many did not.
struct Legend {
    /// Each shown entry's text, row and x offset.
    entries: Vec<(String, u32, u32)>,
    /// Rows shown.
    rows: u32,
    /// Entries left out.
    hidden: usize,
    /// The panel's width, pixels.
    width: u32,
}

impl Legend {
    /// Lays out the labels of `lines` below a chart in `area`.
    fn of<DB: DrawingBackend>(
        area: &DrawingArea<DB, plotters::coord::Shift>,
        lines: &[Line],
        font: &TextStyle,
    ) -> Self {
        let width = area.dim_in_pixel().0;
        let labels: Vec<String> = lines
            .iter()
            .filter(|l| !l.label.is_empty())
            .map(|l| l.label.clone())
            .collect();
        let (mut entries, rows) = legend_layout(area, &labels, width, font);
        let rows = rows.min(MAX_LEGEND_ROWS);
        let hidden = entries.iter().filter(|e| e.1 >= rows).count();
        entries.retain(|e| e.1 < rows);
        Self {
            entries,
            rows,
            hidden,
            width,
        }
    }

    /// Its height, pixels.
    fn height(&self) -> u32 {
        if self.rows == 0 {
            0
        } else {
            self.rows * 18 + 12
        }
    }
}

/// A panel's lines as drawn: stacked lines become running sums.
fn stacked_lines(panel: &Panel) -> Vec<Line> {
    let mut lines = panel.lines.clone();
    if panel.stacked {
        for i in 1..lines.len() {
            let below = lines[i - 1].ys.clone();
            for (y, b) in lines[i].ys.iter_mut().zip(below) {
                *y += b;
            }
        }
    }
    lines
}

/// A value in plotted units: log axes plot log10(y) (and label ticks
/// 10^k); a value a log axis cannot show is NaN.
fn plotted(log: bool, v: f64) -> f64 {
    if log {
        if v > 0.0 { v.log10() } else { f64::NAN }
    } else {
        v
    }
}

/// A panel's caption: its title, its unit and whether its axis is
/// logarithmic. A unit that only repeats the title ("difficulty
/// (difficulty)") is left out.
fn caption(panel: &Panel, log: bool) -> String {
    let no_unit = panel.unit.is_empty() || panel.unit == panel.title;
    match (no_unit, log) {
        (true, false) => panel.title.clone(),
        (true, true) => format!("{} (log scale)", panel.title),
        (false, false) => format!("{} ({})", panel.title, panel.unit),
        (false, true) => format!("{} ({}, log scale)", panel.title, panel.unit),
    }
}

/// A panel's chart: ticked axes over the shared x span and the y range.
type Chart<'a, DB> = ChartContext<'a, DB, plotters::coord::cartesian::Cartesian2d<Ticked, Ticked>>;

/// Draws one panel into `area`: its chart above, its legend below, never
/// over the data.
pub(super) fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    panel: &Panel,
    x: &XAxis,
    span: Span,
) -> Result<(), PlotError> {
    let Span { from: x0, to: x1 } = span;
    let lines = stacked_lines(panel);
    let (log, y0, y1) = y_range(&lines, panel);
    let font: TextStyle = ("sans-serif", 13).into_font().into();
    let legend = Legend::of(area, &lines, &font);
    let height = area.dim_in_pixel().1;
    let (chart_area, legend_area) = area.split_vertically(height.saturating_sub(legend.height()));
    let mut chart = ChartBuilder::on(&chart_area)
        .caption(caption(panel, log), ("sans-serif", 18))
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
    draw_lines(&mut chart, &lines, panel, log, y0)?;
    draw_legend(&legend_area, &legend, &lines, panel, &font)
}

/// Draws the lines (last first, so the first is on top), with their bands;
/// stacked areas fill down to `y0`.
fn draw_lines<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    lines: &[Line],
    panel: &Panel,
    log: bool,
    y0: f64,
) -> Result<(), PlotError> {
    let tf = |v: f64| plotted(log, v);
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
    Ok(())
}

/// Draws the legend, in the lines' order, with each line's mark, and the
/// count of entries that did not fit.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    legend: &Legend,
    lines: &[Line],
    panel: &Panel,
    font: &TextStyle,
) -> Result<(), PlotError> {
    let marks = lines.iter().filter(|l| !l.label.is_empty());
    let left = LEGEND_LEFT;
    for ((text, row, dx), line) in legend.entries.iter().zip(marks) {
        let (ex, ey) = ((left + dx) as i32, (row * 18 + 12) as i32);
        let color = line.color;
        if panel.stacked {
            area.draw(&Rectangle::new(
                [(ex, ey - 5), (ex + 14, ey + 5)],
                tint(color, 0.55).filled(),
            ))
            .map_err(err)?;
        } else if line.markers {
            area.draw(&Circle::new((ex + 8, ey), 3, color.filled()))
                .map_err(err)?;
        } else {
            area.draw(&PathElement::new(
                vec![(ex, ey), (ex + 16, ey)],
                color.stroke_width(3),
            ))
            .map_err(err)?;
        }
        area.draw(&Text::new(text.clone(), (ex + 22, ey - 7), font.clone()))
            .map_err(err)?;
    }
    if legend.hidden > 0 {
        let ey = (legend.rows * 18) as i32 - 12;
        area.draw(&Text::new(
            format!("… and {} more", legend.hidden),
            (legend.width as i32 - 140, ey),
            font.clone(),
        ))
        .map_err(err)?;
    }
    Ok(())
}
