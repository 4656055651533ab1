"""Figures for VALIDATION.md from run directories (see run.sh)."""
import csv
import pathlib
import statistics as st
import sys

root = pathlib.Path(sys.argv[1])


def q(values, p):
    v = sorted(values)
    h = (len(v) - 1) * p
    lo = int(h)
    return v[lo] + (h - lo) * (v[min(lo + 1, len(v) - 1)] - v[lo])


def fmt(values, unit="", digits=1):
    return f"{st.median(values):.{digits}f}{unit} ({q(values, .05):.{digits}f} to {q(values, .95):.{digits}f})"


def runs(name):
    return sorted((root / name).glob("seed-*"))


def table(path):
    return list(csv.DictReader(open(path)))


# China 2021.
big, total, interval_before, low, recovered = [], [], [], [], []
for r in runs("china-2021"):
    e = table(r / "epochs.csv")
    d = [float(x["difficulty"]) for x in e]
    cuts = [d[i + 1] / d[i] - 1 for i in range(len(d) - 1)]
    k = min(range(len(cuts)), key=lambda i: cuts[i])
    big.append(cuts[k] * 100)
    interval_before.append(float(e[k]["mean_block_interval_s"]) / 60)
    total.append((min(d) / d[0] - 1) * 100)
    days = table(r / "days.csv")
    h = [float(x["hashrate_ehs"]) for x in days]
    low.append((min(h) / h[0] - 1) * 100)
    recovered.append(st.mean(h[-7:]))
n = len(big)
print(f"### china-2021 ({n} seeds)\n")
print("| target | observed | simulated: median (5–95 %) |")
print("|---|---|---|")
print(f"| largest single retarget | −27.94 % (height 689472) | {fmt(big, ' %')} |")
print(f"| mean block interval in the epoch before it | 13.9 min (1,678,665 s / 2015) | {fmt(interval_before, ' min')} |")
print(f"| difficulty, peak to trough over the cuts | about −45 % | {fmt(total, ' %')} |")
print(f"| hashrate, start to lowest day | −53 % (daily low) | {fmt(low, ' %')} |")
print(f"| hashrate at the end of Q3 2021 | ~140 EH/s | {fmt(recovered, ' EH/s', 0)} |")

# Halving 2024.
hp_before, hp_after, dd, hd = [], [], [], []
for r in runs("halving-2024"):
    days = table(r / "days.csv")
    hv = next(i for i, x in enumerate(days) if int(x["height"]) >= 840000)
    hp_before.append(float(days[hv - 1]["hashprice_usd_per_ph_day"]))
    hp_after.append(float(days[hv + 8]["hashprice_usd_per_ph_day"]))
    d0 = float(days[hv]["difficulty"])
    dd.append((min(float(x["difficulty"]) for x in days[hv:hv + 70]) / d0 - 1) * 100)
    pre = st.mean(float(x["hashrate_ehs"]) for x in days[hv - 5:hv])
    hd.append((st.mean(float(x["hashrate_ehs"]) for x in days[hv + 14:hv + 70]) / pre - 1) * 100)
print(f"\n### halving-2024 ({len(hd)} seeds)\n")
print("| target | observed | simulated: median (5–95 %) |")
print("|---|---|---|")
print(f"| hashprice the day before the halving | $182 on the Runes day (a fee spike, not modelled) | {fmt(hp_before, '', 1)} $/PH/day |")
print(f"| hashprice 8 days after | under $50 | {fmt(hp_after, '', 1)} $/PH/day |")
print(f"| difficulty, lowest in 10 weeks after | about −10 % | {fmt(dd, ' %')} |")
print(f"| hashrate, weeks 2–10 after vs before | about −15 % | {fmt(hd, ' %')} |")

# DAA comparison.
print("\n### daa-drop: half the hashrate leaves overnight on day 10\n")
print("| algorithm | seeds | mean interval, days 10–16 | mean interval, days 17–30 | first day from which 7-day mean interval stays within ±10 % of 600 s |")
print("|---|---|---|---|---|")
for algo in ["bitcoin", "asert", "cw144", "lwma"]:
    w1, w2, rec = [], [], []
    for r in runs(f"daa-drop-{algo}"):
        days = table(r / "days.csv")
        blocks = [int(x["blocks"]) for x in days]
        w1.append(7 * 86400 / max(1, sum(blocks[10:17])))
        w2.append(14 * 86400 / max(1, sum(blocks[17:31])))
        week = [7 * 86400 / max(1, sum(blocks[i:i + 7])) for i in range(10, len(blocks) - 6)]
        day = next((10 + i for i in range(len(week)) if all(abs(x / 600 - 1) < 0.1 for x in week[i:])), None)
        rec.append(day - 10 if day is not None else float("nan"))
    print(f"| {algo} | {len(w1)} | {fmt(w1, ' s', 0)} | {fmt(w2, ' s', 0)} | {fmt(rec, ' days', 0)} after the drop |")


# Capacity: the 2022 and 2025 replays, with and without their pipelines.
def year(name):
    diff, hr = [], []
    for r in runs(name):
        d = table(r / "days.csv")
        diff.append((float(d[-1]["difficulty"]) / float(d[0]["difficulty"]) - 1) * 100)
        h = [float(x["hashrate_ehs"]) for x in d]
        hr.append((st.mean(h[-30:]) / st.mean(h[:30]) - 1) * 100)
    return diff, hr


print(f"\n### Capacity replays\n")
print("| replay | seeds | difficulty over the year | hashrate, last 30 days vs first 30 |")
print("|---|---|---|---|")
print("| mainnet 2022 | — | +45.7 % | about +41 % |")
for name in ("bear-2022", "bear-2022-no-pipeline"):
    d, h = year(name)
    print(f"| {name} | {len(d)} | {fmt(d, ' %')} | {fmt(h, ' %')} |")
print("| mainnet 2025 | — | +35.1 % (109.8 → 148.3 T) | +34.5 % (795.7 → 1,070.3 EH/s) |")
for name in ("growth-2025", "growth-2025-no-pipeline"):
    d, h = year(name)
    print(f"| {name} | {len(d)} | {fmt(d, ' %')} | {fmt(h, ' %')} |")

rates, firsts, lasts = [], [], []
for r in runs("baseline"):
    d = table(r / "days.csv")
    first, last = float(d[0]["fleet_j_per_th"]), float(d[-1]["fleet_j_per_th"])
    years = (len(d) - 1) / 365.25
    rates.append((1 - (last / first) ** (1 / years)) * 100)
    firsts.append(first)
    lasts.append(last)
print(f"\n### Fleet efficiency (baseline, {len(rates)} seeds)\n")
print("| figure | mainnet | simulated: median (5–95 %) |")
print("|---|---|---|")
print(f"| fleet J/TH, start → end | 33.6 → 28.2 (Jun 2023 → Apr 2025) | {fmt(firsts)} → {fmt(lasts)} |")
print(f"| improvement a year | about 9 % | {fmt(rates, ' %')} |")


# The AI market: deal flow, the lease/sale mix, security from the markets.
def ai_figures(name):
    out = {k: [] for k in ("left90", "lease", "gpu", "gpu_peak", "gpu_end_price", "sold", "ratio", "per_q",
                           "rate_lo", "rate_hi", "sale", "build0", "build_lo",
                           "build_hi", "dormant", "dormant_cut")}
    for r in runs(name):
        d = table(r / "days.csv")
        mw = lambda x, *k: sum(float(x[c]) for c in k)
        out["left90"].append(mw(d[min(90, len(d) - 1)], "ai_mw", "gpu_cloud_mw", "converting_mw", "sold_mw"))
        end = d[-1]
        lease = mw(end, "ai_mw", "converting_mw")
        out["lease"].append(lease)
        out["gpu"].append(float(end["gpu_cloud_mw"]))
        # The most GPU cloud on a day whose GPU price is one CALIBRATION
        # records (H100s: $2–3 late 2024, $1.70 Oct 2025, $2.35 Mar 2026).
        out["gpu_peak"].append(max((float(x["gpu_cloud_mw"]) for x in d
                                    if 1.70 <= float(x["gpu_usd_per_hour"]) <= 3.0), default=0.0))
        out["gpu_end_price"].append(float(end["gpu_usd_per_hour"]))
        out["sold"].append(float(end["sold_mw"]))
        out["ratio"].append((lease + float(end["gpu_cloud_mw"])) / max(float(end["sold_mw"]), 1.0))
        signed = sum(mw(x, "leases_signed_mw", "gpu_clouds_signed_mw") for x in d) + float(end["sold_mw"])
        out["per_q"].append(signed / (len(d) / 91.3125))
        rates = [float(x["ai_lease_usd_per_kw_month"]) for x in d]
        out["rate_lo"].append(q(rates, .05))
        out["rate_hi"].append(q(rates, .95))
        out["sale"].append(st.median(float(x["ai_sale_usd_per_w"]) for x in d))
        per_eh = [float(x["attack_build_asic_usd"]) / (0.51 * float(x["hashrate_ehs"])) / 1e6
                  for x in d if float(x["hashrate_ehs"]) > 0]
        out["build0"].append(per_eh[0])
        out["build_lo"].append(min(per_eh))
        out["build_hi"].append(max(per_eh))
        out["dormant"].append(max(float(x["dormant_ehs"]) for x in d))
        cut = [1 - float(x["attack_dormant_asic_usd"]) / float(x["attack_build_asic_usd"])
               for x in d if float(x["attack_build_asic_usd"]) > 0]
        out["dormant_cut"].append(max(cut) * 100)
    return out


base, grab = ai_figures("baseline"), ai_figures("ai-landgrab")
print(f"\n### AI market (baseline {len(base['lease'])} seeds, ai-landgrab {len(grab['lease'])} seeds)\n")
print("| figure | 2024–26 record / target | baseline: median (5–95 %) | ai-landgrab: median (5–95 %) |")
print("|---|---|---|---|")
print(f"| MW left mining for AI by day 90 | at most 600 MW | {fmt(base['left90'], ' MW', 0)} | {fmt(grab['left90'], ' MW', 0)} |")
print(f"| deal flow, gross MW signed or sold a quarter | ≈ 460 (3.7 GW in two years, Bernstein) | {fmt(base['per_q'], ' MW', 0)} | {fmt(grab['per_q'], ' MW', 0)} |")
print(f"| leased (running or converting) at the end | leases dominate | {fmt(base['lease'], ' MW', 0)} | {fmt(grab['lease'], ' MW', 0)} |")
print(f"| own GPU cloud at the end | IREN 200 MW | {fmt(base['gpu'], ' MW', 0)} | {fmt(grab['gpu'], ' MW', 0)} |")
print(f"| own GPU cloud, most on a day at a CALIBRATION GPU price ($1.70–3) | IREN 200 MW (480 MW planned by end-2026) | {fmt(base['gpu_peak'], ' MW', 0)} | {fmt(grab['gpu_peak'], ' MW', 0)} |")
print(f"| GPU price at the end | $1.70–2.35 (Oct 2025–Mar 2026); hardware loses money below ~$1.65 | {fmt(base['gpu_end_price'], ' $/h', 2)} | {fmt(grab['gpu_end_price'], ' $/h', 2)} |")
print(f"| sold to AI buyers at the end | few | {fmt(base['sold'], ' MW', 0)} | {fmt(grab['sold'], ' MW', 0)} |")
print(f"| (leases + GPU cloud) / sold | ai-landgrab at least 2 | {fmt(base['ratio'], '', 2)} | {fmt(grab['ratio'], '', 2)} |")
print(f"| lease rate, 5th–95th percentile of days | $100–190 per kW-month (deals) | {fmt(base['rate_lo'], '', 0)} to {fmt(base['rate_hi'], '', 0)} | {fmt(grab['rate_lo'], '', 0)} to {fmt(grab['rate_hi'], '', 0)} |")
print(f"| AI buyer's offer, median day | — | {fmt(base['sale'], ' $/W', 2)} | {fmt(grab['sale'], ' $/W', 2)} |")
print(f"| build cost of 51 %, day 0 | $14B for 51 % of 1,070 EH/s ≈ $25.7M per EH/s (Nov 2025) | {fmt(base['build0'], ' $M/EH/s')} | {fmt(grab['build0'], ' $M/EH/s')} |")
print(f"| build cost of 51 %, lowest to highest day | moves with the ASIC market | {fmt(base['build_lo'], '')} to {fmt(base['build_hi'], '')} | {fmt(grab['build_lo'], '')} to {fmt(grab['build_hi'], '')} |")
print(f"| most dormant hashrate on a day | — | {fmt(base['dormant'], ' EH/s', 0)} | {fmt(grab['dormant'], ' EH/s', 0)} |")
print(f"| most the dormant machines cut the attack's machine bill | — | {fmt(base['dormant_cut'], ' %', 0)} | {fmt(grab['dormant_cut'], ' %', 0)} |")


# Operating behaviour: the retargets after a halving, one-day price falls,
# the first retarget, the headline's end dates and the century (the same
# measures as tests/integration/validation.rs and extremes.rs).
def after_halving(epochs, halving):
    k = max(i for i, e in enumerate(epochs) if int(e["start_height"]) <= halving) + 1
    d = [float(e["difficulty"]) for e in epochs]
    return [(d[i + 1] / d[i] - 1) * 100 for i in range(k, min(k + 26, len(d) - 1))]


def window(name, halving):
    sds, largest, pairs = [], [], []
    for r in runs(name):
        ch = after_halving(table(r / "epochs.csv"), halving)
        m = st.mean(ch)
        sds.append((sum((c - m) ** 2 for c in ch) / len(ch)) ** 0.5)
        largest.append(max(abs(c) for c in ch))
        pairs.append(sum(1 for a, b in zip(ch, ch[1:]) if a * b < 0 and abs(a) > 5 and abs(b) > 5))
    return sds, largest, pairs


def retargets_after(days, epochs, day):
    t = float(days[day]["time_s"]) - 86_400
    k = next(i for i, e in enumerate(epochs) if float(e["end_time_s"]) > t)
    d = lambda i: float(epochs[i]["difficulty"])
    return (d(k + 1) / d(k) - 1) * 100, (d(k + 2) / d(k + 1) - 1) * 100


def shock(name):
    off, first, second = [], [], []
    for r in runs(name):
        days, epochs = table(r / "days.csv"), table(r / "epochs.csv")
        off.append((1 - float(days[100]["hashrate_ehs"]) / float(days[99]["hashrate_ehs"])) * 100)
        a, b = retargets_after(days, epochs, 100)
        first.append(a)
        second.append(b)
    return off, first, second


def summary(run):
    import json
    return json.loads((run / "summary.json").read_text())


b_sd, b_large, b_pairs = window("baseline", 1_050_000)
g_sd, g_large, g_pairs = window("ai-landgrab", 1_260_000)
c_off, c_next, c_after = shock("baseline-crash")
_, d_next, d_second = shock("baseline-dip")
d_both = [a + b for a, b in zip(d_next, d_second)]
first = []
for r in runs("baseline"):
    e = table(r / "epochs.csv")
    first.append((float(e[1]["difficulty"]) / float(e[0]["difficulty"]) - 1) * 100)
headline = {}
for days in (3560, 3620, 3690, 3750):
    headline[days] = [summary(r)["hashrate_decline_vs_no_ai_pct"] for r in runs(f"ai-landgrab-{days}")]
medians = [st.median(v) for v in headline.values()]
empty_years, peak = [], []
for r in runs("baseline-century"):
    days = table(r / "days.csv")
    blocks = [int(x["blocks"]) for x in days]
    empty_years.append(sum(1 for y in range(len(blocks) // 365) if sum(blocks[y * 365:(y + 1) * 365]) == 0))
    h = [float(x["hashrate_ehs"]) for x in days]
    peak.append(max(h) / h[0])
print(f"\n### Operating behaviour ({len(b_sd)} seeds each)\n")
print("| fact | target (mainnet) | simulated: median (5–95 %) |")
print("|---|---|---|")
print(f"| baseline after 2028: sd of the 26 retargets | ≤ 8 % (4.6 / 7.8 / 3.9 %) | {fmt(b_sd, ' %')} |")
print(f"| … largest move | ≤ 22 % (16.6 / 21.5 / 10.5 %) | {fmt(b_large, ' %')} |")
print(f"| … opposite-sign pairs above 5 % | ≤ 3 (1 / 2 / 0) | {fmt(b_pairs, '', 0)} |")
print(f"| ai-landgrab after 2032: sd | ≤ 8 % | {fmt(g_sd, ' %')} |")
print(f"| … largest move | ≤ 22 % | {fmt(g_large, ' %')} |")
print(f"| … opposite-sign pairs above 5 % | ≤ 3 | {fmt(g_pairs, '', 0)} |")
print(f"| BTC −50 % on day 100: hashrate off that day | ≤ 20 % | {fmt(c_off, ' %')} |")
print(f"| … next retarget | −25 to −8 % (Mar 2020: −15.95 %) | {fmt(c_next, ' %')} |")
print(f"| … the one after | ≤ +12 % (+5.77 %) | {fmt(c_after, ' %')} |")
print(f"| BTC −15.5 % on day 100: next two together | −8 to 0 % (Nov 2025: −4.3 %) | {fmt(d_both, ' %')} |")
print(f"| … the second | ≤ +3 % (−1.95 %) | {fmt(d_second, ' %')} |")
print(f"| baseline: first retarget | within ±3 % (−1.2 %) | {fmt(first, ' %', 2)} |")
for days, v in headline.items():
    print(f"| ai-landgrab against no AI, `duration_days` {days:,} | — | {fmt(v, ' %')} |")
print(f"| … largest gap between those medians | ≤ 5 points | {max(medians) - min(medians):.1f} points |")
print(f"| 100-year baseline (200 miners): years without a block | 0 | {fmt(empty_years, '', 0)} |")
print(f"| … peak hashrate / start | < 10 | {fmt(peak, '', 2)} |")
