//! The AI/HPC market: converting or selling sites, leasing halls, running
//! an own GPU cloud.

use serde::{Deserialize, Serialize};

use super::defaults;

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
