#!/usr/bin/env python3
"""A fault-injection run of the hashflight binary, by class: bad input,
extremes, signals, concurrency, full disk, tampering, pipes.

Usage: python3 tests/faults/faults.py [path/to/hashflight]
(default target/release/hashflight; the full-disk class needs root, to
mount a small tmpfs, and is skipped otherwise).

Each case records whether the binary panicked (exit 101 or "panicked"),
hung (no exit within its time limit), wedged a directory (the normal
command fails afterwards, with no hand repair) or lost results (a finished
run or sweep changed or vanished). It prints the counts per class and
exits 1 if any case did one of those.
"""
import json, os, random, shutil, signal, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/hashflight"))
BASE = open(os.path.join(ROOT, "scenarios/baseline.ron"), encoding="utf-8").read()
SMALL = ["--set", "duration_days=30", "--set", "population.miners=40"]
results = {}  # class -> list of (case, outcome)


def run(args, cwd, timeout=120, stdout=subprocess.PIPE):
    try:
        p = subprocess.run([BIN] + args, cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, timeout=timeout)
        return p.returncode, (p.stdout or b"").decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), False
    except subprocess.TimeoutExpired:
        return None, "", "", True


def record(cls, case, rc, err, hung, wedged=False, lost=False, expect=(0, 2, 3)):
    if hung:
        outcome = "hang"
    elif rc == 101 or "panicked" in err:
        outcome = "panic"
    elif wedged:
        outcome = "wedged"
    elif lost:
        outcome = "lost"
    elif rc not in expect:
        outcome = f"unexpected exit {rc}"
    else:
        outcome = "ok"
    results.setdefault(cls, []).append((case, outcome, rc))


def tree(d):
    """Every file under d with its bytes (timing figures masked)."""
    out = {}
    for dp, _, fs in os.walk(d):
        for f in fs:
            p = os.path.join(dp, f)
            b = open(p, "rb").read()
            if f == "summary.json":
                v = json.loads(b)
                v.pop("wall_time_s", None)
                b = json.dumps(v, sort_keys=True).encode()
            out[os.path.relpath(p, d)] = b
    return out


def leftovers(d):
    return [os.path.join(dp, x) for dp, ds, fs in os.walk(d) for x in ds + fs if ".partial" in x or x.endswith(".lock")]


def bad_input(tmp):
    cls = "bad input"
    rnd = random.Random(7)
    cases = []
    for i in range(15):  # truncations
        cut = rnd.randrange(1, len(BASE))
        cases.append((f"truncated at {cut}", BASE[:cut]))
    for i in range(15):  # one character replaced
        k = rnd.randrange(len(BASE))
        cases.append((f"byte {k} replaced", BASE[:k] + rnd.choice("(){}[],:\"x9-.") + BASE[k + 1:]))
    cases += [("empty", ""), ("binary", "\x00\x01\xff garbage"), ("bom", "\ufeff" + BASE), ("only name", '(name: "x")')]
    for case, text in cases:
        d = tempfile.mkdtemp(dir=tmp)
        with open(os.path.join(d, "s.ron"), "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(text)
        rc, _, err, hung = run(["check", "s.ron"], d, 30)
        record(cls, "check " + case, rc, err, hung)
        rc2, _, err2, hung2 = run(["run", "s.ron", "--out", "o", "-q"] + SMALL, d, 60)
        # An invalid file writes nothing; a valid one runs.
        wrote = os.path.exists(os.path.join(d, "o"))
        record(cls, "run " + case, rc2, err2, hung2, lost=(rc2 == 2 and wrote and bool(leftovers(os.path.join(d, "o")))))
    sets = ["duration_days=-5", "duration_days=abc", "no.such.path=1", "btc_price.initial_usd=nan", "population.miners=1e99",
            "chain.difficulty_algorithm=Asert", "btc_price.model=Gbm", "miners.99.name=\"x\"", "=", "seed=-1", "seed=18446744073709551616"]
    for s in sets:
        rc, _, err, hung = run(["check", "baseline", "--set", s], tmp, 30)
        record(cls, "--set " + s, rc, err, hung, expect=(2,))
    sweeps = ['(name: "s", base: "baseline", axes: [(path: "seed", values: [1, 2])])',
              '(name: "s", base: "baseline", axes: [(path: "duration_days", values: [5, 5])])',
              '(name: "s", base: "baseline", axes: [], metrics: ["nope"])',
              '(name: "../x", base: "baseline", axes: [])',
              '(name: "s", base: "missing.ron", axes: [])',
              '(name: "s", base: "baseline", seeds: 0, axes: [])']
    for i, s in enumerate(sweeps):
        d = tempfile.mkdtemp(dir=tmp)
        open(os.path.join(d, "w.ron"), "w").write(s)
        rc, _, err, hung = run(["sweep", "w.ron", "--out", "o", "-q"], d, 30)
        record(cls, f"sweep file {i}", rc, err, hung, lost=os.path.exists(os.path.join(d, "o", "sweeps")) and rc == 2, expect=(2,))
    for args in (["run", "/nonexistent.ron"], ["run", "/"], ["compare", "/tmp"], ["merge", "/tmp"], ["diff", "/tmp", "/tmp"], ["columns", "x.csv"], ["show", "x"]):
        rc, _, err, hung = run(args, tmp, 30)
        record(cls, " ".join(args), rc, err, hung, expect=(2,))


def extremes(tmp):
    cls = "extremes"
    sets = [["population.hashrate_ehs=1e300", "duration_days=1"], ["btc_price.initial_usd=1e308"], ["btc_price.initial_usd=1e-300"],
            ["btc_price.model=Gbm(drift_per_year: 5.0, volatility_per_year: 5.0)", "duration_days=3650"],
            ["btc_price.model=Gbm(drift_per_year: -5.0, volatility_per_year: 5.0)", "duration_days=3650"],
            ["population.power_price_median_usd_per_mwh=0"], ["population.power_price_median_usd_per_mwh=1e9"],
            ["duration_days=1"], ["population.miners=0", "miners=[]"], ["chain.difficulty_algorithm=Fixed", "population.hashrate_ehs=0.001"],
            ["fees.mempool.fee_rate_median_sat_per_vb=1e12"], ["duration_days=36500", "population.miners=5"]]
    for s in sets:
        d = tempfile.mkdtemp(dir=tmp)
        args = ["run", "baseline", "--out", "o", "-q", "--set", "population.miners=40", "--set", "duration_days=60"]
        for x in s:
            args += ["--set", x]
        rc, out, err, hung = run(args, d, 300)
        bad_cells = False
        days = os.path.join(d, "o/baseline/seed-1/days.csv")
        if rc == 0 and os.path.exists(days):
            text = open(days).read()
            bad_cells = "inf" in text or "NaN" in text
        record(cls, " ".join(s), rc, err, hung, lost=bad_cells or (rc == 2 and bool(leftovers(d))))


def signals(tmp):
    cls = "signals"
    ref = tempfile.mkdtemp(dir=tmp)
    sweep = os.path.join(ROOT, "scenarios/sweeps/ci-smoke.ron")
    run(["sweep", sweep, "--out", "o", "-q", "--jobs", "2"], ref)
    reference = tree(os.path.join(ref, "o"))
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        for delay in (0.05, 0.2, 0.5):
            d = tempfile.mkdtemp(dir=tmp)
            p = subprocess.Popen([BIN, "sweep", sweep, "--out", "o", "-q", "--jobs", "2"], cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(delay)
            p.send_signal(sig)
            p.wait()
            rc, _, err, hung = run(["sweep", sweep, "--out", "o", "-q", "--jobs", "2"], d)
            got = tree(os.path.join(d, "o"))
            record(cls, f"sweep {sig.name} after {delay}s, resumed", rc, err, hung, wedged=(rc != 0), lost=(got != reference or bool(leftovers(d))))
        d = tempfile.mkdtemp(dir=tmp)
        p = subprocess.Popen([BIN, "run", "--out", "o", "-q"], cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(0.3)
        p.send_signal(sig)
        p.wait()
        rc, _, err, hung = run(["run", "--out", "o", "-q"], d)
        record(cls, f"run {sig.name}, run again", rc, err, hung, wedged=(rc != 0), lost=bool(leftovers(d)) or not os.path.exists(os.path.join(d, "o/baseline/seed-1/summary.json")))


def concurrency(tmp):
    cls = "concurrency"
    sweep = os.path.join(ROOT, "scenarios/sweeps/ci-smoke.ron")
    for n in (2, 3):
        d = tempfile.mkdtemp(dir=tmp)
        ps = [subprocess.Popen([BIN, "sweep", sweep, "--out", "o", "-q", "--jobs", "1"], cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(n)]
        codes = [(p.wait(), p.stderr.read().decode()) for p in ps]
        for rc, err in codes:
            record(cls, f"{n} sweeps into one directory", rc, err, False, expect=(0, 2))
        rc, _, err, hung = run(["sweep", sweep, "--out", "o", "-q"], d)
        rows = open(os.path.join(d, "o/sweeps/ci-smoke/runs.csv")).read().count("\n")
        record(cls, f"{n} sweeps, then again", rc, err, hung, wedged=(rc != 0), lost=(rows != 19))
        d = tempfile.mkdtemp(dir=tmp)
        ps = [subprocess.Popen([BIN, "run", "--out", "o", "-q"] + SMALL, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(n)]
        for p in ps:
            rc = p.wait()
            record(cls, f"{n} runs of one seed", rc, p.stderr.read().decode(), False, expect=(0, 2))
        rc, _, err, hung = run(["run", "--out", "o", "-q"] + SMALL, d)
        record(cls, f"{n} runs, then again", rc, err, hung, wedged=(rc != 0), lost=bool(leftovers(d)))


def full_disk(tmp):
    cls = "full disk"
    if os.geteuid() != 0:
        print("full disk: skipped (needs root to mount a tmpfs)")
        return
    for size, what in (("64k", "run"), ("400k", "run"), ("64k", "sweep"), ("600k", "sweep")):
        mnt = tempfile.mkdtemp(dir=tmp)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", mnt], check=True)
        try:
            if what == "run":
                args = ["run", "--out", mnt, "-q"] + SMALL
            else:
                args = ["sweep", os.path.join(ROOT, "scenarios/sweeps/ci-smoke.ron"), "--out", mnt, "-q", "--keep-runs"]
            rc, _, err, hung = run(args, tmp)
            full = "No space left" in err
            stale = leftovers(mnt)
            subprocess.run(["mount", "-o", "remount,size=64m", mnt], check=True)
            rc2, _, err2, hung2 = run(args, tmp)
            record(cls, f"{what} on a {size} disk (then with room)", rc, err, hung, wedged=(rc2 != 0), lost=bool(leftovers(mnt)), expect=(2,) if full else (0, 2))
        finally:
            subprocess.run(["umount", mnt])
    rc, _, err, hung = run(["scenarios"], tmp, stdout=open("/dev/full", "w"))
    record(cls, "stdout on /dev/full", rc, err, hung, expect=(2,))


def tampering(tmp):
    cls = "tampering"
    d = tempfile.mkdtemp(dir=tmp)
    sweep = os.path.join(ROOT, "scenarios/sweeps/ci-smoke.ron")
    run(["sweep", sweep, "--out", "o", "-q"], d)
    sd = os.path.join(d, "o/sweeps/ci-smoke")
    reference = tree(os.path.join(d, "o"))
    good = open(os.path.join(sd, "runs.csv")).read()
    lines = good.split("\n")
    def changed(i):
        l = list(lines); c = l[i].split(","); c[12] = c[12] + "1"; l[i] = ",".join(c); return "\n".join(l)
    def seeds_as_floats():
        l = list(lines)
        for i in range(1, len(l) - 1):
            c = l[i].split(","); c[3] = "%.5E" % float(c[3]); l[i] = ",".join(c)
        return "\n".join(l)
    damage = {"a changed number": changed(4), "a spreadsheet's seeds": seeds_as_floats(),
              "a deleted row": "\n".join(lines[:5] + lines[6:]), "swapped rows": "\n".join(lines[:3] + [lines[4], lines[3]] + lines[5:]),
              "a duplicated row": "\n".join(lines[:6] + [lines[5]] + lines[6:]), "a renamed header": good.replace("seed,", "Seed,", 1),
              "an empty file": "", "binary garbage": "\x00\xff" * 100, "cut mid-row": good[: len(good) // 2],
              "CRLF line ends": good.replace("\n", "\r\n")}
    for case, text in damage.items():
        open(os.path.join(sd, "runs.csv"), "w", encoding="utf-8", errors="surrogateescape").write(text)
        rc, _, err, hung = run(["sweep", sweep, "--out", "o", "-q"], d)
        record(cls, "runs.csv: " + case, rc, err, hung, wedged=(rc != 0), lost=(tree(os.path.join(d, "o")) != reference))
    for case, fn in (("points.csv removed", lambda: os.remove(os.path.join(sd, "points.csv"))),
                     ("a plot removed", lambda: os.remove(os.path.join(sd, "sweep-btc_price_initial_usd.png")))):
        fn()
        rc, _, err, hung = run(["sweep", sweep, "--out", "o", "-q"], d)
        record(cls, case, rc, err, hung, wedged=(rc != 0), lost=(tree(os.path.join(d, "o")) != reference))
    # A damaged manifest: whose sweep the directory holds is unknown, so
    # the sweep refuses and names the fix (removing it and runs.csv); it
    # counts as refused, not wedged, when the message says so.
    open(os.path.join(sd, "manifest.json"), "w").write("{half a manif")
    rc, _, err, hung = run(["sweep", sweep, "--out", "o", "-q"], d)
    named = rc == 2 and "remove it and runs.csv" in err
    record(cls, "manifest.json damaged: refused, the fix named", rc, err, hung, wedged=not named, expect=(2,))
    os.remove(os.path.join(sd, "manifest.json")); os.remove(os.path.join(sd, "runs.csv"))
    rc, _, err, hung = run(["sweep", sweep, "--out", "o", "-q"], d)
    record(cls, "manifest.json damaged: after the named fix", rc, err, hung, wedged=(rc != 0), lost=(tree(os.path.join(d, "o")) != reference))
    # A run directory whose summary.json was edited: compare still reads it or says why.
    r = tempfile.mkdtemp(dir=tmp)
    run(["run", "--out", "o", "-q"] + SMALL, r)
    open(os.path.join(r, "o/baseline/seed-1/summary.json"), "w").write("{broken")
    rc, _, err, hung = run(["compare", "o/baseline/seed-1", "--out", "c"], r)
    record(cls, "compare over a broken summary.json", rc, err, hung, expect=(0, 2))
    rc, _, err, hung = run(["run", "--out", "o", "-q"] + SMALL, r)
    record(cls, "run over a broken summary.json", rc, err, hung, wedged=(rc != 0))


def pipes(tmp):
    cls = "pipes"
    for args in (["scenarios"], ["check"] + [os.path.join(ROOT, "scenarios", f) for f in sorted(os.listdir(os.path.join(ROOT, "scenarios"))) if f.endswith(".ron")],
                 ["columns"], ["show", "baseline"], ["run", "--out", "o", "-q"] + SMALL, ["sweep", "ci-smoke", "--out", "o", "-q"]):
        p = subprocess.Popen(f"'{BIN}' " + " ".join(f"'{a}'" for a in args) + " | head -c 1 > /dev/null; exit ${PIPESTATUS[0]}",
                             shell=True, executable="/bin/bash", cwd=tmp, stderr=subprocess.PIPE)
        err = p.stderr.read().decode()
        rc = p.wait()
        record(cls, " ".join(args[:2]) + " | head -c 1", rc, err, False, expect=(0,))


def main():
    tmp = tempfile.mkdtemp(prefix="hashflight-faults-")
    try:
        for f in (bad_input, extremes, signals, concurrency, full_disk, tampering, pipes):
            f(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    bad = 0
    print(f"{'class':<12} {'cases':>5} {'ok':>4} {'panic':>5} {'hang':>4} {'wedged':>6} {'lost':>4} {'other':>5}")
    for cls, rows in results.items():
        n = lambda o: sum(1 for r in rows if r[1] == o)
        other = len(rows) - sum(n(o) for o in ("ok", "panic", "hang", "wedged", "lost"))
        exits = {}
        for r in rows:
            exits[r[2]] = exits.get(r[2], 0) + 1
        codes = " ".join(f"{k}:{v}" for k, v in sorted(exits.items(), key=lambda kv: str(kv[0])))
        print(f"{cls:<12} {len(rows):>5} {n('ok'):>4} {n('panic'):>5} {n('hang'):>4} {n('wedged'):>6} {n('lost'):>4} {other:>5}   exits {codes}")
        for case, outcome, rc in rows:
            if outcome != "ok":
                bad += 1
                print(f"    {outcome}: {case} (exit {rc})")
    total = sum(len(r) for r in results.values())
    print(f"{total} cases, {bad} not ok")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
