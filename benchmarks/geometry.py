"""Benchmark: twin.geometry against raw SatrecArray.sgp4 on the same satellites and times.

    python benchmarks/geometry.py [--sats 10000] [--duration "1 day"] [--step "60 s"]

Prints satellite-steps per second for both and their ratio (geometry time / raw SGP4 time,
raw measured single-threaded in the same run).  The aim is a ratio of at most 1.5.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402
from sgp4.api import SatrecArray  # noqa: E402

import twin  # noqa: E402
from ephemeris.propagate import satrecs_from_elements  # noqa: E402
from ephemeris.timegrid import make_time_grid  # noqa: E402


def constellation(n_sats):
    planes = max(1, int(round(np.sqrt(n_sats / 4))))
    per = int(np.ceil(n_sats / planes))
    return twin.Constellation.walker(550, 53, planes, per, phasing=1)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sats", type=int, default=10000)
    ap.add_argument("--duration", default="1 day")
    ap.add_argument("--step", default="60 s")
    ap.add_argument("--start", default="2027-06-21")
    a = ap.parse_args(argv)
    c = constellation(a.sats)
    grid = make_time_grid(a.start, a.duration, a.step)
    el = c.resolved(grid.start)
    n = len(el)
    sat_steps = n * grid.n
    satrecs = satrecs_from_elements(el)
    jd, fr = grid.jd_utc()
    arr = SatrecArray(satrecs)
    t0 = time.perf_counter()
    arr.sgp4(jd, fr)
    raw = time.perf_counter() - t0
    del arr
    t0 = time.perf_counter()
    ds = twin.geometry(c, a.start, a.duration, a.step)
    geo = time.perf_counter() - t0
    assert ds.sizes["sat"] == n
    print(f"machine: {os.cpu_count()} cores; {n} satellites x {grid.n} steps = {sat_steps:,} "
          "satellite-steps")
    print(f"{'what':34s} {'seconds':>9s} {'sat-steps/s':>14s} {'ratio':>7s}")
    print(f"{'raw SatrecArray.sgp4 (1 thread)':34s} {raw:9.2f} {sat_steps / raw:14,.0f} {1.0:7.2f}")
    print(f"{'twin.geometry (all cores)':34s} {geo:9.2f} {sat_steps / geo:14,.0f} {geo / raw:7.2f}")
    print(f"aim: ratio <= 1.5 -> {'met' if geo / raw <= 1.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
