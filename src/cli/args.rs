//! The command line's arguments: the subcommands and their options, and
//! the parsing of the values clap does not know (`--shard K/N`, `--set`).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::scenario::{Override, ScenarioError};

/// hashflight: how far does Bitcoin's hashrate fall as miners move to AI,
/// how concentrated does mining become, and is the chain still safe?
#[derive(Debug, Parser)]
#[command(name = "hashflight", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario and write its run directory.
    Run {
        /// A scenario file, or the name of a shipped scenario.
        #[arg(default_value = "baseline")]
        scenario: String,
        /// Seed of the run (overrides the scenario's `seed`).
        #[arg(long, conflicts_with = "seeds")]
        seed: Option<u64>,
        /// An ensemble: run these seeds (`20` for 1 to 20, or `5..24`) in
        /// parallel, each into its run directory, and summarise them in
        /// `<out>/<scenario>/ensemble-<first>-<last>/`.
        #[arg(long, value_name = "N|A..B", value_parser = crate::ensemble::parse_seeds)]
        seeds: Option<(u64, u64)>,
        /// Worker threads for an ensemble (default: all cores).
        #[arg(long, requires = "seeds")]
        jobs: Option<usize>,
        /// Directory under which `<scenario>/seed-<seed>/` is written.
        #[arg(long, default_value = "output")]
        out: PathBuf,
        /// Override a scenario field: `--set btc_price.initial_usd=60000`.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
        /// Also run the same seed without the AI option and report the
        /// hashrate decline against it (`counterfactual: true` in a
        /// scenario does the same).
        #[arg(long)]
        counterfactual: bool,
        /// Replace a run directory that holds a run of another scenario
        /// (other overrides, say); without it that is an error.
        #[arg(long)]
        force: bool,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
        /// Print the result as JSON (the run directory and its summary)
        /// instead of the report line.
        #[arg(long)]
        json: bool,
    },
    /// Validate scenario and sweep files without running them.
    Check {
        /// Scenario or sweep files (or shipped names of scenarios).
        #[arg(required = true)]
        files: Vec<String>,
        /// Overrides applied to each file before checking.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
    },
    /// List the shipped scenarios and sweeps.
    Scenarios,
    /// Print a shipped scenario or sweep as RON, to start a file from.
    Show {
        /// Its name (`hashflight scenarios` lists them).
        name: String,
    },
    /// List every output column with its unit and meaning.
    Columns {
        /// Only this file's (e.g. `days.csv`, `summary.json`, `runs.csv`).
        file: Option<String>,
        /// As the Markdown tables of output/README.md.
        #[arg(long)]
        markdown: bool,
    },
    /// Run a parameter sweep (resumable: run the same command again to
    /// finish an interrupted sweep).
    Sweep {
        /// The sweep file (RON), or the name of a shipped sweep.
        file: String,
        /// Worker threads (default: all cores).
        #[arg(long)]
        jobs: Option<usize>,
        /// Output root: the sweep goes to `<out>/sweeps/<name>/`.
        #[arg(long, default_value = "output")]
        out: PathBuf,
        /// Run only shard K of N (K from 1 to N), into `shards/K-of-N/`.
        #[arg(long, value_name = "K/N", value_parser = parse_shard)]
        shard: Option<(u32, u32)>,
        /// Also keep every run's directory under `runs/<id>/`.
        #[arg(long)]
        keep_runs: bool,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
        /// Print the plan (runs, points, seeds, what is already recorded,
        /// an estimated time) and run nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the result as JSON instead of the report.
        #[arg(long)]
        json: bool,
    },
    /// Merge the shards of one sweep into runs.csv, points.csv and plots.
    Merge {
        /// Shard directories, or sweep directories holding `shards/`.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Where the merged files go (default: the sweep directory the
        /// shards are in).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print the result as JSON instead of the report.
        #[arg(long)]
        json: bool,
    },
    /// What moved between two sweeps of one plan: per point and figure,
    /// the two medians, and whether the change is beyond both the
    /// tolerance and the seed noise (exit 3 when something moved).
    Diff {
        /// The first sweep: a sweep directory or its points.csv (a
        /// reference, say).
        a: PathBuf,
        /// The second sweep, of the same plan.
        b: PathBuf,
        /// A change within this share of the first median is not a move.
        #[arg(long, default_value = "5%", value_parser = crate::sweep::diff::parse_tolerance)]
        tolerance: f64,
        /// Figures compared, comma-separated (default: every figure both
        /// sweeps hold).
        #[arg(long, value_delimiter = ',')]
        metrics: Vec<String>,
        /// Also write diff.csv (every point and figure) into this directory.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Overlay runs on shared axes; seeds of one scenario become a median
    /// line with a 5–95 % band.
    Compare {
        /// Run directories (`<out>/<scenario>/seed-<seed>`).
        #[arg(required = true)]
        runs: Vec<PathBuf>,
        /// Where compare.png, compare.svg and compare.csv go.
        #[arg(long, default_value = "output/compare")]
        out: PathBuf,
        /// Columns to plot, comma-separated (from days.csv or epochs.csv).
        #[arg(long, value_delimiter = ',')]
        metrics: Vec<String>,
    },
}

/// The overrides of `--set PATH=VALUE`, in order.
pub(super) fn overrides(set: &[String]) -> Result<Vec<Override>, ScenarioError> {
    set.iter().map(|s| Override::parse(s)).collect()
}

/// Parses `--shard K/N` (1 ≤ K ≤ N).
fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("`{s}`: expected K/N with 1 ≤ K ≤ N, e.g. 2/4");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n): (u32, u32) = (
        k.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || k == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}
