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
    let mut sorted: Vec<f64> = weights.to_vec();
    sorted.sort_unstable_by(|a, b| b.total_cmp(a));
    nakamoto_sorted(sorted.iter().copied(), sorted.iter().sum(), threshold_pct)
}

/// [`nakamoto`] of weights sorted largest first, given their total.
fn nakamoto_sorted(sorted: impl Iterator<Item = f64>, total: f64, threshold_pct: f64) -> usize {
    if total <= 0.0 {
        return 0;
    }
    let mut sum = 0.0;
    let mut n = 0;
    for w in sorted {
        sum += w;
        n += 1;
        if 100.0 * sum / total > threshold_pct {
            break;
        }
    }
    n
}

/// w·ln w, the entropy term of one weight (0 for no weight).
fn w_ln_w(w: f64) -> f64 {
    if w > 0.0 { w * w.ln() } else { 0.0 }
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
        let mut sorted: Vec<f64> = weights.iter().copied().filter(|w| *w > 0.0).collect();
        sorted.sort_unstable_by(|a, b| b.total_cmp(a));
        let sum_w_ln_w = sorted.iter().map(|w| w_ln_w(*w)).sum();
        Self::of_sorted(sorted.iter().copied(), sum_w_ln_w, threshold_pct)
    }

    /// The concentration of positive weights sorted largest first, given
    /// the sum of w·ln w over them (the entropy is ln T − Σ w·ln w / T for
    /// the total T, which spares a logarithm per weight when the terms are
    /// kept from one call to the next). One pass gives the total, the sum
    /// of squares (HHI) and the rank-weighted sum (Gini); the Nakamoto
    /// coefficient reads the head again.
    fn of_sorted<I: Iterator<Item = f64> + Clone>(
        sorted: I,
        sum_w_ln_w: f64,
        threshold_pct: f64,
    ) -> Self {
        let (mut n, mut total, mut squares, mut ranked) = (0usize, 0.0, 0.0, 0.0);
        let mut top = [0.0; 4];
        for (j, w) in sorted.clone().enumerate() {
            if j < 4 {
                top[j] = w;
            }
            total += w;
            squares += w * w;
            ranked += j as f64 * w;
            n += 1;
        }
        if total <= 0.0 {
            return Self::default();
        }
        let nf = n as f64;
        // Gini = (2/n)·Σ i·s_(i) − (n + 1)/n over ascending ranks i = 1..n;
        // the largest-first position j has rank n − j.
        let gini = if n < 2 {
            0.0
        } else {
            (2.0 * (nf * total - ranked) / total / nf - (nf + 1.0) / nf).max(0.0)
        };
        Self {
            hhi: 1e4 * (squares / (total * total)),
            nakamoto: nakamoto_sorted(sorted, total, threshold_pct) as u64,
            top1: top[0] / total,
            top4: top.iter().sum::<f64>() / total,
            entropy_eff: (total.ln() - sum_w_ln_w / total).exp(),
            gini,
        }
    }
}

/// [`Concentration`] of many entities whose weights change a few at a time
/// (firms' hashrate, day after day). It keeps the weights sorted and each
/// weight's w·ln w, so an update costs a pass over the weights, then for
/// the `k` that changed a logarithm each, a sort of those `k` and a merge
/// into the rest — O(n + k log k) instead of a full sort and a logarithm
/// per entity.
#[derive(Clone, Debug, Default)]
pub struct ConcentrationTracker {
    weights: Vec<f64>,
    w_ln_w: Vec<f64>,
    /// (weight, entity), largest first.
    sorted: Vec<(f64, u32)>,
    spare: Vec<(f64, u32)>,
    changed: Vec<u32>,
    is_changed: Vec<bool>,
    sum_w_ln_w: f64,
    current: Option<Concentration>,
}

impl ConcentrationTracker {
    /// The concentration of `weights`, as [`Concentration::of`] gives it up
    /// to rounding.
    pub fn update(&mut self, weights: &[f64], threshold_pct: f64) -> Concentration {
        let largest_first = |a: &(f64, u32), b: &(f64, u32)| b.0.total_cmp(&a.0);
        if self.weights.len() != weights.len() {
            self.weights.clear();
            self.w_ln_w.clear();
            self.weights.extend_from_slice(weights);
            self.w_ln_w.extend(weights.iter().map(|w| w_ln_w(*w)));
            self.sum_w_ln_w = self.w_ln_w.iter().sum();
            self.sorted.clear();
            self.sorted
                .extend(weights.iter().enumerate().map(|(i, w)| (*w, i as u32)));
            self.sorted.sort_unstable_by(largest_first);
            self.is_changed = vec![false; weights.len()];
        } else {
            self.changed.clear();
            self.sum_w_ln_w = 0.0;
            for (i, ((old, term), new)) in self
                .weights
                .iter_mut()
                .zip(&mut self.w_ln_w)
                .zip(weights)
                .enumerate()
            {
                if old.to_bits() != new.to_bits() {
                    *old = *new;
                    *term = w_ln_w(*new);
                    self.changed.push(i as u32);
                }
                self.sum_w_ln_w += *term;
            }
            if let Some(c) = self.current
                && self.changed.is_empty()
            {
                return c;
            }
            // Take the changed entities out, sort them by their new weights
            // and merge them back in.
            for &i in &self.changed {
                self.is_changed[i as usize] = true;
            }
            let is_changed = &self.is_changed;
            self.sorted.retain(|(_, i)| !is_changed[*i as usize]);
            let mut moved: Vec<(f64, u32)> = self
                .changed
                .iter()
                .map(|&i| (self.weights[i as usize], i))
                .collect();
            moved.sort_unstable_by(largest_first);
            self.spare.clear();
            let (mut a, mut b) = (self.sorted.iter().peekable(), moved.iter().peekable());
            while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
                if x.0 >= y.0 {
                    self.spare.push(**x);
                    a.next();
                } else {
                    self.spare.push(**y);
                    b.next();
                }
            }
            self.spare.extend(a);
            self.spare.extend(b);
            std::mem::swap(&mut self.sorted, &mut self.spare);
            for &i in &self.changed {
                self.is_changed[i as usize] = false;
            }
        }
        let positive = self.sorted.iter().map(|(w, _)| *w).take_while(|w| *w > 0.0);
        let c = Concentration::of_sorted(positive, self.sum_w_ln_w, threshold_pct);
        self.current = Some(c);
        c
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

    #[test]
    fn the_tracker_agrees_with_a_fresh_computation_as_weights_change() {
        let mut tracker = ConcentrationTracker::default();
        let mut w: Vec<f64> = (0..500).map(|i| ((i * 7919) % 997) as f64).collect();
        for day in 0..50_usize {
            // A few weights move (some to zero, some back) each day.
            for k in 0..5 {
                let i = (day * 31 + k * 97) % w.len();
                w[i] = if (day + k) % 3 == 0 {
                    0.0
                } else {
                    (day * k) as f64 + 0.5
                };
            }
            let (a, b) = (tracker.update(&w, 50.0), Concentration::of(&w, 50.0));
            assert_eq!((a.nakamoto, a.top1, a.top4), (b.nakamoto, b.top1, b.top4));
            for (x, y) in [
                (a.hhi, b.hhi),
                (a.entropy_eff, b.entropy_eff),
                (a.gini, b.gini),
            ] {
                assert!((x - y).abs() <= 1e-9 * y.abs(), "day {day}: {x} vs {y}");
            }
        }
        assert_eq!(tracker.update(&[0.0; 3], 50.0), Concentration::default());
    }
}
