//! Streaming a run's rows into its CSV files.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::Path;

use crate::metrics::{DayRow, EpochRow, PoolDayRow, RecordSink, RegionDayRow};

use super::row;

/// Streams rows into `epochs.csv`, `days.csv`, `pools.csv` and
/// `regions.csv`.
pub(crate) struct CsvSink {
    epochs: RowWriter,
    days: RowWriter,
    pools: RowWriter,
    regions: RowWriter,
}

impl CsvSink {
    /// Creates the files in `dir`.
    pub(crate) fn create(dir: &Path) -> io::Result<Self> {
        Ok(Self {
            epochs: RowWriter::create(&dir.join("epochs.csv"))?,
            days: RowWriter::create(&dir.join("days.csv"))?,
            pools: RowWriter::create(&dir.join("pools.csv"))?,
            regions: RowWriter::create(&dir.join("regions.csv"))?,
        })
    }
}

/// Writes serializable rows as CSV: the header from the first row's field
/// names (flattened parts included, in declaration order), numbers in
/// shortest round-trip form, missing values empty (see [`row`]).
pub(crate) struct RowWriter {
    out: csv::Writer<BufWriter<File>>,
    header: bool,
    record: csv::ByteRecord,
}

impl RowWriter {
    /// Creates the file.
    pub(crate) fn create(path: &Path) -> io::Result<Self> {
        Ok(Self {
            out: csv::Writer::from_writer(BufWriter::new(File::create(path)?)),
            header: false,
            record: csv::ByteRecord::new(),
        })
    }

    /// Writes one row.
    pub(crate) fn write(&mut self, row: &impl serde::Serialize) -> io::Result<()> {
        if !self.header {
            let names = row::names(row).map_err(io::Error::other)?;
            self.out.write_record(&names).map_err(csv_err)?;
            self.header = true;
        }
        row::values(row, &mut self.record).map_err(io::Error::other)?;
        self.out.write_byte_record(&self.record).map_err(csv_err)
    }

    /// Flushes the file.
    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

fn csv_err(e: csv::Error) -> io::Error {
    io::Error::other(e)
}

impl RecordSink for CsvSink {
    fn epoch(&mut self, row: &EpochRow) -> io::Result<()> {
        self.epochs.write(row)
    }
    fn day(&mut self, row: &DayRow) -> io::Result<()> {
        self.days.write(row)
    }
    fn pool_day(&mut self, row: &PoolDayRow) -> io::Result<()> {
        self.pools.write(row)
    }
    fn region_day(&mut self, row: &RegionDayRow) -> io::Result<()> {
        self.regions.write(row)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.epochs.flush()?;
        self.days.flush()?;
        self.pools.flush()?;
        self.regions.flush()
    }
}
