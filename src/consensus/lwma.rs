//! LWMA, the linearly weighted moving average: the next target is the
//! mean target of the last `window` blocks times their linearly weighted
//! mean solvetime over 600 s, recent blocks weighing most; solvetimes are
//! made monotone and capped at 6 × 600 s (zawy12's LWMA-1). Until the
//! window is full (the start of a run) it keeps the starting bits.
//!
//! ```
//! use hashflight::consensus::DifficultyAlgorithm;
//! use hashflight::consensus::lwma::Lwma;
//! let mut daa = Lwma::new(45);
//! let mut bits = 0x1b0404cb;
//! for h in 0..46u64 {
//!     bits = daa.on_block(h, h as i64 * 1200, bits); // twice too slow
//! }
//! let r = hashflight::consensus::difficulty::difficulty(bits) / hashflight::consensus::difficulty::difficulty(0x1b0404cb);
//! assert!((r - 0.5).abs() < 0.01);
//! ```

use std::collections::VecDeque;

use super::DifficultyAlgorithm;
use super::U256;
use super::bitcoin::pow_limit;
use super::compact::{from_compact, to_compact};

/// Target block interval, s.
const T: i64 = crate::units::BLOCK_SPACING_S;

/// LWMA: the next target is the mean target of the last `window` blocks
/// times their linearly weighted mean solvetime over 600 s (recent blocks
/// weigh most); solvetimes are made monotone and capped at 6 × 600 s.
#[derive(Clone, Debug)]
pub struct Lwma {
    window: usize,
    ring: VecDeque<(i64, U256)>,
}

impl Lwma {
    /// A rule over `window` blocks (≥ 2).
    pub fn new(window: usize) -> Self {
        Self {
            window: window.max(2),
            ring: VecDeque::new(),
        }
    }
}

impl DifficultyAlgorithm for Lwma {
    fn on_block(&mut self, _height: u64, time: i64, bits: u32) -> u32 {
        self.ring.push_back((time, from_compact(bits).target));
        if self.ring.len() > self.window + 1 {
            self.ring.pop_front();
        }
        if self.ring.len() < self.window + 1 {
            return bits;
        }
        let n = self.window as i64;
        let k = n * (n + 1) * T / 2;
        let mut previous = self.ring[0].0;
        let mut weighted: i64 = 0;
        let mut sum_target = U256::ZERO;
        for (j, &(t, target)) in self.ring.iter().skip(1).enumerate() {
            let this = t.max(previous + 1);
            let solvetime = (this - previous).min(6 * T);
            previous = this;
            weighted += solvetime * (j as i64 + 1);
            sum_target = sum_target.saturating_add(target);
        }
        let weighted = weighted.max(k / 10) as u64;
        let next = (sum_target / U256::from(n as u64)).saturating_mul(U256::from(weighted))
            / U256::from(k as u64);
        to_compact(next.min(pow_limit()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consensus::difficulty::difficulty;

    use crate::consensus::algorithm::feed as run;

    const BITS: u32 = 0x1b0404cb;

    #[test]
    fn lwma_follows_the_weighted_solvetime() {
        let on_time = run(&mut Lwma::new(45), |_| 600, 500, BITS);
        assert!((difficulty(on_time) / difficulty(BITS) - 1.0).abs() < 1e-3);
        // Blocks at 1200 s: the difficulty falls (by about half per window).
        let slow = run(&mut Lwma::new(45), |_| 1200, 46, BITS);
        let r = difficulty(slow) / difficulty(BITS);
        assert!((r - 0.5).abs() < 0.01, "{r}");
        // Timestamps going backwards count as 1 s, not negative time: the
        // same as a block 1 s after the latest, and a harder target than
        // the honest 600 s it hides.
        let after = |times: [i64; 5]| {
            let mut l = Lwma::new(3);
            let mut b = BITS;
            for (h, t) in times.iter().enumerate() {
                b = l.on_block(h as u64, *t, b);
            }
            b
        };
        let backwards = after([0, 600, 1200, 1100, 1800]);
        assert_eq!(backwards, after([0, 600, 1200, 1201, 1800]));
        assert!(difficulty(backwards) > difficulty(after([0, 600, 1200, 1800, 2400])));
    }
}
