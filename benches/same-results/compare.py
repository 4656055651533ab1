#!/usr/bin/env python3
"""Compares two trees of hashflight run directories cell by cell.

Usage: compare.py OLD NEW [--tolerance 1e-12]

Every CSV under OLD is read beside the same file under NEW. A cell that
differs is measured against the largest magnitude of its column in OLD
(a difference of summation order is a few units in the last place of
the column's scale, even where the cell itself is a near-zero residue of
a subtraction). Prints, per scenario, the cells that differ and the
largest scaled difference with where it is, and whether any whole-number
column (blocks, heights, bits, counts) moved. Exits 1 when a scaled
difference is above the tolerance, a whole number moved, or the files
do not line up.
"""
import csv
import math
import os
import sys


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    tol = 1e-12
    if "--tolerance" in sys.argv:
        tol = float(sys.argv[sys.argv.index("--tolerance") + 1])
        args.remove(sys.argv[sys.argv.index("--tolerance") + 1])
    if len(args) != 2:
        sys.exit(__doc__)
    old, new = args
    failed = False
    per_scenario = {}
    for root, _, files in sorted(os.walk(old)):
        for name in sorted(files):
            if not name.endswith(".csv"):
                continue
            a = os.path.join(root, name)
            rel = os.path.relpath(a, old)
            b = os.path.join(new, rel)
            scenario = rel.split(os.sep)[0]
            stats = per_scenario.setdefault(scenario, [0, 0, 0.0, None, []])
            if not os.path.exists(b):
                print(f"{rel}: missing under {new}")
                failed = True
                continue
            (ha, ra), (hb, rb) = load(a), load(b)
            if ha != hb or len(ra) != len(rb):
                print(f"{rel}: columns or rows differ ({len(ra)} against {len(rb)} rows)")
                failed = True
                continue
            for j, column in enumerate(ha):
                values = [number(r[j]) for r in ra if j < len(r)]
                scale = max((abs(v) for v in values if v is not None and math.isfinite(v)), default=0.0)
                whole = all(v is None or v == int(v) for v in values if v is None or math.isfinite(v))
                for i, (x, y) in enumerate(zip(ra, rb)):
                    stats[0] += 1
                    if x[j] == y[j]:
                        continue
                    stats[1] += 1
                    u, v = number(x[j]), number(y[j])
                    if u is None or v is None or whole:
                        stats[4].append(f"{rel}:{i + 2}:{column} {x[j]} -> {y[j]}")
                        continue
                    d = abs(u - v) / scale if scale > 0 else math.inf
                    if d > stats[2]:
                        stats[2], stats[3] = d, f"{rel}:{i + 2}:{column} {x[j]} -> {y[j]}"
    for scenario, (cells, differ, worst, where, moved) in sorted(per_scenario.items()):
        print(f"{scenario}: {cells} cells, {differ} differ, largest scaled difference {worst:.2e}"
              + (f" ({where})" if where else ""))
        for m in moved[:5]:
            print(f"  whole number moved: {m}")
        if moved or worst > tol:
            failed = True
    print("over tolerance or moved" if failed else f"all within {tol:g}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
