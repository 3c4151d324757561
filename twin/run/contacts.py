"""Ground contacts of a constellation: passes over stations, contact time and downlink volume.

:func:`contacts` propagates every satellite with SGP4 on the run's grid, turns TEME into the
Earth-fixed frame with the run's own rotations (:func:`ephemeris.sun.sun_and_frames`),
computes each station's elevation (:func:`twin.models.contacts.look_angles`) and finds the
grid steps where a satellite crosses the station's elevation mask.  Each crossing is then
refined by bisection on the exact SGP4 state and frame at that instant (to
:data:`REFINE_TOL_S`), and each culmination by a golden-section search, so pass times do not
depend on the step.  Validated against skyfield's ``find_events`` (tests/test_contacts.py).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ephemeris.propagate import propagate, satrecs_from_elements
from ephemeris.sun import sun_and_frames
from ephemeris.timegrid import make_time_grid, parse_duration
from twin.constellation import Constellation
from twin.ground.stations import resolve_stations
from twin.models import contacts as cm
from twin.run.links import BLOCK_STEPS
from twin.terminals import Downlink

#: Bisection stops when the crossing is bracketed to this [s].
REFINE_TOL_S = 0.01
CONTACT_COLUMNS = ["sat", "station", "rise", "culminate", "set", "max_elevation_deg",
                   "duration_s", "partial", "downlink_gb"]
#: Points per pass at which the downlink rate is evaluated (trapezoid rule over the pass).
PASS_SAMPLES = 33


def _itrs_at(satrecs, grid, sat_idx, offsets_s):
    """ITRS positions [km] (m, 3) of satellites ``sat_idx`` at ``offsets_s`` from the start."""
    order = np.argsort(offsets_s, kind="stable")
    off = np.asarray(offsets_s, float)[order]
    frames = sun_and_frames(grid.skyfield_time(off))
    jd, fr = grid.jd_utc(off)
    idx = np.asarray(sat_idx)[order]
    r = np.empty((len(off), 3))
    for s in np.unique(idx):
        m = idx == s
        e, rr, _ = satrecs[s].sgp4_array(jd[m], fr[m])
        r[m] = rr
    out = np.einsum("mij,mj->mi", frames.teme_to_itrs, r)
    res = np.empty_like(out)
    res[order] = out
    return res


def _elevation_at(satrecs, grid, sat_idx, station_rows, offsets_s):
    r = _itrs_at(satrecs, grid, sat_idx, offsets_s)
    el, _, _ = cm.look_angles(r[:, 0], r[:, 1], r[:, 2], station_rows["lat_deg"],
                              station_rows["lon_deg"], station_rows["alt_m"])
    return el


def _refine_crossings(satrecs, grid, sat_idx, st, lo_s, hi_s, rising):
    """Bisection of el - mask = 0 in [lo_s, hi_s] for all crossings at once."""
    lo, hi = np.array(lo_s, float), np.array(hi_s, float)
    mask = st["min_elevation_deg"]
    while len(lo) and (hi - lo).max() > REFINE_TOL_S:
        mid = 0.5 * (lo + hi)
        above = _elevation_at(satrecs, grid, sat_idx, st, mid) > mask
        move_hi = above == rising          # rising: above at mid -> crossing before mid
        hi = np.where(move_hi, mid, hi)
        lo = np.where(move_hi, lo, mid)
    return 0.5 * (lo + hi)


def _refine_max(satrecs, grid, sat_idx, st, lo_s, hi_s, iters=30):
    """Golden-section search of the largest elevation in [lo_s, hi_s] (unimodal per pass)."""
    g = (np.sqrt(5.0) - 1.0) / 2.0
    a, b = np.array(lo_s, float), np.array(hi_s, float)
    c, d = b - g * (b - a), a + g * (b - a)
    fc = _elevation_at(satrecs, grid, sat_idx, st, c)
    fd = _elevation_at(satrecs, grid, sat_idx, st, d)
    for _ in range(iters):
        left = fc > fd
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        c, d = b - g * (b - a), a + g * (b - a)
        fc = _elevation_at(satrecs, grid, sat_idx, st, c)
        fd = _elevation_at(satrecs, grid, sat_idx, st, d)
    t = 0.5 * (a + b)
    return t, _elevation_at(satrecs, grid, sat_idx, st, t)


def _pass_volume_gb(satrecs, grid, sat_i, st, lo_s, hi_s, downlink):
    """Data [GB] each pass sends down: the budget's rate at the slant range, trapezoid rule
    over :data:`PASS_SAMPLES` points from rise to set, times the availability."""
    f = np.linspace(0.0, 1.0, PASS_SAMPLES)
    t = (lo_s[:, None] + f[None, :] * (hi_s - lo_s)[:, None]).ravel()
    idx = np.repeat(sat_i, PASS_SAMPLES)
    rows = {c: np.repeat(v, PASS_SAMPLES) for c, v in st.items()}
    r = _itrs_at(satrecs, grid, idx, t)
    _, _, rng = cm.look_angles(r[:, 0], r[:, 1], r[:, 2], rows["lat_deg"], rows["lon_deg"],
                               rows["alt_m"])
    rate = downlink.rate_gbps(rng).reshape(len(sat_i), PASS_SAMPLES)
    mean_rate = 0.5 * (rate[:, 1:] + rate[:, :-1]).mean(axis=1)
    return cm.downlink_gb(hi_s - lo_s, mean_rate, downlink.availability)


def _stations_frame(stations, k, n):
    return {c: np.full(n, stations[c].to_numpy(float)[k]) for c in
            ("lat_deg", "lon_deg", "alt_m", "min_elevation_deg")}


def contacts(constellation, stations=None, start=None, duration="1 day", step="30 s",
             downlink=None, max_epoch_gap_days=30.0) -> pd.DataFrame:
    """One row per pass of a satellite over a station.

    Parameters
    ----------
    constellation : twin.Constellation
    stations : DataFrame, list of dicts, path to a CSV/TOML file, or None (bundled list)
        Columns ``name``, ``lat_deg``, ``lon_deg``, ``alt_m``, ``min_elevation_deg``
        (:mod:`twin.ground.stations`).
    start, duration, step : the run (as :func:`twin.simulate`); the step only needs to be
        shorter than the shortest pass, times are refined to 0.01 s.
    downlink : twin.Downlink, optional
        The RF link budget that sets each pass's ``downlink_gb``.

    Returns
    -------
    DataFrame with columns ``sat``, ``station``, ``rise``, ``culminate``, ``set``
    (UTC timestamps), ``max_elevation_deg``, ``duration_s`` and ``partial`` (True when the pass
    was under way at the start or still is at the end; its rise or set is then NaT and
    ``duration_s`` counts the part inside the run), and ``downlink_gb``: the rate of
    ``downlink`` (:class:`twin.Downlink`, a range-dependent RF budget) integrated over the pass
    at :data:`PASS_SAMPLES` points (trapezoid rule), times its weather availability.
    """
    downlink = Downlink() if downlink is None else downlink
    if not isinstance(downlink, Downlink):
        raise TypeError(f"downlink must be a twin.Downlink, got {downlink!r}")
    if not isinstance(constellation, Constellation):
        raise TypeError(f"constellation must be a twin.Constellation, got "
                        f"{type(constellation).__name__}")
    if start is None:
        raise ValueError("start is required, e.g. start='2027-06-21'")
    st_table = resolve_stations(stations)
    grid = make_time_grid(start, duration, step)
    end = grid.start + np.timedelta64(int(grid.duration_s * 1e9), "ns")
    el = constellation.resolved(grid.start, end, max_epoch_gap_days=max_epoch_gap_days)
    satrecs = satrecs_from_elements(el)
    names = el["name"].to_numpy()
    n, t = len(el), grid.n
    frames = sun_and_frames(grid.skyfield_time())
    jd, fr = grid.jd_utc()
    lat, lon, alt, mask = (st_table[c].to_numpy(float) for c in
                           ("lat_deg", "lon_deg", "alt_m", "min_elevation_deg"))
    elev = np.empty((len(st_table), n, t), np.float32)
    for lo in range(0, t, BLOCK_STEPS):
        hi = min(lo + BLOCK_STEPS, t)
        r, _, _ = propagate(satrecs, jd[lo:hi], fr[lo:hi])
        x = np.einsum("tij,stj->sti", frames.teme_to_itrs[lo:hi], r)
        for k in range(len(st_table)):
            elev[k, :, lo:hi] = cm.look_angles(x[..., 0], x[..., 1], x[..., 2], lat[k], lon[k],
                                               alt[k])[0]
    secs = grid.seconds
    rows = []
    for k in range(len(st_table)):
        above = elev[k] > mask[k]
        st = _stations_frame(st_table, k, 0)
        d = np.diff(above.astype(np.int8), axis=1)
        rs, rk = np.nonzero(d == 1)           # rise between rk and rk + 1
        ss, sk = np.nonzero(d == -1)          # set between sk and sk + 1
        st = _stations_frame(st_table, k, len(rs))
        rise = _refine_crossings(satrecs, grid, rs, st, secs[rk], secs[rk + 1], True)
        st = _stations_frame(st_table, k, len(ss))
        sett = _refine_crossings(satrecs, grid, ss, st, secs[sk], secs[sk + 1], False)
        for i in np.flatnonzero(above.any(axis=1)):
            r_i = np.sort(rise[rs == i])
            s_i = np.sort(sett[ss == i])
            starts = list(r_i)
            ends = list(s_i)
            if above[i, 0]:
                starts = [np.nan] + starts
            if above[i, -1]:
                ends = ends + [np.nan]
            for a, b in zip(starts, ends):
                rows.append((i, k, a, b))
    if not rows:
        return pd.DataFrame(columns=CONTACT_COLUMNS)
    arr = np.array(rows, dtype=object)
    sat_i = arr[:, 0].astype(int)
    st_i = arr[:, 1].astype(int)
    a = arr[:, 2].astype(float)
    b = arr[:, 3].astype(float)
    lo_s = np.where(np.isnan(a), 0.0, a)
    hi_s = np.where(np.isnan(b), secs[-1], b)
    st = {c: st_table[c].to_numpy(float)[st_i] for c in
          ("lat_deg", "lon_deg", "alt_m", "min_elevation_deg")}
    t_max, el_max = _refine_max(satrecs, grid, sat_i, st, lo_s, hi_s)
    volume = _pass_volume_gb(satrecs, grid, sat_i, st, lo_s, hi_s, downlink)
    to_time = lambda s: grid.start + (np.asarray(s) * 1e9).round().astype("timedelta64[ns]")  # noqa: E731
    out = pd.DataFrame({
        "sat": names[sat_i], "station": st_table["name"].to_numpy()[st_i],
        "rise": pd.to_datetime(np.where(np.isnan(a), np.datetime64("NaT"), to_time(lo_s))),
        "culminate": pd.to_datetime(to_time(t_max)),
        "set": pd.to_datetime(np.where(np.isnan(b), np.datetime64("NaT"), to_time(hi_s))),
        "max_elevation_deg": el_max, "duration_s": hi_s - lo_s,
        "partial": np.isnan(a) | np.isnan(b), "downlink_gb": volume})
    return out.sort_values(["rise", "sat", "station"], na_position="first").reset_index(drop=True)


def _union_s(lo, hi):
    """Length [s] of the union of intervals [lo, hi) (datetime64 arrays)."""
    order = np.argsort(lo)
    total, cur_lo, cur_hi = 0.0, None, None
    for x, y in zip(lo[order], hi[order]):
        if cur_hi is None or x > cur_hi:
            if cur_hi is not None:
                total += (cur_hi - cur_lo) / np.timedelta64(1, "s")
            cur_lo, cur_hi = x, y
        else:
            cur_hi = max(cur_hi, y)
    return total + (cur_hi - cur_lo) / np.timedelta64(1, "s")


def contact_summary(passes, constellation=None, start=None, duration="1 day",
                    period_s=None) -> pd.DataFrame:
    """Per satellite: ``passes``, ``contact_min`` (time in contact with at least one station,
    overlaps counted once), ``downlink_gb`` over the run, and with ``constellation``
    ``downlink_gb_per_day`` and ``downlink_gb_per_orbit``.

    One downlink at a time: when a satellite's passes over several stations overlap, the sum
    of their ``downlink_gb`` is scaled by (union of the contact time) / (sum of the pass times).
    ``period_s`` (orbital period) defaults to the mean of ``constellation``'s satellites.
    """
    days = None
    if constellation is not None:
        days = parse_duration(duration) / 86400.0
        if period_s is None:
            el = constellation.elements
            period_s = float((86400.0 / el["mean_motion_rev_per_day"]).mean())
    rows = []
    for sat, g in passes.groupby("sat", sort=False):
        lo = g["rise"].fillna(g["culminate"].min()).to_numpy()
        hi = lo + pd.to_timedelta(g["duration_s"], unit="s").to_numpy()
        total = _union_s(lo, hi)
        summed = float(g["duration_s"].sum())
        gb = float(g["downlink_gb"].sum()) * (total / summed if summed > 0 else 0.0)
        rows.append({"sat": sat, "passes": len(g), "contact_min": total / 60.0,
                     "downlink_gb": gb})
    out = pd.DataFrame(rows, columns=["sat", "passes", "contact_min", "downlink_gb"])
    if days:
        out["downlink_gb_per_day"] = out["downlink_gb"] / days
        out["downlink_gb_per_orbit"] = out["downlink_gb_per_day"] * period_s / 86400.0
    return out.set_index("sat")
