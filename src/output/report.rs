//! `report.html`: one self-contained page per run, ensemble or sweep
//! directory, opened by double-click with no network access: the question
//! the scenario asks, the headline answer, the plots inline as SVG, the
//! resolved scenario and how the result was made.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// A report's contents.
#[derive(Clone, Debug, Default)]
pub(crate) struct Report {
    /// The page's title (the scenario or sweep and its seeds).
    pub(crate) title: String,
    /// The question: the scenario's description.
    pub(crate) question: String,
    /// The headline answer: (what, value as text) rows.
    pub(crate) headline: Vec<(String, String)>,
    /// A note under the headline (what the bands are, say).
    pub(crate) headline_note: String,
    /// Further sections: (heading, HTML body).
    pub(crate) sections: Vec<(String, String)>,
    /// The resolved scenario (or sweep) as RON.
    pub(crate) source: String,
    /// How it was made: (key, value).
    pub(crate) provenance: Vec<(String, String)>,
}

/// Text made safe for HTML.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// SVG markup (a plot just drawn) to inline in the page, its XML
/// declaration left out, scaled to the page's width.
pub(crate) fn svg_section(markup: &str) -> String {
    let start = markup.find("<svg").unwrap_or(0);
    format!("<div class=\"plot\">{}</div>", &markup[start..])
}

/// An HTML table of rows of cells (the first row is the header).
pub(crate) fn table(rows: &[Vec<String>]) -> String {
    let mut s = String::from("<table>");
    for (i, r) in rows.iter().enumerate() {
        let tag = if i == 0 { "th" } else { "td" };
        s.push_str("<tr>");
        for c in r {
            let _ = write!(s, "<{tag}>{}</{tag}>", escape(c));
        }
        s.push_str("</tr>");
    }
    s.push_str("</table>");
    s
}

/// The header of a two-column table.
#[derive(Clone, Copy)]
struct PairHeader<'a> {
    /// Over the first column: what each row names.
    what: &'a str,
    /// Over the second column: the row's value.
    value: &'a str,
}

/// A two-column HTML table under a header.
fn pairs(head: PairHeader, rows: &[(String, String)]) -> String {
    let mut all = vec![vec![head.what.to_string(), head.value.to_string()]];
    all.extend(rows.iter().map(|(a, b)| vec![a.clone(), b.clone()]));
    table(&all)
}

const STYLE: &str = "body{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;max-width:1560px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.3em .7em;text-align:left}\
th{background:#f3f3f3}.question{font-size:1.1em;background:#f6f8fa;padding:.8em 1em;border-left:4px solid #0072b2}\
.plot svg{max-width:100%;height:auto}pre{background:#f6f8fa;padding:1em;overflow:auto;font-size:.85em}\
.note{color:#555;font-size:.9em}";

/// Writes `report.html` into `dir`.
pub(crate) fn write(dir: &Path, r: &Report) -> io::Result<()> {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>",
        escape(&r.title)
    );
    let _ = write!(s, "<h1>{}</h1>", escape(&r.title));
    if !r.question.is_empty() {
        let _ = write!(
            s,
            "<p class=\"question\"><b>The question.</b> {}</p>",
            escape(&r.question)
        );
    }
    if !r.headline.is_empty() {
        s.push_str("<h2>The answer</h2>");
        let head = PairHeader {
            what: "figure",
            value: "value",
        };
        s.push_str(&pairs(head, &r.headline));
        if !r.headline_note.is_empty() {
            let _ = write!(s, "<p class=\"note\">{}</p>", escape(&r.headline_note));
        }
    }
    for (heading, body) in &r.sections {
        let _ = write!(s, "<h2>{}</h2>{body}", escape(heading));
    }
    if !r.source.is_empty() {
        let _ = write!(
            s,
            "<h2>What was run</h2><p class=\"note\">Running this file with hashflight reproduces the result.</p><pre>{}</pre>",
            escape(&r.source)
        );
    }
    if !r.provenance.is_empty() {
        s.push_str("<h2>Provenance</h2>");
        let head = PairHeader {
            what: "what",
            value: "value",
        };
        s.push_str(&pairs(head, &r.provenance));
    }
    s.push_str("</body></html>\n");
    std::fs::write(dir.join("report.html"), s)
}

/// A number as a report shows it.
pub(crate) fn number(v: f64) -> String {
    if v.is_finite() {
        crate::plot::short(v)
    } else {
        "–".into()
    }
}

/// The headline figures of a run or an ensemble, with what each says.
pub const HEADLINES: &[(&str, &str)] = &[
    (
        "hashrate_decline_pct",
        "hashrate decline over the last 365 days, %",
    ),
    (
        "hashrate_decline_vs_no_ai_pct",
        "hashrate lost against the same seed without AI, %",
    ),
    ("firm_hhi_end", "firm concentration at the end (HHI)"),
    ("pool_hhi_end", "pool concentration at the end (HHI)"),
    (
        "template_nakamoto_end",
        "template builders to reach 50 % at the end (Nakamoto coefficient)",
    ),
    (
        "security_budget_usd_per_day_end",
        "security budget at the end, USD a day",
    ),
    (
        "attack_build_asic_usd_end",
        "machines for a majority attack, built new, USD",
    ),
    (
        "attack_dormant_asic_usd_end",
        "… with dormant machines first, USD",
    ),
];

/// "What the figures mean": the headline figures' units and meanings from
/// the column catalogue (the same words as `hashflight columns`).
pub(crate) fn glossary() -> (String, String) {
    let summary = super::columns::file("summary.json").expect("summary.json is catalogued");
    let mut rows = vec![vec![
        "figure".to_string(),
        "in the table as".into(),
        "unit".into(),
        "meaning".into(),
    ]];
    for (name, shown) in HEADLINES {
        if let Some(c) = summary.columns().find(|c| c.name == *name) {
            rows.push(vec![
                name.to_string(),
                shown.to_string(),
                c.unit.to_string(),
                c.meaning.replace('`', ""),
            ]);
        }
    }
    (
        "What the figures mean".into(),
        format!(
            "{}<p class=\"note\">HHI is the Herfindahl–Hirschman index of shares (0 to 10,000; above 2,500 reads as highly concentrated); a Nakamoto coefficient is how many of the largest firms, pools or template builders together hold over half the hashrate. Every column of every file is described by <code>hashflight columns</code>.</p>",
            table(&rows)
        ),
    )
}

/// Provenance rows: the version and commit, then `more`.
pub(crate) fn provenance(more: &[(&str, String)]) -> Vec<(String, String)> {
    let mut rows = vec![
        (
            "hashflight version".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
        (
            "hashflight commit".to_string(),
            env!("HASHFLIGHT_COMMIT").to_string(),
        ),
    ];
    rows.extend(more.iter().map(|(k, v)| (k.to_string(), v.clone())));
    rows
}
