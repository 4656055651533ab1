//! Bitcoin Core's mainnet difficulty retarget (`CalculateNextWorkRequired`).
//!
//! The timespan of an epoch is measured from its first block to its last:
//! 2015 intervals compared with 2016 × 600 s, so at constant hashrate the
//! chain settles at a mean interval of 1,209,600 / 2015 ≈ 600.3 s.
//!
//! ```
//! use hashflight::consensus::bitcoin::next_bits;
//! // Core's pow_tests.cpp `get_next_work`.
//! assert_eq!(next_bits(0x1d00ffff, 1261130161, 1262152739), 0x1d00d86a);
//! ```

use super::U256;
use super::compact::{from_compact, to_compact};

/// Blocks per difficulty epoch.
pub const EPOCH_BLOCKS: u64 = 2016;
/// The target block spacing in seconds.
pub const TARGET_SPACING_S: i64 = crate::units::BLOCK_SPACING_S;
/// The target timespan of an epoch in seconds (two weeks: an epoch's
/// blocks at the target spacing).
pub const TARGET_TIMESPAN_S: i64 = EPOCH_BLOCKS as i64 * TARGET_SPACING_S;
/// The compact bits of the proof-of-work limit ("difficulty 1").
pub const POW_LIMIT_BITS: u32 = 0x1d00_ffff;

/// The full mainnet proof-of-work limit, 2^224 − 1.
pub fn pow_limit() -> U256 {
    (U256::from(1u64) << 224) - U256::from(1u64)
}

/// The bits of the first block of the next epoch, given the bits of the
/// ending epoch and the timestamps of its first and last blocks.
pub fn next_bits(last_bits: u32, first_block_time: i64, last_block_time: i64) -> u32 {
    next_bits_with_limit(last_bits, first_block_time, last_block_time, &pow_limit())
}

/// [`next_bits`] for a network with another proof-of-work limit (signet's
/// vectors use this; the simulator always runs mainnet parameters).
pub fn next_bits_with_limit(
    last_bits: u32,
    first_block_time: i64,
    last_block_time: i64,
    pow_limit: &U256,
) -> u32 {
    let timespan = (last_block_time - first_block_time)
        .clamp(TARGET_TIMESPAN_S / 4, TARGET_TIMESPAN_S * 4) as u64;
    let target = from_compact(last_bits).target;
    // Cannot overflow: pow_limit · 4T < 2^256 (Core asserts this for mainnet);
    // saturate anyway so hand-made bits above the limit cannot wrap.
    let scaled = target.saturating_mul(U256::from(timespan)) / U256::from(TARGET_TIMESPAN_S as u64);
    let clamped = if scaled > *pow_limit {
        *pow_limit
    } else {
        scaled
    };
    to_compact(clamped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_timespan_is_two_weeks() {
        assert_eq!(TARGET_TIMESPAN_S, 14 * 24 * 60 * 60);
    }

    #[test]
    fn equilibrium_interval_keeps_bits() {
        // 2015 intervals of 1209600/2015 s give exactly the target timespan.
        assert_eq!(next_bits(0x1701e605, 0, TARGET_TIMESPAN_S), 0x1701e605);
    }

    #[test]
    fn clamps_to_a_factor_of_four() {
        let bits = 0x1701e605;
        let t = from_compact(bits).target;
        let down = from_compact(next_bits(bits, 0, 1)).target;
        let up = from_compact(next_bits(bits, 0, i64::MAX / 2)).target;
        // Compact truncation rounds the new target down by < 1 part in 2^15.
        assert!(down <= t / U256::from(4u64) && down * U256::from(4u64) > t - (t >> 14));
        assert!(up <= t * U256::from(4u64) && up > (t * U256::from(4u64)) - (t >> 12));
        // Negative timespans (timestamps going backwards) clamp too.
        assert_eq!(next_bits(bits, 100, 0), next_bits(bits, 0, 1));
    }
}
