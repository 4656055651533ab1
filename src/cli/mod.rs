//! The `hashflight` command line: a thin layer over the library.
//!
//! - `hashflight run [SCENARIO] [--seed N] [--out DIR] [--set PATH=VALUE]... [--quiet]`
//! - `hashflight check FILE... [--set PATH=VALUE]...`
//! - `hashflight scenarios`
//! - `hashflight compare RUN_DIR... [--out DIR] [--metrics a,b]`
//!
//! Errors go to stderr and exit with code 2.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output;
use crate::scenario::{Override, Scenario, ScenarioError, shipped};

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
        #[arg(long)]
        seed: Option<u64>,
        /// Directory under which `<scenario>/seed-<seed>/` is written.
        #[arg(long, default_value = "output")]
        out: PathBuf,
        /// Override a scenario field: `--set btc_price.initial_usd=60000`.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Validate scenario files without running them.
    Check {
        /// Scenario files (or shipped names).
        #[arg(required = true)]
        files: Vec<String>,
        /// Overrides applied to each file before checking.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
    },
    /// List the shipped scenarios.
    Scenarios,
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

/// Parses arguments and runs; returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn overrides(set: &[String]) -> Result<Vec<Override>, ScenarioError> {
    set.iter().map(|s| Override::parse(s)).collect()
}

/// Runs a parsed command line.
pub fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run {
            scenario,
            seed,
            out,
            set,
            quiet,
        } => {
            let mut s = Scenario::load(&scenario, &overrides(&set)?)?;
            if let Some(seed) = seed {
                s = s.with_seed(seed);
            }
            let days = s.spec().duration_days;
            let bar = if quiet || !std::io::stdout().is_terminal() {
                ProgressBar::hidden()
            } else {
                let bar =
                    ProgressBar::with_draw_target(Some(days as u64), ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template(
                        "{msg} [{bar:40}] day {pos}/{len} ({per_sec}, {eta} left)",
                    )
                    .expect("valid template")
                    .progress_chars("=> "),
                );
                bar.set_message(format!("{} seed {}", s.spec().name, s.spec().seed));
                bar
            };
            let dir = output::write_run(&s, &out, |_| bar.inc(1))
                .with_context(|| format!("writing the run under {}", out.display()))?;
            bar.finish_and_clear();
            let summary: crate::metrics::Summary =
                serde_json::from_slice(&std::fs::read(dir.join("summary.json"))?)?;
            println!(
                "{}: {} blocks in {} days; hashrate {:.1} → {:.1} EH/s ({:+.1} %); mean block interval {:.1} s; {:.2} s",
                dir.display(),
                summary.blocks,
                summary.days,
                summary.hashrate_start_ehs,
                summary.hashrate_end_ehs,
                -summary.hashrate_decline_pct,
                summary.mean_block_interval_s,
                summary.wall_time_s
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { files, set } => {
            let set = overrides(&set)?;
            let mut bad = 0;
            for f in &files {
                match Scenario::load(f, &set) {
                    Ok(s) => println!("ok: {f} ({})", s.spec().name),
                    Err(e) => {
                        bad += 1;
                        eprintln!("{e}");
                    }
                }
            }
            if bad > 0 {
                eprintln!("error: {bad} of {} scenario(s) invalid", files.len());
                Ok(ExitCode::from(2))
            } else {
                Ok(ExitCode::SUCCESS)
            }
        }
        Command::Compare { runs, out, metrics } => {
            let written = crate::plot::compare::compare(&runs, &out, &metrics)?;
            for w in written {
                println!("{}", w.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Scenarios => {
            for s in shipped::SHIPPED {
                let spec = Scenario::load(s.name, &[])?;
                println!(
                    "{:<16} {:>5} days  {}",
                    s.name,
                    spec.spec().duration_days,
                    spec.spec().description
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
