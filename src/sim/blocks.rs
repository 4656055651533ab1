//! The hot loop: blocks drawn one by one between two day ticks (or until an
//! epoch ends), with the set of hashing pools fixed. Each block costs one
//! exponential draw for its interval and one uniform draw for its winner.
//!
//! The process is Poisson with rate H / (D · 2^32). When a draw would pass
//! the day's end the clock stops there and the next day draws afresh, which
//! is exact because the exponential distribution is memoryless.

use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::Exp1;

use crate::consensus::bitcoin::EPOCH_BLOCKS;
use crate::consensus::subsidy::block_subsidy_sats;
use crate::market::fees::FeeMarket;
use crate::state::rng::BlockRng;
use crate::state::{Chain, Clock, DayStats, EpochStats, HashTable, Markets};
use crate::units::sats_to_btc;

/// Why the block loop returned.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MineOutcome {
    /// The day is over.
    #[default]
    DayEnd,
    /// The last block of an epoch was found.
    EpochEnd,
    /// The day reached [`MAX_BLOCKS_PER_DAY`]: the hashrate is so far
    /// beyond the difficulty that the run would not end (the driver stops
    /// it with an error).
    Runaway,
}

pub use crate::units::MAX_BLOCKS_PER_DAY;

/// Mines blocks with the pools' hashrate in `table` until `t_end_s` (the
/// day's end) or until an epoch completes, and says which. Fees come from
/// `fees`; the epoch's and the day's figures accumulate in `epoch` and
/// `day`.
#[inline]
pub fn mine_until(
    chain: &mut Chain,
    table: &HashTable,
    t_end_s: f64,
    rng: &mut ChaCha8Rng,
    fees: &mut FeeMarket,
    epoch: &mut EpochStats,
    day: &mut DayStats,
) -> MineOutcome {
    let ths = table.total_ths;
    let hashes_per_s = ths * 1e12;
    loop {
        let dt = if hashes_per_s > 0.0 {
            rng.sample::<f64, _>(Exp1) * chain.expected_hashes / hashes_per_s
        } else {
            f64::INFINITY
        };
        let t = chain.time_s + dt;
        if t >= t_end_s {
            epoch.hash_ths_s += ths * (t_end_s - chain.time_s);
            day.hash_ths_s += ths * (t_end_s - chain.time_s);
            chain.time_s = t_end_s;
            return MineOutcome::DayEnd;
        }
        epoch.hash_ths_s += ths * dt;
        day.hash_ths_s += ths * dt;
        chain.time_s = t;
        let interval = t - chain.last_block_time_s;
        chain.last_block_time_s = t;

        let height = chain.next_height;
        let winner = table.draw(rng.random::<f64>());
        let subsidy = block_subsidy_sats(height);
        let block_fees = fees.collect(interval);
        epoch.add_block(t, interval, subsidy, block_fees, winner);
        day.blocks += 1;
        day.pool_blocks[winner] += 1;
        day.reward_btc += sats_to_btc(subsidy) + block_fees;
        day.fees_btc += block_fees;
        chain.blocks += 1;

        // `t` ≥ 0, so truncation is the floor (and needs no libm call).
        let header_time = chain.start_unix_s + t as i64;
        let next_bits = chain.algo.on_block(height, header_time, chain.bits);
        chain.next_height += 1;
        if next_bits != chain.bits {
            chain.set_bits(next_bits);
        }
        if height % EPOCH_BLOCKS == EPOCH_BLOCKS - 1 {
            return MineOutcome::EpochEnd;
        }
        if day.blocks >= MAX_BLOCKS_PER_DAY {
            return MineOutcome::Runaway;
        }
    }
}

/// What the block loop reads and writes.
#[derive(SystemParam)]
pub struct BlockWorld<'w> {
    chain: ResMut<'w, Chain>,
    table: Res<'w, HashTable>,
    clock: Res<'w, Clock>,
    rng: ResMut<'w, BlockRng>,
    markets: ResMut<'w, Markets>,
    epoch: ResMut<'w, EpochStats>,
    day: ResMut<'w, DayStats>,
    outcome: ResMut<'w, MineOutcome>,
}

/// The [`mine_until`] of the world's state, as a system.
pub fn mine_blocks(mut w: BlockWorld) {
    *w.outcome = mine_until(
        &mut w.chain,
        &w.table,
        w.clock.t_end_s,
        &mut w.rng.0,
        &mut w.markets.fees,
        &mut w.epoch,
        &mut w.day,
    );
}
