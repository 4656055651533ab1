//! Drawing a figure of time panels into PNG and SVG: panels in a grid
//! under a title that fits, sharing one x range.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::FontStyle;

use super::axes::{XAxis, bounds};
use super::chart::Panel;
use super::panel::{Span, draw_panel};
use super::style::{PlotError, err, init_fonts};

/// `<stem>.svg`.
pub fn render(stem: &Path, title: &str, panels: &[Panel], x: &XAxis) -> Result<(), PlotError> {
    figure(stem, title, panels, x, 2).map(drop)
}

/// [`render`], returning the SVG markup written (to embed in a report
/// without reading the file back).
pub fn render_svg(
    stem: &Path,
    title: &str,
    panels: &[Panel],
    x: &XAxis,
) -> Result<String, PlotError> {
    figure(stem, title, panels, x, 2)
}

/// Draws panels in a grid of `columns` into `<stem>.png` and `<stem>.svg`
/// and returns the SVG markup.
fn figure(
    stem: &Path,
    title: &str,
    panels: &[Panel],
    x: &XAxis,
    columns: usize,
) -> Result<String, PlotError> {
    init_fonts();
    let panels: Vec<&Panel> = panels.iter().filter(|p| p.has_data()).collect();
    let columns = columns.clamp(1, panels.len().max(1));
    let rows = panels.len().div_ceil(columns).max(1);
    let size = (760 * columns as u32, 60 + 330 * rows as u32);
    let png = stem.with_extension("png");
    {
        let root = BitMapBackend::new(&png, size).into_drawing_area();
        draw(&root, title, &panels, x, rows, columns)?;
        root.present().map_err(|e| PlotError(e.to_string()))?;
    }
    let mut markup = String::new();
    {
        let root = SVGBackend::with_string(&mut markup, size).into_drawing_area();
        draw(&root, title, &panels, x, rows, columns)?;
        root.present().map_err(|e| PlotError(e.to_string()))?;
    }
    std::fs::write(stem.with_extension("svg"), &markup).map_err(err)?;
    Ok(markup)
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
    let (from, to) = bounds(
        panels
            .iter()
            .flat_map(|p| p.lines.iter().flat_map(|l| l.xs.iter().copied())),
    );
    let areas = root.split_evenly((rows, columns));
    for (panel, area) in panels.iter().zip(areas.iter()) {
        draw_panel(area, panel, x, Span { from, to })?;
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
