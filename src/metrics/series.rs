//! A run's series kept in memory while its rows are written: the columns
//! of `days.csv` and `epochs.csv` that the dashboard, the report and an
//! ensemble draw, recorded row by row ([`Recorder`]) and thinned where a
//! long run needs it ([`Thinned`]), so that nothing a run draws is read
//! back from its own files.
//!
//! Each column is a typed [`Field`]: its key (the name in the file's
//! header, as listed in `output::columns`) and its value in a row, as the
//! CSV holds it — an integer as a float, a missing value (`None`) or a
//! non-finite number as NaN (an empty cell reads as NaN). CSV numbers are
//! written in shortest round-trip form, so a value drawn from memory is
//! the very value a reader of the file gets. A test keeps every key in
//! the catalogue and equal to the value written under it.

use super::{DayRow, EpochRow};

/// One column of a row type: its key in the file and its value in a row.
pub(crate) struct Field<R> {
    /// The column's name in the file's header.
    pub(crate) key: &'static str,
    /// Its value in a row, as the file holds it (NaN where the cell is
    /// empty).
    pub(crate) value: fn(&R) -> f64,
}

impl<R> Clone for Field<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Field<R> {}

impl<R> std::fmt::Debug for Field<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Field").field("key", &self.key).finish()
    }
}

/// A float as its CSV cell reads back: non-finite numbers are written as
/// empty cells, which read as NaN.
fn cell(v: f64) -> f64 {
    if v.is_finite() { v } else { f64::NAN }
}

/// A missing value as its empty cell reads back (NaN).
fn optional(v: Option<f64>) -> f64 {
    v.map_or(f64::NAN, cell)
}

/// Columns of `days.csv`.
pub(crate) mod day {
    use super::{DayRow, Field, cell, optional};

    /// Day of the run, from 0.
    pub(crate) const DAY: Field<DayRow> = Field {
        key: "day",
        value: |r| f64::from(r.day),
    };
    /// Simulated time at the day's end, s.
    pub(crate) const TIME_S: Field<DayRow> = Field {
        key: "time_s",
        value: |r| cell(r.time_s),
    };
    /// Hashrate mining, EH/s.
    pub(crate) const HASHRATE_EHS: Field<DayRow> = Field {
        key: "hashrate_ehs",
        value: |r| cell(r.hashrate_ehs),
    };
    /// Hashrate curtailed by its owners, EH/s.
    pub(crate) const CURTAILED_EHS: Field<DayRow> = Field {
        key: "curtailed_ehs",
        value: |r| cell(r.curtailed_ehs),
    };
    /// Hashrate in offline regions, EH/s.
    pub(crate) const OFFLINE_EHS: Field<DayRow> = Field {
        key: "offline_ehs",
        value: |r| cell(r.offline_ehs),
    };
    /// Mean block interval over the day, s (NaN on a day without two
    /// blocks).
    pub(crate) const MEAN_BLOCK_INTERVAL_S: Field<DayRow> = Field {
        key: "mean_block_interval_s",
        value: |r| optional(r.mean_block_interval_s),
    };
    /// Difficulty.
    pub(crate) const DIFFICULTY: Field<DayRow> = Field {
        key: "difficulty",
        value: |r| cell(r.difficulty),
    };
    /// BTC price, USD.
    pub(crate) const BTC_PRICE_USD: Field<DayRow> = Field {
        key: "btc_price_usd",
        value: |r| cell(r.btc_price_usd),
    };
    /// Hashprice, USD per PH/s per day.
    pub(crate) const HASHPRICE_USD_PER_PH_DAY: Field<DayRow> = Field {
        key: "hashprice_usd_per_ph_day",
        value: |r| cell(r.hashprice_usd_per_ph_day),
    };
    /// AI capacity leased to tenants, MW.
    pub(crate) const AI_MW: Field<DayRow> = Field {
        key: "ai_mw",
        value: |r| cell(r.pivot.ai_mw),
    };
    /// AI capacity run as the miners' own GPU cloud, MW.
    pub(crate) const GPU_CLOUD_MW: Field<DayRow> = Field {
        key: "gpu_cloud_mw",
        value: |r| cell(r.pivot.gpu_cloud_mw),
    };
    /// Capacity being converted to AI, MW.
    pub(crate) const CONVERTING_MW: Field<DayRow> = Field {
        key: "converting_mw",
        value: |r| cell(r.pivot.converting_mw),
    };
    /// Capacity sold to AI buyers, MW.
    pub(crate) const SOLD_MW: Field<DayRow> = Field {
        key: "sold_mw",
        value: |r| cell(r.pivot.sold_mw),
    };
    /// Pool concentration (HHI).
    pub(crate) const POOL_HHI: Field<DayRow> = Field {
        key: "pool_hhi",
        value: |r| optional(r.centralization.pool_hhi),
    };
    /// Firm concentration (HHI).
    pub(crate) const FIRM_HHI: Field<DayRow> = Field {
        key: "firm_hhi",
        value: |r| optional(r.centralization.firm_hhi),
    };
    /// Template-builder concentration (HHI).
    pub(crate) const TEMPLATE_HHI: Field<DayRow> = Field {
        key: "template_hhi",
        value: |r| optional(r.centralization.template_hhi),
    };
    /// Security budget, USD per day.
    pub(crate) const SECURITY_BUDGET_USD_PER_DAY: Field<DayRow> = Field {
        key: "security_budget_usd_per_day",
        value: |r| cell(r.security.security_budget_usd_per_day),
    };
    /// Dormant machines (curtailed, offline, second hand), EH/s.
    pub(crate) const DORMANT_EHS: Field<DayRow> = Field {
        key: "dormant_ehs",
        value: |r| cell(r.security.dormant_ehs),
    };
    /// Machines for a majority attack, built new, USD.
    pub(crate) const ATTACK_BUILD_ASIC_USD: Field<DayRow> = Field {
        key: "attack_build_asic_usd",
        value: |r| cell(r.security.attack_build_asic_usd),
    };
    /// Machines for a majority attack, dormant ones first, USD.
    pub(crate) const ATTACK_DORMANT_ASIC_USD: Field<DayRow> = Field {
        key: "attack_dormant_asic_usd",
        value: |r| cell(r.security.attack_dormant_asic_usd),
    };

    /// Every column of days.csv above.
    #[cfg(test)]
    pub(crate) const ALL: &[Field<DayRow>] = &[
        DAY,
        TIME_S,
        HASHRATE_EHS,
        CURTAILED_EHS,
        OFFLINE_EHS,
        MEAN_BLOCK_INTERVAL_S,
        DIFFICULTY,
        BTC_PRICE_USD,
        HASHPRICE_USD_PER_PH_DAY,
        AI_MW,
        GPU_CLOUD_MW,
        CONVERTING_MW,
        SOLD_MW,
        POOL_HHI,
        FIRM_HHI,
        TEMPLATE_HHI,
        SECURITY_BUDGET_USD_PER_DAY,
        DORMANT_EHS,
        ATTACK_BUILD_ASIC_USD,
        ATTACK_DORMANT_ASIC_USD,
    ];
}

/// Columns of `epochs.csv`.
pub(crate) mod epoch {
    use super::{EpochRow, Field, cell, optional};

    /// Simulated time at the epoch's end, s.
    pub(crate) const END_TIME_S: Field<EpochRow> = Field {
        key: "end_time_s",
        value: |r| cell(r.end_time_s),
    };
    /// Mean block interval over the epoch, s.
    pub(crate) const MEAN_BLOCK_INTERVAL_S: Field<EpochRow> = Field {
        key: "mean_block_interval_s",
        value: |r| cell(r.mean_block_interval_s),
    };
    /// Longest block interval of the epoch, s.
    pub(crate) const MAX_BLOCK_INTERVAL_S: Field<EpochRow> = Field {
        key: "max_block_interval_s",
        value: |r| cell(r.max_block_interval_s),
    };
    /// Fees paid over the epoch, BTC.
    pub(crate) const FEES_BTC: Field<EpochRow> = Field {
        key: "fees_btc",
        value: |r| cell(r.fees_btc),
    };
    /// Subsidy paid over the epoch, BTC.
    pub(crate) const SUBSIDY_BTC: Field<EpochRow> = Field {
        key: "subsidy_btc",
        value: |r| cell(r.subsidy_btc),
    };
    /// Pool concentration at the epoch's end (HHI).
    pub(crate) const POOL_HHI: Field<EpochRow> = Field {
        key: "pool_hhi",
        value: |r| optional(r.centralization.pool_hhi),
    };
    /// Pools that together hold over half the hashrate.
    pub(crate) const POOL_NAKAMOTO: Field<EpochRow> = Field {
        key: "pool_nakamoto",
        value: |r| r.centralization.pool_nakamoto as f64,
    };
    /// Odds of a double spend by the largest pool against 6
    /// confirmations.
    pub(crate) const DOUBLE_SPEND_P_TOP_POOL_Z6: Field<EpochRow> = Field {
        key: "double_spend_p_top_pool_z6",
        value: |r| cell(r.security.double_spend_p_top_pool_z6),
    };

    /// Every column of epochs.csv above.
    #[cfg(test)]
    pub(crate) const ALL: &[Field<EpochRow>] = &[
        END_TIME_S,
        MEAN_BLOCK_INTERVAL_S,
        MAX_BLOCK_INTERVAL_S,
        FEES_BTC,
        SUBSIDY_BTC,
        POOL_HHI,
        POOL_NAKAMOTO,
        DOUBLE_SPEND_P_TOP_POOL_Z6,
    ];
}

/// Rows of numbers kept at most `max_rows` + 1, evenly strided: every row
/// of a short series; of a longer one every k-th row (k doubling whenever
/// the kept rows pass `max_rows`) and the last row, so that a century of
/// days holds as much as ten years.
#[derive(Clone, Debug)]
pub(crate) struct Thinned {
    columns: Vec<Vec<f64>>,
    max_rows: usize,
    stride: usize,
    rows: usize,
    last_kept: Option<usize>,
    last: Vec<f64>,
}

impl Thinned {
    /// No rows yet of `columns` columns, to keep at most `max_rows` + 1
    /// (`usize::MAX`: every row).
    pub(crate) fn new(columns: usize, max_rows: usize) -> Self {
        Self {
            columns: vec![Vec::new(); columns],
            max_rows: max_rows.max(2),
            stride: 1,
            rows: 0,
            last_kept: None,
            last: Vec::with_capacity(columns),
        }
    }

    /// Takes the next row (its values in column order; a short row fills
    /// the first columns only).
    pub(crate) fn push(&mut self, row: impl IntoIterator<Item = f64>) {
        self.last.clear();
        self.last.extend(row);
        if self.rows.is_multiple_of(self.stride) {
            for (c, v) in self.columns.iter_mut().zip(&self.last) {
                c.push(*v);
            }
            self.last_kept = Some(self.rows);
            if let Some(kept) = self.columns.first().map(Vec::len)
                && kept > self.max_rows
            {
                // Keep rows 0, 2k, 4k, …: the multiples of the new stride.
                if (kept - 1) % 2 == 1 {
                    self.last_kept = None;
                }
                for c in &mut self.columns {
                    let mut i = 0;
                    c.retain(|_| {
                        i += 1;
                        i % 2 == 1
                    });
                }
                self.stride *= 2;
            }
        }
        self.rows += 1;
    }

    /// The kept rows as columns, the last row included.
    pub fn finish(mut self) -> Vec<Vec<f64>> {
        if self.rows > 0 && self.last_kept != Some(self.rows - 1) {
            for (c, v) in self.columns.iter_mut().zip(&self.last) {
                c.push(*v);
            }
        }
        self.columns
    }
}

/// Records the values of some fields from each row of a run.
#[derive(Clone, Debug)]
pub(crate) struct Recorder<R: 'static> {
    fields: &'static [Field<R>],
    rows: Thinned,
}

impl<R> Recorder<R> {
    /// Records `fields`, keeping at most `max_rows` + 1 rows (see
    /// [`Thinned`]; `usize::MAX` keeps every row).
    pub(crate) fn new(fields: &'static [Field<R>], max_rows: usize) -> Self {
        Self {
            fields,
            rows: Thinned::new(fields.len(), max_rows),
        }
    }

    /// Takes a row.
    pub(crate) fn record(&mut self, row: &R) {
        self.rows.push(self.fields.iter().map(|f| (f.value)(row)));
    }

    /// The recorded columns.
    pub fn finish(self) -> Columns<R> {
        Columns {
            fields: self.fields,
            values: self.rows.finish(),
        }
    }
}

/// Recorded columns of a run, by field.
#[derive(Clone, Debug)]
pub(crate) struct Columns<R: 'static> {
    fields: &'static [Field<R>],
    values: Vec<Vec<f64>>,
}

impl<R> Columns<R> {
    /// A field's values, if it was recorded.
    pub(crate) fn get(&self, field: Field<R>) -> Option<&[f64]> {
        let i = self.fields.iter().position(|f| f.key == field.key)?;
        self.values.get(i).map(Vec::as_slice)
    }

    /// Number of rows.
    pub(crate) fn len(&self) -> usize {
        self.values.first().map_or(0, Vec::len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_an_even_stride_and_the_last_row() {
        let thin = |n: usize, max: usize| {
            let mut t = Thinned::new(1, max);
            for d in 0..n {
                t.push([d as f64]);
            }
            t.finish().remove(0)
        };
        assert_eq!(thin(10, 4), [0.0, 4.0, 8.0, 9.0]);
        assert_eq!(thin(10, 100), (0..10).map(|d| d as f64).collect::<Vec<_>>());
        assert_eq!(thin(9, 4), [0.0, 4.0, 8.0]);
        assert!(thin(0, 4).is_empty());
        let long = thin(100_000, 4_000);
        assert!(long.len() <= 4_001, "{}", long.len());
        assert_eq!(long.last(), Some(&99_999.0));
        let step = long[1] - long[0];
        assert!(long.windows(2).rev().skip(1).all(|w| w[1] - w[0] == step));
    }
}
