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
//! driving it), [`plot`] (charts), [`output`] (run directories), then
//! [`compare`] (runs side by side), [`ensemble`] (a run over many seeds)
//! and [`sweep`] (many runs over a design), and [`cli`].
//!
//! ```no_run
//! use hashflight::{scenario::Scenario, sim::Simulation};
//! let scenario = Scenario::load("baseline", &[]).unwrap();
//! let run = Simulation::new(&scenario).run_to_memory().unwrap();
//! println!("{} blocks", run.summary.blocks);
//! ```
#![deny(missing_docs)]

pub mod agents;
pub mod cli;
pub mod compare;
pub mod consensus;
pub mod ensemble;
pub mod market;
pub mod metrics;
pub mod output;
pub mod plot;
pub mod scenario;
pub mod sim;
pub mod state;
pub mod sweep;
pub mod units;
