//! The AI/HPC market miners face: tenant demand for miners' sites (critical
//! MW), the lease rate it pays, the GPU rental price, and scheduled shocks.
//!
//! Demand grows linearly from its day-0 level; the lease rate follows its
//! trend and scales with how much demand is still unmet, as (unmet MW /
//! day-0 demand)^elasticity within ×0.5–×2: a market that fills up pays
//! less, one that runs ahead of supply pays more.
//!
//! ```
//! use hashflight::market::ai::AiMarket;
//! use hashflight::scenario::Scenario;
//! let s = Scenario::load("baseline", &[]).unwrap();
//! let mut m = AiMarket::new(&s.spec().ai);
//! m.update(0, 0.0);
//! assert_eq!(m.lease_usd_per_kw_month(), 150.0);
//! // Once miners supply all the demand, rates fall to half.
//! m.update(0, 1000.0);
//! assert_eq!(m.lease_usd_per_kw_month(), 75.0);
//! ```

use crate::scenario::schema::AiSpec;
use crate::units::DAYS_PER_YEAR;

/// The AI market of a run.
#[derive(Clone, Debug)]
pub struct AiMarket {
    spec: AiSpec,
    demand_factor: f64,
    lease_factor: f64,
    gpu_factor: f64,
    demand_mw: f64,
    unmet_mw: f64,
    lease: f64,
    gpu: f64,
}

impl AiMarket {
    /// The market on day 0 (call [`AiMarket::update`] before reading it).
    pub fn new(spec: &AiSpec) -> Self {
        Self {
            spec: spec.clone(),
            demand_factor: 1.0,
            lease_factor: 1.0,
            gpu_factor: 1.0,
            demand_mw: spec.tenant_demand_mw,
            unmet_mw: spec.tenant_demand_mw,
            lease: spec.lease_usd_per_kw_month,
            gpu: spec.gpu.usd_per_hour,
        }
    }

    /// The scenario's AI settings.
    pub fn spec(&self) -> &AiSpec {
        &self.spec
    }

    /// Whether miners may pivot to AI at all.
    pub fn enabled(&self) -> bool {
        self.spec.enabled
    }

    /// Moves the market to `day`, with `filled_mw` critical MW already
    /// leased, being converted for tenants, or sold to AI buyers.
    pub fn update(&mut self, day: u32, filled_mw: f64) {
        let years = day as f64 / DAYS_PER_YEAR;
        self.demand_mw = ((self.spec.tenant_demand_mw
            + self.spec.demand_growth_mw_per_year * years)
            * self.demand_factor)
            .max(0.0);
        self.unmet_mw = (self.demand_mw - filled_mw).max(0.0);
        let scarcity = if self.spec.tenant_demand_mw > 0.0 {
            (self.unmet_mw / self.spec.tenant_demand_mw)
                .powf(self.spec.lease_elasticity)
                .clamp(0.5, 2.0)
        } else {
            1.0
        };
        self.lease = self.spec.lease_usd_per_kw_month
            * (1.0 + self.spec.lease_growth_per_year).powf(years)
            * self.lease_factor
            * scarcity;
        self.gpu = self.spec.gpu.usd_per_hour
            * (1.0 + self.spec.gpu.drift_per_year).powf(years)
            * self.gpu_factor;
    }

    /// A shock: demand, lease rate and GPU price multiplied from now on.
    pub fn shock(&mut self, demand_by: f64, lease_by: f64, gpu_by: f64) {
        self.demand_factor *= demand_by;
        self.lease_factor *= lease_by;
        self.gpu_factor *= gpu_by;
    }

    /// Tenant demand for miners' sites, critical MW.
    pub fn tenant_demand_mw(&self) -> f64 {
        self.demand_mw
    }

    /// Demand not yet supplied, critical MW.
    pub fn unmet_mw(&self) -> f64 {
        self.unmet_mw
    }

    /// Takes `mw` critical MW of the unmet demand (a lease signed, a site
    /// sold) until the next update.
    pub fn take(&mut self, mw: f64) {
        self.unmet_mw = (self.unmet_mw - mw).max(0.0);
    }

    /// Lease rate a new contract signs at, USD per critical kW-month.
    pub fn lease_usd_per_kw_month(&self) -> f64 {
        self.lease
    }

    /// GPU rental price, USD per GPU-hour.
    pub fn gpu_usd_per_hour(&self) -> f64 {
        self.gpu
    }

    /// The GPU price expected `years` from now (the drift continues).
    pub fn gpu_usd_per_hour_in(&self, years: f64) -> f64 {
        self.gpu * (1.0 + self.spec.gpu.drift_per_year).powf(years)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demand_grows_and_shocks_cut_it() {
        let spec = crate::scenario::shipped::baseline().ai.clone();
        let mut m = AiMarket::new(&spec);
        m.update(365 * 4 + 1, 0.0);
        let grown = spec.tenant_demand_mw + 4.0 * spec.demand_growth_mw_per_year;
        assert!((m.tenant_demand_mw() - grown).abs() < 1.0);
        // Unmet demand is above day 0's: rates rise, capped at ×2 of trend.
        assert!(m.lease_usd_per_kw_month() > spec.lease_usd_per_kw_month);
        m.shock(0.5, 0.7, 0.6);
        let gpu_before = m.gpu_usd_per_hour();
        m.update(365 * 4 + 1, 0.0);
        assert!((m.tenant_demand_mw() - grown * 0.5).abs() < 1.0);
        assert!((m.gpu_usd_per_hour() / gpu_before - 0.6).abs() < 1e-9);
    }
}
