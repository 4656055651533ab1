//! The markets as the review sees them once an epoch: every belief's
//! forecast, the terms of each AI option, the machine market.

use crate::agents::valuation::{AiTerms, GpuTerms, MachineMarket, MarketView, forecast};
use crate::agents::{Belief, Strategy};
use crate::consensus::subsidy::block_subsidy_sats;
use crate::state::{Economics, HashpriceMemory, Markets};
use crate::units::{BLOCKS_PER_MONTH, DAYS_PER_MONTH, MONTHS_PER_YEAR, sats_to_btc};

/// What the review needs to know about the markets, once per epoch.
pub(crate) struct Context {
    /// Today.
    pub(crate) day: u32,
    /// Number of the epoch about to begin (the review's turn).
    pub(crate) epoch: u64,
    forecasts: [Vec<f64>; 3],
    /// Each belief's forecast for purchases ([`Self::capital_forecast`]).
    capital: [Vec<f64>; 3],
    /// The machine market as valuations see it.
    pub(crate) machines: MachineMarket,
    /// Leasing a stage.
    pub(crate) lease_terms: AiTerms,
    /// Running an own GPU cloud on a stage.
    pub(crate) gpu_terms: AiTerms,
    /// The GPU cloud's economics.
    pub(crate) gpu: GpuTerms,
    /// The GPU rental price a contract signs at today, USD/GPU-hour.
    pub(crate) gpu_usd_per_hour: f64,
    /// An AI buyer's offer for an unconverted site, USD per MW.
    pub(crate) sale_usd_per_mw: f64,
    /// The lease rate a contract signs at today, USD per critical kW-month.
    pub(crate) lease_usd_per_kw_month: f64,
    /// Net operating income over lease revenue.
    pub(crate) noi_margin: f64,
    /// Today's hashprice, USD/PH/day.
    pub(crate) hashprice_usd_per_ph_day: f64,
    /// Frontier machines today with no backlog, USD/TH.
    pub(crate) asic_usd_per_th: f64,
    /// Machine life, months.
    pub(crate) life_months: usize,
}

impl Context {
    /// The markets as the review sees them today.
    pub(crate) fn new(
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
        let (lead_months, term_months) = ai.lease_months();
        let lease_terms = AiTerms {
            critical_it_share: ai_spec.critical_it_share,
            lead_months,
            term_months,
            capex_usd_per_critical_mw: ai_spec.conversion_capex_usd_per_critical_mw,
            residual_usd_per_critical_mw: ai
                .shell_residual_usd_per_critical_mw(ai_spec.lease_term_years),
        };
        let gpu_terms = AiTerms {
            lead_months: (ai_spec.gpu.lead_time_days as f64 / DAYS_PER_MONTH).round() as usize,
            term_months: months(ai_spec.gpu.term_years),
            capex_usd_per_critical_mw: ai_spec.conversion_capex_usd_per_critical_mw
                + ai_spec.gpu.capex_usd_per_critical_mw,
            residual_usd_per_critical_mw: ai
                .shell_residual_usd_per_critical_mw(ai_spec.gpu.term_years),
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
        let reward =
            |height: u64| sats_to_btc(block_subsidy_sats(height)) + economics.expected_fees_btc;
        let now = reward(next_height);
        let reward_scale: Vec<f64> = (0..horizon)
            .map(|m| {
                let height = next_height + (m as f64 * BLOCKS_PER_MONTH) as u64;
                if now > 0.0 { reward(height) / now } else { 0.0 }
            })
            .collect();
        let forecasts = [
            forecast(Belief::Myopic, &view, horizon),
            forecast(Belief::Adaptive, &view, horizon),
            forecast(Belief::HalvingAware, &view, horizon),
        ];
        // The beliefs that do not see the halvings, with them; halving-aware
        // miners' as it is.
        let with_halvings =
            |f: &Vec<f64>| f.iter().zip(&reward_scale).map(|(h, r)| h * r).collect();
        let capital = [
            with_halvings(&forecasts[0]),
            with_halvings(&forecasts[1]),
            forecasts[2].clone(),
        ];
        Self {
            day,
            epoch: next_height / crate::consensus::bitcoin::EPOCH_BLOCKS,
            capital,
            forecasts,
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
            gpu_usd_per_hour: ai.gpu_usd_per_hour(),
            sale_usd_per_mw: ai.sale_usd_per_mw(),
            lease_usd_per_kw_month: ai.lease_usd_per_kw_month(),
            noi_margin: ai_spec.noi_margin,
            hashprice_usd_per_ph_day: economics.hashprice_usd_per_ph_day,
            asic_usd_per_th: markets.asics.usd_per_th(economics.hashprice_usd_per_ph_day),
            life_months,
        }
    }

    /// Expected hashprice by month under a belief.
    pub(crate) fn forecast(&self, belief: Belief) -> &[f64] {
        &self.forecasts[belief as usize]
    }

    /// Expected hashprice by month for a purchase that lasts years: the
    /// belief's, with the subsidy's known halvings applied to the beliefs
    /// that do not already see them (no miner buys a five-year machine
    /// without knowing the halving date).
    pub(crate) fn capital_forecast(&self, belief: Belief) -> &[f64] {
        &self.capital[belief as usize]
    }
}
