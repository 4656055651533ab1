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
        let mut r = csv::Reader::from_path(path)?;
        let names: Vec<String> = r.headers()?.iter().map(str::to_string).collect();
        let mut cols: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
        for rec in r.records() {
            let rec = rec?;
            for (i, cell) in rec.iter().enumerate().take(names.len()) {
                let v = cell
                    .parse::<f64>()
                    .ok()
                    .or_else(|| {
                        cell.strip_prefix("0x")
                            .and_then(|h| u64::from_str_radix(h, 16).ok())
                            .map(|v| v as f64)
                    })
                    .unwrap_or(f64::NAN);
                cols[i].push(v);
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
