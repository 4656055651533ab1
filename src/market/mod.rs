//! Markets the miners face: the BTC price ([`price`]), the fees blocks pay
//! ([`fees`]), the AI/HPC market ([`ai`]) and the ASIC market ([`asics`]).
//! Plain types with no ECS; the simulation wraps them as resources.
//!
//! ```
//! use hashflight::market::price::BtcPrice;
//! use hashflight::scenario::schema::PriceModel;
//! let mut p = BtcPrice::new(90_000.0, PriceModel::Constant, vec![(3, 0.5)]);
//! let mut rng = hashflight::sim::rng::stream(1, 0);
//! for day in 1..=3 { p.step(day, &mut rng); }
//! assert_eq!(p.usd(), 45_000.0);
//! ```

pub mod ai;
pub mod asics;
pub mod fees;
pub mod price;
