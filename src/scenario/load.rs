//! Reading scenario text, applying `--set PATH=VALUE` overrides, and turning
//! the result into a validated [`Scenario`].
//!
//! An override replaces one value of the fully resolved scenario: the
//! scenario is written out as RON, the value at the dotted path is replaced
//! by the override's text, and the whole is parsed again against the
//! schema. So any field can be set, with its real type (enums included),
//! and a path that does not exist is an error with a suggestion.
//!
//! ```
//! use hashflight::scenario::{Override, Scenario};
//! let src = r#"(name: "demo", duration_days: 30)"#;
//! let overrides = [Override::parse("btc_price.initial_usd=60000").unwrap()];
//! let s = Scenario::from_str(src, "demo.ron", &overrides).unwrap();
//! assert_eq!(s.spec().btc_price.initial_usd, 60000.0);
//! assert_eq!(s.spec().duration_days, 30);
//! ```

use std::path::Path;

use ron::ser::PrettyConfig;

use super::error::{Problem, ScenarioError, did_you_mean};
use super::schema::{PriceModel, ScenarioFile, ron_options};
use super::{locate, resolve, shipped, validate};

/// One `--set PATH=VALUE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    /// Dotted path, e.g. `btc_price.initial_usd` or `miners.0.cash_usd`.
    pub path: String,
    /// The value in RON syntax.
    pub value: String,
}

impl Override {
    /// Parses `PATH=VALUE`.
    pub fn parse(arg: &str) -> Result<Self, ScenarioError> {
        match arg.split_once('=') {
            Some((path, value)) if !path.trim().is_empty() && !value.trim().is_empty() => {
                Ok(Self {
                    path: path.trim().to_string(),
                    value: value.trim().to_string(),
                })
            }
            _ => Err(ScenarioError::BadOverride {
                arg: arg.to_string(),
            }),
        }
    }

    fn origin(&self) -> String {
        format!("--set {}={}", self.path, self.value)
    }
}

/// Text without the UTF-8 byte-order mark some editors save (positions are
/// then counted as an editor shows them).
pub fn without_bom(src: &str) -> &str {
    src.strip_prefix('\u{feff}').unwrap_or(src)
}

/// Parses scenario text without validating it; errors carry positions.
pub fn parse_str(src: &str, origin: &str) -> Result<ScenarioFile, ScenarioError> {
    parse_ron(src, origin)
}

/// Parses any RON input of hashflight's (scenarios, sweeps) into `T`;
/// errors carry the origin, line, column and field path.
pub fn parse_ron<T: serde::de::DeserializeOwned>(
    src: &str,
    origin: &str,
) -> Result<T, ScenarioError> {
    let problem = |err: ron::error::SpannedError, field: String| {
        Problem {
        origin: origin.to_string(),
        position: Some((err.span.start.line, err.span.start.col)),
        message: match err.code {
            // ron names no range: say what the field takes.
            ron::Error::IntegerOutOfBounds => {
                format!("{}: this field takes {}", err.code, integer_range(&field))
            }
            // A value where a field's name belongs: `(21, 0.8)` for
            // `(day: 21, multiply_by: 0.8)`.
            ron::Error::ExpectedIdentifier | ron::Error::SuggestRawIdentifier(_) => {
                "Expected a field name: fields are written by name here, as `(day: 21, multiply_by: 0.8)` (`hashflight show baseline` shows every field)".to_string()
            }
            _ => err.code.to_string(),
        },
        field,
    }
    };
    let mut de = ron::Deserializer::from_str_with_options(src, &ron_options())
        .map_err(|e| ScenarioError::Invalid(vec![problem(e, String::new())]))?;
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let field = path_string(e.path());
        let spanned = de.span_error(e.into_inner());
        ScenarioError::Invalid(vec![problem(spanned, field)])
    })?;
    de.end()
        .map_err(|e| ScenarioError::Invalid(vec![problem(de.span_error(e), String::new())]))?;
    Ok(value)
}

/// What an integer field takes (appended to ron's "out of bounds", which
/// names no range).
fn integer_range(field: &str) -> String {
    match field {
        "duration_days" => format!(
            "a whole number of days from 1 to {}",
            super::checker::MAX_DURATION_DAYS
        ),
        "seed" => "a whole number from 0 to 18446744073709551615".to_string(),
        f if f.ends_with("_days") || f.ends_with(".day") => {
            "a whole number of days, 0 or more".to_string()
        }
        _ => "a whole number, 0 or more".to_string(),
    }
}

fn path_string(path: &serde_path_to_error::Path) -> String {
    let s = path.to_string();
    // serde_path_to_error writes list indices as `[3]`; ours are `.3`.
    let s = s.replace('[', ".").replace(']', "");
    if s == "." { String::new() } else { s }
}

/// The canonical RON text of a scenario (as written to `scenario.ron`).
pub fn to_ron(file: &ScenarioFile) -> String {
    let config = PrettyConfig::new()
        .depth_limit(6)
        .indentor("    ".to_string())
        .separate_tuple_members(false);
    ron_options()
        .to_string_pretty(file, config)
        .expect("scenario types always serialize")
}

/// Applies overrides in order to a parsed scenario.
pub fn apply_overrides(
    mut file: ScenarioFile,
    overrides: &[Override],
) -> Result<ScenarioFile, ScenarioError> {
    for o in overrides {
        let text = to_ron(&file);
        let segments: Vec<&str> = o.path.split('.').collect();
        let span = locate::find(&text, &segments).map_err(|miss| {
            let at = segments[..miss.matched].join(".");
            let wrong = segments.get(miss.matched).copied().unwrap_or("");
            let mut message = if at.is_empty() {
                format!("unknown field `{wrong}`")
            } else {
                format!("`{at}` has no field `{wrong}`")
            };
            if miss.available.is_empty() {
                message.push_str(&format!(" (`{at}` is a single value)"));
            } else {
                if let Some(best) = did_you_mean(wrong, &miss.available) {
                    message.push_str(&format!("; did you mean `{best}`?"));
                }
                message.push_str(&format!(" (allowed: {})", miss.available.join(", ")));
            }
            ScenarioError::Invalid(vec![Problem {
                origin: o.origin(),
                position: None,
                field: o.path.clone(),
                message,
            }])
        })?;
        let replaced = format!("{}{}{}", &text[..span.start], o.value, &text[span.end..]);
        file = parse_str(&replaced, "").map_err(|e| {
            let problems = e
                .problems()
                .iter()
                .map(|p| Problem {
                    origin: o.origin(),
                    position: None,
                    field: o.path.clone(),
                    message: match variant_hint(&text, &span, &o.value, &p.message) {
                        Some(hint) => format!("{}: {hint}", p.message),
                        None => p.message.clone(),
                    },
                })
                .collect();
            ScenarioError::Invalid(problems)
        })?;
    }
    Ok(file)
}

/// For a bare variant name where the schema wants fields (`Asert` for
/// `Asert(half_life_s: …)`), the fields it needs, found by asking the
/// parser which one is missing, one at a time. `value` was written over
/// `span` of `text` and the parser refused it with `message`.
fn variant_hint(text: &str, span: &locate::Span, value: &str, message: &str) -> Option<String> {
    let name = value.trim();
    let bare = name.chars().next().is_some_and(char::is_uppercase)
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !bare || !message.contains("Expected opening `(`") {
        return None;
    }
    let mut fields: Vec<String> = Vec::new();
    for _ in 0..16 {
        let args: Vec<String> = fields.iter().map(|f| format!("{f}: 0")).collect();
        let probe = format!(
            "{}{name}({}){}",
            &text[..span.start],
            args.join(", "),
            &text[span.end..]
        );
        let Err(e) = parse_str(&probe, "") else { break };
        let missing = e.problems().iter().find_map(|p| {
            let rest = p.message.split("missing field named `").nth(1)?;
            rest.split('`').next().map(String::from)
        });
        match missing {
            Some(f) if !fields.contains(&f) => fields.push(f),
            _ => break,
        }
    }
    let args: Vec<String> = fields.iter().map(|f| format!("{f}: …")).collect();
    Some(format!(
        "`{name}` takes fields here: write `{name}({})`",
        args.join(", ")
    ))
}

/// A validated scenario: every bound holds and every name it refers to
/// exists. It carries the file as written (every field stated, for
/// `scenario.ron`) and its [`resolve::Resolved`] form, which the simulation
/// builds from. Built only by [`Scenario::from_str`], [`Scenario::load`]
/// and friends.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    spec: ScenarioFile,
    resolved: resolve::Resolved,
    /// The overrides it was loaded with, as `PATH=VALUE`.
    overrides: Vec<String>,
}

impl Scenario {
    /// The scenario as a file: every field stated.
    pub fn spec(&self) -> &ScenarioFile {
        &self.spec
    }

    /// Its markets' parameters.
    pub fn market(&self) -> &resolve::MarketParams {
        &self.resolved.market
    }

    /// The overrides (`--set`) it was loaded with, as `PATH=VALUE`.
    pub fn overrides(&self) -> &[String] {
        &self.overrides
    }

    /// Everything the simulation builds from.
    pub(crate) fn resolved(&self) -> &resolve::Resolved {
        &self.resolved
    }

    /// The same scenario with another seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.spec.seed = seed;
        self
    }

    /// The same scenario with the AI option switched off (the
    /// counterfactual run).
    pub fn without_ai(&self) -> Self {
        let mut s = self.clone();
        s.spec.ai.enabled = false;
        s.spec.counterfactual = false;
        s.resolved.market.ai.enabled = false;
        s
    }

    /// The fully resolved scenario as RON: running it reproduces the run.
    pub fn to_ron(&self) -> String {
        to_ron(&self.spec)
    }
}

impl Scenario {
    /// Parses, overrides and validates scenario text. `origin` names the
    /// text in error messages (usually the file path).
    pub fn from_str(
        src: &str,
        origin: &str,
        overrides: &[Override],
    ) -> Result<Self, ScenarioError> {
        let src = without_bom(src);
        let parsed = parse_str(src, origin)?;
        let file = apply_overrides(parsed, overrides)?;
        let invalid = |problems: Vec<(String, String)>| {
            ScenarioError::Invalid(
                problems
                    .into_iter()
                    .map(|(field, message)| locate_problem(src, origin, overrides, field, message))
                    .collect(),
            )
        };
        let mut spec = validate::validate(file).map_err(invalid)?;
        let (start, days) = (spec.chain.start_time_unix_s, spec.duration_days);
        let mut absolute = None;
        let process = resolve::price_process(&spec.btc_price.model, |csv| {
            // Relative to the scenario file's directory (or the working
            // directory for text without a file); the resolved scenario
            // names the file absolutely so that it re-runs from anywhere.
            let base = Path::new(origin)
                .parent()
                .filter(|d| Path::new(origin).is_file() && !d.as_os_str().is_empty());
            let path = match base {
                Some(d) if Path::new(csv).is_relative() => d.join(csv),
                _ => Path::new(csv).to_path_buf(),
            };
            let path = std::path::absolute(&path).unwrap_or(path);
            let prices = read_price_path(&path, start, days).map_err(|(position, message)| {
                ScenarioError::Invalid(vec![Problem {
                    origin: path.display().to_string(),
                    position,
                    field: "btc_price.model.csv".into(),
                    message,
                }])
            });
            absolute = Some(path.display().to_string());
            prices
        })?;
        if let Some(csv) = absolute {
            spec.btc_price.model = PriceModel::Path { csv };
        }
        let resolved =
            resolve::Resolved::new(&spec, process).map_err(|problem| invalid(vec![problem]))?;
        Ok(Scenario {
            spec,
            resolved,
            overrides: overrides
                .iter()
                .map(|o| format!("{}={}", o.path, o.value))
                .collect(),
        })
    }

    /// Loads a scenario file.
    pub fn from_path(path: &Path, overrides: &[Override]) -> Result<Self, ScenarioError> {
        let src = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_str(&src, &path.display().to_string(), overrides)
    }

    /// Loads a file if `name_or_path` names one (or ends in `.ron`),
    /// otherwise the shipped scenario of that name.
    pub fn load(name_or_path: &str, overrides: &[Override]) -> Result<Self, ScenarioError> {
        let path = Path::new(name_or_path);
        if path.exists() || name_or_path.ends_with(".ron") || name_or_path.contains('/') {
            return Self::from_path(path, overrides);
        }
        match shipped::find(name_or_path) {
            Some(s) => Self::from_str(s.source, s.path, overrides),
            None => Err(ScenarioError::UnknownScenario {
                name: name_or_path.to_string(),
                available: shipped::SHIPPED
                    .iter()
                    .map(|s| s.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }
}

/// A problem in a price path: where (line, column) and what.
type PathProblem = (Option<(usize, usize)>, String);

/// Reads a daily `date,usd` CSV and returns the price of each day of the
/// run, or the position (line, column) and text of the first problem.
fn read_price_path(path: &Path, start_unix_s: i64, days: u32) -> Result<Vec<f64>, PathProblem> {
    use chrono::{DateTime, Days, NaiveDate};
    let start = DateTime::from_timestamp(start_unix_s, 0)
        .map(|t| t.date_naive())
        .ok_or((
            None,
            format!("the run's start time {start_unix_s} is not a date"),
        ))?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| (None, format!("cannot read the price path: {e}")))?;
    let header = reader
        .headers()
        .map_err(|e| (Some((1, 1)), format!("cannot read the header: {e}")))?
        .clone();
    if header.iter().collect::<Vec<_>>() != ["date", "usd"] {
        return Err((
            Some((1, 1)),
            format!(
                "the header must be `date,usd`, got `{}`",
                header.iter().collect::<Vec<_>>().join(",")
            ),
        ));
    }
    let mut prices = Vec::with_capacity(days as usize);
    let mut previous: Option<NaiveDate> = None;
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            (Some((line, 1)), format!("bad row: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let date_text = record.get(0).unwrap_or("");
        let date = NaiveDate::parse_from_str(date_text, "%Y-%m-%d").map_err(|_| {
            (
                Some((line, 1)),
                format!("`{date_text}` is not a date: write YYYY-MM-DD"),
            )
        })?;
        let usd_text = record.get(1).unwrap_or("");
        let usd: f64 = usd_text.parse().map_err(|_| {
            (
                Some((line, date_text.len() + 2)),
                format!("`{usd_text}` is not a price in USD"),
            )
        })?;
        if !(usd.is_finite() && usd > 0.0) {
            return Err((
                Some((line, date_text.len() + 2)),
                format!("the price must be a positive number, got {usd}"),
            ));
        }
        if let Some(p) = previous
            && p.checked_add_days(Days::new(1)) != Some(date)
        {
            return Err((
                Some((line, 1)),
                format!(
                    "{date} does not follow {p}: the path needs one row per day, in order, without gaps"
                ),
            ));
        }
        previous = Some(date);
        if date >= start && prices.len() < days as usize {
            if prices.is_empty() && date != start {
                return Err((
                    Some((line, 1)),
                    format!("the path starts after the run does ({start})"),
                ));
            }
            prices.push(usd);
        }
    }
    if prices.len() < days as usize {
        let end = start
            .checked_add_days(Days::new(days as u64 - 1))
            .unwrap_or(start);
        return Err((
            None,
            format!(
                "the path must cover every day of the run, {start} to {end}; it has {} of its {days} days",
                prices.len()
            ),
        ));
    }
    Ok(prices)
}

fn locate_problem(
    src: &str,
    origin: &str,
    overrides: &[Override],
    field: String,
    message: String,
) -> Problem {
    // A field set on the command line is reported there.
    if let Some(o) = overrides
        .iter()
        .rev()
        .find(|o| field == o.path || field.starts_with(&format!("{}.", o.path)))
    {
        return Problem {
            origin: o.origin(),
            position: None,
            field,
            message,
        };
    }
    let (position, written) = locate::position(src, &field);
    let message = if written {
        message
    } else {
        // Not in the file: it came from the baseline's defaults.
        format!("{message} (the value is the baseline's default)")
    };
    Problem {
        origin: origin.to_string(),
        position,
        field,
        message,
    }
}
