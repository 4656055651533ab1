//! Checks that a [`ScenarioFile`] can become a [`super::Scenario`]: every bound,
//! every cross-reference, every share that must sum to one. All problems
//! are reported at once, each with the dotted path of its field.

use std::collections::HashSet;

use crate::consensus::DifficultyAlgorithmKind;
use crate::consensus::bitcoin::{EPOCH_BLOCKS, pow_limit};
use crate::consensus::compact::from_compact;
use crate::units::MAX_BLOCKS_PER_DAY;

use super::checker::{Checker, Problems};
pub use super::checker::{
    MAX_AGENTS, MAX_DURATION_DAYS, MAX_HASHRATE_EHS, SHARE_TOLERANCE, is_directory_name,
};
use super::schema::*;

/// The pools' names, in order.
fn pool_names(file: &ScenarioFile) -> Vec<String> {
    file.pools.iter().map(|p| p.name.clone()).collect()
}

/// Validates a scenario, or lists every problem as (field, message).
pub fn validate(file: ScenarioFile) -> Result<ScenarioFile, Problems> {
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

/// Power, strategy and ASICs.
fn check_economics(c: &mut Checker, file: &ScenarioFile) {
    let pw = &file.power;
    c.non_negative("power.other_opex_usd_per_mwh", pw.other_opex_usd_per_mwh);
    c.within("power.take_or_pay_share", pw.take_or_pay_share, 0.0, 1.0);
    c.within("power.drift_per_year", pw.drift_per_year, -0.9, 10.0);
    for (i, r) in pw.regions.iter().enumerate() {
        c.within(
            &format!("power.regions.{i}.drift_per_year"),
            r.drift_per_year,
            -0.9,
            10.0,
        );
    }
    c.within(
        "power.ai_price_pressure_per_gw",
        pw.ai_price_pressure_per_gw,
        0.0,
        10.0,
    );
    let st = &file.strategy;
    c.shares("strategy.beliefs", st.beliefs.iter().map(|b| b.share));
    c.within("strategy.memory_days", st.memory_days, 1.0, 36_525.0);
    c.within(
        "strategy.difficulty_growth_per_year",
        st.difficulty_growth_per_year,
        -0.9,
        10.0,
    );
    c.within(
        "strategy.hurdle_rate_per_year",
        st.hurdle_rate_per_year,
        0.0,
        1.0,
    );
    c.within(
        "strategy.hurdle_rate_spread",
        st.hurdle_rate_spread,
        0.0,
        st.hurdle_rate_per_year.max(0.0),
    );
    c.within("strategy.hysteresis_share", st.hysteresis_share, 0.0, 10.0);
    c.non_negative(
        "strategy.cash_reserve_usd_per_mw",
        st.cash_reserve_usd_per_mw,
    );
    c.non_negative("strategy.tail_cash_usd_per_mw", st.tail_cash_usd_per_mw);
    c.within(
        "strategy.interest_rate_per_year",
        st.interest_rate_per_year,
        0.0,
        1.0,
    );
    c.within("strategy.ai_equity_share", st.ai_equity_share, 0.0, 1.0);
    c.non_negative("strategy.credit_line_usd_per_mw", st.credit_line_usd_per_mw);
    if st.distress_days == 0 {
        c.fail("strategy.distress_days", "must be at least 1 day");
    }
    if st.retire_after_days == 0 {
        c.fail("strategy.retire_after_days", "must be at least 1 day");
    }
    if !(1..=90).contains(&st.commit_days) {
        c.fail("strategy.commit_days", "must be 1 to 90 days");
    }
    if st.mothball_after_days == 0 {
        c.fail("strategy.mothball_after_days", "must be at least 1 day");
    }
    c.within("strategy.build_usd_per_mw", st.build_usd_per_mw, 0.0, 1e8);
    if st.build_lead_days > 3650 {
        c.fail(
            "strategy.build_lead_days",
            format!("must be at most 3650 days, got {}", st.build_lead_days),
        );
    }
    c.within(
        "strategy.growth_equity_share",
        st.growth_equity_share,
        0.0,
        1.0,
    );
    c.within(
        "strategy.entrant_mw_per_year",
        st.entrant_mw_per_year,
        0.0,
        1e6,
    );
    c.within("strategy.entrant_site_mw", st.entrant_site_mw, 1.0, 1e5);
    if st.used_listing_days == 0 || st.used_listing_days > 3650 {
        c.fail(
            "strategy.used_listing_days",
            format!("must be 1 to 3650 days, got {}", st.used_listing_days),
        );
    }
    for (i, p) in file.pipeline.iter().enumerate() {
        let at = |f: &str| format!("pipeline.{i}.{f}");
        if p.day >= file.duration_days {
            c.fail(
                at("day"),
                format!(
                    "must be a day of the run (0 to {}), got {}",
                    file.duration_days.saturating_sub(1),
                    p.day
                ),
            );
        }
        c.within(&at("power_mw"), p.power_mw, 0.0, 1e7);
        c.within(&at("hashrate_ehs"), p.hashrate_ehs, 0.0, 1e6);
        c.within(
            &at("efficiency_j_per_th"),
            p.efficiency_j_per_th,
            0.1,
            1000.0,
        );
    }
    let a = &file.asics;
    c.non_negative("asics.usd_per_th", a.usd_per_th);
    c.positive(
        "asics.reference_hashprice_usd_per_ph_day",
        a.reference_hashprice_usd_per_ph_day,
    );
    c.positive("asics.frontier_j_per_th", a.frontier_j_per_th);
    c.within(
        "asics.frontier_decline_per_year",
        a.frontier_decline_per_year,
        0.0,
        0.9,
    );
    c.within("asics.life_years", a.life_years, 0.1, 50.0);
    if !(a.frontier_floor_j_per_th >= 0.0 && a.frontier_floor_j_per_th <= a.frontier_j_per_th) {
        c.fail(
            "asics.frontier_floor_j_per_th",
            format!(
                "must be from 0 to asics.frontier_j_per_th ({}), got {}",
                a.frontier_j_per_th, a.frontier_floor_j_per_th
            ),
        );
    }
    c.positive("asics.supply_ehs_per_year", a.supply_ehs_per_year);
    if a.delivery_days > 3650 {
        c.fail(
            "asics.delivery_days",
            format!("must be at most 3650, got {}", a.delivery_days),
        );
    }
}

/// The AI market.
fn check_ai(c: &mut Checker, file: &ScenarioFile) {
    let ai = &file.ai;
    c.within("ai.critical_it_share", ai.critical_it_share, 0.01, 1.0);
    c.non_negative("ai.tenant_backlog_mw", ai.tenant_backlog_mw);
    c.non_negative("ai.deals_mw_per_quarter", ai.deals_mw_per_quarter);
    c.within(
        "ai.deal_growth_per_year",
        ai.deal_growth_per_year,
        -0.9,
        10.0,
    );
    c.within(
        "ai.tenant_patience_days",
        ai.tenant_patience_days,
        1.0,
        36525.0,
    );
    c.positive(
        "ai.tenant_ceiling_usd_per_kw_month",
        ai.tenant_ceiling_usd_per_kw_month,
    );
    // A hall serves at least its first contract: what is left of it when
    // the contract ends is valued as its share of the conversion.
    c.within("ai.shell_life_years", ai.shell_life_years, 1.0, 100.0);
    // Only when both are otherwise valid (a NaN compares false).
    if ai.shell_life_years >= 1.0
        && ai.shell_life_years < ai.lease_term_years
        && ai.lease_term_years <= 100.0
    {
        c.fail(
            "ai.shell_life_years",
            format!(
                "a hall that serves {} years cannot hold a lease of {} years (ai.lease_term_years)",
                ai.shell_life_years, ai.lease_term_years
            ),
        );
    }
    c.within("ai.buyer_rate_per_year", ai.buyer_rate_per_year, 0.0, 1.0);
    c.positive("ai.lease_usd_per_kw_month", ai.lease_usd_per_kw_month);
    c.within(
        "ai.lease_growth_per_year",
        ai.lease_growth_per_year,
        -0.9,
        10.0,
    );
    c.within("ai.lease_elasticity", ai.lease_elasticity, 0.0, 10.0);
    c.within("ai.noi_margin", ai.noi_margin, 0.0, 1.0);
    c.non_negative(
        "ai.conversion_capex_usd_per_critical_mw",
        ai.conversion_capex_usd_per_critical_mw,
    );
    c.positive("ai.stage_mw", ai.stage_mw);
    if let Some(usd) = ai.sale_usd_per_w {
        c.non_negative("ai.sale_usd_per_w", usd);
    }
    let g = &ai.gpu;
    for (field, term, lead, lead_field) in [
        (
            "ai.lease_term_years",
            ai.lease_term_years,
            ai.lead_time_days,
            "ai.lead_time_days",
        ),
        (
            "ai.gpu.term_years",
            g.term_years,
            g.lead_time_days,
            "ai.gpu.lead_time_days",
        ),
    ] {
        let lead_years = lead as f64 / 365.25;
        if c.finite(field, term) && !(term > lead_years && term <= 100.0) {
            c.fail(
                field,
                format!(
                    "a contract of {term} years must be longer than the lead time ({lead_field} = {lead} days = {lead_years:.2} years) and at most 100 years"
                ),
            );
        }
    }
    c.within("ai.gpu.equity_share", g.equity_share, 0.0, 1.0);
    c.within("ai.gpu.prepayment_share", g.prepayment_share, 0.0, 1.0);
    let mut last_day = 0;
    for (i, p) in g.price_path.iter().enumerate() {
        c.positive(
            &format!("ai.gpu.price_path.{i}.usd_per_hour"),
            p.usd_per_hour,
        );
        if p.day <= last_day {
            c.fail(
                format!("ai.gpu.price_path.{i}.day"),
                format!(
                    "the path's days must rise after day 0 (day 0's price is `usd_per_hour`): day {} follows day {last_day}",
                    p.day
                ),
            );
        }
        last_day = last_day.max(p.day);
    }
    c.positive("ai.gpu.usd_per_hour", g.usd_per_hour);
    c.within("ai.gpu.drift_per_year", g.drift_per_year, -0.9, 10.0);
    c.positive("ai.gpu.gpus_per_critical_mw", g.gpus_per_critical_mw);
    c.within("ai.gpu.utilisation", g.utilisation, 0.0, 1.0);
    c.non_negative(
        "ai.gpu.capex_usd_per_critical_mw",
        g.capex_usd_per_critical_mw,
    );
    c.within("ai.gpu.opex_share", g.opex_share, 0.0, 1.0);
}

/// Pools and the named miners.
fn check_miners(c: &mut Checker, file: &ScenarioFile) {
    c.unique("pools", file.pools.iter().map(|p| p.name.as_str()));
    for (i, p) in file.pools.iter().enumerate() {
        if let Some(t) = &p.template_builder {
            match file.pools.iter().find(|q| &q.name == t) {
                None => c.fail(
                    format!("pools.{i}.template_builder"),
                    format!("no pool named `{t}` builds templates (pools: {})", file.pools.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")),
                ),
                Some(q) if q.template_builder.is_some() => c.fail(
                    format!("pools.{i}.template_builder"),
                    format!("`{t}` itself mines another pool's templates: name the pool that builds them"),
                ),
                _ => {}
            }
        }
    }
    for (i, p) in file.pools.iter().enumerate() {
        if c.finite(&format!("pools.{i}.fee_pct"), p.fee_pct) && !(0.0..100.0).contains(&p.fee_pct)
        {
            c.fail(
                format!("pools.{i}.fee_pct"),
                format!("must be in [0, 100), got {}", p.fee_pct),
            );
        }
    }
    let pool_names = pool_names(file);
    c.unique("miners", file.miners.iter().map(|m| m.name.as_str()));
    for (i, m) in file.miners.iter().enumerate() {
        let at = format!("miners.{i}");
        c.known_pool(&pool_names, format!("{at}.pool"), &m.pool);
        c.finite(&format!("{at}.cash_usd"), m.cash_usd);
        c.non_negative(&format!("{at}.debt_usd"), m.debt_usd);
        if let Some(h) = m.hurdle_rate_per_year {
            c.within(&format!("{at}.hurdle_rate_per_year"), h, 0.0, 1.0);
        }
        if m.sites.is_empty() {
            c.fail(format!("{at}.sites"), "a miner needs at least one site");
        }
        c.unique(
            &format!("{at}.sites"),
            m.sites.iter().map(|s| s.name.as_str()),
        );
        for (j, s) in m.sites.iter().enumerate() {
            let at = format!("{at}.sites.{j}");
            // The ranges of the pipeline's entries: a site of up to 10 GW,
            // machines from 0.1 to 1,000 J/TH (an S9 draws about 100), so
            // that the fleets' power is finite and always checked.
            c.positive(&format!("{at}.power_mw"), s.power_mw);
            if s.power_mw > 0.0 {
                c.within(&format!("{at}.power_mw"), s.power_mw, 0.0, 1e7);
            }
            c.non_negative(
                &format!("{at}.power_price_usd_per_mwh"),
                s.power_price_usd_per_mwh,
            );
            let mut fleet_mw = 0.0;
            for (k, f) in s.fleets.iter().enumerate() {
                c.hashrate(&format!("{at}.fleets.{k}.hashrate_ehs"), f.hashrate_ehs);
                c.within(
                    &format!("{at}.fleets.{k}.efficiency_j_per_th"),
                    f.efficiency_j_per_th,
                    0.1,
                    1000.0,
                );
                fleet_mw += f.hashrate_ehs * f.efficiency_j_per_th; // EH/s · J/TH = MW
            }
            // An overflowing sum (inf) is still compared; only NaN, from a
            // field already reported as not a number, is not.
            if !fleet_mw.is_nan() && !s.power_mw.is_nan() && fleet_mw > s.power_mw * (1.0 + 1e-9) {
                c.fail(
                    format!("{at}.fleets"),
                    format!(
                        "the fleets draw {} MW (EH/s × J/TH) but the site has {} MW",
                        super::checker::number((fleet_mw * 10.0).round() / 10.0),
                        super::checker::number(s.power_mw)
                    ),
                );
            }
        }
    }
}

/// The generated population.
fn check_population(c: &mut Checker, file: &ScenarioFile) {
    let p = &file.population;
    let agents = file.miners.len() as u64 + p.miners;
    if agents > MAX_AGENTS {
        c.fail(
            "population.miners",
            format!("{agents} miner agents in all; at most {MAX_AGENTS} are allowed"),
        );
    }
    if p.miners > 0 {
        c.hashrate("population.hashrate_ehs", p.hashrate_ehs);
        if let HashrateBasis::Mining {
            hashprice_usd_per_ph_day,
        } = p.hashrate_basis
        {
            c.within(
                "population.hashrate_basis.hashprice_usd_per_ph_day",
                hashprice_usd_per_ph_day,
                0.01,
                1e6,
            );
        }
        c.within("population.size_sigma", p.size_sigma, 0.0, 5.0);
        c.positive(
            "population.power_price_median_usd_per_mwh",
            p.power_price_median_usd_per_mwh,
        );
        c.within(
            "population.power_price_sigma",
            p.power_price_sigma,
            0.0,
            5.0,
        );
        c.within("population.power_headroom", p.power_headroom, 1.0, 10.0);
        c.within(
            "population.ai_eligible_share",
            p.ai_eligible_share,
            0.0,
            1.0,
        );
        c.shares("population.fleet_mix", p.fleet_mix.iter().map(|f| f.share));
        for (i, f) in p.fleet_mix.iter().enumerate() {
            c.positive(
                &format!("population.fleet_mix.{i}.efficiency_j_per_th"),
                f.efficiency_j_per_th,
            );
            if let Some(m) = f.power_price_median_usd_per_mwh {
                c.positive(
                    &format!("population.fleet_mix.{i}.power_price_median_usd_per_mwh"),
                    m,
                );
            }
        }
        c.shares("population.pools", p.pools.iter().map(|s| s.share));
        for (i, s) in p.pools.iter().enumerate() {
            c.known_pool(
                &pool_names(file),
                format!("population.pools.{i}.pool"),
                &s.pool,
            );
        }
        c.shares("population.regions", p.regions.iter().map(|s| s.share));
    } else {
        c.non_negative("population.hashrate_ehs", p.hashrate_ehs);
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

/// Events and the regions they (and the power section) name.
fn check_events(c: &mut Checker, file: &ScenarioFile) {
    let (chain, p, pw) = (&file.chain, &file.population, &file.power);
    let regions: HashSet<&str> = file
        .miners
        .iter()
        .flat_map(|m| m.sites.iter().map(|s| s.region.as_str()))
        .chain(if p.miners > 0 {
            p.regions.iter().map(|r| r.region.as_str()).collect()
        } else {
            vec![]
        })
        .collect();
    // Regions that relocation events create are known too.
    let mut regions = regions;
    for e in &file.events {
        if let Event::RegionOffline {
            relocate_to: Some(to),
            ..
        } = &e.event
        {
            regions.insert(to.as_str());
        }
    }
    let mut known: Vec<&str> = regions.iter().copied().collect();
    known.sort();
    for (i, e) in file.events.iter().enumerate() {
        let at = format!("events.{i}");
        match (e.day, e.height) {
            (Some(day), None) if day >= file.duration_days => c.fail(
                format!("{at}.day"),
                format!(
                    "day {day} is past the end of the run (days 0..{})",
                    file.duration_days
                ),
            ),
            (None, Some(h)) if h < chain.start_height => c.fail(
                format!("{at}.height"),
                format!(
                    "height {h} is before the run's first block {}",
                    chain.start_height
                ),
            ),
            (None, Some(h))
                if h - chain.start_height
                    >= u64::from(file.duration_days).saturating_mul(MAX_BLOCKS_PER_DAY) =>
            {
                c.fail(
                    format!("{at}.height"),
                    format!(
                        "height {h} can never be reached: a run of {} days mines at most {} \
                         blocks a day, so its blocks end before height {}",
                        file.duration_days,
                        MAX_BLOCKS_PER_DAY,
                        chain.start_height.saturating_add(
                            u64::from(file.duration_days).saturating_mul(MAX_BLOCKS_PER_DAY)
                        )
                    ),
                )
            }
            (Some(_), Some(_)) | (None, None) => c.fail(
                at.clone(),
                "give exactly one of `day` (day of the run) or `height` (block height)",
            ),
            _ => {}
        }
        if let Some(region) = e.event.region()
            && !regions.contains(region)
        {
            c.fail(
                format!("{at}.event.region"),
                format!(
                    "no site is in region `{region}` (regions: {})",
                    known.join(", ")
                ),
            );
        }
        check_event_fields(c, &at, &e.event);
    }
    for (i, r) in pw.regions.iter().enumerate() {
        if !regions.contains(r.region.as_str()) {
            c.fail(
                format!("power.regions.{i}.region"),
                format!(
                    "no site is in region `{}` (regions: {})",
                    r.region,
                    known.join(", ")
                ),
            );
        }
    }
}

/// The fields of one event (`at` is its path).
fn check_event_fields(c: &mut Checker, at: &str, event: &Event) {
    let f = |name: &str| format!("{at}.event.{name}");
    match event {
        Event::RegionOffline {
            relocate_share,
            relocate_to,
            relocate_after_days,
            ..
        } => {
            c.within(&f("relocate_share"), *relocate_share, 0.0, 1.0);
            if *relocate_after_days > MAX_DURATION_DAYS {
                c.fail(
                    f("relocate_after_days"),
                    format!("must be at most {MAX_DURATION_DAYS} days, got {relocate_after_days}"),
                );
            }
            if *relocate_share > 0.0 && relocate_to.as_deref().is_none_or(|r| r.trim().is_empty()) {
                c.fail(
                    f("relocate_to"),
                    "name the region the relocated sites move to",
                );
            }
        }
        Event::RegionOnline { .. } => {}
        Event::RegionCurtail { share, days, .. } => {
            c.within(&f("share"), *share, 0.0, 1.0);
            if !(1..=MAX_DURATION_DAYS).contains(days) {
                c.fail(
                    f("days"),
                    format!("must be between 1 and {MAX_DURATION_DAYS} days, got {days}"),
                );
            }
        }
        Event::PowerPrice { multiply_by, .. } => {
            c.within(&f("multiply_by"), *multiply_by, 1e-3, 1e3)
        }
        Event::AiShock {
            demand_multiply_by,
            lease_multiply_by,
            gpu_multiply_by,
            abandon_share,
            stall_days,
        } => {
            if *stall_days > 3650 {
                c.fail(
                    f("stall_days"),
                    format!("must be at most 3650 days, got {stall_days}"),
                );
            }
            c.within(&f("demand_multiply_by"), *demand_multiply_by, 0.0, 1e3);
            c.within(&f("lease_multiply_by"), *lease_multiply_by, 1e-3, 1e3);
            c.within(&f("gpu_multiply_by"), *gpu_multiply_by, 1e-3, 1e3);
            c.within(&f("abandon_share"), *abandon_share, 0.0, 1.0);
        }
        Event::FeeWave {
            demand_multiply_by,
            fee_rate_multiply_by,
            days,
        } => {
            c.within(&f("demand_multiply_by"), *demand_multiply_by, 0.0, 1e3);
            c.within(&f("fee_rate_multiply_by"), *fee_rate_multiply_by, 1e-3, 1e3);
            if !(1..=MAX_DURATION_DAYS).contains(days) {
                c.fail(
                    f("days"),
                    format!("must be between 1 and {MAX_DURATION_DAYS} days, got {days}"),
                );
            }
        }
    }
}
