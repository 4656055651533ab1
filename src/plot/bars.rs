//! Ranked horizontal bars with intervals: a sensitivity analysis' indices
//! per parameter, the most influential at the top.

use std::path::Path;

use plotters::prelude::*;

use super::style::{PlotError, err, init_fonts, nth_color, short};

/// One bar series (e.g. "S1 (first order)"): a value and a 95 % interval
/// per row, NaN where there is none.
#[derive(Clone, Debug)]
pub(crate) struct Series {
    /// Legend label.
    pub(crate) label: String,
    /// Per row: (value, low, high).
    pub(crate) values: Vec<(f64, f64, f64)>,
}

/// Draws rows (already ranked, first at the top) of one or more bar series
/// into `<stem>.png` and `<stem>.svg`, with `x_label` under the axis, and
/// returns the SVG markup (for a report to embed).
pub(crate) fn ranked(
    stem: &Path,
    title: &str,
    rows: &[String],
    series: &[Series],
    x_label: &str,
) -> Result<String, PlotError> {
    init_fonts();
    let finite = series
        .iter()
        .flat_map(|s| s.values.iter())
        .flat_map(|&(v, l, h)| [v, l, h])
        .filter(|v| v.is_finite());
    let (mut lo, mut hi) = finite.fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    if hi <= lo {
        hi = lo + 1.0;
    }
    let pad = 0.05 * (hi - lo);
    (lo, hi) = (if lo < 0.0 { lo - pad } else { lo }, hi + pad);
    let size = (
        1000,
        (140 + 46 * rows.len() as u32 * series.len().max(1) as u32).clamp(320, 2400),
    );
    let figure = Figure {
        title,
        x_label,
        rows,
        series,
    };
    let range = Range { lo, hi };
    draw(
        BitMapBackend::new(&stem.with_extension("png"), size).into_drawing_area(),
        &figure,
        range,
    )?;
    let mut markup = String::new();
    draw(
        SVGBackend::with_string(&mut markup, size).into_drawing_area(),
        &figure,
        range,
    )?;
    std::fs::write(stem.with_extension("svg"), &markup).map_err(err)?;
    Ok(markup)
}

/// What a bar figure shows.
#[derive(Clone, Copy)]
struct Figure<'a> {
    /// The title.
    title: &'a str,
    /// The label under the x axis.
    x_label: &'a str,
    /// The rows, top first.
    rows: &'a [String],
    /// The bar series.
    series: &'a [Series],
}

/// The x range of a bar figure.
#[derive(Clone, Copy, Debug)]
struct Range {
    /// The lowest x drawn.
    lo: f64,
    /// The highest x drawn.
    hi: f64,
}

/// Draws a bar figure onto `root`.
fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    figure: &Figure,
    Range { lo, hi }: Range,
) -> Result<(), PlotError> {
    let Figure {
        title,
        x_label,
        rows,
        series,
    } = *figure;
    root.fill(&WHITE).map_err(err)?;
    let n = rows.len().max(1) as f64;
    let longest = rows.iter().map(|r| r.chars().count()).max().unwrap_or(8) as u32;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 16))
        .margin(14)
        .x_label_area_size(46)
        .y_label_area_size((8 * longest).clamp(80, 420))
        .build_cartesian_2d(lo..hi, 0f64..n)
        .map_err(err)?;
    let label_of = |v: &f64| -> String {
        // Rows are drawn top down: row 0 at the top.
        if v.fract() != 0.5 {
            return String::new();
        }
        let i = (n - 0.5 - v).round() as usize;
        rows.get(i).cloned().unwrap_or_default()
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(rows.len() * 2 + 1)
        .y_label_formatter(&label_of)
        .x_label_formatter(&|v| short(*v))
        .x_desc(x_label)
        .label_style(("sans-serif", 13))
        .draw()
        .map_err(err)?;
    let k = series.len().max(1) as f64;
    let band = 0.8 / k;
    for (s, ser) in series.iter().enumerate() {
        let color = nth_color(s);
        let mut first = true;
        for (i, &(v, l, h)) in ser.values.iter().enumerate() {
            if !v.is_finite() {
                continue;
            }
            let top = n - i as f64 - 0.1 - band * s as f64;
            let bottom = top - band * 0.9;
            let bar = chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0f64.max(lo), bottom), (v, top)],
                    color.mix(0.8).filled(),
                )))
                .map_err(err)?;
            if std::mem::take(&mut first) {
                bar.label(ser.label.clone()).legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled())
                });
            }
            if l.is_finite() && h.is_finite() {
                let mid = (top + bottom) / 2.0;
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(l, mid), (h, mid)],
                        BLACK.stroke_width(2),
                    )))
                    .map_err(err)?;
                for x in [l, h] {
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(x, mid - band * 0.25), (x, mid + band * 0.25)],
                            BLACK.stroke_width(2),
                        )))
                        .map_err(err)?;
                }
            }
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}
