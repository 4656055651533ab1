//! Scheduled events: what can happen, and when.

use serde::{Deserialize, Serialize};

/// Something that happens on a given day of the run, or on the first day
/// that starts at or past a given height.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    /// Day of the run (0-based) on whose start it happens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<u32>,
    /// Or: the height whose reaching triggers it (at the next day start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u64>,
    /// What happens.
    pub event: Event,
}

/// The kinds of scheduled event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Event {
    /// Every site in the region stops (a ban, a grid failure). Optionally a
    /// share of its sites relocates to another region after some days and
    /// mines again there.
    RegionOffline {
        /// Region name, as the sites give it.
        region: String,
        /// Share of the region's sites that relocate (0–1).
        #[serde(default)]
        relocate_share: f64,
        /// Days until the relocated sites mine again.
        #[serde(default)]
        relocate_after_days: u32,
        /// Where they go (a region name; may be new).
        #[serde(default)]
        relocate_to: Option<String>,
    },
    /// The region's sites may mine again.
    RegionOnline {
        /// Region name, as the sites give it.
        region: String,
    },
    /// A share of the region's mining power is curtailed for some days (a
    /// heat wave, a winter storm, a grid emergency).
    RegionCurtail {
        /// Region name.
        region: String,
        /// Share of each site's power that must stop (0–1).
        share: f64,
        /// How many days it lasts.
        days: u32,
    },
    /// The region's power price is multiplied (a tariff step).
    PowerPrice {
        /// Region name.
        region: String,
        /// Factor on every site's price in the region.
        multiply_by: f64,
    },
    /// The AI market moves at once (a DeepSeek-style demand cut, or a
    /// boom): tenant demand, lease rates and GPU rental prices are
    /// multiplied, and a share of unfinished conversions is abandoned.
    AiShock {
        /// Factor on tenant demand.
        demand_multiply_by: f64,
        /// Factor on the lease rate.
        lease_multiply_by: f64,
        /// Factor on the GPU rental price.
        gpu_multiply_by: f64,
        /// Share of unfinished conversions abandoned (capex lost, the MW
        /// goes back to the miner idle).
        #[serde(default)]
        abandon_share: f64,
        /// Days the unfinished conversions that go on are delayed by
        /// (their contracts shift with them).
        #[serde(default)]
        stall_days: u32,
    },
    /// Fee demand is multiplied for some days (an inscription wave).
    FeeWave {
        /// Factor on the vbytes arriving per second.
        demand_multiply_by: f64,
        /// Factor on the fee rates offered.
        #[serde(default = "one")]
        fee_rate_multiply_by: f64,
        /// How many days it lasts.
        days: u32,
    },
}

fn one() -> f64 {
    1.0
}

impl Event {
    /// The region the event is about, if any.
    pub fn region(&self) -> Option<&str> {
        match self {
            Event::RegionOffline { region, .. }
            | Event::RegionOnline { region }
            | Event::RegionCurtail { region, .. }
            | Event::PowerPrice { region, .. } => Some(region),
            Event::AiShock { .. } | Event::FeeWave { .. } => None,
        }
    }
}
