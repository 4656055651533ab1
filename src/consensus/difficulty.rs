//! Difficulty as a float, and the expected number of hashes per block.
//!
//! ```
//! use hashflight::consensus::difficulty::{difficulty, expected_hashes_per_block};
//! let d = difficulty(0x1701e605); // mainnet, end of 2025
//! assert!((d / 1e12 - 148.258).abs() < 0.001);
//! assert_eq!(expected_hashes_per_block(0x1d00ffff), 4294967296.0);
//! ```

use super::U256;
use super::bitcoin::POW_LIMIT_BITS;
use super::compact::from_compact;
use crate::units::BLOCK_SPACING_S;

/// A 256-bit integer as the nearest-below f64 (exact to 53 bits).
pub fn u256_to_f64(v: &U256) -> f64 {
    v.as_limbs().iter().rev().fold(0.0, |acc, &limb| {
        acc * 18_446_744_073_709_551_616.0 + limb as f64
    })
}

/// Difficulty of compact bits: the difficulty-1 target over this target, as
/// `getdifficulty` reports it. A zero target gives infinity.
pub fn difficulty(bits: u32) -> f64 {
    let one = u256_to_f64(&from_compact(POW_LIMIT_BITS).target);
    let target = u256_to_f64(&from_compact(bits).target);
    if target == 0.0 {
        f64::INFINITY
    } else {
        one / target
    }
}

/// The hashrate at which blocks come every 600 s at `difficulty`, H/s:
/// difficulty · 2^32 / 600 (148.26 T → 1,061 EH/s).
pub fn hashrate_on_schedule_hs(difficulty: f64) -> f64 {
    difficulty * 4_294_967_296.0 / BLOCK_SPACING_S as f64
}

/// Expected hashes to find a block at these bits: difficulty · 2^32.
pub fn expected_hashes_per_block(bits: u32) -> f64 {
    difficulty(bits) * 4_294_967_296.0
}
