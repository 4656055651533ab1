//! What a run measures: one row per difficulty epoch ([`EpochRow`]), one per
//! day ([`DayRow`]), and the run's [`Summary`]. Rows go to a
//! [`RecordSink`] as the run goes, so memory does not grow with its length.
//!
//! ```
//! use hashflight::metrics::hashprice_usd_per_ph_day;
//! // End of 2025: BTC $91k, 3.125 BTC + ~0.025 BTC fees, difficulty 148.26 T.
//! let hp = hashprice_usd_per_ph_day(91_000.0, 3.15, 148.258e12);
//! assert!((hp - 38.9).abs() < 0.1);
//! ```

use serde::{Deserialize, Serialize};

pub mod concentration;
pub mod stats;

/// Seconds per day.
pub const SECONDS_PER_DAY: f64 = 86_400.0;

/// Hashprice, USD per PH/s per day: what one PH/s earns in a day at this
/// price, reward per block and difficulty:
/// price · reward · 86400 · 10^15 / (difficulty · 2^32).
pub fn hashprice_usd_per_ph_day(
    btc_price_usd: f64,
    reward_per_block_btc: f64,
    difficulty: f64,
) -> f64 {
    btc_price_usd * reward_per_block_btc * SECONDS_PER_DAY * 1e15 / (difficulty * 4_294_967_296.0)
}

/// One difficulty epoch (2016 blocks; the last row of a run may be partial).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochRow {
    /// Mainnet epoch number (start height / 2016).
    pub epoch: u64,
    /// Height of its first block.
    pub start_height: u64,
    /// Blocks mined in it (2016 unless the run ended first).
    pub blocks: u64,
    /// Time of its first block, seconds since the run started.
    pub start_time_s: f64,
    /// Time of its last block, seconds since the run started.
    pub end_time_s: f64,
    /// end − start: the timespan the retarget measures (2015 intervals).
    pub duration_s: f64,
    /// Compact bits of the epoch, hex.
    pub bits: String,
    /// Difficulty of the epoch.
    pub difficulty: f64,
    /// Mean hashrate actually mining over the epoch, EH/s.
    pub hashrate_ehs: f64,
    /// Mean interval of its blocks, s.
    pub mean_block_interval_s: f64,
    /// Longest interval, s.
    pub max_block_interval_s: f64,
    /// BTC price at its end, USD.
    pub btc_price_usd: f64,
    /// Subsidy paid in it, BTC.
    pub subsidy_btc: f64,
    /// Fees paid in it, BTC.
    pub fees_btc: f64,
    /// Hashprice at its end, USD per PH/s per day.
    pub hashprice_usd_per_ph_day: f64,
    /// Power of the fleets mining at its end, MW.
    pub mining_mw: f64,
    /// Power of the fleets curtailed by their owners at its end, MW.
    pub curtailed_mw: f64,
    /// Power of the fleets in offline regions at its end, MW.
    pub offline_mw: f64,
    /// Miners with any fleet mining at its end.
    pub active_miners: u64,
    /// HHI of pools' hashrate shares at its end (shares in %, 0–10,000).
    pub pool_hhi: f64,
    /// Fewest pools holding more than 50 % of the hashrate at its end.
    pub pool_nakamoto: u64,
    /// Largest pool's share of the hashrate at its end, %.
    pub top_pool_share_pct: f64,
}

/// One day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DayRow {
    /// Day of the run, from 0.
    pub day: u32,
    /// End of the day, seconds since the run started.
    pub time_s: f64,
    /// Height of the tip at the end of the day.
    pub height: u64,
    /// Blocks mined during the day.
    pub blocks: u64,
    /// Mean hashrate mining during the day, EH/s.
    pub hashrate_ehs: f64,
    /// Difficulty at the end of the day.
    pub difficulty: f64,
    /// BTC price of the day, USD.
    pub btc_price_usd: f64,
    /// Hashprice at the end of the day, USD per PH/s per day.
    pub hashprice_usd_per_ph_day: f64,
    /// Hashrate of the fleets curtailed by their owners at the end of the
    /// day, EH/s.
    pub curtailed_ehs: f64,
    /// Hashrate of the fleets in offline regions at the end of the day, EH/s.
    pub offline_ehs: f64,
    /// Power of the fleets mining, MW.
    pub mining_mw: f64,
    /// Power of the fleets curtailed by their owners, MW.
    pub curtailed_mw: f64,
    /// Power of the fleets in offline regions, MW.
    pub offline_mw: f64,
}

/// The figures of a whole run (`summary.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Seed of the run.
    pub seed: u64,
    /// hashflight version that produced it.
    pub hashflight_version: String,
    /// Blocks mined.
    pub blocks: u64,
    /// Epoch rows written (the last may be partial).
    pub epochs: u64,
    /// Days simulated.
    pub days: u32,
    /// Hashrate mining on day 0, EH/s.
    pub hashrate_start_ehs: f64,
    /// Hashrate mining on the last day, EH/s.
    pub hashrate_end_ehs: f64,
    /// Lowest daily hashrate, EH/s.
    pub hashrate_min_ehs: f64,
    /// Fall from start to end, percent of the start (negative for growth).
    pub hashrate_decline_pct: f64,
    /// Mean interval between blocks over the run, s.
    pub mean_block_interval_s: f64,
    /// Wall-clock time of the run, s: the one figure that differs between
    /// two runs of the same scenario and seed.
    pub wall_time_s: f64,
}

impl Summary {
    /// The run's figures that are the same for every run of a scenario and
    /// seed (all numbers except `wall_time_s`), in a fixed order: the
    /// columns sweeps record.
    pub fn figures(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("blocks", self.blocks as f64),
            ("epochs", self.epochs as f64),
            ("days", self.days as f64),
            ("hashrate_start_ehs", self.hashrate_start_ehs),
            ("hashrate_end_ehs", self.hashrate_end_ehs),
            ("hashrate_min_ehs", self.hashrate_min_ehs),
            ("hashrate_decline_pct", self.hashrate_decline_pct),
            ("mean_block_interval_s", self.mean_block_interval_s),
        ]
    }

    /// Names of [`Summary::figures`].
    pub fn figure_names() -> Vec<&'static str> {
        Summary {
            scenario: String::new(),
            seed: 0,
            hashflight_version: String::new(),
            blocks: 0,
            epochs: 0,
            days: 0,
            hashrate_start_ehs: 0.0,
            hashrate_end_ehs: 0.0,
            hashrate_min_ehs: 0.0,
            hashrate_decline_pct: 0.0,
            mean_block_interval_s: 0.0,
            wall_time_s: 0.0,
        }
        .figures()
        .into_iter()
        .map(|f| f.0)
        .collect()
    }
}

/// Where a run's rows go as they are produced.
pub trait RecordSink: std::any::Any + Send + Sync {
    /// Receives a finished epoch.
    fn epoch(&mut self, row: &EpochRow) -> std::io::Result<()>;
    /// Receives a finished day.
    fn day(&mut self, row: &DayRow) -> std::io::Result<()>;
    /// Flushes what is buffered.
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Keeps every row in memory (for tests and library users).
#[derive(Clone, Debug, Default)]
pub struct MemorySink {
    /// Epoch rows in order.
    pub epochs: Vec<EpochRow>,
    /// Day rows in order.
    pub days: Vec<DayRow>,
}

impl RecordSink for MemorySink {
    fn epoch(&mut self, row: &EpochRow) -> std::io::Result<()> {
        self.epochs.push(row.clone());
        Ok(())
    }
    fn day(&mut self, row: &DayRow) -> std::io::Result<()> {
        self.days.push(row.clone());
        Ok(())
    }
}

/// Drops every row (when only the summary matters).
#[derive(Clone, Copy, Debug, Default)]
pub struct NullSink;

impl RecordSink for NullSink {
    fn epoch(&mut self, _: &EpochRow) -> std::io::Result<()> {
        Ok(())
    }
    fn day(&mut self, _: &DayRow) -> std::io::Result<()> {
        Ok(())
    }
}
