//! The axes of a time panel: the x axis's labels (dates, days or text
//! values), the y range (linear or logarithmic) and where the ticks of
//! both fall.

use crate::units::SECONDS_PER_DAY;

use super::chart::{Line, Panel};
use super::style::short;

/// How the x axis is labelled.
#[derive(Clone, Debug, Default)]
pub struct XAxis {
    /// Unix time of x = 0 when x is days: ticks become dates.
    pub(crate) start_unix_s: Option<i64>,
    /// Label of the axis.
    pub(crate) label: Option<String>,
    /// Text ticks: x = k is labelled `ticks[k]` (an axis of text values);
    /// other x are left unlabelled.
    pub(crate) ticks: Option<Vec<String>>,
}

impl XAxis {
    /// The tick label of `x` on an axis spanning `span` (days when dated).
    pub(super) fn format(&self, x: f64, span: f64) -> String {
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
            Some(t0) => {
                chrono::DateTime::from_timestamp(t0 + (x * SECONDS_PER_DAY).round() as i64, 0)
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
                    .unwrap_or_else(|| format!("{x:.0}"))
            }
            None => short(x),
        }
    }

    pub(super) fn label(&self) -> String {
        self.label.clone().unwrap_or_else(|| {
            if self.start_unix_s.is_some() {
                "date".into()
            } else {
                "day of run".into()
            }
        })
    }
}

pub(super) fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
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
pub(super) fn y_range(lines: &[Line], panel: &Panel) -> (bool, f64, f64) {
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
pub(super) struct Ticked {
    inner: plotters::coord::types::RangedCoordf64,
    points: Vec<f64>,
}

impl Ticked {
    pub(super) fn new(range: std::ops::Range<f64>, points: Vec<f64>) -> Self {
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
pub(super) fn x_ticks(x: &XAxis, x0: f64, x1: f64) -> Vec<f64> {
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
            / SECONDS_PER_DAY
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
        chrono::DateTime::from_timestamp(t0 + (x * SECONDS_PER_DAY) as i64, 0)
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
pub(super) fn y_ticks(lines: &[Line], log: bool, y0: f64, y1: f64) -> Vec<f64> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
