//! Money and decisions, summed over a day, an epoch and the run: the
//! agents book them, the measures report them.

use bevy_ecs::prelude::*;

/// Money and decisions over a period (a day, an epoch, the run).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Flows {
    /// Mining revenue after pool fees, USD.
    pub revenue_mining_usd: f64,
    /// Lease income (net operating income), USD.
    pub revenue_ai_lease_usd: f64,
    /// GPU-cloud income after opex and power, USD.
    pub revenue_gpu_cloud_usd: f64,
    /// Sites sold to AI buyers, USD.
    pub site_sales_usd: f64,
    /// ASICs bought, USD.
    pub asic_capex_usd: f64,
    /// AI conversions paid for (conversion and GPUs), USD.
    pub ai_capex_usd: f64,
    /// Project loans drawn against AI contracts, USD.
    pub project_loans_usd: f64,
    /// Their principal repaid, USD.
    pub project_repaid_usd: f64,
    /// Gross MW of leases signed.
    pub leases_signed_mw: f64,
    /// Gross MW of own GPU clouds started.
    pub gpu_clouds_signed_mw: f64,
    /// Conversions started (lease or GPU cloud).
    pub conversions_started: u64,
    /// Conversions abandoned (after an AI shock).
    pub conversions_abandoned: u64,
    /// Sites sold to AI buyers (by choice or at auction).
    pub sites_sold: u64,
    /// Miners gone bankrupt.
    pub miners_exited: u64,
    /// New firms that entered (each building its first site).
    pub miners_entered: u64,
    /// Builds of new MW started.
    pub builds_started: u64,
    /// MW they will add.
    pub mw_started: f64,
    /// Their capex (before machines), USD.
    pub build_capex_usd: f64,
    /// Second-hand machines bought, EH/s.
    pub used_bought_ehs: f64,
    /// What they cost, USD.
    pub used_bought_usd: f64,
    /// Second-hand machines nobody bought, scrapped, EH/s.
    pub scrapped_ehs: f64,
}

/// [`Flows`] of the current day, the current epoch and the whole run.
#[derive(Resource, Clone, Debug, Default)]
pub struct Ledger {
    /// Today so far.
    pub day: Flows,
    /// The current epoch so far.
    pub epoch: Flows,
    /// The run so far.
    pub run: Flows,
}

impl Ledger {
    /// Records the same flow in every period.
    pub fn add(&mut self, f: impl Fn(&mut Flows)) {
        f(&mut self.day);
        f(&mut self.epoch);
        f(&mut self.run);
    }
}
