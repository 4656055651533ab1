//! hashflight: an agent-based simulator of Bitcoin mining as miners move
//! their power to AI and HPC data centers. It measures how far hashrate
//! falls, how concentrated mining becomes, and what that does to the
//! chain's security.
//!
//! The layers, from the bottom, each importing only from those below it:
//! [`units`] (shared constants and conversions), [`consensus`] (exact
//! integer rules), [`market`] (prices, fees, the AI and ASIC markets),
//! [`state`] (the world's resources), [`agents`] (miners, sites, fleets and
//! every decision) beside [`metrics`] (what a run measures), [`scenario`]
//! (the RON input, validated and resolved), [`sim`] (building the world and
//! driving it), `plot` (charts), [`output`] (run directories), then
//! `compare` (runs side by side), `ensemble` (a run over many seeds) and
//! [`sweep`] (many runs over a design), and [`cli`].
//!
//! The public API is what the library's users, its tests, benchmarks and
//! fuzz targets need, and nothing else: the modules declared `pub` below
//! (within them, the submodules and items they declare `pub`) and the two
//! unit economics re-exported here. Everything else is `pub(crate)`: the
//! agents, the plots, `compare` and `ensemble` are reached through the
//! command line ([`cli`]) or a run ([`sim::Simulation`],
//! [`output::write_run`]).
//!
//! ```no_run
//! use hashflight::{scenario::Scenario, sim::Simulation};
//! let scenario = Scenario::load("baseline", &[]).unwrap();
//! let run = Simulation::new(&scenario).run_to_memory().unwrap();
//! println!("{} blocks", run.summary.blocks);
//! ```
#![deny(missing_docs)]

pub use agents::breakeven_hashprice_usd_per_ph_day;
pub use agents::valuation::margin_usd_per_mw_day;

pub(crate) mod agents;
pub mod cli;
pub(crate) mod compare;
pub mod consensus;
pub(crate) mod ensemble;
pub mod market;
pub mod metrics;
pub mod output;
pub(crate) mod plot;
pub mod scenario;
pub mod sim;
pub mod state;
pub mod sweep;
pub mod units;
