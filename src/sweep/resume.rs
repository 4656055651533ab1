//! Resuming a sweep from the runs.csv it left: which recorded rows can be
//! trusted, and what must be done again.
//!
//! Every row ends with a check of its own contents, so a row is kept when
//! its check holds, wherever it sits in the file, and nothing else is
//! trusted. A row is matched to its planned run by its id; its key fields
//! (point, replicate, seed and the axis values) are the plan's, so they
//! are taken from the plan before the check is tested: a row whose seed a
//! spreadsheet rewrote as `1.00336E+18` is still recognised, and its
//! figures, which the check covers, are known to be intact. Rows that fail
//! their check, duplicates, rows of runs this sweep (or shard) does not
//! plan and a damaged header are dropped and reported; the runs they
//! leave without a row are done again. When the file was damaged, it is
//! rewritten (aside, then renamed into place) in plan order, so what
//! follows appends to a clean file and no state needs repair by hand.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::Path;

use serde::Serialize;

use super::spec::{Plan, PlannedRun};

/// What resuming found in a runs.csv and did about it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub(crate) struct Repairs {
    /// Rows kept (their checks hold).
    pub(crate) kept: usize,
    /// Of the kept rows, those whose key fields (point, replicate, seed,
    /// axis values) differed from the plan's and were restored from it.
    pub(crate) restored: usize,
    /// Runs done again because their row was damaged or missing before a
    /// kept row, by id, in plan order.
    pub(crate) redone: Vec<String>,
    /// Duplicate rows dropped (a run recorded twice).
    pub(crate) duplicates: usize,
    /// Rows dropped that name no run of this sweep (or shard).
    pub(crate) foreign: usize,
    /// Whether the header was missing or damaged and was written again.
    pub(crate) header_rewritten: bool,
    /// Whether kept rows were out of plan order and were put back in it.
    pub(crate) reordered: bool,
}

impl Repairs {
    /// Whether anything was repaired.
    pub(crate) fn any(&self) -> bool {
        self.restored > 0
            || !self.redone.is_empty()
            || self.duplicates > 0
            || self.foreign > 0
            || self.header_rewritten
            || self.reordered
    }

    /// What was repaired, in a sentence (empty when nothing was).
    pub(crate) fn describe(&self) -> String {
        if !self.any() {
            return String::new();
        }
        let mut parts = vec![format!("kept {} rows whose checks hold", self.kept)];
        let plural = |n: usize, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        if self.restored > 0 {
            parts.push(format!(
                "restored the plan's point, replicate, seed and axis values in {} of them",
                self.restored
            ));
        }
        if !self.redone.is_empty() {
            let ids: Vec<&str> = self.redone.iter().take(5).map(String::as_str).collect();
            let more = if self.redone.len() > ids.len() {
                format!(", and {} more", self.redone.len() - ids.len())
            } else {
                String::new()
            };
            parts.push(format!(
                "redid {} whose row was damaged or missing ({}{more})",
                plural(self.redone.len(), "run", "runs"),
                ids.join(", ")
            ));
        }
        if self.duplicates > 0 {
            parts.push(format!(
                "dropped {}",
                plural(self.duplicates, "duplicate row", "duplicate rows")
            ));
        }
        if self.foreign > 0 {
            parts.push(format!(
                "dropped {} of no planned run",
                plural(self.foreign, "row", "rows")
            ));
        }
        if self.reordered {
            parts.push("put the rows back in plan order".into());
        }
        if self.header_rewritten {
            parts.push("wrote its header again".into());
        }
        parts.join("; ")
    }
}

/// What a runs.csv holds for the runs of a sweep (or shard).
pub(super) struct Recorded {
    /// The row of each run (by its position in the runs given), if kept.
    pub(crate) rows: Vec<Option<Vec<u8>>>,
    /// When the file is already a clean prefix of the plan (its header,
    /// then rows for the first runs in order, then at most a damaged or
    /// torn tail): the byte length of that prefix, to cut the tail at.
    pub(crate) clean_len: Option<u64>,
    /// What was found and what must be done again.
    pub(crate) repairs: Repairs,
}

/// Reads a runs.csv against the runs it should hold (`mine`, in plan
/// order). Never fails on damaged content, only on I/O.
pub(super) fn read(
    path: &Path,
    header: &[String],
    plan: &Plan,
    mine: &[&PlannedRun],
) -> io::Result<Recorded> {
    let mut file = File::open(path)?;
    let complete = end_of_last_line(&mut file)?;
    file.seek(io::SeekFrom::Start(0))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(io::BufReader::new(file).take(complete));
    let mut scan = Scan::new(header, plan, mine);
    let mut rec = csv::ByteRecord::new();
    loop {
        let start = reader.position().byte();
        match reader.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) if e.is_io_error() => {
                return Err(io::Error::other(e.to_string()));
            }
            // Any other error is a damaged line: skip it.
            Err(_) => {
                scan.anomaly = true;
                continue;
            }
        }
        let end = reader.position().byte();
        scan.record(
            &rec,
            Span {
                len: end - start,
                end,
            },
        );
    }
    Ok(scan.finish())
}

/// Where a record of runs.csv lies in the file.
#[derive(Clone, Copy)]
struct Span {
    /// The bytes the record took: a row (or header) written otherwise
    /// than hashflight writes it (CRLF line ends, other quoting) is kept,
    /// but the file is then written again in the one form.
    len: u64,
    /// The byte offset just past it.
    end: u64,
}

/// A runs.csv as read so far, record by record.
struct Scan<'a> {
    /// The columns of runs.csv.
    header: &'a [String],
    /// The sweep's plan.
    plan: &'a Plan,
    /// The runs the file should hold, in plan order.
    mine: &'a [&'a PlannedRun],
    /// Position in `mine` of each run, by id.
    index: HashMap<&'a str, usize>,
    /// The column of the first summary figure.
    first_figure: usize,
    /// The row kept for each run of `mine`, if any.
    rows: Vec<Option<Vec<u8>>>,
    /// What was found so far.
    repairs: Repairs,
    /// Whether the file is still a clean prefix of the plan: every record
    /// so far the next run's unchanged row. After the first anomaly it
    /// stays one only if no row is kept after it.
    clean: bool,
    /// Whether a record so far was damaged, foreign or repeated.
    anomaly: bool,
    /// Byte length of the clean prefix.
    clean_len: u64,
    /// The run whose row a clean file holds next.
    next: usize,
    /// The latest run in plan order whose row was kept.
    last_kept: Option<usize>,
    /// Runs whose row was found but failed its check.
    damaged: Vec<bool>,
    /// Whether no record has been read yet.
    first: bool,
}

impl<'a> Scan<'a> {
    fn new(header: &'a [String], plan: &'a Plan, mine: &'a [&'a PlannedRun]) -> Self {
        Self {
            header,
            plan,
            mine,
            index: mine
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.as_str(), i))
                .collect(),
            first_figure: 4 + plan.file.axes.len(),
            rows: vec![None; mine.len()],
            repairs: Repairs::default(),
            clean: true,
            anomaly: false,
            clean_len: 0,
            next: 0,
            last_kept: None,
            damaged: vec![false; mine.len()],
            first: true,
        }
    }

    /// Takes in one record: the header, a row, or something to drop.
    fn record(&mut self, rec: &csv::ByteRecord, at: Span) {
        let fields: Option<Vec<&str>> = rec.iter().map(|f| std::str::from_utf8(f).ok()).collect();
        let is_header = fields
            .as_ref()
            .is_some_and(|f| f.iter().copied().eq(self.header.iter().map(String::as_str)));
        if self.first {
            self.first = false;
            if is_header {
                self.clean_len = at.end;
                if at.len != csv_line(self.header).len() as u64 {
                    self.clean = false;
                }
                return;
            }
            self.repairs.header_rewritten = true;
            self.anomaly = true;
            self.clean = false;
            // A damaged header (a renamed column, say) is no run's row;
            // a first line that is a row means the header is missing.
            let names_a_run = fields
                .as_ref()
                .and_then(|f| f.first())
                .is_some_and(|id| self.index.contains_key(id));
            if !names_a_run {
                return;
            }
        } else if is_header {
            // The header again, as a concatenation of files would leave.
            self.repairs.duplicates += 1;
            self.anomaly = true;
            return;
        }
        match fields.filter(|f| f.len() == self.header.len()) {
            Some(fields) => self.row(&fields, at),
            None => self.anomaly = true,
        }
    }

    /// Takes in a record with the header's number of fields: kept as its
    /// run's row when it names a run of `mine` and its check holds with
    /// the plan's key fields.
    fn row(&mut self, fields: &[&str], at: Span) {
        let Some(&i) = self.index.get(fields[0]) else {
            self.repairs.foreign += 1;
            self.anomaly = true;
            return;
        };
        let mut restored = self.restored(self.mine[i], fields);
        let check = row_check(&restored);
        if check != fields[self.header.len() - 1] {
            self.damaged[i] = true;
            self.anomaly = true;
            return;
        }
        if self.rows[i].is_some() {
            self.repairs.duplicates += 1;
            self.anomaly = true;
            return;
        }
        let changed = fields[..self.first_figure]
            .iter()
            .zip(&restored)
            .any(|(a, b)| *a != b.as_str());
        if changed {
            self.repairs.restored += 1;
        }
        restored.push(check);
        let line = csv_line(&restored);
        let changed = changed || at.len != line.len() as u64;
        self.rows[i] = Some(line);
        self.repairs.kept += 1;
        // A later run's row before an earlier one's is out of order (a
        // gap is not: it is a run to redo, reported as such).
        if self.last_kept.is_some_and(|l| i < l) {
            self.repairs.reordered = true;
        }
        self.last_kept = Some(self.last_kept.map_or(i, |l| l.max(i)));
        if !self.anomaly && !changed && i == self.next {
            self.next += 1;
            self.clean_len = at.end;
        } else {
            self.clean = false;
        }
    }

    /// A row's fields but its check, with the key fields (point,
    /// replicate, seed, axis values) taken from the plan.
    fn restored(&self, planned: &PlannedRun, fields: &[&str]) -> Vec<String> {
        let mut restored: Vec<String> = vec![
            planned.id.clone(),
            planned.point.to_string(),
            planned.replicate.to_string(),
            planned.seed.to_string(),
        ];
        restored.extend(self.plan.points[planned.point].values.iter().cloned());
        restored.extend(
            fields[self.first_figure..self.header.len() - 1]
                .iter()
                .map(|s| s.to_string()),
        );
        restored
    }

    /// What the file holds, once every record is read.
    fn finish(mut self) -> Recorded {
        if self.first {
            // Not even a header (an empty file): write it.
            self.repairs.header_rewritten = true;
            self.clean = false;
        }
        let (rows, damaged, last_kept) = (&self.rows, &self.damaged, self.last_kept);
        self.repairs.redone = (0..self.mine.len())
            .filter(|&i| rows[i].is_none() && (damaged[i] || last_kept.is_some_and(|l| i < l)))
            .map(|i| self.mine[i].id.clone())
            .collect();
        Recorded {
            rows: self.rows,
            clean_len: self.clean.then_some(self.clean_len),
            repairs: self.repairs,
        }
    }
}

/// The check a row ends with: a hash of its other fields.
pub(super) fn row_check(fields: &[String]) -> String {
    let joined = fields.join("\u{1f}");
    format!(
        "{:016x}",
        siphasher::sip::SipHasher13::new_with_keys(0, 0).hash(joined.as_bytes())
    )
}

/// One CSV line, as hashflight writes every row.
pub(super) fn csv_line(fields: &[String]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(fields).expect("writing to memory");
    w.into_inner().expect("writing to memory")
}

/// Byte length of a file up to and including its last newline.
pub(super) fn end_of_last_line(file: &mut File) -> io::Result<u64> {
    let mut end = file.metadata()?.len();
    let mut buf = vec![0u8; 64 * 1024];
    while end > 0 {
        let start = end.saturating_sub(buf.len() as u64);
        let chunk = &mut buf[..(end - start) as usize];
        file.seek(io::SeekFrom::Start(start))?;
        file.read_exact(chunk)?;
        if let Some(i) = chunk.iter().rposition(|&b| b == b'\n') {
            return Ok(start + i as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}
