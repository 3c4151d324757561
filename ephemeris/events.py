"""Eclipse events from a geometry dataset, with boundaries refined by root finding.

Penumbra: any part of the solar disc hidden (sunlit fraction < 1), i.e. the separation c of the
Sun's and Earth's centres below a + b; umbra: all of it hidden, c <= b - a (notation of
:func:`ephemeris.shadow.shadow_angles`).  Each boundary found between two grid steps is refined
by bisection on the smooth functions c - (a + b) and c - (b - a), re-propagating the satellite
with SGP4 from the elements the dataset carries, to 1 ms.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from ephemeris.geometry import elements_from_dataset
from ephemeris.j2 import propagate_j2
from ephemeris.satrec import satrecs_from_elements
from ephemeris.shadow import disc_fraction_visible, shadow_angles
from ephemeris.sun import sun_and_frames
from ephemeris.timegrid import skyfield_time

EVENT_COLUMNS = ["sat", "kind", "start", "end", "duration_s", "shadow_equivalent_s", "complete"]
_TOL_S = 1e-3


def _runs(mask):
    """(row, first, last) index of every run of True along axis 1 of a 2-D bool array."""
    pad = np.zeros((mask.shape[0], 1), bool)
    d = np.diff(np.concatenate([pad, mask, pad], axis=1).astype(np.int8), axis=1)
    r0, c0 = np.nonzero(d == 1)
    r1, c1 = np.nonzero(d == -1)
    return r0, c0, c1 - 1  # np.nonzero is row-major, so starts and ends pair up


def _boundary_function(kind):
    if kind == "penumbra":
        return lambda a, b, c: c - (a + b)
    return lambda a, b, c: c - (b - a)


def _positions_at(satrecs, sat_idx, t, start, j2_sats):
    """TEME positions [km] of satellite ``sat_idx[k]`` at ``t[k]`` s after ``start``."""
    jd0 = (np.datetime64(start, "ns") - np.datetime64(0, "ns")) / np.timedelta64(1, "D") + 2440587.5
    whole0 = np.floor(jd0)
    fr = (jd0 - whole0) + t / 86400.0
    r = np.empty((len(t), 3))
    for s in np.unique(sat_idx):
        m = sat_idx == s
        if j2_sats[s]:
            rr = propagate_j2([satrecs[s]], np.full(m.sum(), whole0), fr[m])[0][0]
        else:
            _, rr, _ = satrecs[s].sgp4_array(np.full(m.sum(), whole0), fr[m])
        r[m] = rr
    return r


def _refine(satrecs, sat_idx, t_lo, t_hi, start, sun_interp, kind, earth_radius_km, j2_sats):
    """Bisection of the shadow boundary in [t_lo, t_hi] (seconds from ``start``) per bracket."""
    g = _boundary_function(kind)

    def value(t):
        r = _positions_at(satrecs, sat_idx, t, start, j2_sats)
        return g(*shadow_angles(r, sun_interp(t), earth_radius_km))

    lo, hi = t_lo.astype(float).copy(), t_hi.astype(float).copy()
    g_lo = value(lo)
    n_iter = int(np.ceil(np.log2(max(np.max(hi - lo, initial=1.0), 1e-3) / _TOL_S))) + 1
    for _ in range(n_iter):
        mid = 0.5 * (lo + hi)
        g_mid = value(mid)
        same = np.sign(g_mid) == np.sign(g_lo)
        lo = np.where(same, mid, lo)
        g_lo = np.where(same, g_mid, g_lo)
        hi = np.where(same, hi, mid)
    return 0.5 * (lo + hi)


#: Gauss-Legendre nodes for the shadow integral of grazing (penumbra-only) events.
_GL_X, _GL_W = np.polynomial.legendre.leggauss(24)


def _shadow_integral(satrecs, sat_idx, t0, t1, start, sun_interp, earth_radius_km, j2_sats):
    """Integral of 1 - sunlit_fraction over [t0, t1] per event [s], by 24-point Gauss-Legendre
    quadrature on re-propagated states (for penumbra-only passages, where the hidden fraction
    is smooth and never reaches 1)."""
    half, mid = 0.5 * (t1 - t0), 0.5 * (t1 + t0)
    t = (mid[:, None] + half[:, None] * _GL_X[None, :]).ravel()
    idx = np.repeat(sat_idx, len(_GL_X))
    r = _positions_at(satrecs, idx, t, start, j2_sats)
    sf = disc_fraction_visible(*shadow_angles(r, sun_interp(t), earth_radius_km))
    return half * ((1.0 - sf).reshape(len(t0), -1) @ _GL_W)


def _shadow_from_boundaries(ev: pd.DataFrame) -> None:
    """Shadow-equivalent time of refined events from their boundaries, in place.

    Seen from the satellite the Earth's limb is nearly straight across the small solar disc
    and crosses it at a nearly steady rate, so the hidden fraction over ingress (and egress)
    averages 1/2: shadow = umbra + (penumbra - umbra) / 2.  Umbra rows count in full; a
    penumbra without umbra (grazing) is integrated by quadrature afterwards
    (:func:`_shadow_integral`).
    """
    ev["_has_umbra"] = False
    umb = ev[ev["kind"] == "umbra"]
    if umb.empty:
        return
    ev.loc[umb.index, "shadow_equivalent_s"] = umb["duration_s"]
    pen = ev[ev["kind"] == "penumbra"].reset_index()
    m = pen.merge(umb[["sat", "start", "end", "duration_s"]], on="sat", suffixes=("", "_u"))
    m = m[(m["start_u"] >= m["start"]) & (m["end_u"] <= m["end"])]
    ev.loc[m["index"].to_numpy(), "shadow_equivalent_s"] = (
        m["duration_s_u"] + 0.5 * (m["duration_s"] - m["duration_s_u"])).to_numpy()
    ev.loc[m["index"].to_numpy(), "_has_umbra"] = True


def eclipse_events(dataset: xr.Dataset, refine: bool = True) -> pd.DataFrame:
    """Penumbra and umbra intervals of every satellite in a geometry or simulation dataset.

    Returns a DataFrame with ``sat``, ``kind`` ("penumbra" or "umbra", each umbra nested in a
    penumbra), ``start``, ``end`` (UTC), ``duration_s``, ``shadow_equivalent_s`` (integral of
    1 - sunlit_fraction over the event, from the grid) and ``complete`` (False when the event is
    cut by the start or end of the run).  With ``refine`` each boundary is found to 1 ms by
    re-propagating; otherwise it is the first/last step inside the shadow.
    """
    if not isinstance(dataset, xr.Dataset) or "sunlit_fraction" not in dataset:
        raise TypeError("dataset must be an xarray.Dataset from twin.geometry or twin.simulate")
    if not isinstance(refine, bool):
        raise TypeError(f"refine must be True or False, got {refine!r}")
    sf = dataset["sunlit_fraction"].transpose("sat", "time").values
    if not np.isfinite(sf).all() or sf.min(initial=0) < 0 or sf.max(initial=1) > 1:
        raise ValueError("dataset: sunlit_fraction must be finite and within [0, 1]")
    valid = dataset["valid"].transpose("sat", "time").values if "valid" in dataset else None
    times = dataset["time"].values
    step_s = float(dataset.attrs.get("step_s", (times[1] - times[0]) / np.timedelta64(1, "s")
                                     if len(times) > 1 else 60.0))
    n_t = len(times)
    names = dataset["sat"].values
    rows = []
    satrecs = None
    sun_interp = None
    propagator = dataset.attrs.get("propagator", "sgp4")
    if refine:
        elements = elements_from_dataset(dataset)
        satrecs = satrecs_from_elements(elements)
        j2_sats = ~elements["source"].isin(["tle", "omm"]).to_numpy()
        if propagator != "j2":
            j2_sats[:] = False
        offs = (times - times[0]) / np.timedelta64(1, "s")
        grid_off = np.concatenate([offs, [offs[-1] + step_s]])
        sun = sun_and_frames(skyfield_time(times[0], grid_off)).sun_teme_km

        def sun_interp(t):  # the Sun moves 0.04 deg per minute: linear is exact to 1e-8 rad
            return np.stack([np.interp(t, grid_off, sun[:, i]) for i in range(3)], axis=-1)

    earth_r = float(dataset.attrs.get("earth_radius_km", 6378.137))
    for kind, mask in (("penumbra", sf < 1.0), ("umbra", sf <= 0.0)):
        if valid is not None:
            mask = mask & valid
        row, first, last = _runs(mask)
        if len(row) == 0:
            continue
        start_clip = first == 0
        end_clip = last == n_t - 1
        t_start = first * step_s
        t_end = (last + 1) * step_s
        if refine:
            m = ~start_clip
            if m.any():
                t_start[m] = _refine(satrecs, row[m], (first[m] - 1) * step_s, first[m] * step_s,
                                     times[0], sun_interp, kind, earth_r, j2_sats)
            m = ~end_clip
            if m.any():
                t_end[m] = _refine(satrecs, row[m], last[m] * step_s, (last[m] + 1) * step_s,
                                   times[0], sun_interp, kind, earth_r, j2_sats)
        cum = np.concatenate([np.zeros((sf.shape[0], 1)), np.cumsum(1.0 - sf, axis=1)], axis=1)
        shadow = (cum[row, last + 1] - cum[row, first]) * step_s
        to_time = lambda s: times[0] + (s * 1e9).astype("timedelta64[ns]")  # noqa: E731
        rows.append(pd.DataFrame({
            "sat": names[row], "kind": kind, "start": to_time(t_start), "end": to_time(t_end),
            "duration_s": t_end - t_start, "shadow_equivalent_s": shadow,
            "complete": ~(start_clip | end_clip), "_row": row,
        }))
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            EVENT_COLUMNS,
            [object, object, "datetime64[ns]", "datetime64[ns]", float, float, bool])})
    out = pd.concat(rows, ignore_index=True)
    if refine:
        _shadow_from_boundaries(out)
        grazing = (out["kind"] == "penumbra") & out["complete"] & ~out["_has_umbra"]
        if grazing.any():
            g = out[grazing]
            t0 = (g["start"] - times[0]).dt.total_seconds().to_numpy()
            t1 = (g["end"] - times[0]).dt.total_seconds().to_numpy()
            out.loc[grazing, "shadow_equivalent_s"] = _shadow_integral(
                satrecs, g["_row"].to_numpy(), t0, t1, times[0], sun_interp, earth_r, j2_sats)
    out = out.drop(columns=["_has_umbra", "_row"], errors="ignore")
    out = out.sort_values(["sat", "start", "kind"], kind="stable").reset_index(drop=True)
    return out[EVENT_COLUMNS]
