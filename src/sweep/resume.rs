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

use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::Path;

use serde::Serialize;

use super::spec::{Plan, PlannedRun};

/// What resuming found in a runs.csv and did about it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Repairs {
    /// Rows kept (their checks hold).
    pub kept: usize,
    /// Of the kept rows, those whose key fields (point, replicate, seed,
    /// axis values) differed from the plan's and were restored from it.
    pub restored: usize,
    /// Runs done again because their row was damaged or missing before a
    /// kept row, by id, in plan order.
    pub redone: Vec<String>,
    /// Duplicate rows dropped (a run recorded twice).
    pub duplicates: usize,
    /// Rows dropped that name no run of this sweep (or shard).
    pub foreign: usize,
    /// Whether the header was missing or damaged and was written again.
    pub header_rewritten: bool,
    /// Whether kept rows were out of plan order and were put back in it.
    pub reordered: bool,
}

impl Repairs {
    /// Whether anything was repaired.
    pub fn any(&self) -> bool {
        self.restored > 0
            || !self.redone.is_empty()
            || self.duplicates > 0
            || self.foreign > 0
            || self.header_rewritten
            || self.reordered
    }

    /// What was repaired, in a sentence (empty when nothing was).
    pub fn describe(&self) -> String {
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
    pub rows: Vec<Option<Vec<u8>>>,
    /// When the file is already a clean prefix of the plan (its header,
    /// then rows for the first runs in order, then at most a damaged or
    /// torn tail): the byte length of that prefix, to cut the tail at.
    pub clean_len: Option<u64>,
    /// What was found and what must be done again.
    pub repairs: Repairs,
}

/// Reads a runs.csv against the runs it should hold (`mine`, in plan
/// order). Never fails on damaged content, only on I/O.
pub(super) fn read(
    path: &Path,
    header: &[String],
    plan: &Plan,
    mine: &[&PlannedRun],
) -> io::Result<Recorded> {
    let index: std::collections::HashMap<&str, usize> = mine
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut file = File::open(path)?;
    let complete = end_of_last_line(&mut file)?;
    file.seek(io::SeekFrom::Start(0))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(io::BufReader::new(file).take(complete));
    let mut rows: Vec<Option<Vec<u8>>> = vec![None; mine.len()];
    let mut repairs = Repairs::default();
    let first_figure = 4 + plan.file.axes.len();
    // The file stays a clean prefix while every record is the next run's
    // unchanged row; after the first anomaly it stays one only if no row
    // is kept after it.
    let (mut clean, mut anomaly, mut clean_len) = (true, false, 0u64);
    let mut next = 0usize;
    let mut last_kept: Option<usize> = None;
    let mut damaged = vec![false; mine.len()];
    let mut rec = csv::ByteRecord::new();
    let mut first = true;
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
                anomaly = true;
                continue;
            }
        }
        // The bytes the record took: a row (or header) written otherwise
        // than hashflight writes it (CRLF line ends, other quoting) is
        // kept, but the file is then written again in the one form.
        let raw_len = reader.position().byte() - start;
        let fields: Option<Vec<&str>> = rec.iter().map(|f| std::str::from_utf8(f).ok()).collect();
        let is_header = fields
            .as_ref()
            .is_some_and(|f| f.iter().copied().eq(header.iter().map(String::as_str)));
        if first {
            first = false;
            if is_header {
                clean_len = reader.position().byte();
                if raw_len != csv_line(header).len() as u64 {
                    clean = false;
                }
                continue;
            }
            repairs.header_rewritten = true;
            anomaly = true;
            clean = false;
            // A damaged header (a renamed column, say) is no run's row;
            // a first line that is a row means the header is missing.
            let names_a_run = fields
                .as_ref()
                .and_then(|f| f.first())
                .is_some_and(|id| index.contains_key(id));
            if !names_a_run {
                continue;
            }
        } else if is_header {
            // The header again, as a concatenation of files would leave.
            repairs.duplicates += 1;
            anomaly = true;
            continue;
        }
        let Some(fields) = fields.filter(|f| f.len() == header.len()) else {
            anomaly = true;
            continue;
        };
        let Some(&i) = index.get(fields[0]) else {
            repairs.foreign += 1;
            anomaly = true;
            continue;
        };
        let planned = mine[i];
        let mut restored: Vec<String> = vec![
            planned.id.clone(),
            planned.point.to_string(),
            planned.replicate.to_string(),
            planned.seed.to_string(),
        ];
        restored.extend(plan.points[planned.point].values.iter().cloned());
        restored.extend(
            fields[first_figure..header.len() - 1]
                .iter()
                .map(|s| s.to_string()),
        );
        let check = row_check(&restored);
        if check != fields[header.len() - 1] {
            damaged[i] = true;
            anomaly = true;
            continue;
        }
        if rows[i].is_some() {
            repairs.duplicates += 1;
            anomaly = true;
            continue;
        }
        let changed = fields[..first_figure]
            .iter()
            .zip(&restored)
            .any(|(a, b)| *a != b.as_str());
        if changed {
            repairs.restored += 1;
        }
        restored.push(check);
        let line = csv_line(&restored);
        let changed = changed || raw_len != line.len() as u64;
        rows[i] = Some(line);
        repairs.kept += 1;
        // A later run's row before an earlier one's is out of order (a
        // gap is not: it is a run to redo, reported as such).
        if last_kept.is_some_and(|l| i < l) {
            repairs.reordered = true;
        }
        last_kept = Some(last_kept.map_or(i, |l| l.max(i)));
        if !anomaly && !changed && i == next {
            next += 1;
            clean_len = reader.position().byte();
        } else {
            clean = false;
        }
    }
    if first {
        // Not even a header (an empty file): write it.
        repairs.header_rewritten = true;
        clean = false;
    }
    repairs.redone = (0..mine.len())
        .filter(|&i| rows[i].is_none() && (damaged[i] || last_kept.is_some_and(|l| i < l)))
        .map(|i| mine[i].id.clone())
        .collect();
    Ok(Recorded {
        rows,
        clean_len: clean.then_some(clean_len),
        repairs,
    })
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
