//! The scenarios shipped inside the binary, and the baseline whose sections
//! are the defaults of every scenario file.

use std::sync::OnceLock;

use super::schema::*;

/// A scenario embedded in the binary.
#[derive(Clone, Copy, Debug)]
pub struct Shipped {
    /// Name used on the command line (`hashflight run NAME`).
    pub name: &'static str,
    /// Path of its file in the source tree.
    pub path: &'static str,
    /// The RON text.
    pub source: &'static str,
}

/// Every shipped scenario.
pub const SHIPPED: &[Shipped] = &[
    Shipped {
        name: "baseline",
        path: "scenarios/baseline.ron",
        source: include_str!("../../scenarios/baseline.ron"),
    },
    Shipped {
        name: "china-2021",
        path: "scenarios/china-2021.ron",
        source: include_str!("../../scenarios/china-2021.ron"),
    },
    Shipped {
        name: "halving-2024",
        path: "scenarios/halving-2024.ron",
        source: include_str!("../../scenarios/halving-2024.ron"),
    },
    Shipped {
        name: "daa-drop",
        path: "scenarios/daa-drop.ron",
        source: include_str!("../../scenarios/daa-drop.ron"),
    },
];

/// The shipped scenario of this name.
pub fn find(name: &str) -> Option<&'static Shipped> {
    SHIPPED.iter().find(|s| s.name == name)
}

/// The baseline scenario as written (parsed once).
pub fn baseline() -> &'static ScenarioFile {
    static BASELINE: OnceLock<ScenarioFile> = OnceLock::new();
    BASELINE.get_or_init(|| {
        // The baseline states every field, so parsing it never asks for a
        // default (which would come back here); a test pins that it parses.
        super::load::ron_options()
            .from_str(SHIPPED[0].source)
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
    baseline_seed: u64 = seed;
    baseline_duration_days: u32 = duration_days;
    baseline_chain: ChainSpec = chain;
    baseline_btc_price: BtcPriceSpec = btc_price;
    baseline_fees: FeeSpec = fees;
    baseline_pools: Vec<PoolSpec> = pools;
    baseline_miners: Vec<MinerSpec> = miners;
    baseline_population: PopulationSpec = population;
    baseline_security: SecuritySpec = security;
}

/// Field defaults within sections: the baseline's values.
pub mod defaults {
    use super::*;
    use crate::consensus::DifficultyAlgorithmKind;

    from_baseline! {
        chain_start_height: u64 = chain.start_height;
        chain_start_time_unix_s: i64 = chain.start_time_unix_s;
        chain_start_bits: u32 = chain.start_bits;
        chain_difficulty_algorithm: DifficultyAlgorithmKind = chain.difficulty_algorithm;
        btc_price_initial_usd: f64 = btc_price.initial_usd;
        btc_price_model: PriceModel = btc_price.model;
        btc_price_shocks: Vec<PriceShock> = btc_price.shocks;
        fees_per_block_btc: f64 = fees.per_block_btc;
        population_miners: u32 = population.miners;
        population_hashrate_ehs: f64 = population.hashrate_ehs;
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
        security_asic_usd_per_th: f64 = security.asic_usd_per_th;
        security_frontier_efficiency_j_per_th: f64 = security.frontier_efficiency_j_per_th;
        security_attacker_power_usd_per_mwh: f64 = security.attacker_power_usd_per_mwh;
        security_selfish_mining_gamma: f64 = security.selfish_mining_gamma;
        security_max_double_spend_p: f64 = security.max_double_spend_p;
    }
}
