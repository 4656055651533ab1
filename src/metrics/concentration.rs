//! Concentration of mining among entities (pools, firms, template builders).
//!
//! ```
//! use hashflight::metrics::concentration::{hhi, nakamoto};
//! let shares = [30.0, 20.0, 20.0, 10.0, 10.0, 10.0];
//! assert_eq!(hhi(&shares), 2000.0);
//! assert_eq!(nakamoto(&shares, 50.0), 3);
//! ```

/// Herfindahl–Hirschman index of weights (any scale; shares are taken in
/// percent, so the result is 0–10,000).
pub fn hhi(weights: &[f64]) -> f64 {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    weights.iter().map(|w| (100.0 * w / total).powi(2)).sum()
}

/// Fewest entities whose combined share exceeds `threshold_pct` percent (0
/// when nothing mines).
pub fn nakamoto(weights: &[f64], threshold_pct: f64) -> usize {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return 0;
    }
    let mut sorted: Vec<f64> = weights.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let mut sum = 0.0;
    for (i, w) in sorted.iter().enumerate() {
        sum += w;
        if 100.0 * sum / total > threshold_pct {
            return i + 1;
        }
    }
    sorted.len()
}

/// Largest share, percent.
pub fn top_share_pct(weights: &[f64]) -> f64 {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    100.0 * weights.iter().cloned().fold(0.0, f64::max) / total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_cases() {
        assert_eq!(hhi(&[1.0]), 10_000.0);
        assert_eq!(hhi(&[1.0, 1.0, 1.0, 1.0]), 2500.0);
        assert_eq!(hhi(&[0.0, 0.0]), 0.0);
        assert_eq!(
            nakamoto(&[50.0, 50.0], 50.0),
            2,
            "exactly half is not a majority"
        );
        assert_eq!(nakamoto(&[51.0, 49.0], 50.0), 1);
        assert_eq!(nakamoto(&[], 50.0), 0);
        // Mid-2025: Foundry 30.5, AntPool 18.2, ViaBTC 13.9, F2Pool 9.3,
        // Luxor 3.5 and 24.6 % in 25 small pools → Nakamoto coefficient 3.
        let mut mid_2025 = vec![30.5, 18.2, 13.9, 9.3, 3.5];
        mid_2025.extend(std::iter::repeat_n(24.6 / 25.0, 25));
        assert_eq!(nakamoto(&mid_2025, 50.0), 3);
        assert_eq!(top_share_pct(&[3.0, 1.0]), 75.0);
    }
}
