//! The commands over sweeps: `hashflight sweep`, `merge` and `diff`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use super::files::sweep_plan;
use super::terminal::progress;

/// Exit code of a sweep whose checks fail, or of a diff that finds a move.
pub const FAILED_CHECKS: u8 = 3;

/// `hashflight sweep`.
pub(super) fn sweep(
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

/// `hashflight merge`.
pub(super) fn merge(dirs: &[PathBuf], out: Option<&Path>, json: bool) -> anyhow::Result<ExitCode> {
    let (dir, verdicts) = crate::sweep::merge::merge(dirs, out)?;
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

/// `hashflight diff`: exit code 3 when something moved.
pub(super) fn diff(
    a: &Path,
    b: &Path,
    opts: &crate::sweep::diff::Options,
    out: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let d = crate::sweep::diff::diff(a, b, opts)?;
    if let Some(out) = out {
        let path = d
            .write_csv(out)
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
