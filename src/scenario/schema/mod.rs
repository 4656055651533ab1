//! The scenario file format: what a user writes in RON. Every section that
//! a file leaves out is taken from the shipped baseline, and every field
//! that a section leaves out takes the default documented on it, so a file
//! that sets only `name` runs the baseline. Unknown fields are errors.
//!
//! Units are in the field names. These types are the raw, unchecked form;
//! [`crate::scenario::Scenario`] is the validated one, and
//! [`crate::scenario::resolve`] turns its sections into the parameter types
//! the market, the agents and the measures own.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use crate::agents::Belief;
use crate::consensus::DifficultyAlgorithmKind;
pub use crate::market::price::Regime;

use ron::extensions::Extensions;

use super::shipped;

mod events;
mod miners;

pub use events::{Event, EventSpec};
pub use miners::{FleetSpec, MinerSpec, PoolSpec, SiteSpec};

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
    #[serde(default = "defaults::seed")]
    pub seed: u64,
    /// How long the run lasts, in days.
    #[serde(default = "defaults::duration_days")]
    pub duration_days: u32,
    /// Where the chain starts and which difficulty rule it follows.
    #[serde(default = "defaults::chain")]
    pub chain: ChainSpec,
    /// The BTC/USD price process.
    #[serde(default = "defaults::btc_price")]
    pub btc_price: BtcPriceSpec,
    /// Transaction fees paid to blocks.
    #[serde(default = "defaults::fees")]
    pub fees: FeeSpec,
    /// Mining pools; miners and the population refer to them by name.
    #[serde(default = "defaults::pools")]
    pub pools: Vec<PoolSpec>,
    /// Miners named one by one (the large public miners).
    #[serde(default = "defaults::miners")]
    pub miners: Vec<MinerSpec>,
    /// The long tail of miners, generated from distributions.
    #[serde(default = "defaults::population")]
    pub population: PopulationSpec,
    /// Scheduled events (by day of the run).
    #[serde(default)]
    pub events: Vec<EventSpec>,
    /// What is already under way at the start: MW being built and
    /// machines on order, each entry spread over every site in proportion
    /// to its MW.
    #[serde(default)]
    pub pipeline: Vec<PipelineSpec>,
    /// How security and concentration are measured.
    #[serde(default = "defaults::security")]
    pub security: SecuritySpec,
    /// Power costs beyond each site's price: other opex, regional drift,
    /// AI competition for power.
    #[serde(default = "defaults::power")]
    pub power: PowerSpec,
    /// How miners decide: beliefs, hurdle rates, financing, distress.
    #[serde(default = "defaults::strategy")]
    pub strategy: StrategySpec,
    /// The ASIC market: prices, the efficiency frontier, delivery, life.
    #[serde(default = "defaults::asics")]
    pub asics: AsicSpec,
    /// The AI/HPC market: tenants, leases, GPU cloud, site buyers.
    #[serde(default = "defaults::ai")]
    pub ai: AiSpec,
    /// Also run the same seed with the AI option disabled and report the
    /// hashrate decline against it (as `--counterfactual` does).
    #[serde(default)]
    pub counterfactual: bool,
}

/// How security and concentration are measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecuritySpec {
    /// Share (percent) that a coalition must exceed to count in the
    /// Nakamoto coefficient.
    #[serde(default = "defaults::security_nakamoto_threshold_pct")]
    pub nakamoto_threshold_pct: f64,
    /// Days of blocks behind the daily block-share measures.
    #[serde(default = "defaults::security_block_window_days")]
    pub block_window_days: u32,
    /// Share of the network's hashrate a majority attacker holds.
    #[serde(default = "defaults::security_attack_share")]
    pub attack_share: f64,
    /// Share of the network's hashrate that can be rented.
    #[serde(default = "defaults::security_rentable_share")]
    pub rentable_share: f64,
    /// Rent over the hashprice, percent.
    #[serde(default = "defaults::security_rent_premium_pct")]
    pub rent_premium_pct: f64,
    /// The attacker's power price, USD/MWh.
    #[serde(default = "defaults::security_attacker_power_usd_per_mwh")]
    pub attacker_power_usd_per_mwh: f64,
    /// Share γ of honest miners that build on a selfish miner's block in a
    /// tie; the selfish-mining threshold is (1 − γ)/(3 − 2γ).
    #[serde(default = "defaults::security_selfish_mining_gamma")]
    pub selfish_mining_gamma: f64,
    /// Double-spend probability a merchant accepts, for the confirmations
    /// needed.
    #[serde(default = "defaults::security_max_double_spend_p")]
    pub max_double_spend_p: f64,
}

/// The chain at the start of the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainSpec {
    /// Height of the first block the run mines; a multiple of 2016 (the
    /// first block of an epoch) under the bitcoin rule.
    #[serde(default = "defaults::chain_start_height")]
    pub start_height: u64,
    /// Unix time (s) at which the run starts.
    #[serde(default = "defaults::chain_start_time_unix_s")]
    pub start_time_unix_s: i64,
    /// Compact bits of the first epoch (e.g. `0x1701e605`).
    #[serde(default = "defaults::chain_start_bits")]
    pub start_bits: u32,
    /// The difficulty rule: `Bitcoin`, `Asert(half_life_s, …)`, `Cw144`,
    /// `Lwma(window)` or `Fixed`.
    #[serde(default = "defaults::chain_difficulty_algorithm")]
    pub difficulty_algorithm: DifficultyAlgorithmKind,
}

/// The BTC/USD price.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BtcPriceSpec {
    /// Price on day 0, USD.
    #[serde(default = "defaults::btc_price_initial_usd")]
    pub initial_usd: f64,
    /// How the price moves from day to day.
    #[serde(default = "defaults::btc_price_model")]
    pub model: PriceModel,
    /// Multiply the price by `multiply_by` at the start of `day`.
    #[serde(default = "defaults::btc_price_shocks")]
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
    /// GBM whose drift and volatility switch between regimes (a Markov
    /// chain: each day a regime ends with probability 1/mean_days and the
    /// next one in the list begins, wrapping round). Starts in the first.
    RegimeSwitching {
        /// The regimes, in the order they follow each other.
        regimes: Vec<Regime>,
    },
    /// A daily path read from a CSV file with a header `date,usd` and one
    /// row per day (`YYYY-MM-DD`), from the run's start date on, without
    /// gaps. The path is relative to the scenario file. `initial_usd` is
    /// ignored; shocks still apply.
    Path {
        /// The CSV file.
        csv: String,
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
    /// `Mempool` (a fee market) or `Fixed` (`per_block_btc` on every block).
    #[serde(default = "defaults::fees_model")]
    pub model: FeeModel,
    /// Fees per block under the `Fixed` model, BTC.
    #[serde(default = "defaults::fees_per_block_btc")]
    pub per_block_btc: f64,
    /// The fee market under the `Mempool` model.
    #[serde(default = "defaults::fees_mempool")]
    pub mempool: MempoolSpec,
}

/// How blocks are paid fees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FeeModel {
    /// The same fees on every block.
    Fixed,
    /// A mempool of fee-rate buckets that blocks empty from the top.
    Mempool,
}

/// A mempool: transactions arrive at a rate with a log-normal fee-rate
/// distribution; each block takes the highest fee rates up to its size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MempoolSpec {
    /// Transactions arriving, vbytes per second (a block every 600 s
    /// clears 1,666.7 vB/s).
    #[serde(default = "defaults::mempool_demand_vbytes_per_s")]
    pub demand_vbytes_per_s: f64,
    /// Growth of that demand per year (0.05 = +5 %/year, compounding).
    #[serde(default = "defaults::mempool_demand_growth_per_year")]
    pub demand_growth_per_year: f64,
    /// Median fee rate offered, sat/vB.
    #[serde(default = "defaults::mempool_fee_rate_median_sat_per_vb")]
    pub fee_rate_median_sat_per_vb: f64,
    /// Log-normal σ of the fee rate.
    #[serde(default = "defaults::mempool_fee_rate_sigma")]
    pub fee_rate_sigma: f64,
    /// Block capacity, vbytes (weight limit / 4).
    #[serde(default = "defaults::mempool_block_vbytes")]
    pub block_vbytes: f64,
    /// Mempool size cap, vbytes: beyond it the cheapest are evicted.
    #[serde(default = "defaults::mempool_max_vbytes")]
    pub max_vbytes: f64,
}

/// The long tail of miners, generated per seed from distributions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationSpec {
    /// How many miners to generate (0 for none).
    #[serde(default = "defaults::population_miners")]
    pub miners: u64,
    /// Their total hashrate, EH/s: installed, or mining at the start, as
    /// `hashrate_basis` says.
    #[serde(default = "defaults::population_hashrate_ehs")]
    pub hashrate_ehs: f64,
    /// What `hashrate_ehs` counts: every machine installed, or the machines
    /// that mine at a stated hashprice (network hashrate estimates are of
    /// the latter: they are read from the block rate on a date whose
    /// hashprice is known).
    #[serde(default = "defaults::population_hashrate_basis")]
    pub hashrate_basis: HashrateBasis,
    /// Log-normal σ of miner size; sizes are then scaled to `hashrate_ehs`.
    #[serde(default = "defaults::population_size_sigma")]
    pub size_sigma: f64,
    /// Median all-in power price, USD/MWh (log-normal).
    #[serde(default = "defaults::population_power_price_median_usd_per_mwh")]
    pub power_price_median_usd_per_mwh: f64,
    /// Log-normal σ of the power price.
    #[serde(default = "defaults::population_power_price_sigma")]
    pub power_price_sigma: f64,
    /// Grid connection over fleet power (≥ 1).
    #[serde(default = "defaults::population_power_headroom")]
    pub power_headroom: f64,
    /// Fleet generations; shares of hashrate sum to 1.
    #[serde(default = "defaults::population_fleet_mix")]
    pub fleet_mix: Vec<FleetShare>,
    /// Pools the tail mines with; shares sum to 1.
    #[serde(default = "defaults::population_pools")]
    pub pools: Vec<PoolShare>,
    /// Regions of the tail's sites; shares sum to 1.
    #[serde(default = "defaults::population_regions")]
    pub regions: Vec<RegionShare>,
    /// Share of the tail's sites that could host AI.
    #[serde(default = "defaults::population_ai_eligible_share")]
    pub ai_eligible_share: f64,
}

/// What a population's `hashrate_ehs` counts.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum HashrateBasis {
    /// Every machine generated, whether its draw pays or not.
    Installed,
    /// The machines that mine when hashprice is `hashprice_usd_per_ph_day`
    /// (the hashprice of the date the hashrate was estimated): the
    /// generator scales the tail so that what would mine at that hashprice
    /// (each draw deciding as the daily pass does, at its power price and
    /// pool fee, a fleet switched off running its take-or-pay share) is
    /// `hashrate_ehs`. The draws that would not pay are installed on top.
    /// The installed network therefore does not depend on the run's own
    /// start price, so a sweep over that price meets the same machines.
    Mining {
        /// USD per PH/s per day, before pool fees.
        hashprice_usd_per_ph_day: f64,
    },
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

/// Power costs beyond each site's own price.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PowerSpec {
    /// Cash opex other than electricity, USD per MWh drawn.
    #[serde(default = "defaults::power_other_opex_usd_per_mwh")]
    pub other_opex_usd_per_mwh: f64,
    /// Drift of power prices per year (0.02 = +2 %/year), for every region
    /// not listed in `regions`.
    #[serde(default = "defaults::power_drift_per_year")]
    pub drift_per_year: f64,
    /// Regions whose prices drift differently.
    #[serde(default = "defaults::power_regions")]
    pub regions: Vec<RegionPower>,
    /// How much AI load bids up a region's power: the price rises by this
    /// fraction per GW of AI (leased and GPU cloud) in the region.
    #[serde(default = "defaults::power_ai_price_pressure_per_gw")]
    pub ai_price_pressure_per_gw: f64,
    /// Share of every fleet's power bought take-or-pay (paid for whether
    /// it is drawn or not): that share of a curtailed fleet still runs,
    /// since its power costs nothing more to use.
    #[serde(default = "defaults::power_take_or_pay_share")]
    pub take_or_pay_share: f64,
}

/// A region's own power-price drift.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionPower {
    /// Region name.
    pub region: String,
    /// Drift of its prices per year.
    pub drift_per_year: f64,
}

/// A belief's share of the generated population.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BeliefShare {
    /// The belief.
    pub belief: Belief,
    /// Share of the population's miners.
    pub share: f64,
}

/// How miners decide, and how they are financed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategySpec {
    /// Beliefs of the generated miners; shares sum to 1.
    #[serde(default = "defaults::strategy_beliefs")]
    pub beliefs: Vec<BeliefShare>,
    /// Belief of named miners that do not state one.
    #[serde(default = "defaults::strategy_named_belief")]
    pub named_belief: Belief,
    /// Memory of adaptive forecasts, days (exponential moving average).
    #[serde(default = "defaults::strategy_memory_days")]
    pub memory_days: f64,
    /// Growth of difficulty that halving-aware miners expect, per year.
    #[serde(default = "defaults::strategy_difficulty_growth_per_year")]
    pub difficulty_growth_per_year: f64,
    /// Median hurdle rate per year: the discount rate of every decision.
    #[serde(default = "defaults::strategy_hurdle_rate_per_year")]
    pub hurdle_rate_per_year: f64,
    /// Spread of the generated miners' hurdle rates: each draws uniformly
    /// within ± this of the median.
    #[serde(default = "defaults::strategy_hurdle_rate_spread")]
    pub hurdle_rate_spread: f64,
    /// Hysteresis: an irreversible switch must beat carrying on by this
    /// share of its capex (or of the sale price) before it is taken.
    #[serde(default = "defaults::strategy_hysteresis_share")]
    pub hysteresis_share: f64,
    /// Whether miners buy machines: new ones for free MW and to renew
    /// their worst fleets, second-hand ones for free MW (and, with
    /// `build`, new MW). Off, the fleet only shrinks.
    #[serde(default = "defaults::strategy_growth")]
    pub growth: bool,
    /// Cash a miner keeps before buying machines, USD per MW it owns.
    #[serde(default = "defaults::strategy_cash_reserve_usd_per_mw")]
    pub cash_reserve_usd_per_mw: f64,
    /// Starting cash of generated miners, USD per MW of their sites.
    #[serde(default = "defaults::strategy_tail_cash_usd_per_mw")]
    pub tail_cash_usd_per_mw: f64,
    /// Interest on debt per year (interest only; principal is not repaid).
    #[serde(default = "defaults::strategy_interest_rate_per_year")]
    pub interest_rate_per_year: f64,
    /// Share of a lease's capex that must come from cash; the rest is a
    /// project loan against the signed lease, repaid over its term.
    #[serde(default = "defaults::strategy_ai_equity_share")]
    pub ai_equity_share: f64,
    /// Credit line, USD per MW owned: cash may go this far below zero.
    #[serde(default = "defaults::strategy_credit_line_usd_per_mw")]
    pub credit_line_usd_per_mw: f64,
    /// Days below the credit line before a miner is bankrupt and its sites
    /// are auctioned.
    #[serde(default = "defaults::strategy_distress_days")]
    pub distress_days: u32,
    /// Days a fleet may stay curtailed (net of the days it mines) before
    /// its owner retires it.
    #[serde(default = "defaults::strategy_retire_after_days")]
    pub retire_after_days: u32,
    /// Days an on/off decision holds: each site reconsiders its fleets
    /// once in this many days (sites take turns), judging them on the
    /// hashprice expected over the span, the projected retarget included.
    #[serde(default = "defaults::strategy_commit_days")]
    pub commit_days: u32,
    /// Days curtailed (net of days mined) before a fleet is mothballed:
    /// taken down, it restarts only when the moving average of hashprice
    /// pays for its power as well as the commitment ahead does.
    #[serde(default = "defaults::strategy_mothball_after_days")]
    pub mothball_after_days: u32,
    /// Whether miners build new MW (with `growth` on): once an epoch, each
    /// miner with no build under way considers doubling its largest site.
    #[serde(default = "defaults::strategy_build")]
    pub build: bool,
    /// Capex of a MW of new mining site before machines (substation,
    /// buildings, cooling), USD.
    #[serde(default = "defaults::strategy_build_usd_per_mw")]
    pub build_usd_per_mw: f64,
    /// Days from the decision to build to the MW being energised.
    #[serde(default = "defaults::strategy_build_lead_days")]
    pub build_lead_days: u32,
    /// Share of growth's capex (new MW and the machines bought for it or
    /// for free MW and renewals) paid from cash; the rest is borrowed.
    #[serde(default = "defaults::strategy_growth_equity_share")]
    pub growth_equity_share: f64,
    /// Days machines offered second hand wait for a buyer before they are
    /// scrapped.
    #[serde(default = "defaults::strategy_used_listing_days")]
    pub used_listing_days: u32,
    /// MW of new sites that new firms consider a year (with `growth` and
    /// `build` on): prospects arrive in sites of `entrant_site_mw`, each
    /// with a power price, region and pool drawn as the population's, and
    /// a firm enters when the site pays as a miner's own build would.
    #[serde(default = "defaults::strategy_entrant_mw_per_year")]
    pub entrant_mw_per_year: f64,
    /// MW of an entrant's site.
    #[serde(default = "defaults::strategy_entrant_site_mw")]
    pub entrant_site_mw: f64,
}

/// MW being built and machines on order at the start of a run, arriving
/// on one day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineSpec {
    /// Day of the run they arrive (the MW is energised, the machines
    /// start hashing).
    pub day: u32,
    /// MW of grid connection energised that day (0: the machines go into
    /// the MW sites already have, renewing their worst machines).
    #[serde(default)]
    pub power_mw: f64,
    /// Hashrate of the machines delivered that day, EH/s.
    pub hashrate_ehs: f64,
    /// Their efficiency, J/TH.
    pub efficiency_j_per_th: f64,
}

/// The ASIC market.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AsicSpec {
    /// Price of frontier machines at the reference hashprice, USD/TH.
    #[serde(default = "defaults::asics_usd_per_th")]
    pub usd_per_th: f64,
    /// The hashprice at which `usd_per_th` holds, USD/PH/day; the price
    /// moves in proportion to hashprice.
    #[serde(default = "defaults::asics_reference_hashprice_usd_per_ph_day")]
    pub reference_hashprice_usd_per_ph_day: f64,
    /// Efficiency of the newest machines on day 0, J/TH.
    #[serde(default = "defaults::asics_frontier_j_per_th")]
    pub frontier_j_per_th: f64,
    /// Fall of the frontier's J/TH per year (0.1 = −10 %/year).
    #[serde(default = "defaults::asics_frontier_decline_per_year")]
    pub frontier_decline_per_year: f64,
    /// The engineering floor the frontier approaches, J/TH: each year it
    /// closes `frontier_decline_per_year` of the gap to it.
    #[serde(default = "defaults::asics_frontier_floor_j_per_th")]
    pub frontier_floor_j_per_th: f64,
    /// Days from order to hashing when the manufacturers have no backlog
    /// (the shortest delivery).
    #[serde(default = "defaults::asics_delivery_days")]
    pub delivery_days: u32,
    /// What the manufacturers make, EH/s a year. Orders join one order
    /// book and are made in turn, so an order waits for the ones before
    /// it; while the book is long, machines cost more (× 1 + the backlog
    /// in years).
    #[serde(default = "defaults::asics_supply_ehs_per_year")]
    pub supply_ehs_per_year: f64,
    /// Years a machine is expected to earn (the horizon of a purchase).
    #[serde(default = "defaults::asics_life_years")]
    pub life_years: f64,
}

/// The AI/HPC market and the conversion options it offers miners.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AiSpec {
    /// Whether miners may convert or sell sites to AI at all (`false` is
    /// the counterfactual).
    #[serde(default = "defaults::ai_enabled")]
    pub enabled: bool,
    /// Critical IT MW per gross MW of a converted site.
    #[serde(default = "defaults::ai_critical_it_share")]
    pub critical_it_share: f64,
    /// Tenants waiting for miners' sites on day 0, critical MW.
    #[serde(default = "defaults::ai_tenant_backlog_mw")]
    pub tenant_backlog_mw: f64,
    /// New tenant demand for miners' sites, critical MW per quarter: the
    /// deal flow (every lease signed and site sold takes from it).
    #[serde(default = "defaults::ai_deals_mw_per_quarter")]
    pub deals_mw_per_quarter: f64,
    /// Growth of the deal flow per year.
    #[serde(default = "defaults::ai_deal_growth_per_year")]
    pub deal_growth_per_year: f64,
    /// Mean days a waiting tenant stays before building elsewhere.
    #[serde(default = "defaults::ai_tenant_patience_days")]
    pub tenant_patience_days: f64,
    /// Lease rate on day 0 with one quarter's demand waiting, USD per
    /// critical kW per month.
    #[serde(default = "defaults::ai_lease_usd_per_kw_month")]
    pub lease_usd_per_kw_month: f64,
    /// Trend of the lease rate and of its ceiling per year.
    #[serde(default = "defaults::ai_lease_growth_per_year")]
    pub lease_growth_per_year: f64,
    /// How the rate responds to the backlog: it scales as ((backlog + a
    /// quarter's arrivals) / (2 × a quarter's arrivals)) to this power.
    #[serde(default = "defaults::ai_lease_elasticity")]
    pub lease_elasticity: f64,
    /// The most tenants pay, what building elsewhere costs them, USD per
    /// critical kW-month on day 0 (on the lease rate's trend).
    #[serde(default = "defaults::ai_tenant_ceiling_usd_per_kw_month")]
    pub tenant_ceiling_usd_per_kw_month: f64,
    /// Net operating income over lease revenue.
    #[serde(default = "defaults::ai_noi_margin")]
    pub noi_margin: f64,
    /// Conversion capex, USD per critical MW (excluding GPUs).
    #[serde(default = "defaults::ai_conversion_capex_usd_per_critical_mw")]
    pub conversion_capex_usd_per_critical_mw: f64,
    /// Days from the decision to the first rent, earning nothing.
    #[serde(default = "defaults::ai_lead_time_days")]
    pub lead_time_days: u32,
    /// Lease term, years: the MW cannot return to mining before it ends.
    #[serde(default = "defaults::ai_lease_term_years")]
    pub lease_term_years: f64,
    /// Years a converted hall serves: when a contract ends, what is left
    /// of it is worth its share of the conversion capex, and the site's
    /// next AI project on those MW pays no conversion again.
    #[serde(default = "defaults::ai_shell_life_years")]
    pub shell_life_years: f64,
    /// Most gross MW converted per site per review (staged conversion).
    #[serde(default = "defaults::ai_stage_mw")]
    pub stage_mw: f64,
    /// An AI buyer's (data-center developer's) cost of capital per year:
    /// it offers for a site the lease it would sign, discounted at this
    /// rate, less the conversion capex.
    #[serde(default = "defaults::ai_buyer_rate_per_year")]
    pub buyer_rate_per_year: f64,
    /// A fixed offer for an eligible site instead of the market's, USD per
    /// W of grid connection (`None`: the market price).
    #[serde(default)]
    pub sale_usd_per_w: Option<f64>,
    /// The own-GPU-cloud option.
    #[serde(default = "defaults::ai_gpu")]
    pub gpu: GpuSpec,
}

/// Running an own GPU cloud.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GpuSpec {
    /// Whether miners consider it.
    #[serde(default = "defaults::gpu_enabled")]
    pub enabled: bool,
    /// Rental price on day 0, USD per GPU-hour.
    #[serde(default = "defaults::gpu_usd_per_hour")]
    pub usd_per_hour: f64,
    /// Later prices, by day: `[(day: 80, usd_per_hour: 2.35)]`; linear
    /// between day 0's price and each point in turn.
    #[serde(default = "defaults::gpu_price_path")]
    pub price_path: Vec<GpuPricePoint>,
    /// Drift of the rental price per year after the path's last day
    /// (−0.2 = −20 %/year).
    #[serde(default = "defaults::gpu_drift_per_year")]
    pub drift_per_year: f64,
    /// GPUs per critical MW.
    #[serde(default = "defaults::gpu_gpus_per_critical_mw")]
    pub gpus_per_critical_mw: f64,
    /// Share of GPU-hours rented.
    #[serde(default = "defaults::gpu_utilisation")]
    pub utilisation: f64,
    /// GPU capex, USD per critical MW (on top of conversion).
    #[serde(default = "defaults::gpu_capex_usd_per_critical_mw")]
    pub capex_usd_per_critical_mw: f64,
    /// Operating cost other than power, share of revenue.
    #[serde(default = "defaults::gpu_opex_share")]
    pub opex_share: f64,
    /// Contract term, years: the price is fixed at signing for it.
    #[serde(default = "defaults::gpu_term_years")]
    pub term_years: f64,
    /// Days from the decision to the first GPU-hour sold.
    #[serde(default = "defaults::gpu_lead_time_days")]
    pub lead_time_days: u32,
    /// Share of the capex left after the customer's prepayment paid from
    /// cash; the rest is borrowed against the contract.
    #[serde(default = "defaults::gpu_equity_share")]
    pub equity_share: f64,
    /// Share of the contract's revenue (GPU-hours rented over the term at
    /// the price signed) the customer pays at signing; it funds the capex
    /// first and is worked off in equal daily parts of the revenue over
    /// the term.
    #[serde(default = "defaults::gpu_prepayment_share")]
    pub prepayment_share: f64,
}

/// A point of the GPU rental price's path.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GpuPricePoint {
    /// Day of the run.
    pub day: u32,
    /// Price on that day, USD per GPU-hour.
    pub usd_per_hour: f64,
}

/// The RON dialect of scenario files: `Some` may be left out.
pub fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME)
        .with_recursion_limit(64)
}

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

/// The defaults of every section and field: the baseline's values.
mod defaults {
    use super::*;

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
}
