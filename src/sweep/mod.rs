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

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::metrics::stats::Spread;
use crate::metrics::{NullSink, Summary};
use crate::output::{Lock, RunDir, write_atomically, write_json};
use crate::plot::{Line, Panel, XAxis, render};
use crate::sim::Simulation;

pub mod checks;
pub mod diff;
pub mod merge;
pub mod resume;
pub mod sensitivity;

use resume::{csv_line, end_of_last_line, row_check};
pub mod spec;
pub mod value;

use spec::{Plan, PlannedRun};

/// How a sweep runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// Worker threads.
    pub jobs: usize,
    /// Output root: the sweep goes to `<out>/sweeps/<name>`.
    pub out: PathBuf,
    /// Run only shard K of N (1-based K).
    pub shard: Option<(u32, u32)>,
    /// Also write every run's directory under `runs/<id>/`.
    pub keep_runs: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            jobs: 1,
            out: PathBuf::from("output"),
            shard: None,
            keep_runs: false,
        }
    }
}

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

/// The manifest of a sweep directory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Identity of the sweep.
    pub sweep_hash: String,
    /// hashflight version that planned it.
    pub hashflight_version: String,
    /// The commit hashflight was built from.
    #[serde(default)]
    pub hashflight_commit: String,
    /// The command that planned it, without the options that change only
    /// where or how it is written (`--out`, `--jobs`, …).
    #[serde(default)]
    pub command: String,
    /// The sweep as written.
    pub sweep: spec::SweepFile,
    /// The shard this directory holds (K, N), if any.
    pub shard: Option<(u32, u32)>,
    /// Columns of runs.csv.
    pub columns: Vec<String>,
    /// Every planned run of the whole sweep, in plan order.
    pub runs: Vec<ManifestRun>,
}

/// A planned run as the manifest lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ManifestRun {
    /// Run id.
    pub id: String,
    /// Point index.
    pub point: usize,
    /// Replicate.
    pub replicate: u32,
    /// Seed.
    pub seed: u64,
    /// The point's values, by axis path.
    pub params: Vec<(String, String)>,
}

fn manifest(plan: &Plan, shard: Option<(u32, u32)>) -> Manifest {
    Manifest {
        sweep_hash: plan.sweep_hash.clone(),
        hashflight_version: env!("CARGO_PKG_VERSION").to_string(),
        hashflight_commit: crate::output::COMMIT.to_string(),
        command: crate::output::command_line(),
        sweep: plan.file.clone(),
        shard,
        columns: columns(plan),
        runs: plan
            .runs
            .iter()
            .map(|r| ManifestRun {
                id: r.id.clone(),
                point: r.point,
                replicate: r.replicate,
                seed: r.seed,
                params: plan
                    .file
                    .axes
                    .iter()
                    .zip(&plan.points[r.point].values)
                    .map(|(a, v)| (a.path.clone(), v.clone()))
                    .collect(),
            })
            .collect(),
    }
}

/// Columns of runs.csv.
pub fn columns(plan: &Plan) -> Vec<String> {
    let mut c: Vec<String> = ["id", "point", "replicate", "seed"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    c.extend(plan.file.axes.iter().map(|a| a.path.clone()));
    c.extend(Summary::figure_names().into_iter().map(String::from));
    c.push("row_check".into());
    c
}

/// The directory of a sweep (or of one of its shards).
pub fn directory(plan: &Plan, out: &Path, shard: Option<(u32, u32)>) -> PathBuf {
    let base = out.join("sweeps").join(&plan.file.name);
    match shard {
        Some((k, n)) => base.join("shards").join(format!("{k}-of-{n}")),
        None => base,
    }
}

/// A number for a CSV cell: empty when it does not exist (NaN, e.g. the
/// decline against no AI of a run without a counterfactual).
fn number_cell(v: f64) -> String {
    if v.is_nan() {
        String::new()
    } else {
        v.to_string()
    }
}

fn row(plan: &Plan, run: &PlannedRun, summary: &Summary) -> Vec<u8> {
    let mut f = vec![
        run.id.clone(),
        run.point.to_string(),
        run.replicate.to_string(),
        run.seed.to_string(),
    ];
    f.extend(plan.points[run.point].values.iter().cloned());
    f.extend(summary.figures().into_iter().map(|(_, v)| number_cell(v)));
    let check = row_check(&f);
    f.push(check);
    csv_line(&f)
}

/// Streams the complete, checked rows of a runs.csv through `each`, and
/// returns how many there are and the byte length they occupy (anything
/// after is a torn or damaged tail). Rows are never all held in memory.
fn scan_rows(
    path: &Path,
    expected_header: &[String],
    mut each: impl FnMut(&csv::StringRecord) -> Result<(), SweepError>,
) -> Result<(usize, u64), SweepError> {
    let mut file = File::open(path)?;
    let complete = end_of_last_line(&mut file)?;
    file.seek(io::SeekFrom::Start(0))?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(io::BufReader::new(file).take(complete));
    let (mut count, mut good_len) = (0usize, 0u64);
    let mut header_seen = false;
    let mut rec = csv::StringRecord::new();
    while let Ok(true) = r.read_record(&mut rec) {
        if !header_seen {
            if !rec.iter().eq(expected_header.iter().map(String::as_str)) {
                return Err(SweepError::Corrupt(
                    path.to_path_buf(),
                    "its header is not this sweep's: run the sweep (or shard) again, which repairs it".into(),
                ));
            }
            header_seen = true;
            good_len = r.position().byte();
            continue;
        }
        let n = rec.len();
        let fields: Vec<String> = rec
            .iter()
            .take(n.saturating_sub(1))
            .map(String::from)
            .collect();
        if n != expected_header.len() || row_check(&fields) != rec[n - 1] {
            break;
        }
        each(&rec)?;
        good_len = r.position().byte();
        count += 1;
    }
    Ok((count, good_len))
}

/// Runs a sweep (or one shard of it) and returns its directory, the
/// verdicts of its checks and what was repaired on resuming. Runs already
/// recorded are skipped; a damaged runs.csv keeps every row whose check
/// holds and only the other runs are done again ([`resume`]); `on_run` is
/// called as each run finishes.
pub fn run(
    plan: &Plan,
    opts: &Options,
    on_run: impl Fn(&PlannedRun) + Sync,
) -> Result<Outcome, SweepError> {
    let dir = directory(plan, &opts.out, opts.shard);
    // One process at a time runs a sweep (or shard) directory: a second
    // would compute every run again and record it twice.
    let _lock = lock(&dir)?;
    let m = manifest(plan, opts.shard);
    let manifest_path = dir.join("manifest.json");
    if manifest_path.exists() {
        let old: Result<Manifest, _> = serde_json::from_slice(&fs::read(&manifest_path)?);
        match old {
            Ok(old)
                if old.sweep_hash == m.sweep_hash && old.shard == m.shard && old.runs == m.runs =>
            {
                // Same runs, other checks or description: the manifest
                // records those of the last run (merge evaluates them).
                if old.sweep != m.sweep {
                    let mut updated = old;
                    updated.sweep.checks = m.sweep.checks.clone();
                    updated.sweep.description = m.sweep.description.clone();
                    let tmp = dir.join(".manifest.json.partial");
                    write_json(&tmp, &updated)?;
                    fs::rename(&tmp, &manifest_path)?;
                }
            }
            Ok(_) => return Err(SweepError::Foreign(dir)),
            Err(e) => return Err(SweepError::DamagedManifest(manifest_path, e.to_string())),
        }
    } else {
        fs::create_dir_all(&dir)?;
        let tmp = dir.join(".manifest.json.partial");
        write_json(&tmp, &m)?;
        fs::rename(&tmp, &manifest_path)?;
    }
    let mine = runs_of_shard(plan, opts.shard);
    let runs_path = dir.join("runs.csv");
    let header = columns(plan);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .build()
        .map_err(io::Error::other)?;
    // The rows of a batch of runs, computed in parallel, in its order.
    let compute = |batch: &[&PlannedRun]| -> Result<Vec<Vec<u8>>, SweepError> {
        pool.install(|| {
            batch
                .par_iter()
                .map(|r| {
                    let s = plan
                        .scenario(r)
                        .map_err(|e| SweepError::Scenario(r.id.clone(), e))?;
                    let summary = if opts.keep_runs {
                        crate::output::write_run(&s, &dir.join("runs").join(&r.id), |_| {})?.1
                    } else {
                        Simulation::run_scenario(&s, NullSink, |_| {})?.0
                    };
                    on_run(r);
                    Ok(row(plan, r, &summary))
                })
                .collect()
        })
    };
    let mut repairs = resume::Repairs::default();
    let done = if runs_path.exists() {
        let recorded = resume::read(&runs_path, &header, plan, &mine)?;
        repairs = recorded.repairs;
        let done = recorded
            .rows
            .iter()
            .rposition(Option::is_some)
            .map_or(0, |l| l + 1);
        match recorded.clean_len {
            // Drop a torn or damaged tail: those runs are done again.
            Some(len) => {
                OpenOptions::new()
                    .write(true)
                    .open(&runs_path)?
                    .set_len(len)?;
                for r in &mine[..done] {
                    on_run(r);
                }
            }
            // Damage inside the file: do again the runs before the last
            // kept row that have none, and write the file again, aside
            // then renamed into place, in plan order.
            None => {
                let holes: Vec<&PlannedRun> = (0..done)
                    .filter(|&i| recorded.rows[i].is_none())
                    .map(|i| mine[i])
                    .collect();
                for (i, r) in mine[..done].iter().enumerate() {
                    if recorded.rows[i].is_some() {
                        on_run(r);
                    }
                }
                let mut redone = compute(&holes)?.into_iter();
                let tmp = dir.join(".runs.csv.partial");
                let mut w = io::BufWriter::new(File::create(&tmp)?);
                w.write_all(&csv_line(&header))?;
                for kept in recorded.rows.into_iter().take(done) {
                    match kept {
                        Some(row) => w.write_all(&row)?,
                        None => w.write_all(&redone.next().expect("one row per hole"))?,
                    }
                }
                let f = w.into_inner().map_err(|e| e.into_error())?;
                f.sync_data()?;
                drop(f);
                fs::rename(&tmp, &runs_path)?;
            }
        }
        done
    } else {
        fs::write(&runs_path, csv_line(&header))?;
        0
    };
    let mut file = OpenOptions::new().append(true).open(&runs_path)?;
    let chunk = (opts.jobs.max(1) * 8).max(8);
    for batch in mine[done..].chunks(chunk) {
        for r in compute(batch)? {
            file.write_all(&r)?;
        }
        file.flush()?;
        file.sync_data()?;
    }
    let verdicts = match opts.shard {
        None => finish(plan, &dir)?,
        Some(_) => Vec::new(),
    };
    Ok(Outcome {
        dir,
        verdicts,
        repairs,
    })
}

/// What a sweep would do (`hashflight sweep --dry-run`): nothing is
/// written.
#[derive(Clone, Debug, Serialize)]
pub struct DryRun {
    /// The sweep (or shard) directory it would write.
    pub dir: PathBuf,
    /// Runs of this sweep (or shard).
    pub runs: usize,
    /// Points of the plan.
    pub points: usize,
    /// Seeds a point.
    pub seeds: u32,
    /// The shard (K, N), if any.
    pub shard: Option<(u32, u32)>,
    /// Whether the directory holds another sweep (the sweep would refuse).
    pub holds_another_sweep: bool,
    /// Runs already recorded there whose rows resuming would keep.
    pub recorded: usize,
    /// Runs left to do.
    pub to_run: usize,
    /// Worker threads.
    pub jobs: usize,
    /// Days of the run that was timed (the first left to do, cut short),
    /// and its wall time, s.
    pub timed: Option<(u32, f64)>,
    /// Estimated wall time of the runs left, s: the timed run scaled to
    /// each run's days, over the jobs.
    pub estimated_s: f64,
}

impl DryRun {
    /// The plan in a few lines.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{}: {} runs ({}{}) with {} jobs",
            self.dir.display(),
            self.runs,
            spec::points_by_seeds(self.points as u64, self.seeds),
            self.shard
                .map(|(k, n)| format!(", shard {k} of {n}"))
                .unwrap_or_default(),
            self.jobs
        );
        if self.holds_another_sweep {
            s.push_str("\n  the directory holds another sweep: this one would refuse to write there (choose another --out)");
            return s;
        }
        s.push_str(&format!(
            "\n  {} already recorded, {} to run",
            self.recorded, self.to_run
        ));
        if let Some((days, secs)) = self.timed {
            s.push_str(&format!(
                "\n  estimated {:.1} s (one run of {days} days took {secs:.2} s, scaled to each run's days)",
                self.estimated_s
            ));
        }
        s.push_str("\n  nothing was written (--dry-run)");
        s
    }
}

/// Plans a sweep without running it: what is already recorded, what is
/// left, and an estimate of its time from one short run timed in memory.
pub fn dry_run(plan: &Plan, opts: &Options) -> Result<DryRun, SweepError> {
    let dir = directory(plan, &opts.out, opts.shard);
    let mine = runs_of_shard(plan, opts.shard);
    let m = manifest(plan, opts.shard);
    let holds_another_sweep = match fs::read(dir.join("manifest.json")) {
        Ok(bytes) => !serde_json::from_slice::<Manifest>(&bytes).is_ok_and(|old| {
            old.sweep_hash == m.sweep_hash && old.shard == m.shard && old.runs == m.runs
        }),
        Err(_) => false,
    };
    let runs_path = dir.join("runs.csv");
    let kept: Vec<bool> = if !holds_another_sweep && runs_path.is_file() {
        resume::read(&runs_path, &columns(plan), plan, &mine)?
            .rows
            .iter()
            .map(Option::is_some)
            .collect()
    } else {
        vec![holds_another_sweep; mine.len()]
    };
    let recorded = if holds_another_sweep {
        0
    } else {
        kept.iter().filter(|k| **k).count()
    };
    let left: Vec<&PlannedRun> = mine
        .iter()
        .zip(&kept)
        .filter(|(_, k)| !**k)
        .map(|(r, _)| *r)
        .collect();
    // Time the first run left, cut to at most 30 days, in memory.
    const TIMED_DAYS: u32 = 30;
    let mut timed = None;
    let mut estimated_s = 0.0;
    if let Some(first) = left.first() {
        let mut o = plan.overrides(&plan.points[first.point]);
        let full = plan
            .scenario(first)
            .map_err(|e| SweepError::Scenario(first.id.clone(), e))?
            .spec()
            .duration_days;
        let days = full.min(TIMED_DAYS);
        o.push(crate::scenario::Override {
            path: "duration_days".into(),
            value: days.to_string(),
        });
        let s = crate::scenario::Scenario::load(&plan.base, &o)
            .map_err(|e| SweepError::Scenario(first.id.clone(), e))?
            .with_seed(first.seed);
        let t = std::time::Instant::now();
        Simulation::run_scenario(&s, NullSink, |_| {})?;
        let secs = t.elapsed().as_secs_f64();
        timed = Some((days, secs));
        // A point's replicates share its days: load each point once.
        let mut days_of: std::collections::HashMap<usize, u32> = Default::default();
        let mut total_days = 0.0;
        for r in &left {
            let d = match days_of.get(&r.point) {
                Some(d) => *d,
                None => {
                    let d = plan
                        .scenario(r)
                        .map_err(|e| SweepError::Scenario(r.id.clone(), e))?
                        .spec()
                        .duration_days;
                    days_of.insert(r.point, d);
                    d
                }
            };
            total_days += f64::from(d);
        }
        estimated_s = secs / f64::from(days) * total_days / opts.jobs.max(1) as f64;
    }
    Ok(DryRun {
        dir,
        runs: mine.len(),
        points: plan.points.len(),
        seeds: plan.file.seeds,
        shard: opts.shard,
        holds_another_sweep,
        recorded,
        to_run: left.len(),
        jobs: opts.jobs.max(1),
        timed,
        estimated_s,
    })
}

/// The runs of a sweep that a shard (or the whole sweep) does, in plan
/// order.
fn runs_of_shard(plan: &Plan, shard: Option<(u32, u32)>) -> Vec<&PlannedRun> {
    match shard {
        Some((k, n)) => plan
            .runs
            .iter()
            .enumerate()
            .filter(|(i, _)| i % n as usize == (k - 1) as usize)
            .map(|x| x.1)
            .collect(),
        None => plan.runs.iter().collect(),
    }
}

/// What running a sweep (or shard) did.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The sweep (or shard) directory.
    pub dir: PathBuf,
    /// The verdicts of its checks (none for a shard: they are evaluated
    /// on the merge).
    pub verdicts: Vec<checks::Verdict>,
    /// What resuming repaired in a damaged runs.csv.
    pub repairs: resume::Repairs,
}

/// Takes the lock of a sweep (or shard) directory and removes what a killed
/// process left there: staging directories and a half-written manifest.
pub(crate) fn lock(dir: &Path) -> Result<Lock, SweepError> {
    fs::create_dir_all(dir)?;
    let lock = Lock::acquire(&dir.join(".lock"), &dir.display().to_string())?;
    lock.clear_stale(
        dir,
        &[
            ".finish.partial-",
            ".merge.partial-",
            ".manifest.json.partial",
            ".runs.csv.partial",
        ],
    )?;
    Ok(lock)
}

/// Writes points.csv, the plots and (when the sweep has checks)
/// checks.csv of a complete sweep directory, and returns the checks'
/// verdicts.
pub fn finish(plan: &Plan, dir: &Path) -> Result<Vec<checks::Verdict>, SweepError> {
    let runs_path = dir.join("runs.csv");
    let header = columns(plan);
    let figures = Summary::figure_names();
    let first_figure = 4 + plan.file.axes.len();
    let staging = RunDir::staging(dir, "finish")?;
    let mut w =
        csv::Writer::from_path(staging.path().join("points.csv")).map_err(io::Error::other)?;
    let mut head: Vec<String> = vec!["point".into()];
    head.extend(plan.file.axes.iter().map(|a| a.path.clone()));
    head.push("runs".into());
    for f in &figures {
        for s in ["mean", "median", "p05", "p95"] {
            head.push(format!("{f}_{s}"));
        }
    }
    w.write_record(&head).map_err(io::Error::other)?;
    // A sensitivity design keeps its metrics' values over seeds at every
    // point (points × metrics × seeds numbers) for the indices.
    let layout = spec::layout(&plan.file);
    let sens_metrics = plot_metrics(plan);
    let sens_index: Vec<usize> = sens_metrics
        .iter()
        .filter_map(|m| figures.iter().position(|f| f == m))
        .collect();
    let mut sens_runs: Vec<Vec<Vec<f64>>> = Vec::new();
    // Rows are in plan order, so each point's runs come together: one
    // point's figures are held at a time.
    let mut point_stats: Vec<(usize, Vec<Spread>)> = Vec::new();
    let mut current: Option<(usize, Vec<Vec<f64>>)> = None;
    let mut flush = |point: usize,
                     values: Vec<Vec<f64>>,
                     w: &mut csv::Writer<File>|
     -> Result<(), SweepError> {
        let spreads: Vec<Spread> = values.iter().map(|v| Spread::of(v)).collect();
        let mut rec = vec![point.to_string()];
        rec.extend(plan.points[point].values.iter().cloned());
        rec.push(values.first().map_or(0, Vec::len).to_string());
        for s in &spreads {
            rec.extend(
                [s.mean, s.median, s.p05, s.p95]
                    .into_iter()
                    .map(number_cell),
            );
        }
        w.write_record(&rec).map_err(io::Error::other)?;
        if layout.is_some() {
            sens_runs.push(sens_index.iter().map(|&k| values[k].clone()).collect());
        }
        point_stats.push((point, spreads));
        Ok(())
    };
    let (count, _) = scan_rows(&runs_path, &header, |rec| {
        let point: usize = rec[1]
            .parse()
            .ok()
            .filter(|p| *p < plan.points.len())
            .ok_or_else(|| {
                SweepError::Corrupt(runs_path.clone(), format!("bad point index `{}`", &rec[1]))
            })?;
        if current.as_ref().is_some_and(|c| c.0 != point) {
            let (p, v) = current.take().expect("checked");
            flush(p, v, &mut w)?;
        }
        let entry = current.get_or_insert_with(|| (point, vec![Vec::new(); figures.len()]));
        for (k, v) in entry.1.iter_mut().enumerate() {
            v.push(rec[first_figure + k].parse().unwrap_or(f64::NAN));
        }
        Ok(())
    })?;
    if let Some((p, v)) = current.take() {
        flush(p, v, &mut w)?;
    }
    if count != plan.runs.len() {
        staging.abandon();
        return Err(SweepError::Corrupt(
            runs_path,
            format!("{count} of {} runs recorded", plan.runs.len()),
        ));
    }
    w.flush()?;
    drop(w);
    let mut names = vec!["points.csv".to_string()];
    names.extend(plots(plan, &point_stats, staging.path())?);
    let figure_names: Vec<String> = figures.iter().map(|f| f.to_string()).collect();
    let axes: Vec<String> = plan.file.axes.iter().map(|a| a.path.clone()).collect();
    let values: Vec<Vec<String>> = plan.points.iter().map(|p| p.values.clone()).collect();
    let mut at_point: Vec<Option<usize>> = vec![None; plan.points.len()];
    for (i, s) in point_stats.iter().enumerate() {
        at_point[s.0] = Some(i);
    }
    let verdicts = checks::evaluate(&plan.file.checks, &axes, &values, &figure_names, |p, f| {
        at_point[p].map(|i| &point_stats[i].1[f])
    });
    if !plan.file.checks.is_empty() {
        checks::write_csv(&staging.path().join("checks.csv"), &verdicts)?;
        names.push("checks.csv".into());
    } else if dir.join("checks.csv").exists() {
        // The verdicts of checks the sweep file no longer has.
        fs::remove_file(dir.join("checks.csv"))?;
    }
    if let Some(layout) = &layout {
        let rows = sensitivity::indices(layout, &axes, &sens_metrics, &sens_runs, plan.file.seed);
        names.extend(sensitivity::write(
            layout,
            &rows,
            &sens_metrics,
            &plan.file.name,
            staging.path(),
        )?);
    }
    report(plan, &names, &verdicts, staging.path())?;
    names.push("report.html".into());
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    write_atomically(staging, dir, &refs)?;
    Ok(verdicts)
}

pub use spec::DEFAULT_METRICS;

/// The sweep's report.html: the ranking of a sensitivity sweep, the
/// checks' verdicts, every plot inline, the sweep file and provenance.
fn report(
    plan: &Plan,
    written: &[String],
    verdicts: &[checks::Verdict],
    dir: &Path,
) -> Result<(), SweepError> {
    use crate::output::report::{self, number};
    let mut headline = Vec::new();
    let mut sections = Vec::new();
    let sens = dir.join("sensitivity.csv");
    if sens.is_file() {
        let rows = sensitivity::read(&sens)?;
        for r in &rows {
            match r.index.as_str() {
                "mu_star" | "ST" => headline.push((
                    format!("{}: {}", r.metric, r.parameter),
                    format!(
                        "{} {} [95 %: {} to {}]",
                        if r.index == "ST" {
                            "total index ST"
                        } else {
                            "μ*"
                        },
                        number(r.value),
                        number(r.low),
                        number(r.high)
                    ),
                )),
                "seed_share" => headline.push((
                    format!("{}: seed noise", r.metric),
                    if r.value.is_finite() {
                        format!("{:.0} % of the runs' variance", 100.0 * r.value)
                    } else {
                        "not measured (one seed a point)".into()
                    },
                )),
                _ => {}
            }
        }
    }
    if !verdicts.is_empty() {
        let passed = verdicts.iter().filter(|v| v.passed).count();
        headline.push((
            "checks".into(),
            format!(
                "{passed} of {} verdicts passed (checks.csv)",
                verdicts.len()
            ),
        ));
    }
    if sens.is_file() {
        let meaning = crate::output::columns::file("sensitivity.csv")
            .and_then(|f| f.columns().find(|c| c.name == "index"))
            .map_or("", |c| c.meaning);
        sections.push((
            "What the indices mean".into(),
            format!(
                "<p>{}.</p><p class=\"note\">An index near zero with a narrow interval: the parameter does not matter over its range. ST well above S1 (or σ as large as μ*): it matters through interactions with the others. A large seed noise: the answer is mostly chance, whatever the parameters.</p>",
                report::escape(&meaning.replace('`', ""))
            ),
        ));
    }
    // The ranking's plots first, then the figures against each axis.
    let mut svgs: Vec<&String> = written.iter().filter(|n| n.ends_with(".svg")).collect();
    svgs.sort_by_key(|n| !n.starts_with("sensitivity-"));
    for name in svgs {
        sections.push((
            name.trim_end_matches(".svg").to_string(),
            report::inline_svg(&dir.join(name))?,
        ));
    }
    let source = ron::ser::to_string_pretty(&plan.file, ron::ser::PrettyConfig::default())
        .map_err(io::Error::other)?;
    report::write(
        dir,
        &report::Report {
            title: format!("Sweep {}", plan.file.name),
            question: format!(
                "{}{} ({:?} design) of `{}`, varying {}.",
                if plan.file.description.is_empty() {
                    String::new()
                } else {
                    format!("{} ", plan.file.description)
                },
                plan.size(),
                plan.file.design,
                plan.file.base,
                plan.file
                    .axes
                    .iter()
                    .map(|a| a.path.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            headline,
            headline_note: if sens.is_file() {
                "Parameters ranked by their main index, the most influential first; brackets are 95 % bootstrap intervals (sensitivity.csv).".into()
            } else {
                "points.csv holds every figure's mean, median, 5 % and 95 % over seeds at every point.".into()
            },
            sections,
            source,
            provenance: report::provenance(&[
                ("sweep_hash", plan.sweep_hash.clone()),
                ("runs", plan.runs.len().to_string()),
            ]),
        },
    )?;
    Ok(())
}

/// Most lines a sweep plot draws against one axis (one per combination of
/// the other axes' values); past it, the medians are drawn as points.
pub const MAX_LINES: usize = 8;

/// The figures a sweep plots (and ranks the parameters of): its
/// `metrics`, or [`DEFAULT_METRICS`].
pub fn plot_metrics(plan: &Plan) -> Vec<String> {
    if plan.file.metrics.is_empty() {
        DEFAULT_METRICS.iter().map(|s| s.to_string()).collect()
    } else {
        plan.file.metrics.clone()
    }
}

fn plots(
    plan: &Plan,
    stats: &[(usize, Vec<Spread>)],
    dir: &Path,
) -> Result<Vec<String>, SweepError> {
    let names = Summary::figure_names();
    let metrics = plot_metrics(plan);
    let metric_index: Vec<(String, usize)> = metrics
        .iter()
        .filter_map(|m| names.iter().position(|n| n == m).map(|i| (m.clone(), i)))
        .collect();
    let numeric = |s: &str| s.trim().parse::<f64>().ok();
    // An axis' values in plan order, each once.
    let distinct = |a: usize| {
        let mut seen = std::collections::HashSet::new();
        plan.points
            .iter()
            .filter(|p| seen.insert(p.values[a].as_str()))
            .map(|p| p.values[a].clone())
            .collect::<Vec<String>>()
    };
    let design = &plan.file.design;
    let mut written = Vec::new();
    // Each metric against each axis. On a grid, one line (median, 5–95 %
    // band over seeds) per combination of the other axes' values, so no
    // line joins points that differ in another axis; past MAX_LINES such
    // lines, and for Latin-hypercube samples, the medians as points.
    for (a, axis) in plan.file.axes.iter().enumerate() {
        let values = distinct(a);
        let text_axis = values.iter().any(|v| numeric(v).is_none());
        let rank: std::collections::HashMap<&str, usize> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (v.as_str(), i))
            .collect();
        let x_of = |v: &str| match (text_axis, numeric(v)) {
            (false, Some(x)) => x,
            _ => rank.get(v).copied().unwrap_or(0) as f64,
        };
        // Points (indices into `stats`) by the other axes' values.
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        let mut group_of: std::collections::HashMap<String, usize> =
            std::collections::HashMap::new();
        for (i, (p, _)) in stats.iter().enumerate() {
            let key = match design {
                spec::Design::Grid => plan
                    .file
                    .axes
                    .iter()
                    .zip(&plan.points[*p].values)
                    .enumerate()
                    .filter(|(b, _)| *b != a)
                    .map(|(_, (ax, v))| format!("{}={v}", ax.path))
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => String::new(),
            };
            let g = *group_of.entry(key.clone()).or_insert_with(|| {
                groups.push((key, Vec::new()));
                groups.len() - 1
            });
            groups[g].1.push(i);
        }
        let sampled =
            matches!(design, spec::Design::LatinHypercube { .. }) || design.is_sensitivity();
        let scatter = sampled || groups.len() > MAX_LINES;
        let mut panels = Vec::new();
        for (m, k) in &metric_index {
            let mut panel = Panel::new(m.replace('_', " "), crate::plot::unit_of(m));
            if scatter {
                let xs = stats
                    .iter()
                    .map(|(p, _)| x_of(&plan.points[*p].values[a]))
                    .collect();
                let ys = stats.iter().map(|(_, s)| s[*k].median).collect();
                let label = match design {
                    _ if sampled => {
                        "median over seeds at each sample (the other axes vary)".to_string()
                    }
                    _ => format!(
                        "median over seeds at each point ({} combinations of the other axes)",
                        groups.len()
                    ),
                };
                panel = panel.line(Line::new(m, xs, ys).markers().label(label));
            } else {
                for (g, (key, members)) in groups.iter().enumerate() {
                    let mut pts: Vec<(f64, Spread)> = members
                        .iter()
                        .map(|&i| (x_of(&plan.points[stats[i].0].values[a]), stats[i].1[*k]))
                        .collect();
                    pts.sort_by(|x, y| x.0.total_cmp(&y.0));
                    let label = match (design, key.is_empty()) {
                        (spec::Design::Zip, _) if plan.file.axes.len() > 1 => {
                            "median, 5–95 % over seeds (the other axes step with it)".to_string()
                        }
                        (_, true) => "median, 5–95 % over seeds".to_string(),
                        (_, false) => key.clone(),
                    };
                    let mut line = Line::new(
                        m,
                        pts.iter().map(|p| p.0).collect(),
                        pts.iter().map(|p| p.1.median).collect(),
                    )
                    .band(
                        pts.iter().map(|p| p.1.p05).collect(),
                        pts.iter().map(|p| p.1.p95).collect(),
                    )
                    .label(label);
                    if groups.len() > 1 {
                        line = line.color(crate::plot::nth_color(g));
                    }
                    panel = panel.line(line);
                }
            }
            panels.push(panel);
        }
        let stem = format!("sweep-{}", axis.path.replace('.', "_"));
        let several = groups.len() > 1 && !scatter;
        let x = XAxis {
            start_unix_s: None,
            label: Some(if several {
                format!("{} (lines: median and 5–95 % band over seeds)", axis.path)
            } else {
                axis.path.clone()
            }),
            ticks: text_axis.then(|| values.clone()),
        };
        render(
            &dir.join(&stem),
            &format!("{}: against {}", plan.file.name, axis.path),
            &panels,
            &x,
        )
        .map_err(io::Error::other)?;
        written.extend([format!("{stem}.png"), format!("{stem}.svg")]);
    }
    // Two axes on a grid: a heatmap of the median per metric.
    if plan.file.axes.len() == 2 && plan.file.design == spec::Design::Grid {
        let (xv, yv) = (distinct(0), distinct(1));
        for (m, k) in &metric_index {
            let mut grid = vec![vec![f64::NAN; yv.len()]; xv.len()];
            for (p, s) in stats {
                let pt = &plan.points[*p];
                let xi = xv
                    .iter()
                    .position(|v| *v == pt.values[0])
                    .expect("value of the grid");
                let yi = yv
                    .iter()
                    .position(|v| *v == pt.values[1])
                    .expect("value of the grid");
                grid[xi][yi] = s[*k].median;
            }
            let stem = format!("heatmap-{m}");
            crate::plot::heatmap(
                &dir.join(&stem),
                &crate::plot::Heatmap {
                    title: &format!("{}: median {} over seeds", plan.file.name, m),
                    x: crate::plot::MapAxis {
                        name: &plan.file.axes[0].path,
                        labels: &xv,
                    },
                    y: crate::plot::MapAxis {
                        name: &plan.file.axes[1].path,
                        labels: &yv,
                    },
                    values: &grid,
                },
            )
            .map_err(io::Error::other)?;
            written.extend([format!("{stem}.png"), format!("{stem}.svg")]);
        }
    }
    Ok(written)
}
