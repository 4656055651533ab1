//! Finding the files a command names: a scenario or sweep file by its
//! path, or a shipped one by its name.

use anyhow::Context;

use crate::scenario::shipped;

/// Whether `file` is a sweep file — it names a `base` scenario, which no
/// scenario has — rather than a scenario.
pub(super) fn is_sweep_file(file: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(default)]
        base: Option<String>,
    }
    std::fs::read_to_string(file)
        .ok()
        .and_then(|src| {
            crate::scenario::schema::ron_options()
                .from_str::<Probe>(crate::scenario::load::without_bom(&src))
                .ok()
        })
        .is_some_and(|p| p.base.is_some())
}

/// The names of shipped files, comma-separated.
pub(super) fn names(list: &[shipped::Shipped]) -> String {
    list.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
}

/// A sweep's plan, from a sweep file or the name of a shipped sweep.
pub(super) fn sweep_plan(file: &str) -> anyhow::Result<crate::sweep::spec::Plan> {
    let path = std::path::Path::new(file);
    let looks_like_path = path.exists() || file.ends_with(".ron") || file.contains('/');
    if !looks_like_path {
        let s = shipped::find_sweep(file).ok_or_else(|| {
            anyhow::anyhow!(
                "no sweep file `{file}` and no shipped sweep of that name (shipped: {})",
                names(shipped::SWEEPS)
            )
        })?;
        return Ok(crate::sweep::spec::plan(
            s.source,
            s.path,
            std::path::Path::new("."),
        )?);
    }
    let src = std::fs::read_to_string(path).with_context(|| format!("cannot read sweep {file}"))?;
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    Ok(crate::sweep::spec::plan(&src, file, dir)?)
}
