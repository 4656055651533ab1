//! A CSV file read back as numeric columns by name (for the commands that
//! read finished runs: `compare`).

use std::collections::BTreeMap;
use std::path::Path;

use crate::metrics::series::Thinned;

/// Numeric columns of a CSV file; text cells are read as NaN, except
/// `0x…` hex which reads as its integer value.
#[derive(Clone, Debug, Default)]
pub(crate) struct Table {
    /// Column names in file order.
    pub(crate) names: Vec<String>,
    columns: BTreeMap<String, Vec<f64>>,
}

impl Table {
    /// Reads a CSV file with a header row.
    pub(crate) fn read(path: &Path) -> Result<Self, csv::Error> {
        Self::read_thinned(path, usize::MAX)
    }

    /// Reads a CSV file with a header row, keeping at most `max_rows` + 1
    /// rows evenly strided (see [`Thinned`]).
    pub(crate) fn read_thinned(path: &Path, max_rows: usize) -> Result<Self, csv::Error> {
        let mut r = csv::Reader::from_path(path)?;
        let names: Vec<String> = r.headers()?.iter().map(str::to_string).collect();
        let mut rows = Thinned::new(names.len(), max_rows);
        let mut record = csv::StringRecord::new();
        while r.read_record(&mut record)? {
            rows.push(record.iter().take(names.len()).map(parse_cell));
        }
        Ok(Self {
            columns: names.iter().cloned().zip(rows.finish()).collect(),
            names,
        })
    }

    /// A column, if present.
    pub(crate) fn get(&self, name: &str) -> Option<&[f64]> {
        self.columns.get(name).map(Vec::as_slice)
    }

    /// Number of rows.
    pub(crate) fn len(&self) -> usize {
        self.columns.values().next().map_or(0, Vec::len)
    }
}

/// A cell as a number: decimal, `0x…` hex as its integer value, else NaN.
fn parse_cell(cell: &str) -> f64 {
    cell.parse::<f64>()
        .ok()
        .or_else(|| {
            cell.strip_prefix("0x")
                .and_then(|h| u64::from_str_radix(h, 16).ok())
                .map(|v| v as f64)
        })
        .unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_an_even_stride_and_the_last_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let body: String = (0..10).map(|d| format!("{d},0x{d:x}\n")).collect();
        std::fs::write(&path, format!("day,bits\n{body}")).unwrap();
        let all = Table::read(&path).unwrap();
        assert_eq!(all.len(), 10);
        let thin = Table::read_thinned(&path, 4).unwrap();
        assert_eq!(thin.get("day").unwrap(), [0.0, 4.0, 8.0, 9.0]);
        assert_eq!(thin.get("bits").unwrap(), [0.0, 4.0, 8.0, 9.0]);
        let short = Table::read_thinned(&path, 100).unwrap();
        assert_eq!(short.get("day").unwrap(), all.get("day").unwrap());
    }
}
