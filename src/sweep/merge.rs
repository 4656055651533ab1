//! `hashflight merge`: the shards of a sweep, run apart (on a cluster, say),
//! joined into the directory a single-process sweep would have written.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::directory::{Manifest, lock, scan_rows};
use super::error::SweepError;
use super::finish::finish;
use super::resume::csv_line;
use super::spec::{self, Plan, PlannedRun};
use crate::output::{RunDir, write_atomically, write_json};

/// Merges shard directories (or sweep directories holding `shards/`) into
/// `out`: checks they are shards of one sweep with every run present once,
/// then writes runs.csv in plan order, manifest.json, points.csv and plots.
/// Returns the merged directory and the verdicts of the sweep's checks.
pub(crate) fn merge(
    dirs: &[PathBuf],
    out: Option<&Path>,
) -> Result<(PathBuf, Vec<super::checks::Verdict>), SweepError> {
    let shard_dirs = shard_dirs(dirs)?;
    let first = read_manifest(&shard_dirs[0])?;
    let by_id = rows_by_id(&shard_dirs, &first)?;
    check_complete(&first, &by_id)?;
    let out = match out {
        Some(o) => o.to_path_buf(),
        None => shard_dirs[0]
            .parent()
            .filter(|p| p.file_name().is_some_and(|n| n == "shards"))
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .ok_or_else(|| {
                SweepError::Merge("give --out: the shards are not under <sweep>/shards/".into())
            })?,
    };
    // One process at a time writes `out`.
    let _lock = lock(&out)?;
    // Never over another sweep's results.
    if let Ok(bytes) = fs::read(out.join("manifest.json")) {
        let held: Manifest = serde_json::from_slice(&bytes)
            .map_err(|e| SweepError::Corrupt(out.join("manifest.json"), e.to_string()))?;
        if held.sweep_hash != first.sweep_hash {
            return Err(SweepError::Merge(format!(
                "{} holds another sweep ({}) than the shards ({}): choose another --out",
                out.display(),
                held.sweep_hash,
                first.sweep_hash
            )));
        }
    }
    let plan = plan_from_manifest(&first);
    let staging = RunDir::staging(&out, "merge")?;
    {
        let mut f = File::create(staging.path().join("runs.csv"))?;
        f.write_all(&csv_line(&first.columns))?;
        for r in &first.runs {
            let rec = &by_id[&r.id];
            f.write_all(&csv_line(&rec.iter().map(String::from).collect::<Vec<_>>()))?;
        }
        f.sync_all()?;
    }
    let mut merged = first.clone();
    merged.shard = None;
    write_json(&staging.path().join("manifest.json"), &merged)?;
    write_atomically(staging, &out, &["runs.csv", "manifest.json"])?;
    let verdicts = finish(&plan, &out)?;
    Ok((out, verdicts))
}

/// The shard directories named: each given shard directory, and the shards
/// under each given sweep directory's `shards/`, in name order.
fn shard_dirs(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, SweepError> {
    let mut shard_dirs = Vec::new();
    for d in dirs {
        // A sweep directory with shards/ merges its shards (again, after an
        // earlier merge wrote its own runs.csv and manifest beside them).
        if d.join("shards").is_dir() {
            let mut inner: Vec<PathBuf> = fs::read_dir(d.join("shards"))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.join("manifest.json").is_file())
                .collect();
            inner.sort();
            shard_dirs.extend(inner);
        } else if d.join("manifest.json").is_file() && d.join("runs.csv").is_file() {
            shard_dirs.push(d.clone());
        } else {
            return Err(SweepError::Merge(format!(
                "{} is neither a shard directory (manifest.json, runs.csv) nor a sweep directory with shards/",
                d.display()
            )));
        }
    }
    if shard_dirs.is_empty() {
        return Err(SweepError::Merge("no shard directories given".into()));
    }
    Ok(shard_dirs)
}

/// A shard's manifest.
fn read_manifest(d: &Path) -> Result<Manifest, SweepError> {
    serde_json::from_slice(&fs::read(d.join("manifest.json"))?)
        .map_err(|e| SweepError::Corrupt(d.join("manifest.json"), e.to_string()))
}

/// Every shard's checked rows by run id; refuses a shard of another sweep
/// than the first's and a run recorded twice.
fn rows_by_id(
    shard_dirs: &[PathBuf],
    first: &Manifest,
) -> Result<HashMap<String, csv::StringRecord>, SweepError> {
    let mut by_id: HashMap<String, csv::StringRecord> = HashMap::new();
    for d in shard_dirs {
        let m = read_manifest(d)?;
        if m.sweep_hash != first.sweep_hash || m.runs != first.runs {
            return Err(SweepError::Merge(format!(
                "{} is a shard of another sweep ({}) than {} ({})",
                d.display(),
                m.sweep_hash,
                shard_dirs[0].display(),
                first.sweep_hash
            )));
        }
        scan_rows(&d.join("runs.csv"), &first.columns, |r| {
            if by_id.insert(r[0].to_string(), r.clone()).is_some() {
                return Err(SweepError::Merge(format!(
                    "run {} is recorded twice (again in {})",
                    &r[0],
                    d.display()
                )));
            }
            Ok(())
        })?;
    }
    Ok(by_id)
}

/// Refuses shards that miss a run of the sweep or hold one it does not
/// plan.
fn check_complete(
    first: &Manifest,
    by_id: &HashMap<String, csv::StringRecord>,
) -> Result<(), SweepError> {
    let missing: Vec<&str> = first
        .runs
        .iter()
        .filter(|r| !by_id.contains_key(&r.id))
        .map(|r| r.id.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(SweepError::Merge(format!(
            "{} of {} runs are missing (e.g. {}): run the missing shards, or resume them, first",
            missing.len(),
            first.runs.len(),
            missing
                .iter()
                .take(3)
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if by_id.len() != first.runs.len() {
        return Err(SweepError::Merge(
            "shards hold runs that the sweep does not plan".into(),
        ));
    }
    Ok(())
}

/// The plan a manifest records, as far as finishing the merged sweep
/// needs it.
fn plan_from_manifest(m: &Manifest) -> Plan {
    let mut points: Vec<spec::Point> = Vec::new();
    for r in &m.runs {
        if points.len() <= r.point {
            points.push(spec::Point {
                index: r.point,
                values: r.params.iter().map(|p| p.1.clone()).collect(),
                hash: u64::from_str_radix(r.id.split('-').next().unwrap_or("0"), 16).unwrap_or(0),
            });
        }
    }
    Plan {
        file: m.sweep.clone(),
        base: m.sweep.base.clone(),
        set: Vec::new(),
        points,
        runs: m
            .runs
            .iter()
            .map(|r| PlannedRun {
                id: r.id.clone(),
                point: r.point,
                replicate: r.replicate,
                seed: r.seed,
            })
            .collect(),
        sweep_hash: m.sweep_hash.clone(),
    }
}
