//! A value on a sweep's axis, as the sweep file writes it and as runs.csv
//! and points.csv hold it (RON text).

use serde::{Deserialize, Serialize};

/// A value on an axis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AxisValue {
    /// A number.
    Number(f64),
    /// RON text, for any other type.
    Text(String),
}

impl AxisValue {
    /// The value as RON text.
    pub fn ron(&self) -> String {
        match self {
            Self::Number(x) => format_number(*x),
            Self::Text(t) => t.clone(),
        }
    }
}

/// A number as RON: integral values without a fraction (so they fit
/// integer fields), others in shortest round-trip form.
pub fn format_number(x: f64) -> String {
    // Twelve significant digits hide the rounding of log-spaced steps.
    let x: f64 = format!("{x:.11e}").parse().unwrap_or(x);
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Whether a point's value on an axis (RON text, as the plan holds it) is
/// `want`: equal as numbers when both are numbers (`90000`, `90000.0` and
/// `"90000"` are one value), else equal as text.
pub fn same_value(held: &str, want: &AxisValue) -> bool {
    let text = want.ron();
    match (held.trim().parse::<f64>(), text.trim().parse::<f64>()) {
        (Ok(a), Ok(b)) => a == b,
        _ => held.trim() == text.trim(),
    }
}
