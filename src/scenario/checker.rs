//! The checker validation reports through: every problem with the dotted
//! path of its field, all collected before any is reported; and the limits
//! scenarios must keep.

use std::collections::HashSet;

use super::error::did_you_mean;

/// Most miner agents a scenario may ask for (named plus generated).
pub const MAX_AGENTS: u64 = 5_000_000;
/// Longest run, in days (200 years).
pub const MAX_DURATION_DAYS: u32 = 73_050;
/// Most hashrate a fleet or the population may have, EH/s: a thousand
/// times the network of 2025 (est.; beyond it nothing physical is being
/// modelled, and far beyond it hashes per second overflow).
pub const MAX_HASHRATE_EHS: f64 = 1e6;
/// Tolerance on shares that must sum to one.
pub const SHARE_TOLERANCE: f64 = 1e-6;

/// Problems found, as (field, message).
pub type Problems = Vec<(String, String)>;

/// Collects problems, each with the dotted path of its field.
#[derive(Default)]
pub struct Checker {
    /// What was found so far.
    pub problems: Problems,
}

impl Checker {
    /// Records a problem.
    pub fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push((field.into(), message.into()));
    }

    /// Whether `v` is finite (a problem if not).
    pub fn finite(&mut self, field: &str, v: f64) -> bool {
        if v.is_finite() {
            true
        } else {
            self.fail(field, format!("must be a finite number, got {v}"));
            false
        }
    }

    /// `v` must be > 0.
    pub fn positive(&mut self, field: &str, v: f64) {
        if self.finite(field, v) && v <= 0.0 {
            self.fail(field, format!("must be > 0, got {}", number(v)));
        }
    }

    /// `v` must be a hashrate: > 0 and at most [`MAX_HASHRATE_EHS`].
    pub fn hashrate(&mut self, field: &str, v: f64) {
        if self.finite(field, v) && !(v > 0.0 && v <= MAX_HASHRATE_EHS) {
            self.fail(
                field,
                format!("must be > 0 and at most {MAX_HASHRATE_EHS:e} EH/s, got {v:e}"),
            );
        }
    }

    /// `v` must be ≥ 0.
    pub fn non_negative(&mut self, field: &str, v: f64) {
        if self.finite(field, v) && v < 0.0 {
            self.fail(field, format!("must be ≥ 0, got {}", number(v)));
        }
    }

    /// `v` must be in [lo, hi].
    pub fn within(&mut self, field: &str, v: f64, lo: f64, hi: f64) {
        if self.finite(field, v) && !(lo..=hi).contains(&v) {
            self.fail(
                field,
                format!(
                    "must be between {} and {}, got {}",
                    number(lo),
                    number(hi),
                    number(v)
                ),
            );
        }
    }

    /// Shares must each be in [0, 1] and sum to 1.
    pub fn shares(&mut self, field: &str, shares: impl Iterator<Item = f64>) {
        let mut sum = 0.0;
        for (i, s) in shares.enumerate() {
            let f = format!("{field}.{i}.share");
            self.within(&f, s, 0.0, 1.0);
            sum += s;
        }
        if (sum - 1.0).abs() > SHARE_TOLERANCE {
            self.fail(field, format!("shares must sum to 1, they sum to {sum}"));
        }
    }

    /// Names must be non-empty and unique.
    pub fn unique<'a>(&mut self, field: &str, names: impl Iterator<Item = &'a str>) {
        let mut seen = HashSet::new();
        for (i, n) in names.enumerate() {
            if n.trim().is_empty() {
                self.fail(format!("{field}.{i}.name"), "must not be empty");
            } else if !seen.insert(n) {
                self.fail(format!("{field}.{i}.name"), format!("`{n}` is used twice"));
            }
        }
    }

    /// `name` must be one of `pools`.
    pub fn known_pool(&mut self, pools: &[String], field: String, name: &str) {
        if !pools.iter().any(|p| p == name) {
            let hint = did_you_mean(name, pools)
                .map(|b| format!("; did you mean `{b}`?"))
                .unwrap_or_default();
            self.fail(
                field,
                format!("no pool named `{name}`{hint} (pools: {})", pools.join(", ")),
            );
        }
    }
}

/// Whether `name` can name a run or sweep directory: letters, digits, `-`,
/// `_` and `.`, not starting with `.`.
pub fn is_directory_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(ch))
}

/// A number as a message shows it: `1e308`, not its 309 digits.
pub fn number(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && !(1e-6..1e15).contains(&a) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}
