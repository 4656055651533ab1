//! Worlds for the agents' unit tests: a strategy and markets to decide
//! in.

use super::Strategy;
use crate::market::ai::{AiMarket, AiParams, GpuParams};
use crate::market::asics::{AsicMarket, AsicParams};
use crate::market::fees::FeeMarket;
use crate::market::price::{BtcPrice, PriceProcess};
use crate::state::Markets;

/// A strategy with daily decisions, growth on, building off, and no
/// opex, take-or-pay or credit line.
pub(crate) fn strategy() -> Strategy {
    Strategy {
        memory_days: 30.0,
        difficulty_growth_per_year: 0.0,
        hysteresis_share: 0.2,
        growth: true,
        cash_reserve_usd_per_mw: 0.0,
        interest_rate_per_year: 0.08,
        ai_equity_share: 0.2,
        credit_line_usd_per_mw: 0.0,
        distress_days: 30,
        retire_after_days: 90,
        commit_days: 1,
        mothball_after_days: 30,
        take_or_pay_share: 0.0,
        other_opex_usd_per_mwh: 0.0,
        ai_price_pressure_per_gw: 0.0,
        build: false,
        build_usd_per_mw: 500_000.0,
        build_lead_days: 365,
        growth_equity_share: 1.0,
        used_listing_days: 90,
        entrant_mw_per_year: 0.0,
        entrant_site_mw: 100.0,
    }
}

/// An AI market with `unmet_mw` critical MW of tenants waiting and a
/// buyer paying `sale_usd_per_w`.
pub(crate) fn markets(unmet_mw: f64, sale_usd_per_w: f64) -> Markets {
    let mut ai = AiMarket::new(AiParams {
        enabled: true,
        critical_it_share: 0.75,
        tenant_backlog_mw: unmet_mw,
        deals_mw_per_quarter: 0.0,
        deal_growth_per_year: 0.0,
        tenant_patience_days: 730.0,
        lease_usd_per_kw_month: 150.0,
        lease_growth_per_year: 0.0,
        lease_elasticity: 0.0,
        tenant_ceiling_usd_per_kw_month: 184.0,
        noi_margin: 0.85,
        conversion_capex_usd_per_critical_mw: 9e6,
        lead_time_days: 450,
        lease_term_years: 12.0,
        shell_life_years: 20.0,
        stage_mw: 200.0,
        buyer_rate_per_year: 0.1,
        sale_usd_per_w: Some(sale_usd_per_w),
        gpu: GpuParams {
            enabled: false,
            usd_per_hour: 2.0,
            price_path: Vec::new(),
            drift_per_year: 0.0,
            gpus_per_critical_mw: 800.0,
            utilisation: 0.75,
            capex_usd_per_critical_mw: 29e6,
            opex_share: 0.15,
            term_years: 5.0,
            lead_time_days: 270,
            equity_share: 0.3,
            prepayment_share: 0.2,
        },
    });
    ai.update(0);
    Markets {
        price: BtcPrice::new(90_000.0, PriceProcess::Constant, vec![]),
        fees: FeeMarket::fixed(0.0),
        ai,
        asics: AsicMarket::new(AsicParams {
            usd_per_th: 15.0,
            reference_hashprice_usd_per_ph_day: 40.0,
            frontier_j_per_th: 13.5,
            frontier_decline_per_year: 0.1,
            frontier_floor_j_per_th: 0.0,
            delivery_days: 90,
            supply_ehs_per_year: 1e6,
            life_years: 4.0,
        }),
    }
}
