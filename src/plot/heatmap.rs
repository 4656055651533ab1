//! Heatmaps: a value per pair of two axes' values (a sweep's grid),
//! coloured on the viridis scale.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;

use super::axes::bounds;
use super::style::{PlotError, err, init_fonts, short};

/// One axis of a heatmap: its name and its values as text, in order.
#[derive(Clone, Copy, Debug)]
pub struct MapAxis<'a> {
    /// What the axis is (a sweep axis' path).
    pub(crate) name: &'a str,
    /// Its values as text, one cell each.
    pub(crate) labels: &'a [String],
}

/// A heatmap: a value per cell of two axes.
#[derive(Clone, Copy, Debug)]
pub struct Heatmap<'a> {
    /// The figure's title.
    pub(crate) title: &'a str,
    /// The horizontal axis.
    pub(crate) x: MapAxis<'a>,
    /// The vertical axis.
    pub(crate) y: MapAxis<'a>,
    /// `values[x][y]`, NaN where a cell has none.
    pub(crate) values: &'a [Vec<f64>],
}

/// The range of values the colour scale spans.
#[derive(Clone, Copy, Debug)]
struct Scale {
    /// The value drawn darkest.
    lo: f64,
    /// The value drawn brightest.
    hi: f64,
}

/// Draws a heatmap of `values[x][y]` (NaN cells left blank) with the
/// viridis colour scale into `<stem>.png` and `<stem>.svg`, and returns
/// the SVG markup (for a report to embed without reading the file back).
pub fn heatmap(stem: &Path, map: &Heatmap) -> Result<String, PlotError> {
    init_fonts();
    let (lo, hi) = bounds(map.values.iter().flatten().copied());
    // Bounded, so a sweep with many values still draws a normal image.
    let size = (
        (220 + 100 * map.x.labels.len() as u32).clamp(760, 1800),
        (180 + 60 * map.y.labels.len() as u32).clamp(420, 1400),
    );
    let scale = Scale { lo, hi };
    draw_map(
        BitMapBackend::new(&stem.with_extension("png"), size).into_drawing_area(),
        map,
        scale,
    )?;
    let mut markup = String::new();
    draw_map(
        SVGBackend::with_string(&mut markup, size).into_drawing_area(),
        map,
        scale,
    )?;
    std::fs::write(stem.with_extension("svg"), &markup).map_err(err)?;
    Ok(markup)
}

/// Draws a heatmap onto `root`: the axes, then the cells (annotated with
/// their values while they are few).
fn draw_map<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    map: &Heatmap,
    Scale { lo, hi }: Scale,
) -> Result<(), PlotError> {
    let Heatmap {
        title,
        values,
        x: MapAxis {
            name: x_name,
            labels: x_labels,
        },
        y: MapAxis {
            name: y_name,
            labels: y_labels,
        },
    } = *map;
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
    draw_cells(&mut chart, values, Scale { lo, hi }, annotate)?;
    root.present().map_err(err)
}

/// Draws the cells of `values[x][y]` on the viridis scale (NaN cells left
/// blank), each with its value when `annotate`.
fn draw_cells<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        plotters::coord::cartesian::Cartesian2d<
            plotters::coord::types::RangedCoordf64,
            plotters::coord::types::RangedCoordf64,
        >,
    >,
    values: &[Vec<f64>],
    Scale { lo, hi }: Scale,
    annotate: bool,
) -> Result<(), PlotError> {
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
    Ok(())
}
