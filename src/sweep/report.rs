//! The sweep's report.html.

use std::io;
use std::path::Path;

use super::checks;
use super::error::SweepError;
use super::plots::Drawn;
use super::sensitivity;
use super::spec::Plan;

/// The sweep's report.html in `dir`: the ranking of a sensitivity sweep
/// (its `sensitivity` rows, if it is one), the checks' verdicts, every
/// figure `drawn` inline, the sweep file and provenance.
pub(super) fn report(
    plan: &Plan,
    drawn: &[Drawn],
    sensitivity: Option<&[sensitivity::Row]>,
    verdicts: &[checks::Verdict],
    dir: &Path,
) -> Result<(), SweepError> {
    use crate::output::report::{self, number};
    let mut headline = Vec::new();
    let mut sections = Vec::new();
    if let Some(rows) = sensitivity {
        for r in rows {
            match r.index.as_str() {
                "mu_star" | "ST" => headline.push((
                    format!("{}: {}", r.metric, r.parameter),
                    format!(
                        "{} {} [95 %: {} to {}]",
                        if r.index == "ST" {
                            "total index ST"
                        } else {
                            "μ*"
                        },
                        number(r.value),
                        number(r.low),
                        number(r.high)
                    ),
                )),
                "seed_share" => headline.push((
                    format!("{}: seed noise", r.metric),
                    if r.value.is_finite() {
                        format!("{:.0} % of the runs' variance", 100.0 * r.value)
                    } else {
                        "not measured (one seed a point)".into()
                    },
                )),
                _ => {}
            }
        }
    }
    if !verdicts.is_empty() {
        let passed = verdicts.iter().filter(|v| v.passed).count();
        headline.push((
            "checks".into(),
            format!(
                "{passed} of {} verdicts passed (checks.csv)",
                verdicts.len()
            ),
        ));
    }
    if sensitivity.is_some() {
        let meaning = crate::output::columns::file("sensitivity.csv")
            .and_then(|f| f.columns().find(|c| c.name == "index"))
            .map_or("", |c| c.meaning);
        sections.push((
            "What the indices mean".into(),
            format!(
                "<p>{}.</p><p class=\"note\">An index near zero with a narrow interval: the parameter does not matter over its range. ST well above S1 (or σ as large as μ*): it matters through interactions with the others. A large seed noise: the answer is mostly chance, whatever the parameters.</p>",
                report::escape(&meaning.replace('`', ""))
            ),
        ));
    }
    // The ranking's plots first, then the figures against each axis.
    let mut figures: Vec<&Drawn> = drawn.iter().collect();
    figures.sort_by_key(|d| !d.stem.starts_with("sensitivity-"));
    for d in figures {
        sections.push((d.stem.clone(), report::svg_section(&d.svg)));
    }
    let source = ron::ser::to_string_pretty(&plan.file, ron::ser::PrettyConfig::default())
        .map_err(io::Error::other)?;
    report::write(
        dir,
        &report::Report {
            title: format!("Sweep {}", plan.file.name),
            question: format!(
                "{}{} ({:?} design) of `{}`, varying {}.",
                if plan.file.description.is_empty() {
                    String::new()
                } else {
                    format!("{} ", plan.file.description)
                },
                plan.size(),
                plan.file.design,
                plan.file.base,
                plan.file
                    .axes
                    .iter()
                    .map(|a| a.path.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            headline,
            headline_note: if sensitivity.is_some() {
                "Parameters ranked by their main index, the most influential first; brackets are 95 % bootstrap intervals (sensitivity.csv).".into()
            } else {
                "points.csv holds every figure's mean, median, 5 % and 95 % over seeds at every point.".into()
            },
            sections,
            source,
            provenance: report::provenance(&[
                ("sweep_hash", plan.sweep_hash.clone()),
                ("runs", plan.runs.len().to_string()),
            ]),
        },
    )?;
    Ok(())
}
