//! The hot loop: blocks drawn one by one between two day ticks (or until an
//! epoch ends), with the set of hashing pools fixed. Each block costs one
//! exponential draw for its interval and one uniform draw for its winner.
//!
//! The process is Poisson with rate H / (D · 2^32). When a draw would pass
//! the day's end the clock stops there and the next day draws afresh, which
//! is exact because the exponential distribution is memoryless.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_distr::Exp1;

use super::{BlockRng, Chain, Clock, DayStats, EpochStats, HashTable, Markets, MineOutcome};
use crate::consensus::bitcoin::EPOCH_BLOCKS;
use crate::consensus::subsidy::block_subsidy_sats;

/// Mines until the day ends or an epoch completes; says which in
/// [`MineOutcome`].
#[allow(clippy::too_many_arguments)]
pub fn mine_blocks(
    mut chain: ResMut<Chain>,
    table: Res<HashTable>,
    clock: Res<Clock>,
    mut rng: ResMut<BlockRng>,
    mut markets: ResMut<Markets>,
    mut epoch: ResMut<EpochStats>,
    mut day: ResMut<DayStats>,
    mut outcome: ResMut<MineOutcome>,
) {
    let chain = &mut *chain;
    let rng = &mut rng.0;
    let ths = table.total_ths;
    let hashes_per_s = ths * 1e12;
    let t_end = clock.t_end_s;
    loop {
        let dt = if hashes_per_s > 0.0 {
            rng.sample::<f64, _>(Exp1) * chain.expected_hashes / hashes_per_s
        } else {
            f64::INFINITY
        };
        let t = chain.time_s + dt;
        if t >= t_end {
            epoch.hash_ths_s += ths * (t_end - chain.time_s);
            day.hash_ths_s += ths * (t_end - chain.time_s);
            chain.time_s = t_end;
            *outcome = MineOutcome::DayEnd;
            return;
        }
        epoch.hash_ths_s += ths * dt;
        day.hash_ths_s += ths * dt;
        chain.time_s = t;
        let interval = t - chain.last_block_time_s;
        chain.last_block_time_s = t;

        let height = chain.next_height;
        let winner = table.draw(rng.random::<f64>());
        let subsidy = block_subsidy_sats(height);
        let fees = markets.fees.collect(interval);
        epoch.add_block(t, interval, subsidy, fees, winner);
        day.blocks += 1;
        day.pool_blocks[winner] += 1;
        day.reward_btc += crate::units::sats_to_btc(subsidy) + fees;
        day.fees_btc += fees;
        chain.blocks += 1;

        let header_time = chain.start_unix_s + t.floor() as i64;
        let next_bits = chain.algo.on_block(height, header_time, chain.bits);
        chain.next_height += 1;
        if next_bits != chain.bits {
            chain.set_bits(next_bits);
        }
        if height % EPOCH_BLOCKS == EPOCH_BLOCKS - 1 {
            *outcome = MineOutcome::EpochEnd;
            return;
        }
    }
}
