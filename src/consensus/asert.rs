//! aserti3-2d, Bitcoin Cash's absolutely scheduled exponentially rising
//! targets: the target doubles for every half-life (default 172,800 s) that
//! the chain runs behind its ideal schedule from an anchor block, computed
//! in integer arithmetic with a cubic approximation of 2^x, bit for bit as
//! the specification and its official vectors.
//!
//! ```
//! use hashflight::consensus::asert::next_bits;
//! // Blocks exactly on schedule keep the anchor's bits.
//! assert_eq!(next_bits(1, 0, 0x1d00ffff, 2, 1200), 0x1d00ffff);
//! ```

use ruint::aliases::U512;

use super::U256;
use super::compact::{from_compact, to_compact};

/// The ideal block interval, s.
pub const TARGET_SPACING_S: i64 = crate::units::BLOCK_SPACING_S;
/// The default half-life, s (two days).
pub const DEFAULT_HALF_LIFE_S: i64 = 172_800;
/// Bits of the largest target ASERT allows.
pub const MAX_BITS: u32 = 0x1d00_ffff;

/// The bits of block `tip_height + 1`, given the anchor block's height,
/// its parent's time and its bits, and the tip's height and time, with the
/// standard half-life of two days.
pub fn next_bits(
    anchor_height: u64,
    anchor_parent_time: i64,
    anchor_bits: u32,
    tip_height: u64,
    tip_time: i64,
) -> u32 {
    next_bits_with_half_life(
        anchor_height,
        anchor_parent_time,
        anchor_bits,
        tip_height,
        tip_time,
        DEFAULT_HALF_LIFE_S,
    )
}

/// [`next_bits`] with another half-life (s, > 0).
pub fn next_bits_with_half_life(
    anchor_height: u64,
    anchor_parent_time: i64,
    anchor_bits: u32,
    tip_height: u64,
    tip_time: i64,
    half_life_s: i64,
) -> u32 {
    let reference = from_compact(anchor_bits).target;
    let time_delta = tip_time as i128 - anchor_parent_time as i128;
    let height_delta = tip_height as i128 - anchor_height as i128;
    // Truncating division, then an arithmetic shift (floor) for the
    // integer part: exactly as the specification.
    let exponent = (time_delta - TARGET_SPACING_S as i128 * (height_delta + 1)) * 65_536
        / half_life_s.max(1) as i128;
    let shifts = exponent >> 16;
    let frac = (exponent - shifts * 65_536) as u64;
    // 65536 · 2^(frac/65536), by the specification's cubic, in unsigned
    // 64-bit arithmetic.
    let factor = 65_536u64
        + (195_766_423_245_049u64
            .wrapping_mul(frac)
            .wrapping_add(971_821_376u64.wrapping_mul(frac).wrapping_mul(frac))
            .wrapping_add(
                5_127u64
                    .wrapping_mul(frac)
                    .wrapping_mul(frac)
                    .wrapping_mul(frac),
            )
            .wrapping_add(1u64 << 47)
            >> 48);
    // In 512 bits nothing overflows; anything past the maximum clamps.
    let mut next = U512::from(reference) * U512::from(factor);
    let total_shift = shifts - 16;
    if total_shift < 0 {
        next >>= (-total_shift).min(512) as usize;
    } else if total_shift >= 256 || (next.bit_len() as i128 + total_shift) > 300 {
        return MAX_BITS;
    } else {
        next <<= total_shift as usize;
    }
    let max = U512::from(from_compact(MAX_BITS).target);
    if next.is_zero() {
        to_compact(U256::from(1u64))
    } else if next > max {
        MAX_BITS
    } else {
        to_compact(U256::from_limbs_slice(&next.as_limbs()[..4]))
    }
}
