"""Benchmark: the twin's pipelines against raw SGP4 on a Walker 550 km / 53 deg shell.

    python benchmarks/run.py                 # 1,000 and 10,000 satellites, one day at 60 s
    python benchmarks/run.py --quick         # 1,000 satellites only
    python benchmarks/run.py --sats 1000 10000 --memory   # + 100,000 satellites, peak RSS

Each case runs in a fresh subprocess (so its peak memory is its own) after a small warm-up
call in that process (imports, the DE421 ephemeris, numba's cache load and JIT start-up --
paid once per process by any user), and prints one row:

* ``raw SatrecArray.sgp4``: the floor -- SGP4 (Vallado's C++) on every satellite-step in one
  call, single-threaded (OMP_NUM_THREADS=1), satellites already built; no geometry at all.
* ``skyfield loop``: what a user writes today, ``EarthSatellite.from_satrec(s, ts).at(t)
  .is_sunlit(eph)`` per satellite; only ``--skyfield-sats`` (200) satellites are timed and the
  time is extrapolated per satellite-step (marked ``*``).
* ``twin.geometry``, ``twin.simulate`` (time series in memory), ``twin.simulate
  (timeseries=False)`` and the same with ``propagator="j2"``: the whole call, wall clock, all
  cores (the default worker processes).

Each timed case runs ``--repeat`` times (default 3) in its process and the best time is
reported, for every row alike (the raw floor too), as ``timeit`` does: on a shared machine the
least-disturbed run is the one that measures the code.

Columns: seconds (wall), satellite-steps per second, ratio = seconds / raw SGP4 seconds for
the same satellites and steps (below 1: faster than SGP4 alone), and peak memory: the rise of
``ru_maxrss`` over the call (the larger of the process's own and its worker processes') in MB.
``--memory`` adds 100,000 satellites over 1.5 orbits (143 min) at 60 s with
``timeseries=False`` and reports the absolute peak RSS of the process and of its largest
worker, plus the peak total PSS of the process tree (sampled every 50 ms, for that case only:
sampling costs CPU; shared pages counted once).  The machine (cores, CPU model) and the load
average are printed: other processes competing for the cores slow every row alike, but not the
single-threaded raw floor as much as the multi-process pipelines.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
START = "2027-06-21"

CASES = ("raw", "skyfield", "geometry", "simulate", "summary", "summary_j2")
LABELS = {
    "raw": "raw SatrecArray.sgp4 (1 thread)",
    "skyfield": "skyfield loop, is_sunlit",
    "geometry": "twin.geometry",
    "simulate": "twin.simulate (timeseries)",
    "summary": "twin.simulate(timeseries=False)",
    "summary_j2": "  ... propagator='j2'",
    "memory": "simulate(timeseries=False) 100k",
}


# --------------------------------------------------------------------------------------------
# the child: one case, one JSON line on stdout
# --------------------------------------------------------------------------------------------
def walker(n_sats):
    """A Walker delta 550 km / 53 deg shell of exactly ``n_sats`` (planes ~ sqrt(n))."""
    import twin

    planes = max(p for p in range(1, int(n_sats ** 0.5) + 1) if n_sats % p == 0)
    return twin.Constellation.walker(550, 53, planes, n_sats // planes, phasing=1 % planes)


def _maxrss_mb():
    import resource

    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0)


def _best(fn, repeat):
    """Best (least) wall time of ``repeat`` calls of ``fn`` [s]: the figure least disturbed
    by other processes on the machine (as ``timeit`` reports)."""
    times = []
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), times


def run_case(case, n_sats, duration, step, skyfield_sats, repeat=1):
    sys.path.insert(0, ROOT)
    import numpy as np

    import twin
    from ephemeris.propagate import satrecs_from_elements
    from ephemeris.timegrid import make_time_grid

    c = walker(n_sats)
    grid = make_time_grid(START, duration, step)
    n = len(c)
    steps = grid.n
    small = walker(4)
    extra = {}
    if case == "raw":
        from sgp4.api import SatrecArray

        satrecs = satrecs_from_elements(c.resolved(grid.start))
        jd, fr = grid.jd_utc()
        jd, fr = np.ascontiguousarray(jd), np.ascontiguousarray(fr)
        SatrecArray(satrecs[:4]).sgp4(jd, fr)
        arr = SatrecArray(satrecs)
        base = _maxrss_mb()
        sec, times = _best(lambda: arr.sgp4(jd, fr), repeat)
    elif case == "skyfield":
        from skyfield.api import EarthSatellite

        from ephemeris.data import planets, timescale

        ts, eph = timescale(), planets()
        satrecs = satrecs_from_elements(c.resolved(grid.start))[:skyfield_sats]
        t = grid.skyfield_time()
        EarthSatellite.from_satrec(satrecs[0], ts).at(t[:10]).is_sunlit(eph)
        base = _maxrss_mb()
        t0 = time.perf_counter()
        for s in satrecs:
            EarthSatellite.from_satrec(s, ts).at(t).is_sunlit(eph)
        timed = time.perf_counter() - t0
        sec = timed * n / len(satrecs)          # extrapolated per satellite-step
        times = [sec]
        extra = {"timed_sats": len(satrecs), "timed_seconds": timed}
    else:
        kw = {"geometry": None, "simulate": {}, "summary": {"timeseries": False},
              "summary_j2": {"timeseries": False, "propagator": "j2"},
              "memory": {"timeseries": False}}[case]
        if kw is None:
            twin.geometry(small, START, "10 min", step)
            base = _maxrss_mb()
            sec, times = _best(lambda: twin.geometry(c, START, duration, step), repeat)
        else:
            twin.simulate(small, START, "10 min", step, **kw)
            base = _maxrss_mb()
            sec, times = _best(lambda: twin.simulate(c, START, duration, step, **kw), repeat)
    own, kids = _maxrss_mb()
    return {"case": case, "sats": n, "steps": steps, "seconds": sec, "all_seconds": times,
            "peak_mb": max(own, kids) - base[0], "rss_self_mb": own, "rss_workers_mb": kids,
            **extra}


# --------------------------------------------------------------------------------------------
# the driver
# --------------------------------------------------------------------------------------------
def _tree_pss_mb(pid):
    """Total PSS [MB] of ``pid`` and its descendants (Linux; shared pages counted once)."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += float(line.split()[1]) / 1024.0
                        break
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(x) for x in f.read().split())
        except OSError:
            continue
    return total


def spawn(case, n, duration, step, skyfield_sats, repeat=1):
    env = dict(os.environ)
    if case == "raw":
        env["OMP_NUM_THREADS"] = "1"
    cmd = [sys.executable, os.path.abspath(__file__), "--case", case, "--n", str(n),
           "--duration", duration, "--step", step, "--skyfield-sats", str(skyfield_sats),
           "--repeat", str(repeat)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=ROOT)
    peak = [0.0]
    done = threading.Event()

    def sample():
        while not done.wait(0.05):
            peak[0] = max(peak[0], _tree_pss_mb(proc.pid))

    # sampling the tree's PSS costs a fifth of a core: only where memory is what is measured
    th = threading.Thread(target=sample, daemon=True) if case == "memory" else None
    if th:
        th.start()
    out, err = proc.communicate()
    done.set()
    if th:
        th.join()
    if proc.returncode != 0:
        raise RuntimeError(f"case {case} ({n} satellites) failed:\n{err[-3000:]}")
    res = json.loads(out.strip().splitlines()[-1])
    res["tree_pss_peak_mb"] = peak[0]
    return res


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return f"{os.cpu_count()} cores ({usable} usable), {model}; Python {platform.python_version()}"


def versions():
    out = []
    for mod in ("numpy", "numba", "sgp4", "skyfield"):
        try:
            from importlib.metadata import version

            out.append(f"{mod} {version(mod)}")
        except Exception:  # noqa: BLE001 - informational only
            pass
    return ", ".join(out)


def loadavg():
    try:
        return open("/proc/loadavg").read().split()[:3]
    except OSError:
        return ["?"] * 3


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sats", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--quick", action="store_true", help="1,000 satellites only")
    ap.add_argument("--memory", action="store_true",
                    help="add 100,000 satellites over 143 min, timeseries=False (peak RSS)")
    ap.add_argument("--duration", default="1 day")
    ap.add_argument("--step", default="60 s")
    ap.add_argument("--skyfield-sats", type=int, default=200,
                    help="satellites timed in the skyfield loop (then extrapolated)")
    ap.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    ap.add_argument("--repeat", type=int, default=3,
                    help="timed calls per case (in one process, after the warm-up); the best "
                    "is reported (default 3; the skyfield loop and --memory run once)")
    ap.add_argument("--json", help="also write the rows to this JSON file")
    # internal: run one case in this process
    ap.add_argument("--case", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.case:
        print(json.dumps(run_case(a.case, a.n, a.duration, a.step, a.skyfield_sats,
                                  a.repeat)))
        return
    sats = [1000] if a.quick else a.sats
    print(f"machine: {machine()}")
    print(f"versions: {versions()}")
    print(f"load average at start: {' '.join(loadavg())} (other processes on the cores slow "
          "the multi-process rows)")
    print(f"Walker 550 km / 53 deg, {a.duration} at {a.step} from {START}\n")
    head = (f"{'what':34s} {'sats':>7s} {'steps':>6s} {'seconds':>9s} {'sat-steps/s':>13s} "
            f"{'ratio':>7s} {'peak MB':>8s}")
    print(head)
    print("-" * len(head))
    rows = []
    for n in sats:
        raw = None
        for case in a.cases if "raw" in a.cases else ["raw"] + a.cases:
            res = spawn(case, n, a.duration, a.step, a.skyfield_sats,
                        1 if case == "skyfield" else a.repeat)
            rows.append(res)
            if case == "raw":
                raw = res["seconds"]
            ss = res["sats"] * res["steps"]
            mark = "*" if case == "skyfield" else " "
            print(f"{LABELS[case]:34s} {res['sats']:7d} {res['steps']:6d} "
                  f"{res['seconds']:8.2f}{mark} {ss / res['seconds']:13,.0f} "
                  f"{res['seconds'] / raw:7.2f} {res['peak_mb']:8.0f}", flush=True)
    if a.memory:
        res = spawn("memory", 100_000, "143 min", a.step, a.skyfield_sats)
        rows.append(res)
        ss = res["sats"] * res["steps"]
        print(f"{LABELS['memory']:34s} {res['sats']:7d} {res['steps']:6d} "
              f"{res['seconds']:9.2f} {ss / res['seconds']:13,.0f} {'':>7s} "
              f"{res['peak_mb']:8.0f}")
        worst = max(res["tree_pss_peak_mb"], res["rss_self_mb"], res["rss_workers_mb"])
        print(f"\n100k satellites, timeseries=False: peak RSS {res['rss_self_mb']:.0f} MB "
              f"(main process), {res['rss_workers_mb']:.0f} MB (largest worker); peak total "
              f"PSS of the process tree {res['tree_pss_peak_mb']:.0f} MB (sampled) -> "
              f"{'< 2 GB: met' if worst < 2048 else 'NOT below 2 GB'}")
    sky = [r for r in rows if r["case"] == "skyfield"]
    if sky:
        print(f"\n* skyfield: {sky[0]['timed_sats']} satellites timed "
              f"({sky[0]['timed_seconds']:.1f} s), extrapolated per satellite-step.")
    print("ratio = seconds / raw SatrecArray.sgp4 seconds (same satellites and steps); "
          "peak MB = rise of ru_maxrss over the call.")
    print(f"load average at end: {' '.join(loadavg())}")
    _targets(rows)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=1)


def _targets(rows):
    by = {}
    for r in rows:
        by.setdefault(r["sats"], {})[r["case"]] = r["seconds"]
    print("\ntargets:")
    for n, d in sorted(by.items()):
        raw = d.get("raw")
        if raw is None:
            continue
        checks = []
        if "geometry" in d:
            checks.append(("geometry <= 1.5x raw SGP4", d["geometry"] / raw <= 1.5,
                           f"{d['geometry'] / raw:.2f}x"))
        if "summary" in d:
            checks.append(("simulate(timeseries=False) <= 1.5x raw", d["summary"] / raw <= 1.5,
                           f"{d['summary'] / raw:.2f}x"))
        if "summary_j2" in d:
            checks.append(("j2 pipeline >= 3x faster than raw", raw / d["summary_j2"] >= 3,
                           f"{raw / d['summary_j2']:.2f}x faster"))
        for what, ok, val in checks:
            print(f"  {n:>7,d} sats: {what:40s} {val:>14s}  {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
