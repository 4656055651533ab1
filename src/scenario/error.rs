//! Errors from reading, overriding and validating scenarios.

use std::fmt;
use std::path::PathBuf;

/// One thing wrong with a scenario, located as precisely as we can.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The file (or `--set` argument, or shipped name) it came from.
    pub origin: String,
    /// 1-based line and column in that file, when the field is in it.
    pub position: Option<(usize, usize)>,
    /// Dotted path of the field, e.g. `miners.0.sites.1.power_mw`.
    pub field: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, col)) => write!(f, "{}:{line}:{col}: ", self.origin)?,
            None => write!(f, "{}: ", self.origin)?,
        }
        if !self.field.is_empty() {
            write!(f, "field `{}`: ", self.field)?;
        }
        f.write_str(&self.message)
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read scenario {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Neither a file nor a shipped scenario has this name.
    #[error("no scenario file or shipped scenario named `{name}` (shipped: {available})")]
    UnknownScenario {
        /// What was asked for.
        name: String,
        /// The shipped names.
        available: String,
    },
    /// A `--set` argument is not of the form `PATH=VALUE`.
    #[error("--set {arg}: expected PATH=VALUE, e.g. btc_price.initial_usd=60000")]
    BadOverride {
        /// The argument.
        arg: String,
    },
    /// The file does not parse, or a field is unknown or of the wrong type,
    /// or a value is out of bounds.
    #[error("{}", list(.0))]
    Invalid(Vec<Problem>),
}

fn list(problems: &[Problem]) -> String {
    let mut out = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&p.to_string());
    }
    out
}

impl ScenarioError {
    /// The located problems, if this is a content error.
    pub fn problems(&self) -> &[Problem] {
        match self {
            Self::Invalid(p) => p,
            _ => &[],
        }
    }
}

/// The closest of `options` to `word`, if any is close.
pub fn did_you_mean<'a>(word: &str, options: &'a [String]) -> Option<&'a str> {
    options
        .iter()
        .map(|o| (strsim::jaro_winkler(word, o), o))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, o)| o.as_str())
}
