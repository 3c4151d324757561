"""Benchmark: link geometry of a Walker shell against the SGP4 propagation of the same shell.

    python benchmarks/links.py [--sats 10000] [--duration "1 day"] [--step "60 s"]
                               [--topology nearest]

Times, in the same run: (1) propagating every satellite at every step (``SatrecArray.sgp4``,
the same blocks ``twin.links`` uses), and (2) ``twin.links`` itself (propagation + pairs chosen
with the KD-tree + range, line of sight, budget and pointing angles of every pair and step).
Both include building the ``Satrec`` objects; best of ``--repeat`` alternating runs.
Prints both and the ratio of the link work on top of the propagation,
(links - propagation) / propagation; the aim is at most 1.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402

import twin  # noqa: E402
from ephemeris.propagate import propagate, satrecs_from_elements  # noqa: E402
from ephemeris.timegrid import make_time_grid  # noqa: E402
from twin.run.links import BLOCK_STEPS  # noqa: E402


def constellation(n_sats):
    planes = max(1, int(round(np.sqrt(n_sats))))
    per = int(np.ceil(n_sats / planes))
    return twin.Constellation.walker(550, 53, planes, per, phasing=1)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sats", type=int, default=10000)
    ap.add_argument("--duration", default="1 day")
    ap.add_argument("--step", default="60 s")
    ap.add_argument("--start", default="2027-06-21")
    ap.add_argument("--topology", default="nearest", choices=["nearest", "grid"])
    ap.add_argument("--repeat", type=int, default=2, help="alternating repeats; best kept")
    a = ap.parse_args(argv)
    c = constellation(a.sats)
    grid = make_time_grid(a.start, a.duration, a.step)
    el = c.resolved(grid.start)
    jd, fr = grid.jd_utc()
    first = twin.links(c, a.start, a.step, a.step, topology=a.topology, k=4)  # compile outside
    n_pairs = first.sizes["pair"]
    t_prop = t_links = float("inf")
    for _ in range(a.repeat):     # alternate, keep the best of each: the machine is shared
        t0 = time.perf_counter()
        sats = satrecs_from_elements(el)
        for lo in range(0, grid.n, BLOCK_STEPS):
            propagate(sats, jd[lo:lo + BLOCK_STEPS], fr[lo:lo + BLOCK_STEPS])
        t_prop = min(t_prop, time.perf_counter() - t0)
        t0 = time.perf_counter()
        ds = twin.links(c, a.start, a.duration, a.step, topology=a.topology, k=4)
        t_links = min(t_links, time.perf_counter() - t0)
        del ds
    pair_steps = n_pairs * grid.n
    print(f"{len(el):,} satellites x {grid.n:,} steps; {n_pairs:,} pairs "
          f"({a.topology}), {pair_steps:,} pair-steps")
    print(f"propagation (SGP4)     {t_prop:8.2f} s")
    print(f"twin.links (all)       {t_links:8.2f} s   ({pair_steps / t_links:,.0f} pair-steps/s)")
    print(f"links on top of propagation: {(t_links - t_prop) / t_prop:.2f}x  (aim: <= 1)")


if __name__ == "__main__":
    main()
