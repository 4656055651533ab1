//! Parameter sweeps: a base scenario, axes of values, a design and a number
//! of seeds ([`spec`]), run in parallel with one world per thread.
//!
//! `runs.csv` is written as runs finish, in plan order (runs are executed in
//! chunks and each chunk's rows are written in order), so the file is the
//! same whatever `--jobs` is, and memory does not grow with the number of
//! runs. Each row ends with a check of its own contents: re-running an
//! interrupted sweep drops a torn last row and skips the rows already
//! recorded, and a damaged file keeps every row whose check holds
//! ([`resume`]). `--shard K/N` runs every N-th run starting at the K-th into its
//! own directory; [`merge`] checks and joins the shards.
//!
//! ```no_run
//! use hashflight::sweep::{self, Options};
//! let src = std::fs::read_to_string("scenarios/sweeps/ci-smoke.ron").unwrap();
//! let plan = sweep::spec::plan(&src, "ci-smoke.ron", "scenarios/sweeps".as_ref()).unwrap();
//! let done = sweep::run(&plan, &Options::default(), |_| {}).unwrap();
//! assert!(done.verdicts.iter().all(|v| v.passed), "{}", sweep::checks::table(&done.verdicts));
//! ```

pub mod checks;
pub(crate) mod diff;
pub(crate) mod merge;
pub(crate) mod resume;
pub(crate) mod sensitivity;
pub mod spec;
pub(crate) mod value;

mod directory;
mod dry_run;
mod error;
mod execute;
mod finish;
mod plots;
mod report;

pub use directory::{Manifest, ManifestRun, columns, directory};
pub use dry_run::{DryRun, dry_run};
pub use error::SweepError;
pub use execute::{Options, Outcome, run};
pub use finish::finish;
pub use plots::{MAX_LINES, plot_metrics};
pub use spec::DEFAULT_METRICS;
