//! The commands that check and list what hashflight ships and writes:
//! `hashflight check`, `scenarios`, `show` and `columns`.

use std::process::ExitCode;

use super::args::overrides;
use super::files::{is_sweep_file, names, sweep_plan};
use crate::scenario::{Scenario, shipped};

/// `hashflight check`.
pub(super) fn check(files: &[String], set: &[String]) -> anyhow::Result<ExitCode> {
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

/// `hashflight scenarios`: the shipped scenarios, then the shipped sweeps.
pub(super) fn scenarios() -> anyhow::Result<ExitCode> {
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

/// `hashflight show`: a shipped scenario or sweep as RON.
pub(super) fn show(name: &str) -> anyhow::Result<ExitCode> {
    let found = shipped::find(name).or_else(|| shipped::find_sweep(name));
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

/// `hashflight columns`: every output column, or one file's, as text or
/// as Markdown tables.
pub(super) fn columns(file: Option<&str>, markdown: bool) -> anyhow::Result<ExitCode> {
    use crate::output::columns;
    let only = match file {
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
