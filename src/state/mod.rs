//! The world's state: the resources every system reads — the clock, the
//! chain tip and its running epoch and day, the markets and what miners
//! see of them, the hashrate tally, the regions, the ledger of flows, and
//! the random streams. Plain data and the few systems that only move it
//! forward ([`economy::step_markets`], [`economy::update_economics`]). It
//! knows nothing of the agents (which write the tally) or of the measures
//! (which read it).

pub(crate) mod chain;
pub mod economy;
pub(crate) mod ledger;
pub(crate) mod pools;
pub(crate) mod regions;
pub mod rng;
pub(crate) mod tally;

pub use chain::{Chain, Clock, DayStats, EpochStats};
pub use economy::{Economics, HashpriceMemory, Markets};
pub use ledger::{Flows, Ledger};
pub use pools::{PoolFees, PoolId, PopulationCounts};
pub use regions::Regions;
pub use tally::HashTable;
