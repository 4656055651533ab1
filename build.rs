//! Records the commit hashflight is built from, for the provenance that
//! summary.json and manifest.json carry (`unknown` outside a git checkout).

fn main() {
    // Rebuilt when HEAD moves; only paths that exist are watched (a missing
    // one would make every build run this again).
    for path in [".git/HEAD", ".git/refs/heads", ".git/packed-refs"] {
        if std::path::Path::new(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=HASHFLIGHT_COMMIT={commit}");
}
