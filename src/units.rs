//! Units and the constants every layer shares: the block spacing, the
//! calendar the model's rates use, and the conversions between the units
//! that appear in field names (sats and BTC, TH/s and EH/s, W and MW).
//! Everything here is a plain number; nothing here imports the rest of the
//! crate.
//!
//! ```
//! use hashflight::units::{DAYS_PER_MONTH, sats_to_btc, ths_to_ehs};
//! assert_eq!(sats_to_btc(312_500_000), 3.125);
//! assert_eq!(ths_to_ehs(1.07e9), 1070.0);
//! assert!((DAYS_PER_MONTH - 30.4375).abs() < 1e-12);
//! ```

/// The ideal interval between blocks, s (Bitcoin's 10 minutes).
pub const BLOCK_SPACING_S: i64 = 600;
/// Blocks a day at [`BLOCK_SPACING_S`].
pub const BLOCKS_PER_DAY: f64 = 144.0;
/// Most blocks a simulated day may hold: 10,000 times the 144 of a day at
/// 600 s, far beyond any adjusting chain, so that no input can hang a run
/// (a `Fixed` difficulty far below the hashrate would).
pub const MAX_BLOCKS_PER_DAY: u64 = 1_440_000;
/// Seconds per day.
pub const SECONDS_PER_DAY: f64 = 86_400.0;
/// Hours per day.
pub const HOURS_PER_DAY: f64 = 24.0;
/// Days per year for annualised rates (the Julian year).
pub const DAYS_PER_YEAR: f64 = 365.25;
/// Months per year.
pub const MONTHS_PER_YEAR: f64 = 12.0;
/// Days per month (a twelfth of [`DAYS_PER_YEAR`]).
pub const DAYS_PER_MONTH: f64 = DAYS_PER_YEAR / MONTHS_PER_YEAR;
/// Hours per month.
pub const HOURS_PER_MONTH: f64 = DAYS_PER_MONTH * HOURS_PER_DAY;
/// Blocks per month at [`BLOCK_SPACING_S`].
pub const BLOCKS_PER_MONTH: f64 = DAYS_PER_MONTH * BLOCKS_PER_DAY;
/// Satoshis per bitcoin.
pub const SATS_PER_BTC: u64 = 100_000_000;
/// TH/s per EH/s.
pub const THS_PER_EHS: f64 = 1e6;
/// TH/s per PH/s.
pub const THS_PER_PHS: f64 = 1e3;
/// W per MW.
pub const W_PER_MW: f64 = 1e6;
/// kW per MW.
pub const KW_PER_MW: f64 = 1e3;
/// BTC per satoshi, for sums of fees kept in fractional satoshis. A sum
/// times this rounds differently from [`sats_to_btc`]'s division by
/// [`SATS_PER_BTC`]; each caller keeps the one it was written with.
pub const BTC_PER_SAT: f64 = 1e-8;

/// Satoshis as BTC.
#[inline]
pub fn sats_to_btc(sats: u64) -> f64 {
    sats as f64 / SATS_PER_BTC as f64
}

/// TH/s as EH/s.
#[inline]
pub fn ths_to_ehs(ths: f64) -> f64 {
    ths / THS_PER_EHS
}

/// EH/s as TH/s.
#[inline]
pub fn ehs_to_ths(ehs: f64) -> f64 {
    ehs * THS_PER_EHS
}

/// Power drawn by `hashrate_ths` TH/s of machines at `efficiency_j_per_th`,
/// MW (TH/s · J/TH = W).
#[inline]
pub fn power_mw(hashrate_ths: f64, efficiency_j_per_th: f64) -> f64 {
    hashrate_ths * efficiency_j_per_th * 1e-6
}

/// Highest BTC price a run carries, USD (est.: $10^15 a coin values the
/// 21 M coins at 2·10^22 USD, about 10^8 times world GDP, so no scenario
/// means a price above it; below it every revenue sum of a 200-year run
/// stays finite). A price process that would rise past it is held at it,
/// and the run counts and reports the days it was held.
pub const MAX_BTC_PRICE_USD: f64 = 1e15;
