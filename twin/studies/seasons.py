"""Eclipse seasons: how much shadow a sun-synchronous satellite sees over a calendar year."""
from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ephemeris.events import eclipse_events
from twin.constellation import Constellation
from twin.run.simulate import geometry


def _check_year(year):
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise TypeError(f"year must be a whole number such as 2027, got {year!r}")
    if not 1900 <= year <= 2052:
        raise ValueError(f"year={year} is out of range; allowed: 1900 to 2052 "
                         "(the de421 ephemeris covers 1899-07-29 to 2053-10-09)")
    return int(year)


def eclipse_season(altitude_km, ltan, year, step="60 s"):
    """Eclipse statistics of one sun-synchronous satellite over calendar year ``year``.

    Eclipse time is shadow-equivalent: the integral of (1 - sunlit_fraction) over time.
    Returns ``(stats, daily)``: ``stats`` a dict with ``eclipse_hours``, ``days_with_eclipse``,
    ``first_day`` and ``last_day`` (0-based day of year of the first and last day with any
    penumbra, None if none), ``worst_eclipse_min`` (longest single event, refined boundaries)
    and ``sunlit_fraction`` (mean over the year); ``daily`` a DataFrame indexed by day with
    ``eclipse_min`` (shadow-equivalent minutes that day) and ``worst_eclipse_min``.
    """
    y = _check_year(year)
    c = Constellation.sun_synchronous(altitude_km, ltan, name="season")
    start = pd.Timestamp(year=y, month=1, day=1)
    days = (pd.Timestamp(year=y + 1, month=1, day=1) - start).days
    ds = geometry(c, start, f"{days} day", step)
    sf = ds["sunlit_fraction"].values[0]
    step_s = float(ds.attrs["step_s"])
    shadow_s = (1.0 - sf) * step_s
    day_idx = ((ds["time"].values - np.datetime64(start, "ns"))
               // np.timedelta64(1, "D")).astype(int)
    daily_shadow = np.bincount(day_idx, weights=shadow_s, minlength=days)
    daily_any = np.bincount(day_idx, weights=(sf < 1.0), minlength=days) > 0
    ev = eclipse_events(ds)
    pen = ev[ev["kind"] == "penumbra"]
    worst_daily = np.zeros(days)
    if len(pen):
        d = ((pen["start"].to_numpy() - np.datetime64(start, "ns")) // np.timedelta64(1, "D"))
        np.maximum.at(worst_daily, d.astype(int).clip(0, days - 1),
                      pen["shadow_equivalent_s"].to_numpy() / 60.0)
    with_ecl = np.flatnonzero(daily_any)
    stats = {
        "altitude_km": float(altitude_km),
        "ltan": ltan,
        "year": y,
        "inclination_deg": float(ds["inclination_deg"].values[0]),
        "eclipse_hours": float(shadow_s.sum() / 3600.0),
        "days_with_eclipse": int(daily_any.sum()),
        "first_day": int(with_ecl[0]) if len(with_ecl) else None,
        "last_day": int(with_ecl[-1]) if len(with_ecl) else None,
        "worst_eclipse_min": float(pen["shadow_equivalent_s"].max() / 60.0) if len(pen) else 0.0,
        "sunlit_fraction": float(sf.mean()),
    }
    daily = pd.DataFrame({"eclipse_min": daily_shadow / 60.0, "worst_eclipse_min": worst_daily},
                         index=pd.date_range(start, periods=days, freq="D", name="day"))
    return stats, daily


def eclipse_season_by_altitude(altitudes_km, ltan, year, step="120 s") -> dict:
    """``{altitude_km: daily}`` from :func:`eclipse_season` at each altitude (the data of
    :func:`twin.io.plots.plot_eclipse_season`).

    ``daily`` is the per-day DataFrame (``eclipse_min``, ``worst_eclipse_min``); the yearly
    statistics of that altitude are kept in ``daily.attrs["stats"]``.  Keys are floats, in the
    order given.
    """
    if isinstance(altitudes_km, (str, bytes)) or isinstance(altitudes_km, (bool, np.bool_)):
        raise TypeError(f"altitudes_km must be a number or a sequence of numbers, got "
                        f"{type(altitudes_km).__name__}")
    if isinstance(altitudes_km, numbers.Real):
        alts = [altitudes_km]
    else:
        try:
            alts = list(altitudes_km)
        except TypeError:
            raise TypeError(f"altitudes_km must be a number or a sequence of numbers, got "
                            f"{type(altitudes_km).__name__}") from None
    for a in alts:
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, numbers.Real):
            raise TypeError(f"altitudes_km: {a!r} is not a number")
    if not alts:
        raise ValueError("altitudes_km: give at least one altitude")
    keys = [float(a) for a in alts]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise ValueError(f"altitudes_km: repeated altitude(s) {', '.join(f'{k:g}' for k in dup)}"
                         " km; give each once")
    out = {}
    for k in keys:
        stats, daily = eclipse_season(k, ltan, year, step=step)
        daily = daily.copy()
        daily.attrs["stats"] = dict(stats)
        out[k] = daily
    return out
