//! The scenario file format: what a user writes in RON. Every section that
//! a file leaves out is taken from the shipped baseline, and every field
//! that a section leaves out takes the default documented on it, so a file
//! that sets only `name` runs the baseline. Unknown fields are errors.
//!
//! Units are in the field names. These types are the raw, unchecked form;
//! [`crate::scenario::Scenario`] is the validated one, and
//! [`crate::scenario::resolve`] turns its sections into the parameter types
//! the market, the agents and the measures own.

use serde::{Deserialize, Serialize};

pub use crate::agents::Belief;
use crate::consensus::DifficultyAlgorithmKind;
pub use crate::market::price::Regime;

use ron::extensions::Extensions;

mod ai;
mod defaults;
mod events;
mod miners;

pub use ai::{AiSpec, GpuPricePoint, GpuSpec};
pub use defaults::baseline;
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

/// The RON dialect of scenario files: `Some` may be left out.
pub fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME)
        .with_recursion_limit(64)
}
