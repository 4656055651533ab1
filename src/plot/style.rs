//! The look shared by every plot: the palette and each series' colour,
//! the bundled font, compact numbers, and the error a plot reports.

use std::sync::Once;

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

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
pub(crate) fn init_fonts() {
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

/// A plot could not be drawn or written.
#[derive(Debug, thiserror::Error)]
#[error("plot: {0}")]
pub struct PlotError(pub String);

/// A drawing error as its message (not Rust's Debug text).
pub(super) fn err<E: std::fmt::Display>(e: E) -> PlotError {
    PlotError(e.to_string())
}

/// `color` blended with white; `strength` 1 is the colour itself.
pub(crate) fn tint(color: RGBColor, strength: f64) -> RGBColor {
    let mix = |c: u8| (255.0 - (255.0 - c as f64) * strength).round() as u8;
    RGBColor(mix(color.0), mix(color.1), mix(color.2))
}
