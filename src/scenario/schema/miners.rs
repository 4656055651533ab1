//! Pools and the miners a scenario names one by one, with their sites and
//! fleets.

use serde::{Deserialize, Serialize};

use crate::agents::Belief;

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
    /// How it forecasts; `strategy.named_belief` when absent.
    #[serde(default)]
    pub belief: Option<Belief>,
    /// Its hurdle rate (discount rate of its decisions) per year;
    /// `strategy.hurdle_rate_per_year` when absent.
    #[serde(default)]
    pub hurdle_rate_per_year: Option<f64>,
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
