//! Running a sweep's plan: the runs of the sweep (or shard) not yet
//! recorded, in parallel, their rows appended to runs.csv in plan order as
//! each batch finishes; resuming keeps what an interrupted sweep recorded.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::checks;
use super::directory::{columns, directory, lock, manifest, record_manifest, row};
use super::error::SweepError;
use super::finish::finish;
use super::resume::{self, csv_line};
use super::spec::{Plan, PlannedRun};
use crate::metrics::NullSink;
use crate::sim::Simulation;

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

/// What running a sweep (or shard) did.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The sweep (or shard) directory.
    pub dir: PathBuf,
    /// The verdicts of its checks (none for a shard: they are evaluated
    /// on the merge).
    pub verdicts: Vec<checks::Verdict>,
    /// What resuming repaired in a damaged runs.csv.
    pub(crate) repairs: resume::Repairs,
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
    record_manifest(&dir, &manifest(plan, opts.shard))?;
    let mine = runs_of_shard(plan, opts.shard);
    let runs_path = dir.join("runs.csv");
    let header = columns(plan);
    let runner = Runner {
        plan,
        keep_runs: opts.keep_runs,
        dir: &dir,
        pool: rayon::ThreadPoolBuilder::new()
            .num_threads(opts.jobs.max(1))
            .build()
            .map_err(io::Error::other)?,
        on_run: &on_run,
    };
    let (done, repairs) = if runs_path.exists() {
        runner.resume(&runs_path, &header, &mine)?
    } else {
        fs::write(&runs_path, csv_line(&header))?;
        (0, resume::Repairs::default())
    };
    let mut file = OpenOptions::new().append(true).open(&runs_path)?;
    let chunk = (opts.jobs.max(1) * 8).max(8);
    for batch in mine[done..].chunks(chunk) {
        for r in runner.rows(batch)? {
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

/// What computes a sweep's runs: its plan, where kept run directories go,
/// the worker threads, and what to call as each run finishes.
struct Runner<'a, F> {
    /// The sweep's plan.
    plan: &'a Plan,
    /// Whether every run's directory is written under `<dir>/runs/<id>/`.
    keep_runs: bool,
    /// The sweep (or shard) directory.
    dir: &'a Path,
    /// The worker threads.
    pool: rayon::ThreadPool,
    /// Called as each run finishes (or is found recorded).
    on_run: &'a F,
}

impl<F: Fn(&PlannedRun) + Sync> Runner<'_, F> {
    /// The rows of a batch of runs, computed in parallel, in its order.
    fn rows(&self, batch: &[&PlannedRun]) -> Result<Vec<Vec<u8>>, SweepError> {
        self.pool.install(|| {
            batch
                .par_iter()
                .map(|r| {
                    let s = self
                        .plan
                        .scenario(r)
                        .map_err(|e| SweepError::Scenario(r.id.clone(), e))?;
                    let summary = if self.keep_runs {
                        crate::output::write_run(&s, &self.dir.join("runs").join(&r.id), |_| {})?.1
                    } else {
                        Simulation::run_scenario(&s, NullSink, |_| {})?.0
                    };
                    (self.on_run)(r);
                    Ok(row(self.plan, r, &summary))
                })
                .collect()
        })
    }

    /// Resumes from the runs.csv an earlier process left: keeps every row
    /// whose check holds, does again the runs before the last kept row
    /// that have none, and returns how many of `mine` (from the first) are
    /// now recorded, and what was repaired.
    fn resume(
        &self,
        runs_path: &Path,
        header: &[String],
        mine: &[&PlannedRun],
    ) -> Result<(usize, resume::Repairs), SweepError> {
        let recorded = resume::read(runs_path, header, self.plan, mine)?;
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
                    .open(runs_path)?
                    .set_len(len)?;
                for r in &mine[..done] {
                    (self.on_run)(r);
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
                        (self.on_run)(r);
                    }
                }
                let redone = self.rows(&holes)?;
                self.rewrite(
                    runs_path,
                    header,
                    recorded.rows.into_iter().take(done),
                    redone,
                )?;
            }
        }
        Ok((done, recorded.repairs))
    }

    /// Writes runs.csv again, aside then renamed into place: the header,
    /// then each kept row, a hole taking the next of the rows done again.
    fn rewrite(
        &self,
        runs_path: &Path,
        header: &[String],
        kept: impl Iterator<Item = Option<Vec<u8>>>,
        redone: Vec<Vec<u8>>,
    ) -> Result<(), SweepError> {
        let mut redone = redone.into_iter();
        let tmp = self.dir.join(".runs.csv.partial");
        let mut w = io::BufWriter::new(File::create(&tmp)?);
        w.write_all(&csv_line(header))?;
        for kept in kept {
            match kept {
                Some(row) => w.write_all(&row)?,
                None => w.write_all(&redone.next().expect("one row per hole"))?,
            }
        }
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_data()?;
        drop(f);
        fs::rename(&tmp, runs_path)?;
        Ok(())
    }
}

/// The runs of a sweep that a shard (or the whole sweep) does, in plan
/// order.
pub(super) fn runs_of_shard(plan: &Plan, shard: Option<(u32, u32)>) -> Vec<&PlannedRun> {
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
