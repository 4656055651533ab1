//! Every column hashflight writes, with its unit and meaning: the one
//! source of `hashflight columns` and of the tables in output/README.md (a
//! test keeps that file equal to [`markdown`], and another checks that the
//! files written have exactly these columns, in this order).
//!
//! ```
//! let days = hashflight::output::columns::file("days.csv").unwrap();
//! assert!(days.columns().any(|c| c.name == "curtailed_ehs"));
//! ```

mod column;
mod rows;
mod studies;
mod summary;

pub use column::{Column, OutputFile};

use rows::{CENTRALIZATION, DAY_OWN, EPOCH_OWN, FLOWS, PIVOT, POOLS, REGIONS, SECURITY};
use studies::{ENSEMBLE, ENSEMBLE_DAYS, POINTS, RUNS, SENSITIVITY};
use summary::{SUMMARY_HEAD, SUMMARY_TAIL};

/// Every file, in the order the README lists them.
pub const FILES: &[OutputFile] = &[
    OutputFile {
        name: "epochs.csv",
        about: "one row per difficulty epoch (2016 blocks; the last row may be a partial epoch, see `blocks`); the pivot, market, concentration and security columns are as of the epoch's end, flows are over the epoch, block-based concentration over the epoch's own blocks",
        groups: &[EPOCH_OWN, PIVOT, FLOWS, CENTRALIZATION, SECURITY],
    },
    OutputFile {
        name: "days.csv",
        about: "one row per simulated day; the pivot, market, concentration and security columns are as of the day's end, flows are over the day, block-based concentration over the trailing `security.block_window_days` (7)",
        groups: &[DAY_OWN, PIVOT, FLOWS, CENTRALIZATION, SECURITY],
    },
    OutputFile {
        name: "pools.csv",
        about: "one row per pool per day",
        groups: &[POOLS],
    },
    OutputFile {
        name: "regions.csv",
        about: "one row per region per day",
        groups: &[REGIONS],
    },
    OutputFile {
        name: "summary.json",
        about: "the run's headline figures (null where a figure does not exist); its flows are summed over the run",
        groups: &[SUMMARY_HEAD, FLOWS, SUMMARY_TAIL],
    },
    OutputFile {
        name: "runs.csv",
        about: "a sweep: one row per run, in plan order",
        groups: &[RUNS],
    },
    OutputFile {
        name: "points.csv",
        about: "a sweep: one row per point, over its seeds",
        groups: &[POINTS],
    },
    OutputFile {
        name: "sensitivity.csv",
        about: "a Morris or Sobol sweep: per figure, one row per parameter and index, parameters ranked by μ* or ST (most influential first), then the seed noise",
        groups: &[SENSITIVITY],
    },
    OutputFile {
        name: "ensemble.csv",
        about: "an ensemble (`run --seeds`): one row per summary figure, over the seeds",
        groups: &[ENSEMBLE],
    },
    OutputFile {
        name: "ensemble-days.csv",
        about: "an ensemble: one row per day, the dashboard's series over the seeds",
        groups: &[ENSEMBLE_DAYS],
    },
];

/// The file of this name.
pub fn file(name: &str) -> Option<&'static OutputFile> {
    FILES.iter().find(|f| f.name == name)
}

/// The tables of output/README.md: one per file.
pub fn markdown() -> String {
    FILES.iter().map(markdown_of).collect()
}

/// One file's table.
pub fn markdown_of(f: &OutputFile) -> String {
    let mut s = format!("### `{}`\n\n{}.\n\n", f.name, capitalise(f.about));
    s.push_str("| column | unit | meaning |\n|---|---|---|\n");
    for c in f.columns() {
        s.push_str(&format!(
            "| `{}` | {} | {} |\n",
            c.name,
            c.unit,
            c.meaning.replace('|', "\\|")
        ));
    }
    s.push('\n');
    s
}

/// `hashflight columns`: the columns of one file, or of all, as aligned
/// text.
pub fn text(only: Option<&OutputFile>) -> String {
    let files: Vec<&OutputFile> = match only {
        Some(f) => vec![f],
        None => FILES.iter().collect(),
    };
    let mut s = String::new();
    for f in files {
        s.push_str(&format!("{}: {}\n", f.name, f.about));
        let name_w = f
            .columns()
            .map(|c| c.name.chars().count())
            .max()
            .unwrap_or(0);
        let unit_w = f
            .columns()
            .map(|c| c.unit.chars().count())
            .max()
            .unwrap_or(0);
        for c in f.columns() {
            let pad = |t: &str, w: usize| format!("{t}{}", " ".repeat(w - t.chars().count()));
            s.push_str(&format!(
                "  {}  {}  {}\n",
                pad(c.name, name_w),
                pad(c.unit, unit_w),
                c.meaning
            ));
        }
        s.push('\n');
    }
    s
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
