//! Checks that a [`ScenarioFile`] can become a [`super::Scenario`]: every bound,
//! every cross-reference, every share that must sum to one. All problems
//! are reported at once, each with the dotted path of its field.

use crate::consensus::DifficultyAlgorithmKind;
use crate::consensus::bitcoin::{EPOCH_BLOCKS, pow_limit};
use crate::consensus::compact::from_compact;

use super::checker::{Checker, Problems};
pub(crate) use super::checker::{MAX_DURATION_DAYS, is_directory_name};
use super::schema::*;

mod economics;
mod events;
mod miners;

use economics::{check_ai, check_economics};
use events::check_events;
use miners::{check_miners, check_population};

/// Validates a scenario, or lists every problem as (field, message).
pub(crate) fn validate(file: ScenarioFile) -> Result<ScenarioFile, Problems> {
    let mut c = Checker::default();
    check_top(&mut c, &file);
    check_chain(&mut c, &file);
    check_markets(&mut c, &file);
    check_economics(&mut c, &file);
    check_ai(&mut c, &file);
    check_miners(&mut c, &file);
    check_population(&mut c, &file);
    check_security(&mut c, &file);
    check_events(&mut c, &file);
    if c.problems.is_empty() {
        Ok(file)
    } else {
        Err(c.problems)
    }
}

/// The name and the duration.
fn check_top(c: &mut Checker, file: &ScenarioFile) {
    if !is_directory_name(&file.name) {
        c.fail(
            "name",
            format!(
                "`{}` is not usable as a directory name: use letters, digits, `-`, `_` and `.`",
                file.name
            ),
        );
    }
    if file.duration_days == 0 || file.duration_days > MAX_DURATION_DAYS {
        c.fail(
            "duration_days",
            format!(
                "must be between 1 and {MAX_DURATION_DAYS}, got {}",
                file.duration_days
            ),
        );
    }
}

/// The chain: start bits and height, the difficulty rule.
fn check_chain(c: &mut Checker, file: &ScenarioFile) {
    let chain = &file.chain;
    let decoded = from_compact(chain.start_bits);
    if decoded.negative
        || decoded.overflow
        || decoded.target.is_zero()
        || decoded.target > pow_limit()
    {
        c.fail(
            "chain.start_bits",
            format!(
                "{:#010x} is not a valid mainnet target (it must decode to a positive target at most the proof-of-work limit 0x1d00ffff)",
                chain.start_bits
            ),
        );
    }
    if chain.difficulty_algorithm == DifficultyAlgorithmKind::Bitcoin
        && !chain.start_height.is_multiple_of(EPOCH_BLOCKS)
    {
        c.fail(
            "chain.start_height",
            format!(
                "{} is not the first block of an epoch: under the bitcoin rule it must be a multiple of 2016 (e.g. {})",
                chain.start_height,
                chain.start_height / EPOCH_BLOCKS * EPOCH_BLOCKS
            ),
        );
    }
    match chain.difficulty_algorithm {
        DifficultyAlgorithmKind::Asert { half_life_s, .. }
            if !(600..=100_000_000).contains(&half_life_s) =>
        {
            c.fail(
                "chain.difficulty_algorithm.half_life_s",
                format!("must be between 600 and 100000000 s, got {half_life_s}"),
            )
        }
        DifficultyAlgorithmKind::Asert {
            anchor_bits: Some(bits),
            ..
        } if {
            let d = from_compact(bits);
            d.negative || d.overflow || d.target.is_zero()
        } =>
        {
            c.fail(
                "chain.difficulty_algorithm.anchor_bits",
                format!("{bits:#010x} is not a valid positive compact target"),
            )
        }
        DifficultyAlgorithmKind::Lwma { window } if !(2..=100_000).contains(&window) => c.fail(
            "chain.difficulty_algorithm.window",
            format!("must be between 2 and 100000 blocks, got {window}"),
        ),
        _ => {}
    }
    if chain.start_height > 1 << 40 {
        c.fail("chain.start_height", "must be at most 2^40");
    }
    if !(0..=1 << 40).contains(&chain.start_time_unix_s) {
        c.fail("chain.start_time_unix_s", "must be between 0 and 2^40 s");
    }
}

/// The BTC price and the fees.
fn check_markets(c: &mut Checker, file: &ScenarioFile) {
    let price = &file.btc_price;
    c.positive("btc_price.initial_usd", price.initial_usd);
    if price.initial_usd > crate::units::MAX_BTC_PRICE_USD {
        c.fail(
            "btc_price.initial_usd",
            format!(
                "must be at most {:e} (a price no scenario means: the cap a run holds prices at), got {:e}",
                crate::units::MAX_BTC_PRICE_USD,
                price.initial_usd
            ),
        );
    }
    if let PriceModel::Gbm {
        drift_per_year,
        volatility_per_year,
    } = price.model
    {
        c.within("btc_price.model.drift_per_year", drift_per_year, -5.0, 5.0);
        c.within(
            "btc_price.model.volatility_per_year",
            volatility_per_year,
            0.0,
            5.0,
        );
    }
    for (i, s) in price.shocks.iter().enumerate() {
        c.positive(&format!("btc_price.shocks.{i}.multiply_by"), s.multiply_by);
        if s.day >= file.duration_days {
            c.fail(
                format!("btc_price.shocks.{i}.day"),
                format!(
                    "day {} is past the end of the run (days 0..{})",
                    s.day, file.duration_days
                ),
            );
        }
    }
    if let PriceModel::RegimeSwitching { regimes } = &price.model {
        if regimes.is_empty() {
            c.fail("btc_price.model.regimes", "list at least one regime");
        }
        for (i, r) in regimes.iter().enumerate() {
            let at = format!("btc_price.model.regimes.{i}");
            c.within(&format!("{at}.drift_per_year"), r.drift_per_year, -5.0, 5.0);
            c.within(
                &format!("{at}.volatility_per_year"),
                r.volatility_per_year,
                0.0,
                5.0,
            );
            c.within(&format!("{at}.mean_days"), r.mean_days, 1.0, 1e6);
        }
    }
    if let PriceModel::Path { csv } = &price.model
        && csv.trim().is_empty()
    {
        c.fail(
            "btc_price.model.csv",
            "name a CSV file with a `date,usd` header",
        );
    }
    c.non_negative("fees.per_block_btc", file.fees.per_block_btc);
    let mp = &file.fees.mempool;
    // Positive (a mempool without demand is `model: Fixed` with no fees).
    c.within(
        "fees.mempool.demand_vbytes_per_s",
        mp.demand_vbytes_per_s,
        1e-9,
        1e9,
    );
    c.within(
        "fees.mempool.demand_growth_per_year",
        mp.demand_growth_per_year,
        -0.99,
        10.0,
    );
    c.within(
        "fees.mempool.fee_rate_median_sat_per_vb",
        mp.fee_rate_median_sat_per_vb,
        1e-3,
        1e6,
    );
    c.within("fees.mempool.fee_rate_sigma", mp.fee_rate_sigma, 0.0, 5.0);
    c.within("fees.mempool.block_vbytes", mp.block_vbytes, 1.0, 1e9);
    if c.finite("fees.mempool.max_vbytes", mp.max_vbytes)
        && !(mp.max_vbytes >= mp.block_vbytes && mp.max_vbytes <= 1e12)
    {
        c.fail(
            "fees.mempool.max_vbytes",
            format!(
                "must be between block_vbytes ({}) and 1e12, got {}",
                mp.block_vbytes, mp.max_vbytes
            ),
        );
    }
}

/// The security measures.
fn check_security(c: &mut Checker, file: &ScenarioFile) {
    let sec = &file.security;
    c.within(
        "security.nakamoto_threshold_pct",
        sec.nakamoto_threshold_pct,
        1.0,
        99.0,
    );
    if !(1..=365).contains(&sec.block_window_days) {
        c.fail(
            "security.block_window_days",
            format!("must be between 1 and 365, got {}", sec.block_window_days),
        );
    }
    c.within("security.attack_share", sec.attack_share, 0.0, 1.0);
    c.within("security.rentable_share", sec.rentable_share, 0.0, 1.0);
    c.non_negative("security.rent_premium_pct", sec.rent_premium_pct);
    c.non_negative(
        "security.attacker_power_usd_per_mwh",
        sec.attacker_power_usd_per_mwh,
    );
    c.within(
        "security.selfish_mining_gamma",
        sec.selfish_mining_gamma,
        0.0,
        1.0,
    );
    if c.finite("security.max_double_spend_p", sec.max_double_spend_p)
        && !(sec.max_double_spend_p > 0.0 && sec.max_double_spend_p < 1.0)
    {
        c.fail(
            "security.max_double_spend_p",
            format!("must be in (0, 1), got {}", sec.max_double_spend_p),
        );
    }
}
