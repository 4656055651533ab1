//! What a time figure shows: panels of lines.

use plotters::prelude::RGBColor;

use super::style::series_color;

/// One series in a panel.
#[derive(Clone, Debug)]
pub struct Line {
    /// Legend label.
    pub(crate) label: String,
    /// Colour.
    pub(crate) color: RGBColor,
    /// X values (days since the run started, or an axis value).
    pub(crate) xs: Vec<f64>,
    /// Y values.
    pub(crate) ys: Vec<f64>,
    /// A band (low, high) around the line, e.g. 5–95 % over seeds.
    pub(crate) band: Option<(Vec<f64>, Vec<f64>)>,
    /// Draw the points as markers, not joined (a scatter: points that are
    /// not a series along x).
    pub(crate) markers: bool,
}

impl Line {
    /// A line whose colour follows its key.
    pub(crate) fn new(key: &str, xs: Vec<f64>, ys: Vec<f64>) -> Self {
        Self {
            label: key.to_string(),
            color: series_color(key),
            xs,
            ys,
            band: None,
            markers: false,
        }
    }

    /// Draws the points as markers, not joined.
    pub(crate) fn markers(mut self) -> Self {
        self.markers = true;
        self
    }

    /// Sets the legend label.
    pub(crate) fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Sets the colour.
    pub(crate) fn color(mut self, color: RGBColor) -> Self {
        self.color = color;
        self
    }

    /// Adds a band.
    pub(crate) fn band(mut self, lo: Vec<f64>, hi: Vec<f64>) -> Self {
        self.band = Some((lo, hi));
        self
    }
}

/// One chart: a title, a unit, lines.
#[derive(Clone, Debug)]
pub struct Panel {
    /// Title.
    pub(crate) title: String,
    /// Unit of the y axis.
    pub(crate) unit: String,
    /// Lines (drawn in order; stacked panels stack them in order).
    pub(crate) lines: Vec<Line>,
    /// Stack the lines as areas.
    pub(crate) stacked: bool,
    /// Logarithmic y axis: `None` decides from the data (over two decades).
    pub(crate) log_y: Option<bool>,
}

impl Panel {
    /// An empty panel.
    pub(crate) fn new(title: impl Into<String>, unit: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            unit: unit.into(),
            lines: Vec::new(),
            stacked: false,
            log_y: None,
        }
    }

    /// Adds a line.
    pub(crate) fn line(mut self, line: Line) -> Self {
        self.lines.push(line);
        self
    }

    /// Stacks the lines as areas.
    pub(crate) fn stacked(mut self) -> Self {
        self.stacked = true;
        self
    }

    /// Forces a linear or log y axis.
    pub(crate) fn log_y(mut self, log: bool) -> Self {
        self.log_y = Some(log);
        self
    }

    pub(super) fn has_data(&self) -> bool {
        self.lines
            .iter()
            .any(|l| l.ys.iter().any(|y| y.is_finite()))
    }
}
