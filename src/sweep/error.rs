//! Why a sweep, a merge or a diff failed.

use std::io;
use std::path::PathBuf;

/// Why a sweep failed.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The sweep directory belongs to another sweep or shard.
    #[error(
        "{0} holds another sweep (its manifest.json differs): choose another --out or remove it"
    )]
    Foreign(PathBuf),
    /// The sweep directory's manifest cannot be read: whose sweep the
    /// directory holds is unknown, so nothing is written there.
    #[error(
        "{0} is damaged ({1}), so which sweep this directory holds is unknown: its rows cannot be told from another sweep's of the same name, seed and axes: remove it and runs.csv to run this sweep there afresh, or choose another --out"
    )]
    DamagedManifest(PathBuf, String),
    /// A run's scenario is invalid.
    #[error("run {0}: {1}")]
    Scenario(String, crate::scenario::ScenarioError),
    /// A recorded file is damaged beyond a torn last row.
    #[error("{0}: {1}")]
    Corrupt(PathBuf, String),
    /// Shards do not make up one sweep.
    #[error("cannot merge: {0}")]
    Merge(String),
    /// Two sweeps cannot be compared.
    #[error("cannot diff: {0}")]
    Diff(String),
    /// Reading or writing failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl From<crate::sim::SimError> for SweepError {
    /// A run that stopped fails the sweep as an I/O failure would, with
    /// the run's message (a model failure is carried whole).
    fn from(e: crate::sim::SimError) -> Self {
        SweepError::Io(e.into())
    }
}
