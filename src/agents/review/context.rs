//! The markets as the review sees them once an epoch: every belief's
//! forecast, the terms of each AI option, the machine market.

use crate::agents::valuation::{AiTerms, GpuTerms, MachineMarket, MarketView, forecast};
use crate::agents::{Belief, Strategy};
use crate::state::{Economics, HashpriceMemory, Markets};
use crate::units::{DAYS_PER_MONTH, MONTHS_PER_YEAR};

/// What the review needs to know about the markets, once per epoch.
pub struct Context {
    /// Today.
    pub day: u32,
    forecasts: [Vec<f64>; 3],
    /// The machine market as valuations see it.
    pub machines: MachineMarket,
    /// Leasing a stage.
    pub lease_terms: AiTerms,
    /// Running an own GPU cloud on a stage.
    pub gpu_terms: AiTerms,
    /// The GPU cloud's economics.
    pub gpu: GpuTerms,
    /// The expected GPU rental price each month ahead, USD/GPU-hour.
    pub gpu_usd_per_hour_by_month: Vec<f64>,
    /// The lease rate a contract signs at today, USD per critical kW-month.
    pub lease_usd_per_kw_month: f64,
    /// Net operating income over lease revenue.
    pub noi_margin: f64,
    /// Frontier machines today, USD/TH.
    pub asic_usd_per_th: f64,
    /// Machine life, months.
    pub life_months: usize,
    /// Days from an order to hashing.
    pub delivery_days: u32,
}

impl Context {
    /// The markets as the review sees them today.
    pub fn new(
        day: u32,
        strategy: &Strategy,
        economics: &Economics,
        next_height: u64,
        memory: &HashpriceMemory,
        markets: &Markets,
    ) -> Self {
        let ai = &markets.ai;
        let asics = markets.asics.params();
        let ai_spec = ai.params();
        let months = |years: f64| (years * MONTHS_PER_YEAR).round().max(1.0) as usize;
        let lead_months = (ai_spec.lead_time_days as f64 / DAYS_PER_MONTH).round() as usize;
        let lease_terms = AiTerms {
            critical_it_share: ai_spec.critical_it_share,
            lead_months,
            term_months: months(ai_spec.lease_term_years),
            capex_usd_per_critical_mw: ai_spec.conversion_capex_usd_per_critical_mw,
        };
        let gpu_terms = AiTerms {
            term_months: months(ai_spec.gpu.term_years),
            capex_usd_per_critical_mw: ai_spec.conversion_capex_usd_per_critical_mw
                + ai_spec.gpu.capex_usd_per_critical_mw,
            ..lease_terms
        };
        let life_months = months(asics.life_years);
        let horizon = lease_terms
            .horizon_months()
            .max(gpu_terms.horizon_months())
            .max(life_months);
        let view = MarketView {
            hashprice_usd_per_ph_day: economics.hashprice_usd_per_ph_day,
            hashprice_average_usd_per_ph_day: memory.average_usd_per_ph_day,
            next_height,
            fees_btc: economics.expected_fees_btc,
            difficulty_growth_per_year: strategy.difficulty_growth_per_year,
        };
        Self {
            day,
            forecasts: [
                forecast(Belief::Myopic, &view, horizon),
                forecast(Belief::Adaptive, &view, horizon),
                forecast(Belief::HalvingAware, &view, horizon),
            ],
            machines: MachineMarket {
                frontier_j_per_th: markets.asics.generation_j_per_th(day),
                frontier_monthly: (1.0 - asics.frontier_decline_per_year)
                    .powf(1.0 / MONTHS_PER_YEAR),
                floor_j_per_th: asics.frontier_floor_j_per_th,
                usd_per_th_per_hashprice: markets.asics.usd_per_th(1.0),
                life_months: life_months as f64,
            },
            lease_terms,
            gpu_terms,
            gpu: GpuTerms::from(&ai_spec.gpu),
            gpu_usd_per_hour_by_month: (0..horizon)
                .map(|m| ai.gpu_usd_per_hour_in(m as f64 / MONTHS_PER_YEAR))
                .collect(),
            lease_usd_per_kw_month: ai.lease_usd_per_kw_month(),
            noi_margin: ai_spec.noi_margin,
            asic_usd_per_th: markets.asics.usd_per_th(economics.hashprice_usd_per_ph_day),
            life_months,
            delivery_days: asics.delivery_days,
        }
    }

    /// Expected hashprice by month under a belief.
    pub fn forecast(&self, belief: Belief) -> &[f64] {
        &self.forecasts[belief as usize]
    }
}
