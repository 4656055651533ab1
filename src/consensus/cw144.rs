//! cw-144, Bitcoin Cash's difficulty rule of 2017–2020: the work done over
//! the last 144 blocks divided by the time they took, the end points chosen
//! as the median-time block of three, the timespan clamped to [72, 288] ×
//! 600 s. Until 147 blocks have been seen (the start of a run) it keeps the
//! starting bits.
//!
//! ```
//! use hashflight::consensus::DifficultyAlgorithm;
//! use hashflight::consensus::cw144::Cw144;
//! use hashflight::consensus::difficulty::difficulty;
//! let mut daa = Cw144::new();
//! let mut bits = 0x1b0404cb;
//! for h in 0..400u64 {
//!     bits = daa.on_block(h, h as i64 * 600, bits);
//! }
//! // On schedule: the target stays within compact rounding of where it was.
//! assert!((difficulty(bits) / difficulty(0x1b0404cb) - 1.0).abs() < 1e-3);
//! ```

use std::collections::VecDeque;

use super::DifficultyAlgorithm;
use super::U256;
use super::bitcoin::pow_limit;
use super::compact::{from_compact, to_compact};

/// Target block interval, s.
const T: i64 = crate::units::BLOCK_SPACING_S;

/// Work of a block at `target`: 2^256 / (target + 1), as Core's
/// `GetBlockProof` computes it.
pub fn block_work(target: U256) -> U256 {
    if target == U256::MAX {
        return U256::from(1u64);
    }
    (!target / (target + U256::from(1u64))) + U256::from(1u64)
}

#[derive(Clone, Copy, Debug)]
struct Header {
    time: i64,
    chainwork: U256,
}

/// cw-144: the work done over the last 144 blocks divided by the time they
/// took, the end points chosen as the median-time block of three, the
/// timespan clamped to [72, 288] × 600 s.
#[derive(Clone, Debug, Default)]
pub struct Cw144 {
    ring: VecDeque<Header>,
}

impl Cw144 {
    /// Blocks in the window.
    pub const WINDOW: usize = 144;

    /// A rule with no history yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn suitable(&self, i: usize) -> Header {
        // The median by time of blocks i-2, i-1, i (a sorting network, as
        // Bitcoin Cash nodes do it).
        let mut b = [self.ring[i - 2], self.ring[i - 1], self.ring[i]];
        if b[0].time > b[2].time {
            b.swap(0, 2);
        }
        if b[0].time > b[1].time {
            b.swap(0, 1);
        }
        if b[1].time > b[2].time {
            b.swap(1, 2);
        }
        b[1]
    }
}

impl DifficultyAlgorithm for Cw144 {
    fn on_block(&mut self, _height: u64, time: i64, bits: u32) -> u32 {
        let target = from_compact(bits).target;
        let chainwork = self
            .ring
            .back()
            .map_or(U256::ZERO, |h| h.chainwork)
            .saturating_add(block_work(target));
        self.ring.push_back(Header { time, chainwork });
        if self.ring.len() > Self::WINDOW + 3 {
            self.ring.pop_front();
        }
        if self.ring.len() < Self::WINDOW + 3 {
            return bits;
        }
        let last = self.suitable(self.ring.len() - 1);
        let first = self.suitable(self.ring.len() - 1 - Self::WINDOW);
        let timespan = (last.time - first.time).clamp(72 * T, 288 * T) as u64;
        let work = (last.chainwork - first.chainwork).saturating_mul(U256::from(T as u64))
            / U256::from(timespan);
        if work.is_zero() {
            return to_compact(pow_limit());
        }
        // (2^256 − work) / work, in 256-bit arithmetic.
        let next = work.wrapping_neg() / work;
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
    fn block_work_of_the_pow_limit() {
        // 2^256 / (2^224) ≈ 2^32 (Core: chainwork of block 0 is 0x100010001).
        assert_eq!(
            block_work(from_compact(0x1d00ffff).target),
            U256::from(0x1_0001_0001u64)
        );
    }

    #[test]
    fn cw144_halves_the_target_when_blocks_come_twice_as_fast() {
        let b = run(&mut Cw144::new(), |_| 300, 2000, BITS);
        let ratio = difficulty(b) / difficulty(BITS);
        // Intervals here do not respond to difficulty, so it keeps rising
        // while blocks stay at 300 s: at least 2× after many windows.
        assert!(ratio > 2.0, "{ratio}");
        let b = run(&mut Cw144::new(), |_| 600, 2000, BITS);
        assert!((difficulty(b) / difficulty(BITS) - 1.0).abs() < 2e-3);
    }

    #[test]
    fn cw144_clamps_the_timespan() {
        // After a 100-day gap the timespan is clamped at 288 × 600 s, twice
        // the window's ideal: the target grows at most 2×.
        let mut daa = Cw144::new();
        let mut b = run(&mut daa, |_| 600, 200, BITS);
        // Two late blocks, so that the median of three is late too.
        b = daa.on_block(200, 200 * 600 + 100 * 86_400, b);
        b = daa.on_block(201, 201 * 600 + 100 * 86_400, b);
        let r = difficulty(BITS) / difficulty(b);
        assert!(r < 2.0 + 1e-3 && r > 1.0, "{r}");
    }

    #[test]
    fn cw144_uses_the_median_of_three_timestamps() {
        // One block stamped far in the future does not move the median.
        let mut a = Cw144::new();
        let mut b = Cw144::new();
        let mut ba = BITS;
        let mut bb = BITS;
        for h in 0..300u64 {
            let t = h as i64 * 600;
            ba = a.on_block(h, t, ba);
            let skew = if h == 299 { 50_000 } else { 0 };
            bb = b.on_block(h, t + skew, bb);
        }
        assert_eq!(ba, bb);
    }
}
