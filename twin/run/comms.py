"""Per-orbit communication columns from a links result and a contacts table.

The per-orbit table of :func:`twin.simulate` is built inside the physics stepper; these columns
come from separate runs (:func:`twin.links`, :func:`twin.contacts`), so they are given here as
their own table with one row per satellite and orbit, with the orbits of the simulation's
per-orbit table: orbit 0 runs from the run's start to the first ascending node, each later one
from node to node (:func:`twin.run.summary.orbit_start_offsets` on the satellite's SGP4 track
at 60 s), so ``(sat, orbit)`` joins the two tables: ``isl_capacity_gbps`` (mean over
the orbit of the total capacity of the satellite's links, one direction), ``contact_min``
(minutes in contact with any station, overlaps counted once) and ``downlink_gb`` (the passes'
volumes, spread evenly over each pass's time and scaled down where passes overlap: one
downlink at a time).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ephemeris.timegrid import make_time_grid
from twin.run import summary
from twin.run.links import states

#: Step of the track on which the ascending nodes are found [s] (interpolated between steps).
NODE_STEP_S = 60.0


def orbit_starts_s(elements, start, span_s):
    """Each satellite's orbit starts after the run's start [s from it], strictly inside the run
    (the per-orbit table's orbits 1, 2, ...), as a list of arrays."""
    grid = make_time_grid(start, f"{max(span_s, NODE_STEP_S) + NODE_STEP_S:.6f} s",
                          f"{NODE_STEP_S} s")
    pos, _vel, _err = states(elements, grid, 0, grid.n)
    offsets = summary.orbit_start_offsets(pos, elements["inclination_deg"].to_numpy(float),
                                          NODE_STEP_S)
    return [c[(c > 0.0) & (c < span_s)] for c in offsets]

PER_ORBIT_COMM_COLUMNS = ["sat", "orbit", "orbit_start", "isl_capacity_gbps", "contact_min",
                          "downlink_gb"]


def per_orbit_comms(elements, links_ds=None, passes=None, start=None) -> pd.DataFrame:
    """One row per satellite and orbit (see the module docstring).

    ``elements``: the run's resolved element table (``constellation.resolved(start)``);
    ``links_ds``: a :func:`twin.links` result (sets the time grid) or None; ``passes``: a
    :func:`twin.contacts` table or None.  At least one of them is needed; the columns of the
    one not given are NaN (``isl_capacity_gbps``) or 0 (``contact_min``, ``downlink_gb``: no
    passes).  ``start``: the
    run's start (default: the links' first step, else the first pass).
    """
    if links_ds is None and passes is None:
        raise ValueError("per_orbit_comms needs links_ds or passes (or both)")
    names = elements["name"].to_numpy().astype(str)
    if links_ds is not None:
        times = links_ds["time"].to_numpy()
    else:
        lo = passes["rise"].min() if passes["rise"].notna().any() else passes["culminate"].min()
        hi = passes["set"].max() if passes["set"].notna().any() else passes["culminate"].max()
        times = np.array([lo, hi], dtype="datetime64[ns]")
    t0 = np.datetime64(pd.Timestamp(start).tz_localize(None) if pd.Timestamp(start).tzinfo
                       else pd.Timestamp(start), "ns") if start is not None else times[0]
    span_s = (times[-1] - t0) / np.timedelta64(1, "s")
    if links_ds is not None and len(times) > 1:
        span_s += (times[1] - times[0]) / np.timedelta64(1, "s")    # the last step's length
    starts = orbit_starts_s(elements, pd.Timestamp(t0), span_s)
    rows = {}
    if links_ds is not None:
        sec = (times - t0) / np.timedelta64(1, "s")
        per_sat = links_ds["isl_capacity_gbps"].to_numpy().astype(float)
        for i in range(len(names)):
            orbit = np.searchsorted(starts[i], sec, side="right")
            for o in np.unique(orbit):
                rows[(i, int(o))] = {"isl_capacity_gbps": per_sat[i, orbit == o].mean()}
    if passes is not None and len(passes):
        index = {n: i for i, n in enumerate(names)}
        for p in passes.itertuples(index=False):
            i = index[p.sat]
            a = ((p.rise if pd.notna(p.rise) else t0) - pd.Timestamp(t0)).total_seconds()
            b = a + p.duration_s
            o = int(np.searchsorted(starts[i], a, side="right"))
            gb_per_s = p.downlink_gb / p.duration_s if p.duration_s > 0 else 0.0
            while a < b:                      # split a pass across orbit boundaries
                end = min(b, starts[i][o] if o < len(starts[i]) else np.inf)
                r = rows.setdefault((i, o), {})
                r.setdefault("_iv", []).append((a, end))
                r["_gb"] = r.get("_gb", 0.0) + gb_per_s * (end - a)
                a, o = end, o + 1
    out = []
    for (i, o), r in sorted(rows.items()):
        iv = sorted(r.pop("_iv", []))
        summed = sum(b - a for a, b in iv)
        gb = r.pop("_gb", 0.0)
        total, cur = 0.0, None
        for a, b in iv:                       # union of intervals: one downlink at a time
            if cur is None or a > cur[1]:
                total += 0.0 if cur is None else cur[1] - cur[0]
                cur = [a, b]
            else:
                cur[1] = max(cur[1], b)
        total += 0.0 if cur is None else cur[1] - cur[0]
        out.append({"sat": names[i], "orbit": o,
                    "orbit_start": pd.Timestamp(t0) + pd.Timedelta(
                        seconds=float(starts[i][o - 1]) if o > 0 else 0.0),
                    "isl_capacity_gbps": r.get("isl_capacity_gbps", np.nan),
                    "contact_min": total / 60.0,
                    "downlink_gb": gb * (total / summed) if summed > 0 else 0.0})
    df = pd.DataFrame(out, columns=PER_ORBIT_COMM_COLUMNS)
    df.attrs["run_s"] = span_s
    return df
