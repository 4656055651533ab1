//! The block subsidy: 50 BTC halved every 210,000 blocks (integer right
//! shift, so it reaches zero at halving 33), zero from 64 halvings on.
//!
//! ```
//! use hashflight::consensus::subsidy::block_subsidy_sats;
//! assert_eq!(block_subsidy_sats(1_050_000), 156_250_000);
//! ```

/// Blocks between halvings.
pub const HALVING_INTERVAL: u64 = 210_000;
/// Satoshis per bitcoin.
pub use crate::units::SATS_PER_BTC;

/// The subsidy of the block at `height`, in satoshis.
pub fn block_subsidy_sats(height: u64) -> u64 {
    let halvings = height / HALVING_INTERVAL;
    if halvings >= 64 {
        0
    } else {
        (50 * SATS_PER_BTC) >> halvings
    }
}

/// The subsidy of the block at `height`, in BTC.
pub fn block_subsidy_btc(height: u64) -> f64 {
    block_subsidy_sats(height) as f64 / SATS_PER_BTC as f64
}
