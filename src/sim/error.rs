//! What can stop a run: a row the sink could not take (I/O), or the model
//! itself (a system that could not run, a day with more blocks than any
//! adjusting chain mines). Only the first is an I/O failure; a caller that
//! reports through `io::Error` converts with [`From`], which keeps an I/O
//! failure's kind and carries a model failure whole.

use std::io;

use bevy_ecs::system::RegisteredSystemError;

use crate::units::MAX_BLOCKS_PER_DAY;

/// Why a simulation stopped before its last day.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A system run on its own, outside the schedules (the review for the
    /// benchmarks, the last partial epoch's row), could not run.
    #[error("{stage}: {error}")]
    System {
        /// What the run was doing (`running the review`).
        stage: &'static str,
        /// What `bevy_ecs` reported. Named `error`, not `source`: the
        /// message already says it, so a report that prints each cause
        /// says it once.
        error: RegisteredSystemError,
    },
    /// A day reached [`MAX_BLOCKS_PER_DAY`]: the hashrate is so far beyond
    /// the difficulty that the chain cannot adjust to it, and the run
    /// stops rather than mine for ever.
    #[error(
        "day {day}: more than {MAX_BLOCKS_PER_DAY} blocks in a day: the hashrate is far beyond \
         what the difficulty rule lets blocks keep up with (check \
         chain.start_bits and chain.difficulty_algorithm)"
    )]
    Runaway {
        /// The day that hit the limit.
        day: u32,
    },
    /// The sink could not take a row (writing a CSV file failed).
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl From<SimError> for io::Error {
    /// An I/O failure as it was; a model failure as an error of kind
    /// `Other` whose message is the failure's.
    fn from(e: SimError) -> Self {
        match e {
            SimError::Io(e) => e,
            model => io::Error::other(model),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_what_failed() {
        let e = SimError::Runaway { day: 3 };
        assert!(
            e.to_string().starts_with(
                "day 3: more than 1440000 blocks in a day: the hashrate is far beyond"
            )
        );
        let io: io::Error = e.into();
        assert_eq!(io.kind(), io::ErrorKind::Other);
        assert!(
            io.to_string()
                .starts_with("day 3: more than 1440000 blocks")
        );
        assert!(std::error::Error::source(&io).is_none());
    }

    #[test]
    fn an_io_failure_keeps_its_kind() {
        let e = SimError::from(io::Error::from(io::ErrorKind::BrokenPipe));
        let io: io::Error = e.into();
        assert_eq!(io.kind(), io::ErrorKind::BrokenPipe);
    }
}
