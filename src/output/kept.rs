//! What a run keeps in memory while it writes its rows: the series its
//! dashboard and report draw ([`dashboard::Series`], thinned where a long
//! run needs it) and, for a caller that asks (an ensemble), some columns
//! of days.csv in full. Nothing a run draws is read back from its files.

use std::io;
use std::path::{Path, PathBuf};

use crate::metrics::series::{Columns, Field, Recorder};
use crate::metrics::{DayRow, EpochRow, PoolDayRow, RecordSink, RegionDayRow, Summary};
use crate::plot::dashboard::{self, SeriesRecorder};

use super::sink::CsvSink;

/// Writes a run's CSV files and keeps its series.
pub(crate) struct RunSink {
    csv: CsvSink,
    dashboard: SeriesRecorder,
    days: Recorder<DayRow>,
}

impl RunSink {
    /// Creates the CSV files in `dir`; `keep` are the columns of days.csv
    /// to keep in full beside the dashboard's series.
    pub(crate) fn create(dir: &Path, keep: &'static [Field<DayRow>]) -> io::Result<Self> {
        Ok(Self {
            csv: CsvSink::create(dir)?,
            dashboard: SeriesRecorder::default(),
            days: Recorder::new(keep, usize::MAX),
        })
    }

    /// What was kept (the files are flushed by the run).
    pub fn finish(self) -> Kept {
        Kept {
            dashboard: self.dashboard.finish(),
            days: self.days.finish(),
        }
    }
}

impl RecordSink for RunSink {
    fn epoch(&mut self, row: &EpochRow) -> io::Result<()> {
        self.dashboard.epoch(row)?;
        self.csv.epoch(row)
    }
    fn day(&mut self, row: &DayRow) -> io::Result<()> {
        self.dashboard.day(row)?;
        self.days.record(row);
        self.csv.day(row)
    }
    fn pool_day(&mut self, row: &PoolDayRow) -> io::Result<()> {
        self.csv.pool_day(row)
    }
    fn region_day(&mut self, row: &RegionDayRow) -> io::Result<()> {
        self.csv.region_day(row)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.csv.flush()
    }
}

/// The series one run (or its counterfactual) kept.
#[derive(Clone, Debug)]
pub(crate) struct Kept {
    /// What its dashboard draws.
    pub(crate) dashboard: dashboard::Series,
    /// The columns of days.csv its caller asked for, every day.
    pub(crate) days: Columns<DayRow>,
}

/// A run written into its directory, with the series its caller asked to
/// keep.
#[derive(Clone, Debug)]
pub(crate) struct Written {
    /// The run directory.
    pub(crate) dir: PathBuf,
    /// Its summary.
    pub(crate) summary: Summary,
    /// The columns of days.csv asked for, every day.
    pub(crate) days: Columns<DayRow>,
    /// The same of its counterfactual (the same seed without the AI
    /// option), if it has one.
    pub(crate) no_ai_days: Option<Columns<DayRow>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::series::{day, epoch};
    use crate::output::{columns, row};
    use crate::scenario::{Override, Scenario};
    use crate::sim::Simulation;

    fn catalogued(file: &str, key: &str) -> bool {
        columns::file(file)
            .expect("the file is catalogued")
            .columns()
            .any(|c| c.name == key)
    }

    /// A renamed column silently dropped a dashboard panel: every key a
    /// dashboard, an ensemble, `compare` or a report draws is a column of
    /// its file in the catalogue.
    #[test]
    fn every_key_drawn_is_catalogued() {
        for f in day::ALL {
            assert!(catalogued("days.csv", f.key), "days.csv: {}", f.key);
        }
        for f in epoch::ALL {
            assert!(catalogued("epochs.csv", f.key), "epochs.csv: {}", f.key);
        }
        let drawn = |fields: &[Field<DayRow>], f: &Field<DayRow>| {
            fields.iter().any(|g| g.key == f.key) && day::ALL.iter().any(|g| g.key == f.key)
        };
        for f in crate::plot::dashboard::DAY_FIELDS {
            assert!(drawn(day::ALL, f), "dashboard: {}", f.key);
        }
        for s in crate::ensemble::DAY_SERIES {
            // An ensemble draws only what each run kept for it.
            assert!(
                drawn(crate::ensemble::ENSEMBLE_FIELDS, &s.field),
                "ensemble: {}",
                s.field.key
            );
        }
        let ensemble_days = columns::file("ensemble-days.csv")
            .and_then(|f| f.columns().find(|c| c.name == "<series>_mean"))
            .expect("ensemble-days.csv lists its series");
        for key in crate::ensemble::DAY_SERIES
            .iter()
            .map(|s| s.field.key)
            .chain(crate::ensemble::NO_AI_SERIES)
        {
            assert!(
                ensemble_days.meaning.contains(key),
                "ensemble-days.csv: {key}"
            );
        }
        for key in crate::compare::DEFAULT_METRICS {
            assert!(catalogued("days.csv", key), "compare: {key}");
        }
        let figures = Summary::figure_names();
        for (key, _) in crate::output::report::HEADLINES {
            assert!(catalogued("summary.json", key), "report: {key}");
            assert!(figures.contains(key), "report: {key} is no summary figure");
        }
    }

    /// What a run keeps in memory is what its files hold: each field's
    /// value is bit for bit the number written under its key (an empty
    /// cell as NaN), so a drawing from memory is the drawing from the file.
    #[test]
    fn every_field_is_the_value_written_under_its_key() {
        let set = |s: &str| Override::parse(s).unwrap();
        let s = Scenario::load(
            "ai-landgrab",
            &[set("duration_days=45"), set("population.miners=120")],
        )
        .unwrap();
        let run = Simulation::new(&s).run_to_memory().unwrap();
        assert!(!run.epochs.is_empty());
        same_as_written(&run.days, day::ALL);
        same_as_written(&run.epochs, epoch::ALL);
    }

    fn same_as_written<R: serde::Serialize>(rows: &[R], fields: &[Field<R>]) {
        let names = row::names(&rows[0]).unwrap();
        let mut record = csv::ByteRecord::new();
        for r in rows {
            row::values(r, &mut record).unwrap();
            for f in fields {
                let i = names
                    .iter()
                    .position(|n| n == f.key)
                    .unwrap_or_else(|| panic!("{} is not written", f.key));
                let cell = std::str::from_utf8(&record[i]).unwrap();
                let written = if cell.is_empty() {
                    f64::NAN
                } else {
                    cell.parse::<f64>().unwrap()
                };
                let kept = (f.value)(r);
                assert!(
                    written.to_bits() == kept.to_bits() || (written.is_nan() && kept.is_nan()),
                    "{}: written {cell}, kept {kept}",
                    f.key
                );
            }
        }
    }
}
