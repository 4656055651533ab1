//! Markets the miners face: the BTC price ([`price`]), the fees blocks pay
//! ([`fees`]), the AI/HPC market ([`ai`]) and the ASIC market ([`asics`]).
//! Plain types with no ECS, each with the parameter type it is built from;
//! the world's state wraps them as resources. Nothing here reads a scenario.
//!
//! ```
//! use hashflight::market::price::{BtcPrice, PriceProcess};
//! let mut p = BtcPrice::new(90_000.0, PriceProcess::Constant, vec![(3, 0.5)]);
//! let mut rng = hashflight::state::rng::stream(1, 0);
//! for day in 1..=3 { p.step(day, &mut rng); }
//! assert_eq!(p.usd(), 45_000.0);
//! ```

pub mod ai;
pub mod asics;
pub mod fees;
pub mod price;
