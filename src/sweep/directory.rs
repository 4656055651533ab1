//! What a sweep directory holds on disk: its manifest (which sweep, which
//! runs), runs.csv's columns and rows, and the lock one process at a time
//! holds to write there.

use std::fs::{self, File};
use std::io::{self, Read, Seek};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::SweepError;
use super::resume::{csv_line, end_of_last_line, row_check};
use super::spec::{self, Plan, PlannedRun};
use crate::metrics::Summary;
use crate::output::{Lock, write_json};

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

impl Manifest {
    /// Whether `other` plans the same runs of the same sweep and shard (its
    /// checks and description may differ: they are not part of what is run).
    pub fn same_runs(&self, other: &Manifest) -> bool {
        self.sweep_hash == other.sweep_hash && self.shard == other.shard && self.runs == other.runs
    }
}

/// The manifest of a sweep (or shard) as planned now.
pub(super) fn manifest(plan: &Plan, shard: Option<(u32, u32)>) -> Manifest {
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
pub(super) fn number_cell(v: f64) -> String {
    if v.is_nan() {
        String::new()
    } else {
        v.to_string()
    }
}

/// The row of runs.csv that records a run: its keys, the point's axis
/// values, its summary figures and the check of them all.
pub(super) fn row(plan: &Plan, run: &PlannedRun, summary: &Summary) -> Vec<u8> {
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

/// Records the manifest of `m`'s sweep in `dir`: written when the
/// directory has none; kept when it plans the same runs, with the checks
/// and description of `m` (merge evaluates those); refused when it holds
/// another sweep or cannot be read.
pub(super) fn record_manifest(dir: &Path, m: &Manifest) -> Result<(), SweepError> {
    let manifest_path = dir.join("manifest.json");
    if manifest_path.exists() {
        let old: Result<Manifest, _> = serde_json::from_slice(&fs::read(&manifest_path)?);
        match old {
            Ok(old) if old.same_runs(m) => {
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
            Ok(_) => return Err(SweepError::Foreign(dir.to_path_buf())),
            Err(e) => return Err(SweepError::DamagedManifest(manifest_path, e.to_string())),
        }
    } else {
        fs::create_dir_all(dir)?;
        let tmp = dir.join(".manifest.json.partial");
        write_json(&tmp, m)?;
        fs::rename(&tmp, &manifest_path)?;
    }
    Ok(())
}

/// Streams the complete, checked rows of a runs.csv through `each`, and
/// returns how many there are and the byte length they occupy (anything
/// after is a torn or damaged tail). Rows are never all held in memory.
pub(super) fn scan_rows(
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

/// Takes the lock of a sweep (or shard) directory and removes what a killed
/// process left there: staging directories and a half-written manifest.
pub(super) fn lock(dir: &Path) -> Result<Lock, SweepError> {
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
