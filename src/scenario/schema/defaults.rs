//! The defaults of every section and field: the baseline's values. Each
//! `fn` here is named in a `#[serde(default = "defaults::…")]` of the
//! schema.

use std::sync::OnceLock;

use super::*;
use crate::scenario::shipped;

/// The shipped baseline as a file (parsed once): every section and field a
/// scenario leaves out takes its value from here.
pub fn baseline() -> &'static ScenarioFile {
    static BASELINE: OnceLock<ScenarioFile> = OnceLock::new();
    BASELINE.get_or_init(|| {
        // The baseline states every field, so parsing it never asks for a
        // default (which would come back here); a test pins that it parses.
        ron_options()
            .from_str(shipped::SHIPPED[0].source)
            .unwrap_or_else(|e| panic!("shipped baseline.ron does not parse: {e}"))
    })
}

macro_rules! from_baseline {
    ($($name:ident: $ty:ty = $($field:ident).+;)*) => {
        $(
            #[doc = concat!("The baseline's `", stringify!($($field).+), "`.")]
            pub fn $name() -> $ty {
                baseline().$($field).+.clone()
            }
        )*
    };
}

from_baseline! {
    seed: u64 = seed;
    duration_days: u32 = duration_days;
    chain: ChainSpec = chain;
    btc_price: BtcPriceSpec = btc_price;
    fees: FeeSpec = fees;
    pools: Vec<PoolSpec> = pools;
    miners: Vec<MinerSpec> = miners;
    population: PopulationSpec = population;
    security: SecuritySpec = security;
    power: PowerSpec = power;
    strategy: StrategySpec = strategy;
    asics: AsicSpec = asics;
    ai: AiSpec = ai;
    chain_start_height: u64 = chain.start_height;
    chain_start_time_unix_s: i64 = chain.start_time_unix_s;
    chain_start_bits: u32 = chain.start_bits;
    chain_difficulty_algorithm: DifficultyAlgorithmKind = chain.difficulty_algorithm;
    btc_price_initial_usd: f64 = btc_price.initial_usd;
    btc_price_model: PriceModel = btc_price.model;
    btc_price_shocks: Vec<PriceShock> = btc_price.shocks;
    fees_per_block_btc: f64 = fees.per_block_btc;
    fees_model: FeeModel = fees.model;
    fees_mempool: MempoolSpec = fees.mempool;
    mempool_demand_vbytes_per_s: f64 = fees.mempool.demand_vbytes_per_s;
    mempool_demand_growth_per_year: f64 = fees.mempool.demand_growth_per_year;
    mempool_fee_rate_median_sat_per_vb: f64 = fees.mempool.fee_rate_median_sat_per_vb;
    mempool_fee_rate_sigma: f64 = fees.mempool.fee_rate_sigma;
    mempool_block_vbytes: f64 = fees.mempool.block_vbytes;
    mempool_max_vbytes: f64 = fees.mempool.max_vbytes;
    power_other_opex_usd_per_mwh: f64 = power.other_opex_usd_per_mwh;
    power_drift_per_year: f64 = power.drift_per_year;
    power_regions: Vec<RegionPower> = power.regions;
    power_ai_price_pressure_per_gw: f64 = power.ai_price_pressure_per_gw;
    power_take_or_pay_share: f64 = power.take_or_pay_share;
    strategy_beliefs: Vec<BeliefShare> = strategy.beliefs;
    strategy_named_belief: Belief = strategy.named_belief;
    strategy_memory_days: f64 = strategy.memory_days;
    strategy_difficulty_growth_per_year: f64 = strategy.difficulty_growth_per_year;
    strategy_hurdle_rate_per_year: f64 = strategy.hurdle_rate_per_year;
    strategy_hurdle_rate_spread: f64 = strategy.hurdle_rate_spread;
    strategy_hysteresis_share: f64 = strategy.hysteresis_share;
    strategy_growth: bool = strategy.growth;
    strategy_cash_reserve_usd_per_mw: f64 = strategy.cash_reserve_usd_per_mw;
    strategy_tail_cash_usd_per_mw: f64 = strategy.tail_cash_usd_per_mw;
    strategy_interest_rate_per_year: f64 = strategy.interest_rate_per_year;
    strategy_ai_equity_share: f64 = strategy.ai_equity_share;
    strategy_credit_line_usd_per_mw: f64 = strategy.credit_line_usd_per_mw;
    strategy_distress_days: u32 = strategy.distress_days;
    strategy_retire_after_days: u32 = strategy.retire_after_days;
    strategy_commit_days: u32 = strategy.commit_days;
    strategy_mothball_after_days: u32 = strategy.mothball_after_days;
    strategy_build: bool = strategy.build;
    strategy_build_usd_per_mw: f64 = strategy.build_usd_per_mw;
    strategy_build_lead_days: u32 = strategy.build_lead_days;
    strategy_growth_equity_share: f64 = strategy.growth_equity_share;
    strategy_used_listing_days: u32 = strategy.used_listing_days;
    strategy_entrant_mw_per_year: f64 = strategy.entrant_mw_per_year;
    strategy_entrant_site_mw: f64 = strategy.entrant_site_mw;
    asics_usd_per_th: f64 = asics.usd_per_th;
    asics_reference_hashprice_usd_per_ph_day: f64 = asics.reference_hashprice_usd_per_ph_day;
    asics_frontier_j_per_th: f64 = asics.frontier_j_per_th;
    asics_frontier_decline_per_year: f64 = asics.frontier_decline_per_year;
    asics_delivery_days: u32 = asics.delivery_days;
    asics_frontier_floor_j_per_th: f64 = asics.frontier_floor_j_per_th;
    asics_supply_ehs_per_year: f64 = asics.supply_ehs_per_year;
    asics_life_years: f64 = asics.life_years;
    ai_enabled: bool = ai.enabled;
    ai_critical_it_share: f64 = ai.critical_it_share;
    ai_tenant_backlog_mw: f64 = ai.tenant_backlog_mw;
    ai_deals_mw_per_quarter: f64 = ai.deals_mw_per_quarter;
    ai_deal_growth_per_year: f64 = ai.deal_growth_per_year;
    ai_tenant_patience_days: f64 = ai.tenant_patience_days;
    ai_tenant_ceiling_usd_per_kw_month: f64 = ai.tenant_ceiling_usd_per_kw_month;
    ai_shell_life_years: f64 = ai.shell_life_years;
    ai_buyer_rate_per_year: f64 = ai.buyer_rate_per_year;
    ai_lease_usd_per_kw_month: f64 = ai.lease_usd_per_kw_month;
    ai_lease_growth_per_year: f64 = ai.lease_growth_per_year;
    ai_lease_elasticity: f64 = ai.lease_elasticity;
    ai_noi_margin: f64 = ai.noi_margin;
    ai_conversion_capex_usd_per_critical_mw: f64 = ai.conversion_capex_usd_per_critical_mw;
    ai_lead_time_days: u32 = ai.lead_time_days;
    ai_lease_term_years: f64 = ai.lease_term_years;
    ai_stage_mw: f64 = ai.stage_mw;
    ai_gpu: GpuSpec = ai.gpu;
    gpu_enabled: bool = ai.gpu.enabled;
    gpu_usd_per_hour: f64 = ai.gpu.usd_per_hour;
    gpu_drift_per_year: f64 = ai.gpu.drift_per_year;
    gpu_price_path: Vec<GpuPricePoint> = ai.gpu.price_path;
    gpu_lead_time_days: u32 = ai.gpu.lead_time_days;
    gpu_equity_share: f64 = ai.gpu.equity_share;
    gpu_prepayment_share: f64 = ai.gpu.prepayment_share;
    gpu_gpus_per_critical_mw: f64 = ai.gpu.gpus_per_critical_mw;
    gpu_utilisation: f64 = ai.gpu.utilisation;
    gpu_capex_usd_per_critical_mw: f64 = ai.gpu.capex_usd_per_critical_mw;
    gpu_opex_share: f64 = ai.gpu.opex_share;
    gpu_term_years: f64 = ai.gpu.term_years;
    population_miners: u64 = population.miners;
    population_hashrate_ehs: f64 = population.hashrate_ehs;
    population_hashrate_basis: HashrateBasis = population.hashrate_basis;
    population_size_sigma: f64 = population.size_sigma;
    population_power_price_median_usd_per_mwh: f64 = population.power_price_median_usd_per_mwh;
    population_power_price_sigma: f64 = population.power_price_sigma;
    population_power_headroom: f64 = population.power_headroom;
    population_fleet_mix: Vec<FleetShare> = population.fleet_mix;
    population_pools: Vec<PoolShare> = population.pools;
    population_regions: Vec<RegionShare> = population.regions;
    population_ai_eligible_share: f64 = population.ai_eligible_share;
    security_nakamoto_threshold_pct: f64 = security.nakamoto_threshold_pct;
    security_block_window_days: u32 = security.block_window_days;
    security_attack_share: f64 = security.attack_share;
    security_rentable_share: f64 = security.rentable_share;
    security_rent_premium_pct: f64 = security.rent_premium_pct;
    security_attacker_power_usd_per_mwh: f64 = security.attacker_power_usd_per_mwh;
    security_selfish_mining_gamma: f64 = security.selfish_mining_gamma;
    security_max_double_spend_p: f64 = security.max_double_spend_p;
}
