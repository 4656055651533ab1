//! The scenarios shipped inside the binary (the first is the baseline,
//! whose sections are the defaults of every scenario file: see
//! [`super::schema::baseline`]).

/// A scenario embedded in the binary.
#[derive(Clone, Copy, Debug)]
pub struct Shipped {
    /// Name used on the command line (`hashflight run NAME`).
    pub name: &'static str,
    /// Path of its file in the source tree.
    pub path: &'static str,
    /// The RON text.
    pub source: &'static str,
}

/// Every shipped scenario.
pub const SHIPPED: &[Shipped] = &[
    Shipped {
        name: "baseline",
        path: "scenarios/baseline.ron",
        source: include_str!("../../scenarios/baseline.ron"),
    },
    Shipped {
        name: "china-2021",
        path: "scenarios/china-2021.ron",
        source: include_str!("../../scenarios/china-2021.ron"),
    },
    Shipped {
        name: "halving-2024",
        path: "scenarios/halving-2024.ron",
        source: include_str!("../../scenarios/halving-2024.ron"),
    },
    Shipped {
        name: "daa-drop",
        path: "scenarios/daa-drop.ron",
        source: include_str!("../../scenarios/daa-drop.ron"),
    },
    Shipped {
        name: "halving-2028",
        path: "scenarios/halving-2028.ron",
        source: include_str!("../../scenarios/halving-2028.ron"),
    },
    Shipped {
        name: "ai-landgrab",
        path: "scenarios/ai-landgrab.ron",
        source: include_str!("../../scenarios/ai-landgrab.ron"),
    },
    Shipped {
        name: "deepseek-shock",
        path: "scenarios/deepseek-shock.ron",
        source: include_str!("../../scenarios/deepseek-shock.ron"),
    },
    Shipped {
        name: "fee-only",
        path: "scenarios/fee-only.ron",
        source: include_str!("../../scenarios/fee-only.ron"),
    },
    Shipped {
        name: "storm-2026",
        path: "scenarios/storm-2026.ron",
        source: include_str!("../../scenarios/storm-2026.ron"),
    },
    Shipped {
        name: "bear-2022",
        path: "scenarios/bear-2022.ron",
        source: include_str!("../../scenarios/bear-2022.ron"),
    },
    Shipped {
        name: "growth-2025",
        path: "scenarios/growth-2025.ron",
        source: include_str!("../../scenarios/growth-2025.ron"),
    },
    Shipped {
        name: "scale-1m",
        path: "scenarios/scale-1m.ron",
        source: include_str!("../../scenarios/scale-1m.ron"),
    },
];

/// Every shipped sweep (`hashflight sweep NAME`): their `base` names a
/// shipped scenario.
pub const SWEEPS: &[Shipped] = &[
    Shipped {
        name: "ci-smoke",
        path: "scenarios/sweeps/ci-smoke.ron",
        source: include_str!("../../scenarios/sweeps/ci-smoke.ron"),
    },
    Shipped {
        name: "ai-drivers",
        path: "scenarios/sweeps/ai-drivers.ron",
        source: include_str!("../../scenarios/sweeps/ai-drivers.ron"),
    },
    Shipped {
        name: "bench-throughput",
        path: "scenarios/sweeps/bench-throughput.ron",
        source: include_str!("../../scenarios/sweeps/bench-throughput.ron"),
    },
    Shipped {
        name: "bench-10k",
        path: "scenarios/sweeps/bench-10k.ron",
        source: include_str!("../../scenarios/sweeps/bench-10k.ron"),
    },
];

/// The shipped sweep of this name.
pub fn find_sweep(name: &str) -> Option<&'static Shipped> {
    SWEEPS.iter().find(|s| s.name == name)
}

/// The shipped scenario of this name.
pub fn find(name: &str) -> Option<&'static Shipped> {
    SHIPPED.iter().find(|s| s.name == name)
}
