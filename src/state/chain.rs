//! The clock and the chain: the day being simulated, the tip with its
//! difficulty rule, and the running figures of the epoch and the day that
//! the block loop adds to.

use bevy_ecs::prelude::*;

use crate::consensus::DifficultyAlgorithm;
use crate::consensus::difficulty::expected_hashes_per_block;

/// The day being simulated.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct Clock {
    /// Day of the run, from 0.
    pub day: u32,
    /// End of the day, seconds since the run started.
    pub t_end_s: f64,
}

/// The chain tip and the difficulty rule.
#[derive(Resource)]
pub struct Chain {
    /// Height of the next block.
    pub next_height: u64,
    /// Bits the next block must meet.
    pub bits: u32,
    /// Expected hashes per block at `bits`.
    pub expected_hashes: f64,
    /// The simulation clock, seconds since the run started.
    pub time_s: f64,
    /// Time of the last block (0 before the first).
    pub last_block_time_s: f64,
    /// Unix time of the run's start.
    pub start_unix_s: i64,
    /// The difficulty rule.
    pub algo: Box<dyn DifficultyAlgorithm>,
    /// Blocks mined so far.
    pub blocks: u64,
}

impl Chain {
    /// A chain whose next block is `height` at `bits`, run from
    /// `start_unix_s` under `algo`.
    pub fn new(
        height: u64,
        bits: u32,
        start_unix_s: i64,
        algo: Box<dyn DifficultyAlgorithm>,
    ) -> Self {
        Self {
            next_height: height,
            bits,
            expected_hashes: expected_hashes_per_block(bits),
            time_s: 0.0,
            last_block_time_s: 0.0,
            start_unix_s,
            algo,
            blocks: 0,
        }
    }

    /// Changes the bits and what follows from them.
    pub fn set_bits(&mut self, bits: u32) {
        self.bits = bits;
        self.expected_hashes = expected_hashes_per_block(bits);
    }
}

/// Accumulates the current epoch.
#[derive(Resource, Clone, Debug, Default)]
pub struct EpochStats {
    /// Height of its first block.
    pub start_height: u64,
    /// Its bits.
    pub bits: u32,
    /// Blocks so far.
    pub blocks: u64,
    /// Time its hashrate integral starts (the previous epoch's last block).
    pub span_start_s: f64,
    /// Time of its first block.
    pub first_block_s: f64,
    /// Time of its latest block.
    pub last_block_s: f64,
    /// Sum of its block intervals, s.
    pub interval_sum_s: f64,
    /// Longest interval, s.
    pub interval_max_s: f64,
    /// ∫ hashrate dt, TH.
    pub hash_ths_s: f64,
    /// Subsidy, sats.
    pub subsidy_sats: u64,
    /// Fees, BTC.
    pub fees_btc: f64,
    /// Blocks won per pool.
    pub pool_blocks: Vec<u64>,
}

impl EpochStats {
    /// An epoch starting at `start_height` with `bits`, its hashrate
    /// integral from `span_start_s`, among `pools` pools.
    pub fn new(start_height: u64, bits: u32, span_start_s: f64, pools: usize) -> Self {
        Self {
            start_height,
            bits,
            span_start_s,
            pool_blocks: vec![0; pools],
            ..Default::default()
        }
    }

    /// Adds a block found at `t` after `interval` seconds.
    #[inline]
    pub fn add_block(
        &mut self,
        t: f64,
        interval: f64,
        subsidy_sats: u64,
        fees_btc: f64,
        pool: usize,
    ) {
        if self.blocks == 0 {
            self.first_block_s = t;
        }
        self.blocks += 1;
        self.last_block_s = t;
        self.interval_sum_s += interval;
        self.interval_max_s = self.interval_max_s.max(interval);
        self.subsidy_sats += subsidy_sats;
        self.fees_btc += fees_btc;
        self.pool_blocks[pool] += 1;
    }
}

/// Accumulates the current day.
#[derive(Resource, Clone, Debug, Default)]
pub struct DayStats {
    /// Blocks so far.
    pub blocks: u64,
    /// ∫ hashrate dt, TH.
    pub hash_ths_s: f64,
    /// Blocks won per pool.
    pub pool_blocks: Vec<u64>,
    /// Subsidy and fees paid, BTC.
    pub reward_btc: f64,
    /// Fees paid, BTC.
    pub fees_btc: f64,
}

impl DayStats {
    /// A day with nothing yet, among `pools` pools.
    pub fn new(pools: usize) -> Self {
        Self {
            pool_blocks: vec![0; pools],
            ..Default::default()
        }
    }
}
