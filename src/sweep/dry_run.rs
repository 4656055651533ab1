//! `hashflight sweep --dry-run`: what a sweep would do, and how long it
//! would take, with nothing written.

use std::fs;
use std::path::PathBuf;

use serde::Serialize;

use super::directory::{Manifest, columns, directory, manifest};
use super::error::SweepError;
use super::execute::{Options, runs_of_shard};
use super::resume;
use super::spec::{self, Plan, PlannedRun};
use crate::metrics::NullSink;
use crate::sim::Simulation;

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
        Ok(bytes) => !serde_json::from_slice::<Manifest>(&bytes).is_ok_and(|old| old.same_runs(&m)),
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
