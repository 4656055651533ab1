//! The compact `nBits` encoding of a 256-bit target, with Bitcoin Core's
//! exact `SetCompact`/`GetCompact` semantics (sign bit, overflow, the 23-bit
//! mantissa and truncation to three significant bytes).
//!
//! ```
//! use hashflight::consensus::compact::{from_compact, to_compact};
//! let t = from_compact(0x1d00ffff);
//! assert!(!t.negative && !t.overflow);
//! assert_eq!(to_compact(t.target), 0x1d00ffff);
//! ```

use super::U256;

/// The result of decoding compact bits, as Core's `SetCompact` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The 256-bit target (bits shifted past 256 are lost, as in Core).
    pub target: U256,
    /// The sign bit was set on a non-zero mantissa.
    pub negative: bool,
    /// The encoded value does not fit in 256 bits.
    pub overflow: bool,
}

/// Decodes compact bits into a target (Core's `arith_uint256::SetCompact`).
pub fn from_compact(bits: u32) -> Decoded {
    let size = (bits >> 24) as usize;
    let mut word = bits & 0x007f_ffff;
    // As in Core, small sizes shift the mantissa before the sign and
    // overflow checks look at it.
    let target = if size <= 3 {
        word >>= 8 * (3 - size);
        U256::from(word)
    } else {
        let shift = 8 * (size - 3);
        if shift >= 256 {
            U256::ZERO
        } else {
            U256::from(word) << shift
        }
    };
    let negative = word != 0 && (bits & 0x0080_0000) != 0;
    let overflow =
        word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
    Decoded {
        target,
        negative,
        overflow,
    }
}

/// Encodes a non-negative target as compact bits (Core's `GetCompact()`).
pub fn to_compact(target: U256) -> u32 {
    to_compact_signed(target, false)
}

/// Encodes a target with an explicit sign (Core's `GetCompact(fNegative)`).
pub fn to_compact_signed(target: U256, negative: bool) -> u32 {
    let mut size = target.bit_len().div_ceil(8);
    let mut compact: u64 = if size <= 3 {
        target.as_limbs()[0] << (8 * (3 - size))
    } else {
        (target >> (8 * (size - 3))).as_limbs()[0]
    };
    // A positive value never gets the sign bit: move to a larger exponent.
    if compact & 0x0080_0000 != 0 {
        compact >>= 8;
        size += 1;
    }
    let mut out = (compact as u32) | ((size as u32) << 24);
    if negative && (out & 0x007f_ffff) != 0 {
        out |= 0x0080_0000;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_a_real_mainnet_target() {
        let d = from_compact(0x1701e605);
        assert_eq!(to_compact(d.target), 0x1701e605);
    }

    #[test]
    fn huge_exponents_decode_without_panicking() {
        for bits in [0xff12_3456u32, 0x2300_0001, 0xffff_ffff, 0x2200_ffff] {
            let d = from_compact(bits);
            assert!(d.overflow, "{bits:#x}");
        }
    }
}
