//! The agents: miners (firms), their sites and fleets, and the pools they
//! mine with, as ECS components; and the decisions they take, as systems.
//!
//! A miner owns sites ([`Site::miner`]); a site holds fleets, one per ASIC
//! generation ([`Fleet::site`]). Components are plain data; behaviour lives
//! in [`decisions`]. [`population`] builds them from a scenario.
//!
//! ```
//! use hashflight::agents::breakeven_hashprice_usd_per_ph_day;
//! // An S21 (17.5 J/TH) at $45/MWh needs $18.90 per PH/s per day.
//! assert!((breakeven_hashprice_usd_per_ph_day(17.5, 45.0) - 18.9).abs() < 1e-9);
//! ```

use bevy_ecs::prelude::*;

pub mod decisions;
pub mod population;

/// A mining firm.
#[derive(Component, Clone, Debug)]
pub struct Miner {
    /// Dense index of the miner (named miners first, then the population).
    pub id: u32,
    /// Index of its pool in the scenario's pool list.
    pub pool: u16,
    /// Cash on hand, USD.
    pub cash_usd: f64,
    /// Debt outstanding, USD.
    pub debt_usd: f64,
}

/// A site: a grid connection with a power price, in a region.
#[derive(Component, Clone, Debug)]
pub struct Site {
    /// The miner that owns it.
    pub miner: Entity,
    /// Grid connection, MW.
    pub power_mw: f64,
    /// All-in power price, USD/MWh.
    pub power_price_usd_per_mwh: f64,
    /// Index into [`Regions`].
    pub region: u16,
    /// Whether it could host AI/HPC tenants.
    pub ai_eligible: bool,
}

/// What a fleet is doing today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FleetState {
    /// Hashing.
    Mining,
    /// Switched off by its owner because it loses money.
    Curtailed,
    /// Switched off from outside (its region is offline).
    Offline,
}

/// Machines of one ASIC generation on a site.
#[derive(Component, Clone, Debug)]
pub struct Fleet {
    /// The site it stands on.
    pub site: Entity,
    /// Hashrate when running, TH/s.
    pub hashrate_ths: f64,
    /// Efficiency, J/TH.
    pub efficiency_j_per_th: f64,
    /// What it is doing.
    pub state: FleetState,
}

impl Fleet {
    /// Power drawn when running, MW (TH/s · J/TH = W).
    pub fn power_mw(&self) -> f64 {
        self.hashrate_ths * self.efficiency_j_per_th * 1e-6
    }
}

/// A mining pool.
#[derive(Component, Clone, Debug)]
pub struct Pool {
    /// Index in the scenario's pool list.
    pub index: u16,
    /// Fee kept from miners' revenue, percent.
    pub fee_pct: f64,
}

/// Region names, indexed by [`Site::region`], and whether each may mine.
#[derive(Resource, Clone, Debug, Default)]
pub struct Regions {
    /// Names in order of first appearance.
    pub names: Vec<String>,
    /// `false` while an event holds the region offline.
    pub online: Vec<bool>,
}

impl Regions {
    /// The index of a region, adding it if new.
    pub fn intern(&mut self, name: &str) -> u16 {
        match self.names.iter().position(|n| n == name) {
            Some(i) => i as u16,
            None => {
                self.names.push(name.to_string());
                self.online.push(true);
                (self.names.len() - 1) as u16
            }
        }
    }
}

/// Pool fees by pool index, for systems that price a fleet's output.
#[derive(Resource, Clone, Debug, Default)]
pub struct PoolFees(pub Vec<f64>);

/// The hashprice at which a machine just pays for its power, USD per PH/s
/// per day: 24 h × J/TH × USD/MWh / 1000.
pub fn breakeven_hashprice_usd_per_ph_day(efficiency_j_per_th: f64, power_usd_per_mwh: f64) -> f64 {
    24.0 * efficiency_j_per_th * power_usd_per_mwh / 1000.0
}
