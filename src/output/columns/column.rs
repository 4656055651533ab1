//! What the catalogue holds: columns and the files they belong to.

/// One column (or one key of summary.json).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Column {
    /// Its name, as in the file's header.
    pub name: &'static str,
    /// Its unit (empty for names and identifiers).
    pub unit: &'static str,
    /// What it holds.
    pub meaning: &'static str,
}

/// A column, as the catalogue lists it.
pub(super) const fn col(name: &'static str, unit: &'static str, meaning: &'static str) -> Column {
    Column {
        name,
        unit,
        meaning,
    }
}

/// One output file and its columns.
#[derive(Clone, Copy, Debug)]
pub struct OutputFile {
    /// File name (`days.csv`).
    pub name: &'static str,
    /// What one row (or the file) holds.
    pub about: &'static str,
    /// Its columns, as groups in order.
    pub groups: &'static [&'static [Column]],
}

impl OutputFile {
    /// Its columns in order.
    pub fn columns(&self) -> impl Iterator<Item = &'static Column> + '_ {
        self.groups.iter().flat_map(|g| g.iter())
    }
}
