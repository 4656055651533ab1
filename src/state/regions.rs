//! Power regions: their names, whether each may mine, and what its power
//! costs relative to each site's own price.

use bevy_ecs::prelude::*;

/// Region names, indexed by a site's region, whether each may mine, and
/// what its power costs relative to each site's own price.
#[derive(Resource, Clone, Debug, Default)]
pub struct Regions {
    /// Names in order of first appearance.
    pub(crate) names: Vec<String>,
    /// `false` while an event holds the region offline.
    pub(crate) online: Vec<bool>,
    /// Drift per year of the region's power prices.
    pub(crate) drift_per_year: Vec<f64>,
    /// Product of the tariff steps so far.
    pub(crate) tariff: Vec<f64>,
    /// Today's factor on every site's price: drift × tariffs × AI pressure.
    pub(crate) price_factor: Vec<f64>,
    /// AI load (leased and GPU cloud) in the region, MW.
    pub(crate) ai_mw: Vec<f64>,
}

impl Regions {
    /// The index of a region, adding it if new.
    pub(crate) fn intern(&mut self, name: &str) -> u16 {
        match self.names.iter().position(|n| n == name) {
            Some(i) => i as u16,
            None => {
                self.names.push(name.to_string());
                self.online.push(true);
                self.drift_per_year.push(0.0);
                self.tariff.push(1.0);
                self.price_factor.push(1.0);
                self.ai_mw.push(0.0);
                (self.names.len() - 1) as u16
            }
        }
    }
}
