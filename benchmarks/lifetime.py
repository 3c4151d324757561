"""Benchmark: a lifetime run against the plain one-year simulate of the same shell.

    python benchmarks/lifetime.py                       # 10,000 satellites, 5 years, 60 s
    python benchmarks/lifetime.py --sats 500 --step 120 # a few minutes on 2 cores

A Walker 550 km / 53 deg shell (the issue's case): ``twin.lifetime(..., years, monthly
sampled days)`` and ``twin.simulate(..., "365 days", timeseries=False)``, each timed once in
this process after a warm-up call (imports, numba's cache, the ephemeris), so the ratio is
measured in the same run on the same machine.  The one-year baseline of a large shell runs in
as many slices of its planes as the memory guard needs (a year of 10,000 satellites has a
55-million-row per-orbit table, ~41 GiB), timed together.  The lifetime run is profiled to
say where its time goes: the simulated days, the drag tracks (geometry of the representative
satellites), NRLMSIS, the radiation-belt look-ups (AE8/AP8 spectra, SHIELDOSE-2 dose) and the
rest.  Times are wall and CPU seconds (this process and its reaped workers).
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import twin  # noqa: E402
from twin.run import simulate as sim  # noqa: E402

PARTS = {
    "simulate (sampled days)": ("twin/run/simulate.py", "simulate"),
    "geometry (drag tracks)": ("twin/run/simulate.py", "geometry"),
    "NRLMSIS density": ("twin/models/atmosphere.py", "density_kg_m3"),
    "AE8/AP8 + SHIELDOSE-2": ("twin/run/lifetime.py", "_belt"),
}


def _cumtime(stats, key):
    """Cumulative time of the function ``key`` = (file suffix, name) [s]."""
    return max((ct for (path, _, name), (_, _, _, ct, _) in stats.stats.items()
                if path.endswith(key[0]) and name == key[1]), default=0.0)


def _cpu_s():
    """CPU seconds of this process and its reaped children (the forked workers) [s]: unlike
    wall time, not inflated by other load on a shared machine."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _slices(planes, per_plane, step_s, workers):
    """How many runs of planes / k planes the one-year baseline is split into: the fewest
    that fit the memory guard.  A year's per-orbit table of the whole shell may not fit (10,000
    satellites: 55 million rows, ~41 GiB); the physics per satellite is the same in a slice,
    so the summed time is the whole shell's."""
    n_time = int(365 * 86400 / step_s)
    for k in (d for d in range(1, planes + 1) if planes % d == 0):
        part = twin.Constellation.walker(550, 53, planes // k, per_plane,
                                         phasing=1 if planes > 1 else 0)
        el = part.resolved("2027-01-01")
        rows = sim.expected_orbit_rows(el, 365 * 86400.0)
        w = sim.pool.default_workers() if workers is None else workers
        if sim.memory_needed(len(el), n_time, "summary", w, rows) <= sim.memory_limit():
            return k
    raise SystemExit("even one plane's year does not fit the memory guard; use fewer "
                     "satellites per plane")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sats", type=int, default=10_000)
    ap.add_argument("--years", type=float, default=5.0)
    ap.add_argument("--step", type=float, default=60.0, help="fine step [s]")
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args(argv)
    planes = 100 if args.sats >= 100 and args.sats % 100 == 0 else 1
    c = twin.Constellation.walker(550, 53, planes, args.sats // planes,
                                  phasing=1 if planes > 1 else 0)
    step = f"{args.step:g} s"
    # warm-up at another altitude: imports (SpacePy on the first dose) and numba's cache are
    # paid here, the 550 km belt look-ups (spectra, SHIELDOSE-2) in the timed run
    warm = twin.Constellation.walker(600, 53, 1, 2)
    twin.lifetime(warm, "2027-01-01", years=1, samples_per_year=1, step=step, workers=1)
    twin.simulate(warm, "2027-01-01", "1 day", step, timeseries=False, workers=1)

    prof = cProfile.Profile()
    t0, c0 = time.perf_counter(), _cpu_s()
    prof.enable()
    life = twin.lifetime(c, "2027-01-01", years=args.years, samples_per_year=12, step=step,
                         workers=args.workers)
    prof.disable()
    t_life, cpu_life = time.perf_counter() - t0, _cpu_s() - c0
    slices = _slices(planes, args.sats // planes, args.step, args.workers)
    part = twin.Constellation.walker(550, 53, planes // slices, args.sats // planes,
                                     phasing=1 if planes > 1 else 0)
    t0, c0 = time.perf_counter(), _cpu_s()
    for _ in range(slices):
        twin.simulate(part, "2027-01-01", "365 days", step, timeseries=False,
                      workers=args.workers)
    t_year, cpu_year = time.perf_counter() - t0, _cpu_s() - c0

    stats = pstats.Stats(prof)
    print(f"Walker 550 km / 53 deg, {len(c):,} satellites, step {step}, cores "
          f"{os.cpu_count()}, load {os.getloadavg()[0]:.1f}")
    print(f"twin.lifetime, {args.years:g} years, 12 sampled days a year: {t_life:8.1f} s wall "
          f"{cpu_life:8.1f} s CPU ({life.summary()['lifetime_gb300_years']:,.0f} GB300-eq-years)")
    print(f"twin.simulate, 365 days, timeseries=False:        {t_year:8.1f} s wall "
          f"{cpu_year:8.1f} s CPU"
          + (f" (in {slices} runs of {len(part):,} satellites: the memory guard)"
             if slices > 1 else ""))
    print(f"ratio lifetime / one-year simulate:                {t_life / t_year:8.3f} wall "
          f"{cpu_life / cpu_year:8.3f} CPU")
    rest = t_life
    for label, key in PARTS.items():
        ct = _cumtime(stats, key)
        rest -= ct
        print(f"  {label:28s} {ct:8.1f} s  {ct / t_life:6.1%}")
    print(f"  {'rest (tables, mass, ...)':28s} {rest:8.1f} s  {rest / t_life:6.1%}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
