//! Plots: time panels drawn with plotters into PNG and SVG, with a font
//! bundled in the binary (DejaVu Sans) so text renders on machines with no
//! system fonts. Used by run dashboards, `compare` and sweeps.
//!
//! Colours come from the Okabe–Ito palette (safe for colour-blind readers),
//! and each named series keeps its colour in every plot ([`series_color`]).
//! A figure is a list of [`Panel`]s, each holding [`Line`]s, drawn by
//! [`render`] (PNG and SVG beside each other) or [`render_svg`] (which
//! also returns the SVG, for a report to embed).

pub mod axes;
pub(crate) mod bars;
mod chart;
pub(crate) mod dashboard;
pub mod heatmap;
mod panel;
mod render;
mod style;
pub(crate) mod table;

pub(crate) use axes::XAxis;
pub(crate) use chart::{Line, Panel};
pub(crate) use heatmap::{Heatmap, MapAxis, heatmap};
pub(crate) use render::{render, render_svg};
pub(crate) use style::{PALETTE, PlotError, nth_color, series_color, short};

/// The unit of a column, from its name.
pub(crate) fn unit_of(column: &str) -> &'static str {
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
    use super::axes::{y_range, y_ticks};
    use super::style::err;
    use super::*;
    use plotters::prelude::*;

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
            &Heatmap {
                title: "m",
                x: MapAxis {
                    name: "a",
                    labels: &labels,
                },
                y: MapAxis {
                    name: "b",
                    labels: &labels,
                },
                values: &vec![vec![f64::NAN; 2]; 2],
            },
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
