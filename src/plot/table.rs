//! A CSV file read back as numeric columns by name (for plotting runs).

use std::collections::BTreeMap;
use std::path::Path;

/// Numeric columns of a CSV file; text cells are read as NaN, except
/// `0x…` hex which reads as its integer value.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Column names in file order.
    pub names: Vec<String>,
    columns: BTreeMap<String, Vec<f64>>,
}

impl Table {
    /// Reads a CSV file with a header row.
    pub fn read(path: &Path) -> Result<Self, csv::Error> {
        Self::read_thinned(path, usize::MAX)
    }

    /// Reads a CSV file with a header row, keeping at most `max_rows` + 1
    /// rows evenly strided: every row of a short file; of a longer one every
    /// k-th row (k doubling whenever the kept rows pass `max_rows`) and the
    /// last row, so a dashboard of a century of days holds as much as one
    /// of ten years.
    pub fn read_thinned(path: &Path, max_rows: usize) -> Result<Self, csv::Error> {
        let max_rows = max_rows.max(2);
        let mut r = csv::Reader::from_path(path)?;
        let names: Vec<String> = r.headers()?.iter().map(str::to_string).collect();
        let mut cols: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
        let (mut stride, mut rows, mut last_kept) = (1usize, 0usize, None);
        let mut row: Vec<f64> = Vec::with_capacity(names.len());
        let mut record = csv::StringRecord::new();
        while r.read_record(&mut record)? {
            row.clear();
            row.extend(record.iter().take(names.len()).map(parse_cell));
            if rows.is_multiple_of(stride) {
                for (c, v) in cols.iter_mut().zip(&row) {
                    c.push(*v);
                }
                last_kept = Some(rows);
                if let Some(kept) = cols.first().map(Vec::len)
                    && kept > max_rows
                {
                    // Keep rows 0, 2k, 4k, …: the multiples of the new stride.
                    if (kept - 1) % 2 == 1 {
                        last_kept = None;
                    }
                    for c in &mut cols {
                        let mut i = 0;
                        c.retain(|_| {
                            i += 1;
                            i % 2 == 1
                        });
                    }
                    stride *= 2;
                }
            }
            rows += 1;
        }
        if rows > 0 && last_kept != Some(rows - 1) {
            for (c, v) in cols.iter_mut().zip(&row) {
                c.push(*v);
            }
        }
        Ok(Self {
            columns: names.iter().cloned().zip(cols).collect(),
            names,
        })
    }

    /// A column, if present.
    pub fn get(&self, name: &str) -> Option<&[f64]> {
        self.columns.get(name).map(Vec::as_slice)
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.columns.values().next().map_or(0, Vec::len)
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
