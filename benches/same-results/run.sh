#!/usr/bin/env bash
# Runs every shipped scenario (with its no-AI counterfactual) under two
# hashflight binaries and compares their outputs cell by cell: the check
# that a speed change moved results by no more than the order of float
# summation. scale-1m runs at 50,000 miners for two years, and the
# baseline a second time for ten years; an ensemble of ai-landgrab (seeds
# 1-3 with its counterfactual, a year, 200 miners) and the ci-smoke sweep
# join them. Then bytes.py compares every file byte for byte (dashboards,
# reports, JSON too), wall times and the build's commit masked: the check
# that a change moved nothing at all. Each binary runs under the name
# `hashflight`, so the command each output records is the same.
#
#   bash benches/same-results/run.sh OLD_BINARY NEW_BINARY [WORK_DIR]
#
# Build the old binary from the commit before (git worktree, then
# `cargo build --release`); the new one is target/release/hashflight.
set -euo pipefail
old=$1
new=$2
work=${3:-$(mktemp -d)}
here=$(cd "$(dirname "$0")" && pwd)
scenarios=$(cd "$here/../.." && pwd)/scenarios
for side in old new; do
    mkdir -p "$work/bin-$side"
    cp "${!side}" "$work/bin-$side/hashflight"
    bin=$work/bin-$side/hashflight
    out=$work/$side
    rm -rf "$out"
    mkdir -p "$out"
    for s in "$scenarios"/*.ron; do
        name=$(basename "$s" .ron)
        set=()
        if [ "$name" = scale-1m ]; then
            set=(--set population.miners=50000 --set duration_days=730)
        fi
        "$bin" run "$s" "${set[@]}" --counterfactual --out "$out" -q > /dev/null
    done
    "$bin" run "$scenarios/baseline.ron" --set duration_days=3652 --out "$out/baseline-10y" -q > /dev/null
    "$bin" run "$scenarios/ai-landgrab.ron" --seeds 1..3 --counterfactual --set duration_days=365 \
        --set population.miners=200 --out "$out/ensemble" -q > /dev/null
    "$bin" sweep "$scenarios/sweeps/ci-smoke.ron" --out "$out/sweep" --jobs 2 -q > /dev/null
done
python3 "$here/compare.py" "$work/old" "$work/new" "${@:4}"
python3 "$here/bytes.py" "$work/old" "$work/new"
