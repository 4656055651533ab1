//! Run directories. A run writes into `<out>/<scenario>/seed-<seed>/` the
//! files of [`RUN_FILES`]: `scenario.ron` (the fully resolved scenario),
//! `epochs.csv`, `days.csv`, `pools.csv`, `regions.csv`, `summary.json` and
//! the dashboard (`dashboard.png`, `dashboard.svg`, drawn by
//! [`crate::plot`] from the series the run keeps in memory while it writes
//! its rows, see [`kept`]) and `report.html` (which embeds the SVG just
//! drawn). Nothing a run draws is read back from its own files.
//! Everything is written into a hidden directory beside it and renamed
//! into place when complete, so an interrupted run leaves no half
//! directory and an earlier run of the same seed is replaced whole;
//! [`RunDir::staging`] and [`write_atomically`] do the same for files that
//! join an existing directory (comparisons, sweeps).
//!
//! ```no_run
//! use hashflight::{output, scenario::Scenario};
//! let s = Scenario::load("baseline", &[]).unwrap();
//! let (dir, summary) = output::write_run(&s, "output".as_ref(), |_| {}).unwrap();
//! assert!(dir.join("summary.json").exists());
//! ```

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

pub mod columns;
pub(crate) mod kept;
pub(crate) mod lock;
pub(crate) mod report;
pub(crate) mod row;
pub(crate) mod sink;

pub(crate) use kept::{Kept, RunSink, Written};
pub use lock::Lock;

use crate::metrics::series::Field;
use crate::metrics::{DayRow, Summary};
use crate::plot::dashboard::{self, Dashboard};
use crate::scenario::Scenario;
use crate::sim::Simulation;

/// Files every run directory holds.
pub const RUN_FILES: &[&str] = &[
    "scenario.ron",
    "epochs.csv",
    "days.csv",
    "pools.csv",
    "regions.csv",
    "summary.json",
    "dashboard.png",
    "dashboard.svg",
    "report.html",
];

/// The subdirectory of a run directory that holds its counterfactual (the
/// same scenario and seed without the AI option), a run directory itself.
pub const COUNTERFACTUAL_DIR: &str = "no-ai";

/// A run directory being written.
#[derive(Debug)]
pub struct RunDir {
    partial: PathBuf,
    target: PathBuf,
}

impl RunDir {
    /// Starts `<out>/<name>/seed-<seed>/`, writing into a hidden sibling.
    pub fn create(out: &Path, name: &str, seed: u64) -> io::Result<Self> {
        let parent = out.join(name);
        fs::create_dir_all(&parent)?;
        let partial = parent.join(format!(".seed-{seed}.partial-{}", std::process::id()));
        if partial.exists() {
            fs::remove_dir_all(&partial)?;
        }
        fs::create_dir(&partial)?;
        Ok(Self {
            partial,
            target: parent.join(format!("seed-{seed}")),
        })
    }

    /// Starts `<parent>/<dirname>/` (an ensemble's, say), writing into a
    /// hidden sibling; stale partial directories of killed writers of
    /// the same name are removed first.
    pub fn create_named(parent: &Path, dirname: &str) -> io::Result<Self> {
        fs::create_dir_all(parent)?;
        let stale = format!(".{dirname}.partial-");
        for e in fs::read_dir(parent)?.flatten() {
            if e.file_name().to_string_lossy().starts_with(&stale) {
                fs::remove_dir_all(e.path())?;
            }
        }
        let partial = parent.join(format!("{stale}{}", std::process::id()));
        fs::create_dir(&partial)?;
        Ok(Self {
            partial,
            target: parent.join(dirname),
        })
    }

    /// A hidden staging directory under `out` for files that are moved
    /// into `out` one by one when complete ([`write_atomically`]).
    pub fn staging(out: &Path, what: &str) -> io::Result<Self> {
        fs::create_dir_all(out)?;
        let partial = out.join(format!(".{what}.partial-{}", std::process::id()));
        if partial.exists() {
            fs::remove_dir_all(&partial)?;
        }
        fs::create_dir(&partial)?;
        Ok(Self {
            target: out.to_path_buf(),
            partial,
        })
    }

    /// Where files go while the run is written.
    pub fn path(&self) -> &Path {
        &self.partial
    }

    /// Moves the finished directory into place, replacing an older one
    /// whole, and returns its path.
    pub fn commit(self) -> io::Result<PathBuf> {
        let old = self.target.with_file_name(format!(
            ".{}.old-{}",
            self.target
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("run"),
            std::process::id()
        ));
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old)?;
        }
        fs::rename(&self.partial, &self.target)?;
        if had_old {
            fs::remove_dir_all(&old)?;
        }
        Ok(self.target.clone())
    }

    /// Removes what was written (after an error).
    pub fn abandon(self) {
        // Drop removes it.
    }
}

impl Drop for RunDir {
    /// A staging directory never outlives its writer's error paths: what
    /// was not committed is removed (after a commit there is nothing left
    /// to remove).
    fn drop(&mut self) {
        if self.partial.exists() {
            let _ = fs::remove_dir_all(&self.partial);
        }
    }
}

/// Moves finished files from a staging directory into `out` (each by an
/// atomic rename) and removes the staging directory.
pub fn write_atomically(staging: RunDir, out: &Path, names: &[&str]) -> io::Result<()> {
    for n in names {
        fs::rename(staging.path().join(n), out.join(n))?;
    }
    staging.abandon();
    Ok(())
}

/// Writes `value` as pretty JSON with a final newline.
pub fn write_json(path: &Path, value: &impl serde::Serialize) -> io::Result<()> {
    let mut f = BufWriter::new(File::create(path)?);
    serde_json::to_writer_pretty(&mut f, value).map_err(io::Error::other)?;
    f.write_all(b"\n")?;
    f.flush()
}

/// Runs a scenario into its run directory under `out` and returns the
/// directory and the summary; `on_day` is called after each simulated day.
pub fn write_run(
    scenario: &Scenario,
    out: &Path,
    on_day: impl FnMut(u32),
) -> io::Result<(PathBuf, Summary)> {
    write_run_with(scenario, out, false, on_day)
}

/// [`write_run`], but never over a run of another scenario unless
/// `force`: a directory whose scenario.ron resolves to another scenario
/// (an override added or changed, another file of the same name) is an
/// error naming the fields that differ. A run of the same scenario and
/// seed is replaced whole (it would give the same files).
pub fn write_run_with(
    scenario: &Scenario,
    out: &Path,
    force: bool,
    on_day: impl FnMut(u32),
) -> io::Result<(PathBuf, Summary)> {
    let w = write_run_keeping(scenario, out, force, &[], on_day)?;
    Ok((w.dir, w.summary))
}

/// [`write_run_with`], keeping the columns `keep` of days.csv (and of its
/// counterfactual's) in memory for the caller, every day.
pub(crate) fn write_run_keeping(
    scenario: &Scenario,
    out: &Path,
    force: bool,
    keep: &'static [Field<DayRow>],
    on_day: impl FnMut(u32),
) -> io::Result<Written> {
    let spec = scenario.spec();
    // One process at a time writes this scenario and seed under `out`;
    // what a killed one left is removed.
    let parent = out.join(&spec.name);
    let lock = Lock::acquire(
        &parent.join(format!(".seed-{}.lock", spec.seed)),
        &parent
            .join(format!("seed-{}", spec.seed))
            .display()
            .to_string(),
    )?;
    lock.clear_stale(
        &parent,
        &[
            &format!(".seed-{}.partial-", spec.seed),
            &format!(".seed-{}.old-", spec.seed),
        ],
    )?;
    let target = parent.join(format!("seed-{}", spec.seed));
    if !force && target.exists() {
        refuse_another_run(&target, scenario)?;
    }
    let dir = RunDir::create(out, &spec.name, spec.seed)?;
    match fill(scenario, dir.path(), keep, on_day) {
        Ok((summary, kept, no_ai)) => Ok(Written {
            dir: dir.commit()?,
            summary,
            days: kept.days,
            no_ai_days: no_ai.map(|k| k.days),
        }),
        Err(e) => {
            dir.abandon();
            Err(e)
        }
    }
}

/// Fails when `target` holds anything but a run of `scenario`.
fn refuse_another_run(target: &Path, scenario: &Scenario) -> io::Result<()> {
    let held = target.join("scenario.ron");
    let refuse = |why: String| {
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} {why}: give --force to replace it, or another --out or --seed",
                target.display()
            ),
        ))
    };
    let Ok(text) = fs::read_to_string(&held) else {
        return refuse("holds no scenario.ron, so it is not a run directory".into());
    };
    let old = match Scenario::from_str(&text, &held.display().to_string(), &[]) {
        Ok(old) => old,
        Err(_) => {
            return refuse(
                "holds a run whose scenario.ron this version of hashflight cannot read".into(),
            );
        }
    };
    let as_json = |s: &Scenario| serde_json::to_value(s.spec()).unwrap_or_default();
    let mut fields = Vec::new();
    differing_fields(&as_json(&old), &as_json(scenario), "", &mut fields);
    if fields.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = fields.iter().take(6).map(String::as_str).collect();
    let more = if fields.len() > shown.len() {
        format!(" and {} more", fields.len() - shown.len())
    } else {
        String::new()
    };
    refuse(format!(
        "holds a run of another scenario (it differs in {}{more})",
        shown.join(", ")
    ))
}

/// The dotted paths at which two JSON values differ (a list of another
/// length differs as a whole).
pub fn differing_fields(
    a: &serde_json::Value,
    b: &serde_json::Value,
    at: &str,
    out: &mut Vec<String>,
) {
    use serde_json::Value;
    let join = |k: &str| {
        if at.is_empty() {
            k.to_string()
        } else {
            format!("{at}.{k}")
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) => differing_fields(v, w, &join(k), out),
                    None => out.push(join(k)),
                }
            }
            out.extend(y.keys().filter(|k| !x.contains_key(*k)).map(|k| join(k)));
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                differing_fields(v, w, &join(&i.to_string()), out);
            }
        }
        _ if a != b => out.push(at.to_string()),
        _ => {}
    }
}

/// Longest title a dashboard draws, in characters (a long description is
/// cut with an ellipsis: drawing megabytes of text takes minutes).
pub const MAX_TITLE_CHARS: usize = 160;

/// `text` cut to `max` characters, with an ellipsis when cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

fn spec_title(scenario: &Scenario) -> String {
    let s = scenario.spec();
    if s.description.is_empty() {
        s.name.clone()
    } else {
        format!("{}: {}", s.name, s.description)
    }
}

/// The commit hashflight was built from (`unknown` outside a git checkout).
pub const COMMIT: &str = env!("HASHFLIGHT_COMMIT");

/// The options that change only where or how results are written, left
/// out of the recorded command (so two runs that differ only in them
/// record the same command), with whether each takes a value.
const WRITING_OPTIONS: &[(&str, bool)] = &[
    ("--out", true),
    ("--jobs", true),
    ("--quiet", false),
    ("-q", false),
    ("--json", false),
    ("--force", false),
    ("--keep-runs", false),
];

/// This process's command line, without [`WRITING_OPTIONS`], quoted for a
/// POSIX shell.
pub fn command_line() -> String {
    command_of(std::env::args())
}

/// [`command_line`] of given arguments (the program first).
pub fn command_of(args: impl IntoIterator<Item = String>) -> String {
    let mut args = args.into_iter();
    let program = args
        .next()
        .map(|p| {
            Path::new(&p)
                .file_name()
                .map_or(p.clone(), |n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    let mut kept = vec![program];
    let mut skip_value = false;
    for a in args {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        let name = a.split_once('=').map_or(a.as_str(), |(n, _)| n);
        match WRITING_OPTIONS.iter().find(|(o, _)| *o == name) {
            Some((_, takes_value)) => skip_value = *takes_value && !a.contains('='),
            None => kept.push(a),
        }
    }
    kept.iter()
        .map(|a| shell_quote(a))
        .collect::<Vec<_>>()
        .join(" ")
}

fn shell_quote(a: &str) -> String {
    let plain = !a.is_empty()
        && a.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=,:+@%".contains(c));
    if plain {
        a.to_string()
    } else {
        format!("'{}'", a.replace('\'', "'\\''"))
    }
}

/// A hash of a resolved scenario, hex (SipHash-1-3 of its RON).
pub fn scenario_hash(scenario: &Scenario) -> String {
    use std::hash::Hasher;
    let mut h = siphasher::sip::SipHasher13::new_with_keys(0, 0);
    h.write(scenario.to_ron().as_bytes());
    format!("{:016x}", h.finish())
}

/// The header of a run directory's scenario.ron.
fn ron_header() -> String {
    format!(
        "// Resolved by hashflight {}: every field stated, seed included.\n// `hashflight run scenario.ron` reproduces this run exactly.\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// Writes a run into `dir`: its scenario, its rows, its counterfactual
/// (when the scenario asks for one), its summary, dashboard and report.
/// Returns the summary and the series the run and its counterfactual
/// kept.
fn fill(
    scenario: &Scenario,
    dir: &Path,
    keep: &'static [Field<DayRow>],
    on_day: impl FnMut(u32),
) -> io::Result<(Summary, Kept, Option<Kept>)> {
    fs::write(dir.join("scenario.ron"), ron_header() + &scenario.to_ron())?;
    let mut on_day = on_day;
    let (mut summary, sink) =
        Simulation::new(scenario).run(RunSink::create(dir, keep)?, &mut on_day)?;
    let kept = sink.finish();
    // The counterfactual is a run of its own, kept in `no-ai/` (the same
    // seed without the AI option), and the run's summary compares with it.
    let no_ai = if scenario.spec().counterfactual {
        let (other, no_ai) = counterfactual(scenario, dir, keep, &mut on_day)?;
        summary.set_counterfactual(&other);
        Some(no_ai)
    } else {
        None
    };
    let summary = Summary {
        overrides: scenario.overrides().to_vec(),
        command: command_line(),
        hashflight_commit: COMMIT.to_string(),
        scenario_hash: scenario_hash(scenario),
        ..summary
    };
    write_json(&dir.join("summary.json"), &summary)?;
    // The overrides are part of what the run is: the title says them.
    let with = if scenario.overrides().is_empty() {
        String::new()
    } else {
        format!(" — with {}", scenario.overrides().join(", "))
    };
    let title = format!(
        "{} — seed {}{}",
        clip(&spec_title(scenario), MAX_TITLE_CHARS),
        scenario.spec().seed,
        clip(&with, MAX_TITLE_CHARS)
    );
    let svg = dashboard::write(
        dir,
        &Dashboard {
            title: &title,
            start_unix_s: Some(scenario.spec().chain.start_time_unix_s),
            run: &kept.dashboard,
            no_ai: no_ai.as_ref().map(|k| &k.dashboard),
        },
    )
    .map_err(io::Error::other)?;
    report_of_run(dir, scenario, &summary, &title, &svg)?;
    Ok((summary, kept, no_ai))
}

/// Runs the counterfactual of a run in `dir` (the same seed without the
/// AI option) into its own run directory `dir/no-ai/`, with its summary
/// and dashboard, and returns its summary (as the simulation gave it) and
/// what it kept.
fn counterfactual(
    scenario: &Scenario,
    dir: &Path,
    keep: &'static [Field<DayRow>],
    on_day: &mut impl FnMut(u32),
) -> io::Result<(Summary, Kept)> {
    let no_ai = scenario.without_ai();
    let cf = dir.join(COUNTERFACTUAL_DIR);
    fs::create_dir(&cf)?;
    fs::write(cf.join("scenario.ron"), ron_header() + &no_ai.to_ron())?;
    let (other, sink) = Simulation::new(&no_ai).run(RunSink::create(&cf, keep)?, &mut *on_day)?;
    let kept = sink.finish();
    let written = Summary {
        overrides: scenario.overrides().to_vec(),
        command: command_line(),
        hashflight_commit: COMMIT.to_string(),
        scenario_hash: scenario_hash(&no_ai),
        ..other.clone()
    };
    write_json(&cf.join("summary.json"), &written)?;
    let title = format!(
        "{} without the AI option (the counterfactual) — seed {}",
        clip(&scenario.spec().name, MAX_TITLE_CHARS),
        scenario.spec().seed
    );
    dashboard::write(
        &cf,
        &Dashboard {
            title: &title,
            start_unix_s: Some(scenario.spec().chain.start_time_unix_s),
            run: &kept.dashboard,
            no_ai: None,
        },
    )
    .map_err(io::Error::other)?;
    Ok((other, kept))
}

/// The report of a run directory (its summary written, `svg` its
/// dashboard's markup).
fn report_of_run(
    dir: &Path,
    scenario: &Scenario,
    summary: &Summary,
    title: &str,
    svg: &str,
) -> io::Result<()> {
    let figures = summary.figures();
    let headline = report::HEADLINES
        .iter()
        .filter_map(|(k, what)| {
            let v = figures.iter().find(|f| f.0 == *k)?.1;
            v.is_finite().then(|| (what.to_string(), report::number(v)))
        })
        .collect();
    let mut sections = vec![("The run, day by day".to_string(), report::svg_section(svg))];
    if scenario.spec().counterfactual {
        sections.push((
            "The counterfactual".to_string(),
            format!(
                "<p>The same seed without the AI option is kept in <code>{}/</code> (a run directory of its own); the dashboard above draws its hashrate beside this run's.</p>",
                COUNTERFACTUAL_DIR
            ),
        ));
    }
    sections.push(report::glossary());
    report::write(
        dir,
        &report::Report {
            title: title.to_string(),
            question: scenario.spec().description.clone(),
            headline,
            headline_note: "One seed: an ensemble (hashflight run SCENARIO --seeds 1..20) gives the bands over seeds.".into(),
            sections,
            source: scenario.to_ron(),
            provenance: report::provenance(&[
                ("seed", scenario.spec().seed.to_string()),
                ("command", summary.command.clone()),
                ("scenario_hash", summary.scenario_hash.clone()),
            ]),
        },
    )
}
