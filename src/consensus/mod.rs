//! Bitcoin's consensus rules as plain integer functions: the compact `nBits`
//! encoding, the mainnet difficulty retarget, the block subsidy, and the
//! [`DifficultyAlgorithm`] trait through which the block loop asks for the
//! next block's bits without knowing which algorithm runs.
//!
//! Nothing here knows about ECS, files or the CLI; every function is exact
//! and tested against Bitcoin Core's vectors and real mainnet history.
//!
//! ```
//! use hashflight::consensus::{bitcoin, difficulty, subsidy};
//! // The -27.94 % retarget of July 2021 (mainnet height 689472).
//! assert_eq!(bitcoin::next_bits(0x170e1ef9, 1623614836, 1625293501), 0x171398ce);
//! assert_eq!(subsidy::block_subsidy_sats(840_000), 312_500_000);
//! assert!((difficulty::difficulty(0x1d00ffff) - 1.0).abs() < 1e-12);
//! ```

pub mod algorithm;
pub mod asert;
pub mod bitcoin;
pub mod compact;
pub mod cw144;
pub mod difficulty;
pub mod lwma;
pub mod subsidy;

pub use algorithm::{DifficultyAlgorithm, DifficultyAlgorithmKind};
pub use ruint::aliases::U256;
