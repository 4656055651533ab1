//! The `hashflight` command line: a thin layer over the library.
//!
//! - `hashflight run [SCENARIO] [--seed N] [--out DIR] [--set PATH=VALUE]... [--force] [--quiet] [--json]`
//! - `hashflight check FILE... [--set PATH=VALUE]...`
//! - `hashflight scenarios`
//! - `hashflight show NAME`
//! - `hashflight columns [FILE] [--markdown]`
//! - `hashflight sweep FILE|NAME [--jobs N] [--out DIR] [--shard K/N] [--keep-runs] [--dry-run] [--json]`
//! - `hashflight merge DIR... [--out DIR] [--json]`
//! - `hashflight diff A B [--tolerance 5%] [--metrics a,b] [--out DIR]`
//! - `hashflight compare RUN_DIR... [--out DIR] [--metrics a,b]`
//!
//! Errors go to stderr and exit with code 2. A sweep (or merge) whose
//! checks fail, and a diff that finds a move, exit with code 3.

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use crate::output;
use crate::scenario::{Override, Scenario};

/// Writes a line to standard output, or fails with the write error (a
/// closed pipe, a full disk) instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*).map_err($crate::cli::terminal::stdout_error)
    }};
}

mod args;
mod catalogue;
mod files;
mod sweeps;
mod terminal;

use args::overrides;
pub use args::{Cli, Command};
pub use sweeps::FAILED_CHECKS;
pub use terminal::progress;
use terminal::{is_closed_pipe, stdout_error};

/// Parses arguments and runs; returns the process exit code: 0; 2 on an
/// error (bad input, a failed write), with its message on stderr; 3 when a
/// sweep's checks fail or a diff finds a move. A closed standard output
/// ends the command quietly.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = dispatch(cli).and_then(|code| {
        use std::io::Write as _;
        std::io::stdout().flush().map_err(stdout_error)?;
        Ok(code)
    });
    match result {
        Ok(code) => code,
        Err(e) if is_closed_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Runs a parsed command line.
pub fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run {
            scenario,
            seed,
            seeds,
            jobs,
            out,
            set,
            counterfactual,
            force,
            quiet,
            json,
        } => {
            let opts = RunOptions {
                scenario: &scenario,
                out: &out,
                set: &set,
                counterfactual,
                force,
                quiet,
                json,
            };
            match seeds {
                Some((first, last)) => ensemble(
                    &opts,
                    crate::ensemble::Seeds { first, last },
                    jobs.unwrap_or_else(|| {
                        std::thread::available_parallelism().map_or(1, |n| n.get())
                    }),
                ),
                None => run(&opts, seed),
            }
        }
        Command::Check { files, set } => catalogue::check(&files, &set),
        Command::Sweep {
            file,
            jobs,
            out,
            shard,
            keep_runs,
            quiet,
            dry_run,
            json,
        } => {
            let opts = crate::sweep::Options {
                jobs: jobs
                    .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
                out,
                shard,
                keep_runs,
            };
            sweeps::sweep(&file, &opts, quiet, dry_run, json)
        }
        Command::Merge { dirs, out, json } => sweeps::merge(&dirs, out.as_deref(), json),
        Command::Show { name } => catalogue::show(&name),
        Command::Columns { file, markdown } => catalogue::columns(file.as_deref(), markdown),
        Command::Diff {
            a,
            b,
            tolerance,
            metrics,
            out,
        } => {
            let opts = crate::sweep::diff::Options {
                tolerance_pct: tolerance,
                metrics,
            };
            sweeps::diff(&a, &b, &opts, out.as_deref())
        }
        Command::Compare { runs, out, metrics } => {
            let written = crate::compare::compare(&runs, &out, &metrics)?;
            for w in written {
                say!("{}", w.display())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Scenarios => catalogue::scenarios(),
    }
}

/// What `hashflight run` is asked, for one seed or an ensemble.
struct RunOptions<'a> {
    /// A scenario file, or the name of a shipped scenario.
    scenario: &'a str,
    /// Directory under which `<scenario>/seed-<seed>/` is written.
    out: &'a std::path::Path,
    /// Overrides of scenario fields (`PATH=VALUE`).
    set: &'a [String],
    /// Also run each seed without the AI option.
    counterfactual: bool,
    /// Replace run directories that hold runs of another scenario.
    force: bool,
    /// No progress bar.
    quiet: bool,
    /// Print the result as JSON.
    json: bool,
}

impl RunOptions<'_> {
    /// The scenario with its overrides, and the counterfactual's switch
    /// when `--counterfactual` asks for it.
    fn scenario(&self) -> anyhow::Result<Scenario> {
        let mut set = overrides(self.set)?;
        if self.counterfactual {
            set.push(Override::parse("counterfactual=true")?);
        }
        Ok(Scenario::load(self.scenario, &set)?)
    }
}

/// `hashflight run`.
fn run(opts: &RunOptions, seed: Option<u64>) -> anyhow::Result<ExitCode> {
    let RunOptions {
        out,
        force,
        quiet,
        json,
        ..
    } = *opts;
    let mut s = opts.scenario()?;
    if let Some(seed) = seed {
        s = s.with_seed(seed);
    }
    let days = s.spec().duration_days;
    let runs = if s.spec().counterfactual { 2 } else { 1 };
    let bar = progress(quiet, days as u64 * runs, "days");
    bar.set_message(format!("{} seed {}", s.spec().name, s.spec().seed));
    let (dir, summary) = output::write_run_with(&s, out, force, |_| bar.inc(1))
        .with_context(|| format!("writing the run under {}", out.display()))?;
    bar.finish_and_clear();
    if json {
        say!("{}", serde_json::json!({ "dir": dir, "summary": summary }))?;
        return Ok(ExitCode::SUCCESS);
    }
    // With no block there is no interval to report, not one of 0 s.
    let interval = match summary.mean_block_interval_s {
        Some(s) => format!("mean block interval {s:.1} s"),
        None => "no block mined, so no block interval".to_string(),
    };
    say!(
        "{}: {} blocks in {} days; hashrate {:.1} EH/s at the start difficulty → {:.1} EH/s over the last {} days ({:+.1} %); {interval}; {:.2} s",
        dir.display(),
        summary.blocks,
        summary.days,
        summary.hashrate_reference_start_ehs,
        summary.hashrate_last_365_days_ehs,
        summary.days.min(crate::metrics::REFERENCE_DAYS as u32),
        -summary.hashrate_decline_pct,
        summary.wall_time_s
    )?;
    if summary.btc_price_capped_days > 0 {
        say!(
            "  warning: the BTC price was held at its cap of ${:e} on {} of {} days (the price process would have overflowed): results of those days reflect the cap",
            crate::units::MAX_BTC_PRICE_USD,
            summary.btc_price_capped_days,
            summary.days
        )?;
    }
    if summary.flows.conversions_started + summary.flows.sites_sold > 0 || summary.sold_mw_end > 0.0
    {
        say!(
            "  AI pivot: {} conversions, {} sites sold; at the end {:.0} MW leased, {:.0} MW GPU cloud, {:.0} MW converting, {:.0} MW sold",
            summary.flows.conversions_started,
            summary.flows.sites_sold,
            summary.ai_mw_end,
            summary.gpu_cloud_mw_end,
            summary.converting_mw_end,
            summary.sold_mw_end
        )?;
    }
    if let (Some(no_ai), Some(vs)) = (
        summary.hashrate_last_365_days_no_ai_ehs,
        summary.hashrate_decline_vs_no_ai_pct,
    ) {
        say!(
            "  last 365 days: {:.1} EH/s, against {no_ai:.1} EH/s without the AI option ({:+.1} %)",
            summary.hashrate_last_365_days_ehs,
            -vs
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `hashflight run --seeds`.
fn ensemble(
    opts: &RunOptions,
    seeds: crate::ensemble::Seeds,
    jobs: usize,
) -> anyhow::Result<ExitCode> {
    let RunOptions {
        out,
        force,
        quiet,
        json,
        ..
    } = *opts;
    let crate::ensemble::Seeds { first, last } = seeds;
    let s = opts.scenario()?;
    let runs = if s.spec().counterfactual { 2 } else { 1 };
    let count = seeds.count();
    let bar = progress(
        quiet || json,
        u64::from(s.spec().duration_days) * runs * count,
        "days",
    );
    bar.set_message(format!("{} seeds {first}–{last}", s.spec().name));
    let started = std::time::Instant::now();
    let options = crate::ensemble::Options {
        seeds,
        out,
        jobs,
        force,
    };
    let e = crate::ensemble::run(&s, &options, || bar.inc(1))
        .with_context(|| format!("writing the ensemble under {}", out.display()))?;
    bar.finish_and_clear();
    if json {
        let figures: serde_json::Map<String, serde_json::Value> = e
            .figures
            .iter()
            .map(|(name, st)| {
                let obj: serde_json::Map<String, serde_json::Value> = crate::ensemble::STATS
                    .iter()
                    .zip(st.all())
                    .map(|(k, v)| (k.to_string(), serde_json::json!(v.is_finite().then_some(v))))
                    .collect();
                (name.clone(), serde_json::Value::Object(obj))
            })
            .collect();
        say!(
            "{}",
            serde_json::json!({ "dir": e.dir, "runs": e.runs, "figures": figures })
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    say!(
        "{}: {count} seeds in {:.1} s (run directories {}/seed-{first} … seed-{last})",
        e.dir.display(),
        started.elapsed().as_secs_f64(),
        out.join(&s.spec().name).display()
    )?;
    for (name, what) in crate::ensemble::HEADLINES {
        if let Some(st) = e.figure(name).filter(|st| st.median.is_finite()) {
            say!(
                "  {what}: {}",
                crate::ensemble::bands(&st, crate::plot::short)
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
