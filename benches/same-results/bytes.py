#!/usr/bin/env python3
"""Compares two trees of hashflight outputs byte for byte: every file
(CSV, JSON, PNG, SVG, HTML), not only the CSV cells compare.py reads.

Usage: bytes.py OLD NEW

Two things a run records about how it was made are masked: wall times
(`wall_time_s`) and the commit the binary was built from (any 40-digit
hex string). Everything else must be equal. Prints the files that
differ or exist on one side only, and exits 1 if there is one. run.sh
runs both binaries under the same file name, so the command each output
records is the same.
"""
import os
import re
import sys

WALL = re.compile(rb'("?wall_time_s"?[:=,]\s*)[0-9.e+-]+')
COMMIT = re.compile(rb"\b[0-9a-f]{40}\b")


def files(root):
    out = set()
    for d, _, fs in os.walk(root):
        for f in fs:
            out.add(os.path.relpath(os.path.join(d, f), root))
    return out


def masked(path):
    with open(path, "rb") as f:
        return COMMIT.sub(b"C", WALL.sub(b"\\1X", f.read()))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    old, new = sys.argv[1:]
    a, b = files(old), files(new)
    bad = 0
    for f in sorted(a ^ b):
        print(f"only under {old if f in a else new}: {f}")
        bad += 1
    for f in sorted(a & b):
        if masked(os.path.join(old, f)) != masked(os.path.join(new, f)):
            print(f"differs: {f}")
            bad += 1
    print(f"bytes: {len(a & b)} files compared, {bad} differ")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
