#!/usr/bin/env bash
# Regenerates docs/validation/: runs the replay scenarios over many seeds,
# prints the figures VALIDATION.md reports (results.md), and draws the
# plots with `hashflight compare`.
#
#   bash docs/validation/run.sh            # 100 seeds of the replays, 30 of the rest (about 6 minutes on 2 cores)
#   SEEDS=20 bash docs/validation/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
seeds=${SEEDS:-100}
cargo build --release --locked --quiet
bin="${CARGO_TARGET_DIR:-target}/release/hashflight"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for s in $(seq 1 "$seeds"); do
    "$bin" run china-2021 --seed "$s" --out "$out" --quiet >/dev/null
    "$bin" run halving-2024 --seed "$s" --out "$out" --quiet >/dev/null
done
cap_seeds=$(( seeds < 30 ? seeds : 30 ))
for s in $(seq 1 "$seeds"); do
    "$bin" run bear-2022 --seed "$s" --out "$out" --quiet >/dev/null
    "$bin" run growth-2025 --seed "$s" --out "$out" --quiet >/dev/null
done
for s in $(seq 1 "$cap_seeds"); do
    "$bin" run baseline --seed "$s" --out "$out" --quiet >/dev/null
    "$bin" run ai-landgrab --seed "$s" --out "$out" --quiet >/dev/null
    "$bin" run bear-2022 --seed "$s" --out "$out" --quiet --set 'pipeline=[]' \
        --set 'name="bear-2022-no-pipeline"' >/dev/null
    "$bin" run growth-2025 --seed "$s" --out "$out" --quiet --set 'pipeline=[]' \
        --set 'name="growth-2025-no-pipeline"' >/dev/null
done
daa_seeds=$(( seeds < 30 ? seeds : 30 ))
for algo in "Bitcoin" "Asert(half_life_s: 172800)" "Cw144" "Lwma(window: 144)"; do
    name=daa-drop-$(echo "$algo" | cut -d'(' -f1 | tr 'A-Z' 'a-z')
    for s in $(seq 1 "$daa_seeds"); do
        "$bin" run daa-drop --seed "$s" --out "$out" --quiet \
            --set "chain.difficulty_algorithm=$algo" --set "name=\"$name\"" >/dev/null
    done
done
# Operating behaviour: one-day price falls, the headline's end dates and
# the century, as ensembles on both cores.
"$bin" run baseline --seeds "$cap_seeds" --jobs 2 --out "$out" --quiet \
    --set 'btc_price.shocks=[(day: 100, multiply_by: 0.5)]' --set 'name="baseline-crash"' >/dev/null
"$bin" run baseline --seeds "$cap_seeds" --jobs 2 --out "$out" --quiet \
    --set 'btc_price.shocks=[(day: 100, multiply_by: 0.845)]' --set 'name="baseline-dip"' >/dev/null
for days in 3560 3620 3690 3750; do
    "$bin" run ai-landgrab --seeds "$cap_seeds" --jobs 2 --out "$out" --quiet \
        --set "duration_days=$days" --set "name=\"ai-landgrab-$days\"" >/dev/null
done
"$bin" run baseline --seeds "$cap_seeds" --jobs 2 --out "$out" --quiet \
    --set duration_days=36525 --set population.miners=200 --set 'name="baseline-century"' >/dev/null
python3 docs/validation/stats.py "$out" | tee docs/validation/results.md
"$bin" compare "$out"/china-2021/seed-* --out "$out/cmp-china" --metrics hashrate_ehs,difficulty,mean_block_interval_s,offline_ehs >/dev/null
"$bin" compare "$out"/halving-2024/seed-* --out "$out/cmp-halving" --metrics hashrate_ehs,difficulty,hashprice_usd_per_ph_day,curtailed_ehs >/dev/null
"$bin" compare "$out"/daa-drop-*/seed-* --out "$out/cmp-daa" --metrics mean_block_interval_s,difficulty >/dev/null
"$bin" compare "$out"/bear-2022/seed-* "$out"/bear-2022-no-pipeline/seed-* --out "$out/cmp-bear" --metrics hashrate_ehs,difficulty,btc_price_usd,on_order_ehs >/dev/null
"$bin" compare "$out"/growth-2025/seed-* "$out"/growth-2025-no-pipeline/seed-* --out "$out/cmp-growth" --metrics hashrate_ehs,difficulty,hashprice_usd_per_ph_day,curtailed_ehs >/dev/null
"$bin" compare "$out"/baseline/seed-* --out "$out/cmp-fleet" --metrics fleet_j_per_th,on_order_ehs,used_stock_ehs,idle_mw >/dev/null
"$bin" compare "$out"/baseline/seed-* "$out"/ai-landgrab/seed-* --out "$out/cmp-ai" --metrics ai_mw,sold_mw,tenant_backlog_mw,ai_lease_usd_per_kw_month >/dev/null
"$bin" compare "$out"/baseline/seed-* --out "$out/cmp-security" --metrics dormant_ehs,attack_build_asic_usd,attack_dormant_asic_usd,asic_usd_per_th >/dev/null
"$bin" compare "$out"/baseline-crash/seed-* "$out"/baseline-dip/seed-* --out "$out/cmp-shocks" --metrics hashrate_ehs,difficulty,curtailed_ehs,btc_price_usd >/dev/null
"$bin" compare "$out"/baseline/seed-* "$out"/ai-landgrab/seed-* --out "$out/cmp-halvings" --metrics difficulty,hashrate_ehs,curtailed_ehs,hashprice_usd_per_ph_day >/dev/null
"$bin" compare "$out"/baseline-century/seed-* --out "$out/cmp-century" --metrics hashrate_ehs,difficulty,mean_block_interval_s,fleet_j_per_th >/dev/null
for c in china halving daa bear growth fleet ai security shocks halvings century; do
    cp "$out/cmp-$c/compare.png" "docs/validation/$c.png"
    cp "$out/cmp-$c/compare.svg" "docs/validation/$c.svg"
done
# What drives the AI pivot's toll: the shipped Sobol sweep (about two
# minutes on 2 cores), its ranking plot and indices.
"$bin" sweep ai-drivers --out "$out" --jobs 2 --quiet >/dev/null
cp "$out/sweeps/ai-drivers/sensitivity-hashrate_decline_vs_no_ai_pct.png" docs/validation/ai-drivers.png
cp "$out/sweeps/ai-drivers/sensitivity-hashrate_decline_vs_no_ai_pct.svg" docs/validation/ai-drivers.svg
cp "$out/sweeps/ai-drivers/sensitivity.csv" docs/validation/ai-drivers-sensitivity.csv
echo "wrote docs/validation/{results.md,china,halving,daa,bear,growth,fleet,ai,security,shocks,halvings,century,ai-drivers}.png and ai-drivers-sensitivity.csv"
