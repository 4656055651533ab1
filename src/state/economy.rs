//! The markets of a run as a resource, what miners see of them each day
//! ([`Economics`]: price, reward, hashprice), and the adaptive miners'
//! memory of hashprice.

use bevy_ecs::prelude::*;

use super::chain::{Chain, Clock, EpochStats};
use super::rng::PriceRng;
use crate::consensus::difficulty::difficulty;
use crate::consensus::subsidy::block_subsidy_sats;
use crate::market::ai::AiMarket;
use crate::market::asics::AsicMarket;
use crate::market::fees::FeeMarket;
use crate::market::price::BtcPrice;
use crate::units::{BLOCK_SPACING_S, SECONDS_PER_DAY, sats_to_btc};

/// Markets of the run.
#[derive(Resource, Clone, Debug)]
pub struct Markets {
    /// BTC price.
    pub price: BtcPrice,
    /// Fees.
    pub fees: FeeMarket,
    /// AI tenants, leases and GPU rental.
    pub ai: AiMarket,
    /// New machines.
    pub asics: AsicMarket,
}

/// What miners see when they decide: today's prices and hashprice.
#[derive(Resource, Clone, Copy, Debug, PartialEq)]
pub struct Economics {
    /// BTC price, USD.
    pub btc_price_usd: f64,
    /// Subsidy of the next block, BTC.
    pub subsidy_btc: f64,
    /// Fees expected per block, BTC.
    pub expected_fees_btc: f64,
    /// Hashprice, USD per PH/s per day.
    pub hashprice_usd_per_ph_day: f64,
    /// The next retarget as a difficulty estimator projects it from the
    /// epoch so far: next difficulty over the current one (1 under a rule
    /// that adjusts every block, or before the epoch's first block).
    pub retarget_factor: f64,
    /// Days until that retarget at the epoch's pace so far.
    pub days_to_retarget: f64,
}

impl Default for Economics {
    /// Nothing known yet: zero prices, no retarget in view.
    fn default() -> Self {
        Self {
            btc_price_usd: 0.0,
            subsidy_btc: 0.0,
            expected_fees_btc: 0.0,
            hashprice_usd_per_ph_day: 0.0,
            retarget_factor: 1.0,
            days_to_retarget: 0.0,
        }
    }
}

impl Economics {
    /// The hashprice expected over the next `days` (at least one): today's
    /// until the projected retarget, then today's scaled by it. Price and
    /// reward are taken as they are today.
    pub fn outlook_hashprice_usd_per_ph_day(&self, days: f64) -> f64 {
        let days = days.max(1.0);
        let before = (self.days_to_retarget / days).clamp(0.0, 1.0);
        self.hashprice_usd_per_ph_day * (before + (1.0 - before) / self.retarget_factor)
    }
}

/// The projected retarget (next difficulty over the current one, days to
/// go) from the epoch so far, the way public difficulty estimators make it:
/// the mean block interval since the epoch began, against the 600 s
/// target, clamped to Bitcoin's ×4 bound. With no block yet in the epoch
/// the projection is no change, a whole epoch away.
pub fn project_retarget(chain: &Chain, epoch: &EpochStats) -> (f64, f64) {
    const TARGET_S: f64 = BLOCK_SPACING_S as f64;
    let Some(interval) = chain.algo.retarget_interval_blocks() else {
        return (1.0, 0.0);
    };
    let elapsed = chain.time_s - epoch.span_start_s;
    if epoch.blocks == 0 || elapsed <= 0.0 {
        return (1.0, interval as f64 * TARGET_S / SECONDS_PER_DAY);
    }
    let mean = elapsed / epoch.blocks as f64;
    let left = interval.saturating_sub(epoch.blocks) as f64;
    (
        (TARGET_S / mean).clamp(0.25, 4.0),
        left * mean / SECONDS_PER_DAY,
    )
}

/// The moving average of hashprice that adaptive forecasts use.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq)]
pub struct HashpriceMemory {
    /// Exponential moving average over the strategy's memory, USD/PH/day:
    /// `average_per_btc_reward` at today's block reward.
    pub average_usd_per_ph_day: f64,
    /// The moving average of hashprice per BTC of block reward (subsidy and
    /// fees), USD/PH/day per BTC.
    pub average_per_btc_reward: f64,
}

/// Hashprice, USD per PH/s per day: what one PH/s earns in a day at this
/// price, reward per block and difficulty:
/// price · reward · 86400 · 10^15 / (difficulty · 2^32).
///
/// ```
/// use hashflight::state::economy::hashprice_usd_per_ph_day;
/// // End of 2025: BTC $91k, 3.125 BTC + ~0.025 BTC fees, difficulty 148.26 T.
/// let hp = hashprice_usd_per_ph_day(91_000.0, 3.15, 148.258e12);
/// assert!((hp - 38.9).abs() < 0.1);
/// ```
pub fn hashprice_usd_per_ph_day(
    btc_price_usd: f64,
    reward_per_block_btc: f64,
    difficulty: f64,
) -> f64 {
    btc_price_usd * reward_per_block_btc * SECONDS_PER_DAY * 1e15 / (difficulty * 4_294_967_296.0)
}

/// Steps the markets to today: the BTC price, fee demand, the AI market
/// (tenants arriving and leaving its backlog).
pub fn step_markets(clock: Res<Clock>, mut markets: ResMut<Markets>, mut rng: ResMut<PriceRng>) {
    if clock.day > 0 {
        markets.price.step(clock.day, &mut rng.0);
    }
    markets.fees.start_day(clock.day);
    markets.ai.update(clock.day);
}

/// Today's hashprice from the price, the next block's subsidy, the fees
/// expected and the current difficulty.
pub fn update_economics(
    chain: Res<Chain>,
    epoch: Res<EpochStats>,
    markets: Res<Markets>,
    mut economics: ResMut<Economics>,
) {
    let (retarget_factor, days_to_retarget) = project_retarget(&chain, &epoch);
    let btc_price_usd = markets.price.usd();
    let subsidy_btc = sats_to_btc(block_subsidy_sats(chain.next_height));
    let expected_fees_btc = markets.fees.expected_per_block_btc();
    *economics = Economics {
        btc_price_usd,
        subsidy_btc,
        expected_fees_btc,
        hashprice_usd_per_ph_day: hashprice_usd_per_ph_day(
            btc_price_usd,
            subsidy_btc + expected_fees_btc,
            difficulty(chain.bits),
        ),
        retarget_factor,
        days_to_retarget,
    };
}
