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

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output;
use crate::scenario::{Override, Scenario, ScenarioError, shipped};

/// Writes a line to standard output, or fails with the write error (a
/// closed pipe, a full disk) instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*).map_err(stdout_error)
    }};
}

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

/// Exit code of a sweep whose checks fail, or of a diff that finds a move.
pub const FAILED_CHECKS: u8 = 3;

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

/// Why writing to standard output failed.
fn stdout_error(e: std::io::Error) -> anyhow::Error {
    anyhow::Error::new(e).context("writing to standard output")
}

/// Whether an error is standard output's reader having gone away (as
/// `| head -1` does): the command ends quietly then.
fn is_closed_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

fn overrides(set: &[String]) -> Result<Vec<Override>, ScenarioError> {
    set.iter().map(|s| Override::parse(s)).collect()
}

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

/// A progress bar on stderr, hidden when stdout is not a terminal or when
/// asked to be quiet.
pub fn progress(quiet: bool, len: u64, unit: &str) -> ProgressBar {
    if quiet || !std::io::stdout().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{msg}} [{{bar:40}}] {{pos}}/{{len}} {unit} ({{per_sec}}, {{eta}} left)"
        ))
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar
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
        Command::Check { files, set } => check(&files, &set),
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
            sweep(&file, &opts, quiet, dry_run, json)
        }
        Command::Merge { dirs, out, json } => {
            let (dir, verdicts) = crate::sweep::merge::merge(&dirs, out.as_deref())?;
            if json {
                say!(
                    "{}",
                    serde_json::json!({
                        "dir": dir,
                        "passed": verdicts.iter().all(|v| v.passed),
                        "checks": verdicts,
                    })
                )?;
                return Ok(exit_of(&verdicts));
            }
            say!("{}", dir.display())?;
            report_sensitivity(&dir)?;
            report_checks(&verdicts)
        }
        Command::Show { name } => {
            let found = shipped::find(&name).or_else(|| shipped::find_sweep(&name));
            match found {
                Some(s) => {
                    say!("{}", s.source.trim_end())?;
                    Ok(ExitCode::SUCCESS)
                }
                None => anyhow::bail!(
                    "no shipped scenario or sweep is named `{name}` (scenarios: {}; sweeps: {})",
                    names(shipped::SHIPPED),
                    names(shipped::SWEEPS)
                ),
            }
        }
        Command::Columns { file, markdown } => {
            use crate::output::columns;
            let only = match file.as_deref() {
                None => None,
                Some(f) => Some(columns::file(f).ok_or_else(|| {
                    anyhow::anyhow!(
                        "hashflight writes no file `{f}`: one of {}",
                        columns::FILES
                            .iter()
                            .map(|f| f.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })?),
            };
            let text = match (markdown, only) {
                (true, None) => columns::markdown(),
                (true, Some(f)) => columns::markdown_of(f),
                (false, only) => columns::text(only),
            };
            say!("{}", text.trim_end())?;
            Ok(ExitCode::SUCCESS)
        }
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
            let d = crate::sweep::diff::diff(&a, &b, &opts)?;
            if let Some(out) = out {
                let path = d
                    .write_csv(&out)
                    .with_context(|| format!("writing diff.csv into {}", out.display()))?;
                say!("{}", path.display())?;
            }
            say!("{}", d.report().trim_end())?;
            Ok(if d.moved().next().is_some() {
                ExitCode::from(FAILED_CHECKS)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Compare { runs, out, metrics } => {
            let written = crate::compare::compare(&runs, &out, &metrics)?;
            for w in written {
                say!("{}", w.display())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Scenarios => {
            for s in shipped::SHIPPED {
                let spec = Scenario::load(s.name, &[])?;
                say!(
                    "{:<16} {:>5} days  {}",
                    s.name,
                    spec.spec().duration_days,
                    spec.spec().description
                )?;
            }
            say!("\nshipped sweeps (`hashflight sweep NAME`):")?;
            for s in shipped::SWEEPS {
                let plan = crate::sweep::spec::plan(s.source, s.path, std::path::Path::new("."))?;
                say!(
                    "{:<16} {:>5} runs  {}",
                    s.name,
                    plan.runs.len(),
                    plan.size()
                )?;
            }
            say!("\n`hashflight show NAME` prints one as RON.")?;
            Ok(ExitCode::SUCCESS)
        }
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

/// `hashflight run`.
fn run(opts: &RunOptions, seed: Option<u64>) -> anyhow::Result<ExitCode> {
    let RunOptions {
        scenario,
        out,
        set,
        counterfactual,
        force,
        quiet,
        json,
    } = *opts;
    let mut set = overrides(set)?;
    if counterfactual {
        set.push(Override::parse("counterfactual=true")?);
    }
    let mut s = Scenario::load(scenario, &set)?;
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
        scenario,
        out,
        set,
        counterfactual,
        force,
        quiet,
        json,
    } = *opts;
    let crate::ensemble::Seeds { first, last } = seeds;
    let mut set = overrides(set)?;
    if counterfactual {
        set.push(Override::parse("counterfactual=true")?);
    }
    let s = Scenario::load(scenario, &set)?;
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

/// `hashflight check`.
fn check(files: &[String], set: &[String]) -> anyhow::Result<ExitCode> {
    let set = overrides(set)?;
    let mut bad = 0;
    for f in files {
        let checked = if is_sweep_file(f) {
            // Its base and every point are checked as `sweep --dry-run`
            // checks them; `--set` is for scenarios.
            sweep_plan(f)
                .map(|p| format!("ok: {f} (sweep {}, {})", p.file.name, p.size()))
                .map_err(|e| format!("{e:#}"))
        } else {
            Scenario::load(f, &set)
                .map(|s| format!("ok: {f} ({})", s.spec().name))
                .map_err(|e| e.to_string())
        };
        match checked {
            Ok(line) => say!("{line}")?,
            Err(e) => {
                bad += 1;
                eprintln!("{e}");
            }
        }
    }
    if bad > 0 {
        eprintln!("error: {bad} of {} file(s) invalid", files.len());
        Ok(ExitCode::from(2))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

/// Whether `file` is a sweep file — it names a `base` scenario, which no
/// scenario has — rather than a scenario.
fn is_sweep_file(file: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(default)]
        base: Option<String>,
    }
    std::fs::read_to_string(file)
        .ok()
        .and_then(|src| {
            crate::scenario::schema::ron_options()
                .from_str::<Probe>(crate::scenario::load::without_bom(&src))
                .ok()
        })
        .is_some_and(|p| p.base.is_some())
}

/// The names of shipped files, comma-separated.
fn names(list: &[shipped::Shipped]) -> String {
    list.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
}

/// A sweep's plan, from a sweep file or the name of a shipped sweep.
fn sweep_plan(file: &str) -> anyhow::Result<crate::sweep::spec::Plan> {
    let path = std::path::Path::new(file);
    let looks_like_path = path.exists() || file.ends_with(".ron") || file.contains('/');
    if !looks_like_path {
        let s = shipped::find_sweep(file).ok_or_else(|| {
            anyhow::anyhow!(
                "no sweep file `{file}` and no shipped sweep of that name (shipped: {})",
                names(shipped::SWEEPS)
            )
        })?;
        return Ok(crate::sweep::spec::plan(
            s.source,
            s.path,
            std::path::Path::new("."),
        )?);
    }
    let src = std::fs::read_to_string(path).with_context(|| format!("cannot read sweep {file}"))?;
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    Ok(crate::sweep::spec::plan(&src, file, dir)?)
}

/// `hashflight sweep`.
fn sweep(
    file: &str,
    opts: &crate::sweep::Options,
    quiet: bool,
    dry_run: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let plan = sweep_plan(file)?;
    let shard = opts.shard;
    let total = match shard {
        Some((k, n)) => (plan.runs.len() + n as usize - k as usize) / n as usize,
        None => plan.runs.len(),
    };
    if dry_run {
        let p = crate::sweep::dry_run(&plan, opts)?;
        if json {
            say!("{}", serde_json::to_string(&p).map_err(anyhow::Error::new)?)?;
        } else {
            say!("{}", p.describe())?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let bar = progress(quiet || json, total as u64, "runs");
    bar.set_message(format!("sweep {}", plan.file.name));
    let started = std::time::Instant::now();
    // An I/O error on its own names no path: say where it was writing.
    let done = crate::sweep::run(&plan, opts, |_| bar.inc(1)).map_err(|e| match e {
        crate::sweep::SweepError::Io(io) => {
            anyhow::anyhow!("writing the sweep under {}: {io}", opts.out.display())
        }
        other => other.into(),
    })?;
    bar.finish_and_clear();
    if done.repairs.any() {
        eprintln!(
            "warning: {} was damaged: {}",
            done.dir.join("runs.csv").display(),
            done.repairs.describe()
        );
    }
    if json {
        say!(
            "{}",
            serde_json::json!({
                "dir": done.dir,
                "runs": total,
                "points": plan.points.len(),
                "seeds": plan.file.seeds,
                "shard": shard,
                "wall_time_s": started.elapsed().as_secs_f64(),
                "repairs": done.repairs,
                "passed": done.verdicts.iter().all(|v| v.passed),
                "checks": done.verdicts,
            })
        )?;
        return Ok(exit_of(&done.verdicts));
    }
    let (dir, verdicts) = (done.dir, done.verdicts);
    say!(
        "{}: {} runs ({}{}) in {:.1} s",
        dir.display(),
        total,
        plan.size(),
        shard
            .map(|(k, n)| format!(", shard {k} of {n}"))
            .unwrap_or_default(),
        started.elapsed().as_secs_f64()
    )?;
    if shard.is_some() && !plan.file.checks.is_empty() {
        say!("  its checks are evaluated when the shards are merged")?;
    }
    if shard.is_some() && plan.file.design.is_sensitivity() {
        say!("  its sensitivity indices are computed when the shards are merged")?;
    }
    report_sensitivity(&dir)?;
    report_checks(&verdicts)
}

/// Prints the ranking of a sensitivity sweep (when the directory holds
/// sensitivity.csv).
fn report_sensitivity(dir: &std::path::Path) -> anyhow::Result<()> {
    let path = dir.join("sensitivity.csv");
    if !path.is_file() {
        return Ok(());
    }
    let rows = crate::sweep::sensitivity::read(&path)
        .with_context(|| format!("reading {}", path.display()))?;
    say!(
        "what drives each figure (most first; [95 % bootstrap interval]; {}):",
        path.display()
    )?;
    say!("{}", crate::sweep::sensitivity::table(&rows).trim_end())?;
    Ok(())
}

/// The exit code of a sweep's checks: 3 when one failed.
fn exit_of(verdicts: &[crate::sweep::checks::Verdict]) -> ExitCode {
    if verdicts.iter().all(|v| v.passed) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(FAILED_CHECKS)
    }
}

/// Prints the checks' table (when there are checks) and gives the exit
/// code: 3 when one failed.
fn report_checks(verdicts: &[crate::sweep::checks::Verdict]) -> anyhow::Result<ExitCode> {
    if verdicts.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    say!("{}", crate::sweep::checks::table(verdicts).trim_end())?;
    Ok(exit_of(verdicts))
}
