//! Pools and the population: pool ids and fees, and how many miners the
//! world holds.

use bevy_ecs::prelude::*;

/// A pool: its index in the scenario's pool list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PoolId(pub u16);

impl PoolId {
    /// As an index into per-pool vectors.
    #[inline]
    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }
}

/// Pool fees by pool index, percent, for systems that price a fleet's
/// output.
#[derive(Resource, Clone, Debug, Default)]
pub struct PoolFees(pub Vec<f64>);

/// How many miners the world holds (ids are dense, `0..miners`).
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PopulationCounts {
    /// Miners (firms).
    pub miners: u32,
}
