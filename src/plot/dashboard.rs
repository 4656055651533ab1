//! The dashboard of a run: one figure of aligned panels over time, drawn
//! from the series the run kept in memory while it wrote `days.csv` and
//! `epochs.csv` ([`Series`]). Panels whose columns a run lacks are left
//! out, and so is the AI panel of a run in which nothing pivoted to AI.

use std::path::Path;

use crate::metrics::series::{Columns, Field, Recorder, day, epoch};
use crate::metrics::{DayRow, EpochRow, RecordSink};
use crate::units::SECONDS_PER_DAY;

use super::{Line, PALETTE, Panel, PlotError, XAxis, render_svg};

/// The columns of days.csv a dashboard draws.
pub(crate) const DAY_FIELDS: &[Field<DayRow>] = &[
    day::TIME_S,
    day::HASHRATE_EHS,
    day::CURTAILED_EHS,
    day::OFFLINE_EHS,
    day::AI_MW,
    day::GPU_CLOUD_MW,
    day::CONVERTING_MW,
    day::SOLD_MW,
    day::DIFFICULTY,
    day::BTC_PRICE_USD,
    day::HASHPRICE_USD_PER_PH_DAY,
    day::DORMANT_EHS,
    day::ATTACK_BUILD_ASIC_USD,
    day::ATTACK_DORMANT_ASIC_USD,
];

/// The columns of epochs.csv a dashboard draws.
pub(crate) const EPOCH_FIELDS: &[Field<EpochRow>] = &[
    epoch::END_TIME_S,
    epoch::MEAN_BLOCK_INTERVAL_S,
    epoch::MAX_BLOCK_INTERVAL_S,
    epoch::FEES_BTC,
    epoch::SUBSIDY_BTC,
    epoch::POOL_HHI,
    epoch::POOL_NAKAMOTO,
    epoch::DOUBLE_SPEND_P_TOP_POOL_Z6,
];

/// Most rows of days or epochs a dashboard draws: ten years of days at
/// full resolution; longer runs evenly thinned (see
/// [`crate::metrics::series::Thinned`]), so drawing a century takes no
/// more memory than a decade.
pub(crate) const DASHBOARD_ROWS: usize = 4_000;

/// The series a dashboard draws, as a run kept them.
#[derive(Clone, Debug)]
pub(crate) struct Series {
    /// [`DAY_FIELDS`], thinned to [`DASHBOARD_ROWS`].
    pub(crate) days: Columns<DayRow>,
    /// [`EPOCH_FIELDS`], thinned to [`DASHBOARD_ROWS`].
    pub(crate) epochs: Columns<EpochRow>,
}

/// Keeps a dashboard's [`Series`] from a run's rows as they are produced.
#[derive(Clone, Debug)]
pub(crate) struct SeriesRecorder {
    days: Recorder<DayRow>,
    epochs: Recorder<EpochRow>,
}

impl Default for SeriesRecorder {
    fn default() -> Self {
        Self {
            days: Recorder::new(DAY_FIELDS, DASHBOARD_ROWS),
            epochs: Recorder::new(EPOCH_FIELDS, DASHBOARD_ROWS),
        }
    }
}

impl SeriesRecorder {
    /// What was kept.
    pub fn finish(self) -> Series {
        Series {
            days: self.days.finish(),
            epochs: self.epochs.finish(),
        }
    }
}

impl RecordSink for SeriesRecorder {
    fn epoch(&mut self, row: &EpochRow) -> std::io::Result<()> {
        self.epochs.record(row);
        Ok(())
    }
    fn day(&mut self, row: &DayRow) -> std::io::Result<()> {
        self.days.record(row);
        Ok(())
    }
}

/// Days since the run started, from times in seconds.
fn in_days(times_s: &[f64]) -> Vec<f64> {
    times_s.iter().map(|s| s / SECONDS_PER_DAY).collect()
}

/// A run's series as lines against days since its start.
struct Lines<'a> {
    series: &'a Series,
    day_x: Vec<f64>,
    epoch_x: Vec<f64>,
}

impl<'a> Lines<'a> {
    fn of(series: &'a Series) -> Self {
        Self {
            series,
            day_x: series
                .days
                .get(day::TIME_S)
                .map(in_days)
                .unwrap_or_default(),
            epoch_x: series
                .epochs
                .get(epoch::END_TIME_S)
                .map(in_days)
                .unwrap_or_default(),
        }
    }

    /// A day column times `scale`, if the run has it.
    fn day(&self, field: Field<DayRow>, scale: f64) -> Option<Line> {
        self.series.days.get(field).map(|v| {
            Line::new(
                field.key,
                self.day_x.clone(),
                v.iter().map(|y| y * scale).collect(),
            )
        })
    }

    /// An epoch column, if the run has it.
    fn epoch(&self, field: Field<EpochRow>) -> Option<Line> {
        self.series
            .epochs
            .get(field)
            .map(|v| Line::new(field.key, self.epoch_x.clone(), v.to_vec()))
    }

    /// Whether any capacity went to AI at any time.
    fn pivoted(&self) -> bool {
        [
            day::AI_MW,
            day::GPU_CLOUD_MW,
            day::CONVERTING_MW,
            day::SOLD_MW,
        ]
        .into_iter()
        .any(|f| {
            self.series
                .days
                .get(f)
                .is_some_and(|v| v.iter().any(|x| *x != 0.0))
        })
    }

    /// The fee share of miner revenue per epoch.
    fn fee_share(&self) -> Option<Panel> {
        let epochs = &self.series.epochs;
        let (f, s) = (
            epochs.get(epoch::FEES_BTC)?,
            epochs.get(epoch::SUBSIDY_BTC)?,
        );
        let share: Vec<f64> = f
            .iter()
            .zip(s)
            .map(|(f, s)| {
                if f + s > 0.0 {
                    100.0 * f / (f + s)
                } else {
                    f64::NAN
                }
            })
            .collect();
        Some(
            Panel::new("Fee share of block reward", "%")
                .line(Line::new("fee_share_pct", self.epoch_x.clone(), share).label("fees")),
        )
    }
}

/// A panel with the lines the run has.
fn with(mut panel: Panel, lines: Vec<Option<Line>>) -> Panel {
    panel.lines = lines.into_iter().flatten().collect();
    panel
}

/// The panels of a run's dashboard from its series.
pub(crate) fn panels(series: &Series) -> Vec<Panel> {
    let lines = Lines::of(series);
    let day = |field: Field<DayRow>, scale: f64| lines.day(field, scale);
    let epoch = |field: Field<EpochRow>| lines.epoch(field);
    let mut out = vec![
        with(
            Panel::new("Hashrate by state", "EH/s").stacked(),
            vec![
                day(day::HASHRATE_EHS, 1.0).map(|l| l.label("mining")),
                day(day::CURTAILED_EHS, 1.0).map(|l| l.label("curtailed")),
                day(day::OFFLINE_EHS, 1.0).map(|l| l.label("offline (region)")),
            ],
        ),
        with(
            Panel::new("AI / HPC capacity", "MW").stacked(),
            if lines.pivoted() {
                vec![
                    day(day::AI_MW, 1.0).map(|l| l.label("AI leased")),
                    day(day::GPU_CLOUD_MW, 1.0).map(|l| l.label("own GPU cloud")),
                    day(day::CONVERTING_MW, 1.0).map(|l| l.label("converting")),
                    day(day::SOLD_MW, 1.0).map(|l| l.label("sold to AI buyers")),
                ]
            } else {
                Vec::new()
            },
        ),
        with(
            Panel::new("Difficulty", "T"),
            vec![day(day::DIFFICULTY, 1e-12).map(|l| l.label("difficulty"))],
        ),
        with(
            Panel::new("Block interval per epoch", "s"),
            vec![
                epoch(epoch::MEAN_BLOCK_INTERVAL_S).map(|l| l.label("mean")),
                epoch(epoch::MAX_BLOCK_INTERVAL_S).map(|l| l.label("max")),
            ],
        ),
        with(
            Panel::new("BTC price", "USD"),
            vec![day(day::BTC_PRICE_USD, 1.0).map(|l| l.label("BTC price"))],
        ),
        with(
            Panel::new("Hashprice", "USD per PH/s per day"),
            vec![day(day::HASHPRICE_USD_PER_PH_DAY, 1.0).map(|l| l.label("hashprice"))],
        ),
    ];
    // Fee share of miner revenue per epoch.
    out.extend(lines.fee_share());
    out.push(with(
        Panel::new("Pool concentration (HHI)", "0–10,000"),
        vec![epoch(epoch::POOL_HHI).map(|l| l.label("pool HHI"))],
    ));
    out.push(with(
        Panel::new("Nakamoto coefficient", "pools above 50 %"),
        vec![epoch(epoch::POOL_NAKAMOTO).map(|l| l.label("pools"))],
    ));
    out.push(with(
        Panel::new(
            "Double-spend success, largest pool, 6 confirmations",
            "probability",
        )
        .log_y(true),
        vec![epoch(epoch::DOUBLE_SPEND_P_TOP_POOL_Z6).map(|l| l.label("P"))],
    ));
    out.push(with(
        Panel::new("Dormant machines (curtailed, offline, second hand)", "EH/s"),
        vec![day(day::DORMANT_EHS, 1.0).map(|l| l.label("dormant"))],
    ));
    out.push(with(
        Panel::new("Machines for a majority attack", "USD billion"),
        vec![
            day(day::ATTACK_BUILD_ASIC_USD, 1e-9).map(|l| l.label("built new").color(PALETTE[0])),
            day(day::ATTACK_DORMANT_ASIC_USD, 1e-9)
                .map(|l| l.label("dormant first").color(PALETTE[3])),
        ],
    ));
    out.into_iter().filter(|p| !p.lines.is_empty()).collect()
}

/// The dashboard of a run in memory, with the hashrate of its
/// counterfactual (the same seed without the AI option) on one more panel
/// when `no_ai` is given.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Dashboard<'a> {
    /// The figure's title.
    pub(crate) title: &'a str,
    /// Unix time of the run's start (ticks become dates), if known.
    pub(crate) start_unix_s: Option<i64>,
    /// The run's series.
    pub(crate) run: &'a Series,
    /// Its counterfactual's series, if it has one.
    pub(crate) no_ai: Option<&'a Series>,
}

/// Draws `dashboard.png` and `dashboard.svg` in a run directory and
/// returns the SVG markup (for the report).
pub(crate) fn write(dir: &Path, d: &Dashboard) -> Result<String, PlotError> {
    let x = XAxis {
        start_unix_s: d.start_unix_s,
        label: None,
        ticks: None,
    };
    let mut panels = panels(d.run);
    // A run with its counterfactual: the two hashrates on one panel,
    // after the hashrate by state.
    if let Some(no_ai) = d.no_ai {
        let line = |t: &Series, key: &str| {
            let x = in_days(t.days.get(day::TIME_S)?);
            Some(Line::new(key, x, t.days.get(day::HASHRATE_EHS)?.to_vec()))
        };
        if let (Some(run), Some(cf)) = (line(d.run, day::HASHRATE_EHS.key), line(no_ai, "no_ai")) {
            let panel = Panel::new("Hashrate mining, against the run without AI", "EH/s")
                .line(run.label("this run").color(PALETTE[0]))
                .line(cf.label("without the AI option (no-ai/)").color(PALETTE[7]));
            panels.insert(1.min(panels.len()), panel);
        }
    }
    render_svg(&dir.join("dashboard"), d.title, &panels, &x)
}
