//! The economics of a scenario: power, the miners' strategy, the build
//! pipeline, ASICs and the AI market.

use crate::scenario::checker::Checker;
use crate::scenario::schema::*;
use crate::units::DAYS_PER_YEAR;

/// Power, strategy, the build pipeline and ASICs.
pub(super) fn check_economics(c: &mut Checker, file: &ScenarioFile) {
    check_power(c, &file.power);
    check_strategy(c, &file.strategy);
    check_pipeline(c, file);
    check_asics(c, &file.asics);
}

/// Power: prices' drift, the take-or-pay share, AI's pressure on prices.
fn check_power(c: &mut Checker, pw: &PowerSpec) {
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
}

/// The miners' strategy: beliefs, hurdle rates, cash, credit, building.
fn check_strategy(c: &mut Checker, st: &StrategySpec) {
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
}

/// The sites under construction on given days of the run.
fn check_pipeline(c: &mut Checker, file: &ScenarioFile) {
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
}

/// The ASIC market: prices, the efficiency frontier, supply.
fn check_asics(c: &mut Checker, a: &AsicSpec) {
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
pub(super) fn check_ai(c: &mut Checker, file: &ScenarioFile) {
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
        let lead_years = lead as f64 / DAYS_PER_YEAR;
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
