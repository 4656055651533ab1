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
    sorted.sort_unstable_by(|a, b| b.total_cmp(a));
    let mut sum = 0.0;
    for (i, w) in sorted.iter().enumerate() {
        sum += w;
        if 100.0 * sum / total > threshold_pct {
            return i + 1;
        }
    }
    sorted.len()
}

/// Concentration of one layer (firms, pools or template builders).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Concentration {
    /// Herfindahl–Hirschman index, shares in % (0–10,000).
    pub hhi: f64,
    /// Fewest entities above the threshold share.
    pub nakamoto: u64,
    /// Largest share (0–1).
    pub top1: f64,
    /// Four largest shares together (0–1).
    pub top4: f64,
    /// e^H for the Shannon entropy H of the shares: the number of equal
    /// entities with the same entropy.
    pub entropy_eff: f64,
    /// Gini coefficient among the entities with any weight (0 = equal).
    pub gini: f64,
}

impl Concentration {
    /// The concentration of `weights` (hashrate or blocks), with the
    /// Nakamoto coefficient at `threshold_pct` percent.
    pub fn of(weights: &[f64], threshold_pct: f64) -> Self {
        let total: f64 = weights.iter().filter(|w| **w > 0.0).sum();
        if total <= 0.0 {
            return Self::default();
        }
        let mut shares: Vec<f64> = weights
            .iter()
            .filter(|w| **w > 0.0)
            .map(|w| w / total)
            .collect();
        shares.sort_unstable_by(|a, b| b.total_cmp(a));
        let n = shares.len() as f64;
        let entropy: f64 = -shares.iter().map(|s| s * s.ln()).sum::<f64>();
        // Gini from the sorted shares (ascending rank i = 1..n).
        let gini = if shares.len() < 2 {
            0.0
        } else {
            let weighted: f64 = shares
                .iter()
                .rev()
                .enumerate()
                .map(|(i, s)| (i as f64 + 1.0) * s)
                .sum();
            (2.0 * weighted / n - (n + 1.0) / n).max(0.0)
        };
        Self {
            hhi: hhi(weights),
            nakamoto: nakamoto(weights, threshold_pct) as u64,
            top1: shares[0],
            top4: shares.iter().take(4).sum(),
            entropy_eff: entropy.exp(),
            gini,
        }
    }
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
        assert_eq!(Concentration::of(&[3.0, 1.0], 50.0).top1, 0.75);
        let c = Concentration::of(&[1.0, 1.0, 1.0, 1.0, 0.0], 50.0);
        assert!((c.entropy_eff - 4.0).abs() < 1e-12, "four equal entities");
        assert_eq!((c.gini, c.top1, c.top4, c.nakamoto), (0.0, 0.25, 1.0, 3));
        let c = Concentration::of(&[9.0, 1.0], 50.0);
        // Two entities with 90/10: Gini = (1/n)·Σ(2i − n − 1)s_i = 0.4.
        assert!((c.gini - 0.4).abs() < 1e-12, "{}", c.gini);
        assert_eq!(
            Concentration::of(&[0.0, 0.0], 50.0),
            Concentration::default()
        );
    }
}
