//! One trait for every difficulty algorithm the simulator can run. The
//! block loop reports each block and asks for the next block's bits; it
//! never knows which rule is behind the trait.
//!
//! ```
//! use hashflight::consensus::{difficulty::difficulty, DifficultyAlgorithmKind};
//! let mut daa = DifficultyAlgorithmKind::Bitcoin.build(0, 0x1d00ffff);
//! let mut bits = 0x1d00ffff;
//! for h in 0..2016u64 {
//!     // Blocks every 300 s: twice too fast, so difficulty doubles
//!     // (2015 intervals against 2016 × 600 s: × 2.00099).
//!     bits = daa.on_block(h, h as i64 * 300, bits);
//! }
//! assert!((difficulty(bits) - 1_209_600.0 / (2015.0 * 300.0)).abs() < 1e-4);
//! ```

use serde::{Deserialize, Serialize};

use super::bitcoin::{self, EPOCH_BLOCKS};

/// Which difficulty algorithm a scenario runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub enum DifficultyAlgorithmKind {
    /// Bitcoin Core's 2016-block retarget (the default).
    #[default]
    Bitcoin,
    /// aserti3-2d, anchored at the run's first block (its parent taken to
    /// be one 600 s interval earlier, so the first block is on schedule).
    Asert {
        /// Half-life, s (Bitcoin Cash: 172,800).
        half_life_s: i64,
        /// Height of the anchor block (default: the run's first block).
        #[serde(default)]
        anchor_height: Option<u64>,
        /// Unix time of the anchor block's parent (default: 600 s before
        /// the run's first block, which is then on schedule).
        #[serde(default)]
        anchor_parent_time_unix_s: Option<i64>,
        /// Bits of the anchor block (default: the run's starting bits).
        #[serde(default)]
        anchor_bits: Option<u32>,
    },
    /// Bitcoin Cash's 2017–2020 rule: chainwork over the last 144 blocks.
    Cw144,
    /// Linearly weighted moving average over `window` blocks.
    Lwma {
        /// Blocks in the window.
        window: u32,
    },
    /// No adjustment at all: a control for counterfactuals.
    Fixed,
}

impl DifficultyAlgorithmKind {
    /// An algorithm ready to receive blocks from `start_height` on, the
    /// first of which is mined at `start_bits`.
    pub fn build(self, start_height: u64, start_bits: u32) -> Box<dyn DifficultyAlgorithm> {
        match self {
            Self::Bitcoin => Box::new(BitcoinRetarget::new(start_height, start_bits)),
            Self::Asert {
                half_life_s,
                anchor_height,
                anchor_parent_time_unix_s,
                anchor_bits,
            } => Box::new(Asert {
                anchor_height: anchor_height.unwrap_or(start_height),
                anchor_parent_time: anchor_parent_time_unix_s,
                anchor_bits: anchor_bits.unwrap_or(start_bits),
                half_life_s,
            }),
            Self::Cw144 => Box::new(super::cw144::Cw144::new()),
            Self::Lwma { window } => Box::new(super::lwma::Lwma::new(window as usize)),
            Self::Fixed => Box::new(Fixed),
        }
    }
}

/// A difficulty rule fed one block at a time.
pub trait DifficultyAlgorithm: Send + Sync {
    /// Records the block at `height` with header time `time` mined at
    /// `bits`, and returns the bits required of block `height + 1`.
    fn on_block(&mut self, height: u64, time: i64, bits: u32) -> u32;

    /// Blocks between retargets for a rule that adjusts only at fixed
    /// heights (Bitcoin's 2016); `None` for a rule that adjusts every
    /// block, whose difficulty already follows the hashrate.
    fn retarget_interval_blocks(&self) -> Option<u64> {
        None
    }
}

/// Bitcoin's rule: bits change only at heights that are multiples of 2016,
/// from the first and last block times of the ending epoch.
#[derive(Clone, Debug)]
pub struct BitcoinRetarget {
    epoch_first_time: Option<i64>,
}

impl BitcoinRetarget {
    /// Starts at `start_height`; a run that starts mid-epoch would lack the
    /// epoch's first block time, so scenario validation requires an epoch
    /// boundary.
    pub fn new(start_height: u64, _start_bits: u32) -> Self {
        debug_assert_eq!(start_height % EPOCH_BLOCKS, 0);
        Self {
            epoch_first_time: None,
        }
    }
}

impl DifficultyAlgorithm for BitcoinRetarget {
    fn on_block(&mut self, height: u64, time: i64, bits: u32) -> u32 {
        let pos = height % EPOCH_BLOCKS;
        if pos == 0 {
            self.epoch_first_time = Some(time);
        }
        match (pos == EPOCH_BLOCKS - 1, self.epoch_first_time) {
            (true, Some(first)) => bitcoin::next_bits(bits, first, time),
            _ => bits,
        }
    }

    fn retarget_interval_blocks(&self) -> Option<u64> {
        Some(EPOCH_BLOCKS)
    }
}

/// aserti3-2d from a given anchor, or anchored at the first block it sees.
#[derive(Clone, Debug)]
pub struct Asert {
    anchor_height: u64,
    /// Time of the anchor's parent; when not given, one target interval
    /// before the first block (which a run does not know in advance).
    anchor_parent_time: Option<i64>,
    anchor_bits: u32,
    half_life_s: i64,
}

impl DifficultyAlgorithm for Asert {
    fn on_block(&mut self, height: u64, time: i64, _bits: u32) -> u32 {
        let parent = *self
            .anchor_parent_time
            .get_or_insert(time - super::asert::TARGET_SPACING_S);
        super::asert::next_bits_with_half_life(
            self.anchor_height,
            parent,
            self.anchor_bits,
            height,
            time,
            self.half_life_s,
        )
    }
}

/// Difficulty never changes.
#[derive(Clone, Copy, Debug)]
pub struct Fixed;

impl DifficultyAlgorithm for Fixed {
    fn on_block(&mut self, _height: u64, _time: i64, bits: u32) -> u32 {
        bits
    }
}

/// Feeds `blocks` blocks to `daa`, each `interval(height)` seconds after
/// the last, starting at `bits`; returns the bits after the last block.
#[cfg(test)]
pub(crate) fn feed(
    daa: &mut dyn DifficultyAlgorithm,
    interval: impl Fn(u64) -> i64,
    blocks: u64,
    bits: u32,
) -> u32 {
    let (mut b, mut t) = (bits, 0i64);
    for h in 0..blocks {
        t += interval(h);
        b = daa.on_block(h, t, b);
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_asert_anchor_is_used() {
        // Bitcoin Cash's mainnet anchor (height 661647, bits 0x1804dafe,
        // parent time 1605447844): the first evaluation block on schedule.
        let kind = DifficultyAlgorithmKind::Asert {
            half_life_s: 172_800,
            anchor_height: Some(661_647),
            anchor_parent_time_unix_s: Some(1_605_447_844),
            anchor_bits: Some(0x1804_dafe),
        };
        let mut daa = kind.build(700_000, 0x1d00_ffff);
        let t = 1_605_447_844 + 600 * (700_000 - 661_647 + 1);
        let got = daa.on_block(700_000, t, 0x1d00_ffff);
        assert_eq!(
            got,
            super::super::asert::next_bits(661_647, 1_605_447_844, 0x1804_dafe, 700_000, t)
        );
        assert_eq!(got, 0x1804_dafe, "on schedule: the anchor's bits");
    }
}
