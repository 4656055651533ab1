//! The scenario file format: what a user writes in RON. Every section that
//! a file leaves out is taken from the shipped baseline, and every field
//! that a section leaves out takes the default documented on it, so a file
//! that sets only `name` runs the baseline. Unknown fields are errors.
//!
//! Units are in the field names. These types are the raw, unchecked form;
//! [`crate::scenario::Scenario`] is the validated one.

use serde::{Deserialize, Serialize};

use crate::consensus::DifficultyAlgorithmKind;

use super::shipped;

/// A scenario as written in a `.ron` file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Names the run directory: letters, digits, `-`, `_` and `.` only.
    pub name: String,
    /// One line saying what the scenario is for.
    #[serde(default)]
    pub description: String,
    /// Seed of every random stream in the run (overridden by `--seed`).
    #[serde(default = "shipped::baseline_seed")]
    pub seed: u64,
    /// How long the run lasts, in days.
    #[serde(default = "shipped::baseline_duration_days")]
    pub duration_days: u32,
    /// Where the chain starts and which difficulty rule it follows.
    #[serde(default = "shipped::baseline_chain")]
    pub chain: ChainSpec,
    /// The BTC/USD price process.
    #[serde(default = "shipped::baseline_btc_price")]
    pub btc_price: BtcPriceSpec,
    /// Transaction fees paid to blocks.
    #[serde(default = "shipped::baseline_fees")]
    pub fees: FeeSpec,
    /// Mining pools; miners and the population refer to them by name.
    #[serde(default = "shipped::baseline_pools")]
    pub pools: Vec<PoolSpec>,
    /// Miners named one by one (the large public miners).
    #[serde(default = "shipped::baseline_miners")]
    pub miners: Vec<MinerSpec>,
    /// The long tail of miners, generated from distributions.
    #[serde(default = "shipped::baseline_population")]
    pub population: PopulationSpec,
    /// Scheduled events (by day of the run).
    #[serde(default)]
    pub events: Vec<EventSpec>,
    /// How security and concentration are measured.
    #[serde(default = "shipped::baseline_security")]
    pub security: SecuritySpec,
}

/// How security and concentration are measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecuritySpec {
    /// Share (percent) that a coalition must exceed to count in the
    /// Nakamoto coefficient.
    #[serde(default = "shipped::defaults::security_nakamoto_threshold_pct")]
    pub nakamoto_threshold_pct: f64,
    /// Days of blocks behind the daily block-share measures.
    #[serde(default = "shipped::defaults::security_block_window_days")]
    pub block_window_days: u32,
    /// Share of the network's hashrate a majority attacker holds.
    #[serde(default = "shipped::defaults::security_attack_share")]
    pub attack_share: f64,
    /// Share of the network's hashrate that can be rented.
    #[serde(default = "shipped::defaults::security_rentable_share")]
    pub rentable_share: f64,
    /// Rent over the hashprice, percent.
    #[serde(default = "shipped::defaults::security_rent_premium_pct")]
    pub rent_premium_pct: f64,
    /// Price of new ASICs, USD/TH.
    #[serde(default = "shipped::defaults::security_asic_usd_per_th")]
    pub asic_usd_per_th: f64,
    /// Efficiency of the newest ASICs, J/TH.
    #[serde(default = "shipped::defaults::security_frontier_efficiency_j_per_th")]
    pub frontier_efficiency_j_per_th: f64,
    /// The attacker's power price, USD/MWh.
    #[serde(default = "shipped::defaults::security_attacker_power_usd_per_mwh")]
    pub attacker_power_usd_per_mwh: f64,
    /// Share γ of honest miners that build on a selfish miner's block in a
    /// tie; the selfish-mining threshold is (1 − γ)/(3 − 2γ).
    #[serde(default = "shipped::defaults::security_selfish_mining_gamma")]
    pub selfish_mining_gamma: f64,
    /// Double-spend probability a merchant accepts, for the confirmations
    /// needed.
    #[serde(default = "shipped::defaults::security_max_double_spend_p")]
    pub max_double_spend_p: f64,
}

/// The chain at the start of the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainSpec {
    /// Height of the first block the run mines; a multiple of 2016 (the
    /// first block of an epoch) under the bitcoin rule.
    #[serde(default = "shipped::defaults::chain_start_height")]
    pub start_height: u64,
    /// Unix time (s) at which the run starts.
    #[serde(default = "shipped::defaults::chain_start_time_unix_s")]
    pub start_time_unix_s: i64,
    /// Compact bits of the first epoch (e.g. `0x1701e605`).
    #[serde(default = "shipped::defaults::chain_start_bits")]
    pub start_bits: u32,
    /// The difficulty rule: `Bitcoin` or `Fixed`.
    #[serde(default = "shipped::defaults::chain_difficulty_algorithm")]
    pub difficulty_algorithm: DifficultyAlgorithmKind,
}

/// The BTC/USD price.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BtcPriceSpec {
    /// Price on day 0, USD.
    #[serde(default = "shipped::defaults::btc_price_initial_usd")]
    pub initial_usd: f64,
    /// How the price moves from day to day.
    #[serde(default = "shipped::defaults::btc_price_model")]
    pub model: PriceModel,
    /// Multiply the price by `multiply_by` at the start of `day`.
    #[serde(default = "shipped::defaults::btc_price_shocks")]
    pub shocks: Vec<PriceShock>,
}

/// A daily price process.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum PriceModel {
    /// The price never moves (except by shocks).
    Constant,
    /// Geometric Brownian motion with annual drift and volatility.
    Gbm {
        /// Expected log-return per year, e.g. 0.1 for +10 %/year.
        drift_per_year: f64,
        /// Annualised volatility, e.g. 0.5.
        volatility_per_year: f64,
    },
}

/// A one-off move of the price.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceShock {
    /// Day of the run (0-based) on whose start the shock applies.
    pub day: u32,
    /// Factor applied to the price, e.g. 0.5 halves it.
    pub multiply_by: f64,
}

/// Fees paid to each block.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeSpec {
    /// Fees per block, BTC.
    #[serde(default = "shipped::defaults::fees_per_block_btc")]
    pub per_block_btc: f64,
}

/// A mining pool.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolSpec {
    /// Unique name.
    pub name: String,
    /// Fee the pool keeps from its miners' revenue, percent.
    #[serde(default)]
    pub fee_pct: f64,
    /// The pool whose block templates it mines, if not its own: both then
    /// count as one template builder.
    #[serde(default)]
    pub template_builder: Option<String>,
}

/// A miner named in the scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinerSpec {
    /// Unique name.
    pub name: String,
    /// The pool it mines with (a name from `pools`).
    pub pool: String,
    /// Cash on hand, USD.
    #[serde(default)]
    pub cash_usd: f64,
    /// Debt outstanding, USD.
    #[serde(default)]
    pub debt_usd: f64,
    /// Its sites.
    pub sites: Vec<SiteSpec>,
}

/// A mining site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSpec {
    /// Name, unique within the miner.
    pub name: String,
    /// Region (free text; events switch regions on and off).
    pub region: String,
    /// Grid connection, MW; the fleets' power may not exceed it.
    pub power_mw: f64,
    /// All-in power price, USD/MWh.
    pub power_price_usd_per_mwh: f64,
    /// Whether the site could host AI/HPC tenants.
    #[serde(default)]
    pub ai_eligible: bool,
    /// Machines on the site, one entry per ASIC generation.
    pub fleets: Vec<FleetSpec>,
}

/// Machines of one generation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetSpec {
    /// Hashrate, EH/s.
    pub hashrate_ehs: f64,
    /// Efficiency, J/TH.
    pub efficiency_j_per_th: f64,
}

/// The long tail of miners, generated per seed from distributions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationSpec {
    /// How many miners to generate (0 for none).
    #[serde(default = "shipped::defaults::population_miners")]
    pub miners: u32,
    /// Their total hashrate, EH/s.
    #[serde(default = "shipped::defaults::population_hashrate_ehs")]
    pub hashrate_ehs: f64,
    /// Log-normal σ of miner size; sizes are then scaled to `hashrate_ehs`.
    #[serde(default = "shipped::defaults::population_size_sigma")]
    pub size_sigma: f64,
    /// Median all-in power price, USD/MWh (log-normal).
    #[serde(default = "shipped::defaults::population_power_price_median_usd_per_mwh")]
    pub power_price_median_usd_per_mwh: f64,
    /// Log-normal σ of the power price.
    #[serde(default = "shipped::defaults::population_power_price_sigma")]
    pub power_price_sigma: f64,
    /// Grid connection over fleet power (≥ 1).
    #[serde(default = "shipped::defaults::population_power_headroom")]
    pub power_headroom: f64,
    /// Fleet generations; shares of hashrate sum to 1.
    #[serde(default = "shipped::defaults::population_fleet_mix")]
    pub fleet_mix: Vec<FleetShare>,
    /// Pools the tail mines with; shares sum to 1.
    #[serde(default = "shipped::defaults::population_pools")]
    pub pools: Vec<PoolShare>,
    /// Regions of the tail's sites; shares sum to 1.
    #[serde(default = "shipped::defaults::population_regions")]
    pub regions: Vec<RegionShare>,
    /// Share of the tail's sites that could host AI.
    #[serde(default = "shipped::defaults::population_ai_eligible_share")]
    pub ai_eligible_share: f64,
}

/// One fleet generation of the population.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetShare {
    /// Share of the population's hashrate.
    pub share: f64,
    /// Efficiency, J/TH.
    pub efficiency_j_per_th: f64,
    /// Median power price of the sites running this generation, USD/MWh
    /// (older machines survive only where power is cheap); the population's
    /// median when absent.
    #[serde(default)]
    pub power_price_median_usd_per_mwh: Option<f64>,
}

/// A pool's share of the population's hashrate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolShare {
    /// A name from `pools`.
    pub pool: String,
    /// Share of the population's hashrate.
    pub share: f64,
}

/// A region's share of the population's hashrate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionShare {
    /// Region name.
    pub region: String,
    /// Share of the population's hashrate.
    pub share: f64,
}

/// Something that happens on a given day of the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    /// Day of the run (0-based) on whose start it happens.
    pub day: u32,
    /// What happens.
    pub event: Event,
}

/// The kinds of scheduled event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Event {
    /// Every site in the region stops (a ban, a grid failure).
    RegionOffline {
        /// Region name, as the sites give it.
        region: String,
    },
    /// The region's sites may mine again.
    RegionOnline {
        /// Region name, as the sites give it.
        region: String,
    },
}
