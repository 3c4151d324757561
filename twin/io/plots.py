"""Figures of a run: altitude trade-offs, one satellite's time series, eclipse seasons and
ground tracks.

Every function builds a :class:`matplotlib.figure.Figure` directly (no ``pyplot``: no global
figure registry, no interactive backend, nothing shown) and returns it; with ``path=`` it also
writes a PNG atomically (a temporary file in the target directory, then ``os.replace``), so a
failure never leaves a partial image and an existing file is replaced only by a complete one.

Satellite names come from catalogs and may hold anything; every text that shows one is drawn
with ``usetex=False`` and ``parse_math=False``, so ``$...$`` and backslashes render literally
(never as mathtext or TeX).
"""
from __future__ import annotations

import math
import numbers
import os
from collections.abc import Mapping
from pathlib import Path

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from twin.io.atomic import atomic_path
from twin.run.simulate import SimulationResult
from twin.studies.seasons import eclipse_season_by_altitude  # the study; its old name here

__all__ = ["plot_altitudes", "plot_timeseries", "plot_eclipse_season",
           "eclipse_season_by_altitude", "plot_ground_track", "plot_launch_sweep"]

#: Keyword arguments for every text that may hold a name from a catalog: drawn literally.
LITERAL = {"usetex": False, "parse_math": False}

#: Resolution of written PNGs [dots per inch].
DPI = 120

#: Ground tracks draw at most this many points (longer runs are thinned in time).
MAX_TRACK_POINTS = 200_000

#: Colours (colour-blind safe "tab" palette entries).
C_ARRAY, C_LOAD, C_CURT, C_BATT, C_TEMP, C_THRU = ("tab:orange", "tab:blue", "tab:gray",
                                                    "tab:green", "tab:red", "tab:purple")
ECLIPSE_SHADE = {"color": "0.55", "alpha": 0.22, "lw": 0}

REQUIRED_COMPARE = ("altitude_km", "sunlit_fraction", "worst_eclipse_min",
                    "sustained_gb300_per_sat")
REQUIRED_TIMESERIES = ("sunlit_fraction", "array_power_w", "load_power_w", "battery_wh",
                       "gpu_temp_c", "throughput_gb300")
REQUIRED_TRACK = ("lat_deg", "lon_deg")


# ----- shared helpers -------------------------------------------------------------------------
def _check_path(path):
    """Validate an output path before any work; None passes through."""
    if path is None:
        return None
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path (str or os.PathLike), got "
                        f"{type(path).__name__}")
    p = Path(path)
    if p.suffix.lower() != ".png":
        raise ValueError(f"path={str(p)!r}: plots are written as PNG; give a name ending "
                         "in '.png'")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise ValueError(f"cannot write {str(p)!r}: directory {str(parent)!r} does not exist")
    if p.is_dir():
        raise ValueError(f"cannot write {str(p)!r}: it is a directory")
    return p


def _save(fig, path):
    """Write ``fig`` as PNG to ``path`` atomically (:func:`twin.io.atomic.atomic_path`: a
    temporary file in the same directory, then ``os.replace``); an existing file is replaced."""
    if path is None:
        return
    p = _check_path(path)
    with atomic_path(p, overwrite=True) as tmp, open(tmp, "wb") as fh:
        fig.savefig(fh, format="png", dpi=DPI)


def _dataset(obj, func):
    """(dataset, SimulationResult or None) from a SimulationResult or an xarray.Dataset."""
    if isinstance(obj, SimulationResult):
        return obj.dataset, obj
    if isinstance(obj, xr.Dataset):
        return obj, None
    raise TypeError(f"{func}: expected a twin.SimulationResult or an xarray.Dataset, got "
                    f"{type(obj).__name__}")


def _require(have, names, what):
    missing = [n for n in names if n not in have]
    if missing:
        raise ValueError(f"{what} lacks required variable(s)/column(s): {', '.join(missing)}")


def _names(ds):
    return [str(s) for s in ds["sat"].values]


def _sat_index(ds, sat, func):
    """Position of ``sat`` (a name or an index) along the ``sat`` dimension."""
    names = _names(ds)
    if isinstance(sat, (str, np.str_)):
        try:
            return names.index(str(sat))
        except ValueError:
            shown = ", ".join(repr(n) for n in names[:5])
            more = f", ... ({len(names)} satellites)" if len(names) > 5 else ""
            raise ValueError(f"{func}: unknown satellite {str(sat)!r}; valid names include "
                             f"{shown}{more}") from None
    if isinstance(sat, (bool, np.bool_)) or not isinstance(sat, numbers.Integral):
        raise TypeError(f"{func}: sat must be a satellite name (str) or index (int), got "
                        f"{type(sat).__name__}")
    i = int(sat)
    if not -len(names) <= i < len(names):
        raise ValueError(f"{func}: satellite index {i} is out of range; allowed "
                         f"{-len(names)} to {len(names) - 1}")
    return i % len(names)


def _design_of(result, i):
    """The SatelliteDesign flown by satellite ``i`` of a SimulationResult (or None)."""
    if result is None:
        return None
    try:
        return result.designs[int(result.constellation.shell_index()[i])]
    except (AttributeError, IndexError, TypeError):
        return None


def _runs(mask):
    """(start, stop) index pairs of the runs of True in a 1-D boolean array."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    d = np.flatnonzero(np.diff(m.astype(np.int8)))
    return list(zip(d[0::2], d[1::2]))


def _step_s(ds):
    if "step_s" in ds.attrs:
        return float(ds.attrs["step_s"])
    t = ds["time"].values
    return float((t[1] - t[0]) / np.timedelta64(1, "s")) if len(t) > 1 else 60.0


def _fmt_time(t):
    return pd.Timestamp(t).strftime("%Y-%m-%d %H:%M")


def _numeric_column(df, col):
    try:
        return pd.to_numeric(df[col], errors="raise").to_numpy(float)
    except (TypeError, ValueError):
        raise TypeError(f"column {col!r} must be numeric, got dtype {df[col].dtype}") from None


# ----- 1. altitude comparison -------------------------------------------------------------------
def plot_altitudes(df, path=None) -> Figure:
    """Altitude trade-off from :func:`twin.compare_altitudes` (one row per altitude).

    Stacked panels against altitude [km]: mean sunlit fraction, worst single eclipse [min],
    sustained GB300-equivalents per satellite and, when the columns are present, the battery
    [kWh] and radiator area [m^2] needed for the full load (twin axes).  Radiator areas that
    are infinite (the environment alone exceeds what the radiator can emit) are listed in the
    legend instead of drawn.
    """
    p = _check_path(path)
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"plot_altitudes: df must be a pandas DataFrame (from "
                        f"twin.compare_altitudes), got {type(df).__name__}")
    _require(df.columns, REQUIRED_COMPARE, "plot_altitudes: the DataFrame")
    if len(df) == 0:
        raise ValueError("plot_altitudes: the DataFrame has no rows")
    d = df.sort_values("altitude_km", kind="stable")
    alt = _numeric_column(d, "altitude_km")
    sizing = all(c in d.columns for c in ("battery_needed_wh", "radiator_needed_m2"))
    life = all(c in d.columns for c in LIFETIME_PANEL_COLUMNS)
    n = (4 if sizing else 3) + (3 if life else 0)
    fig = Figure(figsize=(8, 2.4 * n + 0.8), layout="constrained")
    axes = fig.subplots(n, 1, sharex=True)
    line = {"marker": "o", "lw": 1.8, "ms": 5}

    ax = axes[0]
    ax.plot(alt, _numeric_column(d, "sunlit_fraction"), color=C_ARRAY, **line)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("sunlit fraction [–]")
    ax.set_title("mean fraction of the time in sunlight", fontsize="medium")

    ax = axes[1]
    ax.plot(alt, _numeric_column(d, "worst_eclipse_min"), color="0.25", **line)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("worst eclipse [min]")
    ax.set_title("longest single eclipse (shadow-equivalent)", fontsize="medium")

    ax = axes[2]
    ax.plot(alt, _numeric_column(d, "sustained_gb300_per_sat"), color=C_THRU, **line)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("sustained [GB300-eq / sat]")
    ax.set_title("sustained compute per satellite (complete orbits)", fontsize="medium")

    if sizing:
        ax = axes[3]
        batt = _numeric_column(d, "battery_needed_wh") / 1000.0
        rad = _numeric_column(d, "radiator_needed_m2")
        h1, = ax.plot(alt, batt, color=C_BATT, label="battery needed [kWh]", **line)
        ax.set_ylabel("battery needed [kWh]", color=C_BATT)
        ax.tick_params(axis="y", colors=C_BATT)
        ax.set_ylim(bottom=0)
        ax2 = ax.twinx()
        ok = np.isfinite(rad)
        label = "radiator needed [m²]"
        if not ok.all():
            label += " (no finite area at " + ", ".join(f"{a:g}" for a in alt[~ok]) + " km)"
        h2, = ax2.plot(alt[ok], rad[ok], color=C_LOAD, ls="--", label=label, **line)
        ax2.set_ylabel("radiator needed [m²]", color=C_LOAD)
        ax2.tick_params(axis="y", colors=C_LOAD)
        ax2.set_ylim(bottom=0, top=max(1.0, float(np.nanmax(rad[ok])) * 1.15) if ok.any()
                     else 1.0)
        ax.set_title("sizing for the full design load through the worst eclipse",
                     fontsize="medium")
        ax.legend(handles=[h1, h2], loc="lower left", fontsize="small", framealpha=0.9)
    if life:
        _lifetime_panels(axes[n - 3:], alt, d, line)

    for ax in axes:
        ax.grid(True, alpha=0.3)
    axes[-1].set_xlabel("altitude [km]")
    if len(alt) > 1:
        pad = 0.04 * (alt.max() - alt.min())
        axes[-1].set_xlim(alt.min() - pad, alt.max() + pad)
    title = "Altitude comparison"
    if "inclination_deg" in d.columns:
        inc = _numeric_column(d, "inclination_deg")
        title += (f" (i = {inc[0]:.1f}°)" if np.ptp(inc) < 0.05 else
                  f" (i = {inc.min():.1f}°–{inc.max():.1f}°)")
    fig.suptitle(title, **LITERAL)
    _save(fig, p)
    return fig


#: Columns of ``compare_altitudes(..., lifetime=True)`` that add the three lifetime panels.
LIFETIME_PANEL_COLUMNS = ("dose_krad_per_year", "array_factor_eol", "gpus_alive_eol",
                          "delta_v_m_s_per_year", "propellant_kg_per_year",
                          "years_to_reentry_unpowered", "lifetime_gb300_years")


def _lifetime_panels(axes, alt, d, line):
    """Drag and dose; array and GPUs at end of life; lifetime GB300-eq-years."""
    ax = axes[0]
    h1, = ax.semilogy(alt, np.maximum(_numeric_column(d, "dose_krad_per_year"), 1e-6),
                      color=C_LOAD, label="dose [krad(Si)/yr]", **line)
    ax.set_ylabel("dose [krad(Si)/yr]", color=C_LOAD)
    ax2 = ax.twinx()
    dv = _numeric_column(d, "delta_v_m_s_per_year")
    h2, = ax2.semilogy(alt, np.maximum(dv, 1e-6), color="0.25", ls="--",
                       label="station keeping [m/s/yr]", **line)
    ax2.set_ylabel("delta-v [m/s/yr]")
    ax.set_title("the two walls: drag below, trapped radiation above", fontsize="medium")
    ax.legend(handles=[h1, h2], loc="upper center", fontsize="small", framealpha=0.9)
    ax = axes[1]
    h1, = ax.plot(alt, _numeric_column(d, "array_factor_eol"), color=C_ARRAY,
                  label="array power factor", **line)
    ax.set_ylabel("array factor at EOL [–]", color=C_ARRAY)
    ax2 = ax.twinx()
    h2, = ax2.plot(alt, _numeric_column(d, "gpus_alive_eol"), color=C_THRU, ls="--",
                   label="GPUs alive", **line)
    ax2.set_ylabel("GPUs alive at EOL", color=C_THRU)
    ax.set_title("end of life", fontsize="medium")
    ax.legend(handles=[h1, h2], loc="lower left", fontsize="small", framealpha=0.9)
    ax = axes[2]
    ax.plot(alt, _numeric_column(d, "lifetime_gb300_years"), color=C_THRU, **line)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("lifetime [GB300-eq yr / sat]")
    ax.set_title("compute delivered over the life", fontsize="medium")


# ----- 2. one satellite's time series -----------------------------------------------------------
def plot_timeseries(result_or_dataset, sat=None, orbits=3, path=None) -> Figure:
    """One satellite over a few orbits (default 3, from the start of the run).

    ``sat`` is a name or an index along ``sat`` (default the first satellite); ``orbits`` a
    positive number of orbital periods (the period from the ``mean_motion_rev_per_day``
    coordinate; the whole run without it or with ``orbits=None``).  Panels: sunlit fraction;
    array, load and curtailed power [kW]; battery energy [kWh] (with capacity and
    depth-of-discharge floor when the design is known); GPU temperature [°C] (with the limit
    when known); throughput [GB300-eq] with the steps the satellite was dark.  Eclipse steps
    (sunlit fraction < 1) are shaded grey.  Powers and throughput are step averages, drawn as
    steps; battery and temperature are end-of-step values, drawn at the end of their step.
    """
    p = _check_path(path)
    ds, result = _dataset(result_or_dataset, "plot_timeseries")
    _require(ds.data_vars, REQUIRED_TIMESERIES, "plot_timeseries: the dataset")
    if ds.sizes.get("time", 0) == 0 or ds.sizes.get("sat", 0) == 0:
        raise ValueError("plot_timeseries: the dataset has no satellites or no time steps")
    i = 0 if sat is None else _sat_index(ds, sat, "plot_timeseries")
    if orbits is not None:
        if isinstance(orbits, (bool, np.bool_)) or not isinstance(orbits, numbers.Real):
            raise TypeError(f"plot_timeseries: orbits must be a number, got "
                            f"{type(orbits).__name__}")
        if not (math.isfinite(orbits) and orbits > 0):
            raise ValueError(f"plot_timeseries: orbits={orbits!r} is out of range; allowed > 0 "
                             "(or None for the whole run)")
    s = ds.isel(sat=i)
    name = str(s["sat"].values)
    step_s = _step_s(ds)
    nt = s.sizes["time"]
    period_min = None
    if "mean_motion_rev_per_day" in s.coords:
        mm = float(s["mean_motion_rev_per_day"].values)
        if np.isfinite(mm) and mm > 0:
            period_min = 1440.0 / mm
    n = nt
    if orbits is not None and period_min is not None:
        n = int(min(nt, max(2, math.ceil(orbits * period_min * 60.0 / step_s))))
    s = s.isel(time=slice(0, n))
    t = s["time"].values
    dt = np.timedelta64(int(round(step_s * 1e9)), "ns")
    edges = np.append(t, t[-1] + dt)               # step k covers [t_k, t_k + step)
    ends = t + dt

    def v(k):
        return np.asarray(s[k].values, float)

    def stairs(ax, y, **kw):
        return ax.step(edges, np.append(y, y[-1]), where="post", **kw)

    sf = v("sunlit_fraction")
    shadow = _runs(sf < 1.0 - 1e-9)
    design = _design_of(result, i)
    fig = Figure(figsize=(11, 12), layout="constrained")
    axes = fig.subplots(5, 1, sharex=True)
    for ax in axes:
        for a, b in shadow:
            ax.axvspan(edges[a], edges[b], **ECLIPSE_SHADE)
        ax.grid(True, alpha=0.3)
    eclipse_patch = [Patch(facecolor=ECLIPSE_SHADE["color"], alpha=ECLIPSE_SHADE["alpha"],
                           label="eclipse (sunlit < 1)")] if shadow else []
    legend = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "fontsize": "small",
              "borderaxespad": 0.0}

    ax = axes[0]
    h, = stairs(ax, sf, color=C_ARRAY, label="sunlit fraction")
    ax.set_ylim(-0.05, 1.05)
    ax.set_ylabel("sunlit fraction [–]")
    ax.legend(handles=[h] + eclipse_patch, **legend)

    ax = axes[1]
    stairs(ax, v("array_power_w") / 1e3, color=C_ARRAY, label="array (available)")
    stairs(ax, v("load_power_w") / 1e3, color=C_LOAD, label="load")
    if "curtailed_power_w" in s:
        stairs(ax, v("curtailed_power_w") / 1e3, color=C_CURT, ls="--", label="curtailed")
    ax.set_ylim(bottom=0)
    ax.set_ylabel("power [kW]")
    ax.legend(**legend)

    ax = axes[2]
    ax.plot(ends, v("battery_wh") / 1e3, color=C_BATT, label="stored energy")
    if design is not None:
        cap = design.battery.capacity_wh / 1e3
        ax.axhline(cap, color=C_BATT, ls=":", lw=1, label=f"capacity {cap:g} kWh")
        floor = cap * (1.0 - design.battery.max_depth_of_discharge)
        ax.axhline(floor, color="k", ls="--", lw=1,
                   label=f"depth-of-discharge floor {floor:g} kWh")
    ax.set_ylim(bottom=0)
    ax.set_ylabel("battery [kWh]")
    ax.legend(**legend)

    ax = axes[3]
    ax.plot(ends, v("gpu_temp_c"), color=C_TEMP, label="GPU")
    limit = None
    if design is not None:
        limit = float(design.compute.max_gpu_temp_c)
    elif "max_gpu_temp_c" in s["gpu_temp_c"].attrs:
        limit = float(s["gpu_temp_c"].attrs["max_gpu_temp_c"])
    elif "max_gpu_temp_c" in ds.attrs:
        limit = float(ds.attrs["max_gpu_temp_c"])
    if limit is not None:
        ax.axhline(limit, color="k", ls="--", lw=1, label=f"limit {limit:g} °C")
    if "radiator_temp_k" in s:
        ax.plot(ends, v("radiator_temp_k") - 273.15, color=C_TEMP, ls=":", lw=1,
                label="radiator")
    ax.set_ylabel("temperature [°C]")
    ax.legend(**legend)

    ax = axes[4]
    thr = v("throughput_gb300")
    handles = stairs(ax, thr, color=C_THRU, label="throughput")
    if design is not None:
        g = design.compute.gpus
        ax.axhline(g, color=C_THRU, ls=":", lw=1)
        ax.set_ylim(0, g * 1.08)
    else:
        ax.set_ylim(0, max(1.0, float(thr.max()) * 1.08))
    if "dark" in s:
        dark = _runs(np.asarray(s["dark"].values).astype(bool))
        for a, b in dark:
            ax.axvspan(edges[a], edges[b], ymin=0, ymax=0.06, color="k", lw=0)
        if dark:
            handles = handles + [Patch(facecolor="k", label="dark (bus unpowered)")]
    ax.set_ylabel("throughput [GB300-eq]")
    ax.legend(handles=handles + eclipse_patch, **legend)

    loc = mdates.AutoDateLocator()
    axes[-1].xaxis.set_major_locator(loc)
    axes[-1].xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
    axes[-1].set_xlim(edges[0], edges[-1])
    axes[-1].set_xlabel("time [UTC]")

    info = []
    if "altitude_km" in s.coords:
        info.append(f"{float(s['altitude_km'].values):g} km")
    if "inclination_deg" in s.coords:
        info.append(f"i = {float(s['inclination_deg'].values):.1f}°")
    if period_min is not None:
        info.append(f"period {period_min:.1f} min")
    span = (f"{orbits:g} orbit(s)" if orbits is not None and period_min is not None
            and n < nt else "whole run")
    info.append(f"{span} from {_fmt_time(t[0])} UTC, step {step_s:g} s")
    fig.suptitle(f"Satellite: {name}", **LITERAL)
    axes[0].set_title(", ".join(info), fontsize="medium", **LITERAL)
    _save(fig, p)
    return fig


# ----- 3. eclipse seasons -----------------------------------------------------------------------
def _day_axis(index):
    """(x values, x label, year or None) for a daily index."""
    if isinstance(index, pd.DatetimeIndex):
        if index.year.nunique() == 1:
            return index.day_of_year.to_numpy(int), "day of year", int(index.year[0])
        x = ((index - index.min()) // pd.Timedelta(days=1)).to_numpy(int) + 1
        return x, f"day since {index.min():%Y-%m-%d}", None
    try:
        x = np.asarray(index, float)
    except (TypeError, ValueError):
        raise TypeError(f"daily index must be dates or day numbers, got {index.dtype}") from None
    return np.rint(x).astype(int) + 1, "day of year", None    # 0-based day numbers


def _month_axis(ax, year):
    """Month names on a secondary top axis (day-of-year x)."""
    starts = pd.date_range(f"{year}-01-01", periods=12, freq="MS")
    top = ax.secondary_xaxis("top")
    top.set_xticks(starts.day_of_year.to_numpy(), labels=[f"{m:%b}" for m in starts])
    top.tick_params(labelsize="small", length=3)


def plot_eclipse_season(seasons, path=None) -> Figure:
    """Eclipse seasons over a year from ``{altitude_km: daily}`` (see
    :func:`twin.studies.seasons.eclipse_season_by_altitude`; ``daily`` as returned by
    :func:`twin.seasons.eclipse_season`, indexed by day with ``eclipse_min`` and optionally
    ``worst_eclipse_min``).

    Several altitudes: a heat map of shadow minutes per day (x: day of year, y: altitude), and
    a second one of the longest single eclipse when every frame has ``worst_eclipse_min``; days
    without any eclipse are light grey, missing days white.  One altitude: the same as lines.
    """
    p = _check_path(path)
    if not isinstance(seasons, Mapping):
        raise TypeError(f"plot_eclipse_season: seasons must be a dict {{altitude_km: daily "
                        f"DataFrame}}, got {type(seasons).__name__}")
    if not seasons:
        raise ValueError("plot_eclipse_season: seasons is empty; give at least one altitude")
    items = []
    for alt, daily in seasons.items():
        if isinstance(alt, (bool, np.bool_)) or not isinstance(alt, numbers.Real):
            raise TypeError(f"plot_eclipse_season: keys must be altitudes in km (numbers), got "
                            f"{alt!r}")
        if not isinstance(daily, pd.DataFrame):
            raise TypeError(f"plot_eclipse_season: seasons[{alt!r}] must be a pandas DataFrame, "
                            f"got {type(daily).__name__}")
        _require(daily.columns, ("eclipse_min",), f"plot_eclipse_season: seasons[{alt!r}]")
        if len(daily) == 0:
            raise ValueError(f"plot_eclipse_season: seasons[{alt!r}] has no rows")
        items.append((float(alt), daily))
    items.sort(key=lambda kv: kv[0])
    worst = all("worst_eclipse_min" in d.columns for _, d in items)
    days, xlabel, year = _day_axis(items[0][1].index)
    per = []
    for alt, d in items:
        x, lab, yr = _day_axis(d.index)
        if lab != xlabel or yr != year:
            xlabel, year = "day of year", None
        per.append((alt, x, d))
    stats = [d.attrs.get("stats") for _, d in items if isinstance(d.attrs.get("stats"), dict)]
    title = "Eclipse season"
    if year is not None:
        title += f" {year}"
    elif stats and "year" in stats[0]:
        title += f" {stats[0]['year']}"
    if stats and stats[0].get("ltan") is not None:
        title += f", sun-synchronous, LTAN {stats[0]['ltan']}"
    columns = [("eclipse_min", "shadow per day [min]")]
    if worst:
        columns.append(("worst_eclipse_min", "longest single eclipse [min]"))

    if len(items) == 1:
        alt, x, d = per[0]
        fig = Figure(figsize=(10, 2.8 * len(columns) + 0.8), layout="constrained")
        axes = np.atleast_1d(fig.subplots(len(columns), 1, sharex=True))
        colours = ("tab:blue", "tab:red")
        for ax, (col, label), c in zip(axes, columns, colours):
            y = _numeric_column(d, col)
            ax.plot(x, y, color=c, lw=1.5)
            ax.fill_between(x, 0, y, color=c, alpha=0.15, lw=0)
            ax.set_ylabel(label)
            ax.set_ylim(bottom=0, top=max(1.0, float(np.nanmax(y)) * 1.1))
            ax.grid(True, alpha=0.3)
        axes[-1].set_xlabel(xlabel)
        axes[-1].set_xlim(x.min() - 0.5, x.max() + 0.5)
        if year is not None:
            _month_axis(axes[0], year)
        fig.suptitle(f"{title}: {alt:g} km", **LITERAL)
        _save(fig, p)
        return fig

    lo = min(x.min() for _, x, _ in per)
    hi = max(x.max() for _, x, _ in per)
    cols = np.arange(lo, hi + 1)
    alts = np.array([a for a, _, _ in per])
    categorical = len(alts) <= 24
    fig = Figure(figsize=(11, (1.2 + 0.32 * min(len(alts), 24)) * len(columns) + 1.0),
                 layout="constrained")
    axes = np.atleast_1d(fig.subplots(len(columns), 1, sharex=True))
    x_edges = np.append(cols - 0.5, cols[-1] + 0.5)
    if categorical:
        y_edges = np.arange(len(alts) + 1) - 0.5
    else:
        mids = (alts[1:] + alts[:-1]) / 2
        y_edges = np.concatenate([[alts[0] - (mids[0] - alts[0])], mids,
                                  [alts[-1] + (alts[-1] - mids[-1])]])
    cmap = mpl.colormaps["viridis"].with_extremes(under="0.88", bad="white")
    for ax, (col, label) in zip(axes, columns):
        grid = np.full((len(alts), len(cols)), np.nan)
        for r, (_, x, d) in enumerate(per):
            y = _numeric_column(d, col)
            grid[r, x - lo] = y
        vmax = float(np.nanmax(grid)) if np.isfinite(grid).any() else 1.0
        mesh = ax.pcolormesh(x_edges, y_edges, grid, cmap=cmap, vmin=1e-6,
                             vmax=max(vmax, 1e-3), shading="flat")
        cb = fig.colorbar(mesh, ax=ax, extend="min", pad=0.01)
        cb.set_label(label + "\n(grey: no eclipse)", fontsize="small")
        if categorical:
            ax.set_yticks(np.arange(len(alts)), labels=[f"{a:g}" for a in alts])
        ax.set_ylabel("altitude [km]")
        ax.set_title(label, fontsize="medium")
    axes[-1].set_xlabel(xlabel)
    if year is not None:
        _month_axis(axes[0], year)
    fig.suptitle(title, **LITERAL)
    _save(fig, p)
    return fig


# ----- 4. ground tracks -------------------------------------------------------------------------
def _track_indices(ds, sats, max_sats):
    n = ds.sizes["sat"]
    if sats is None:
        if n <= max_sats:
            return np.arange(n)
        return np.unique(np.linspace(0, n - 1, max_sats).round().astype(int))
    if isinstance(sats, (str, np.str_, numbers.Integral)) and not isinstance(sats, bool):
        sats = [sats]
    if not isinstance(sats, (list, tuple, np.ndarray, pd.Index)):
        raise TypeError(f"plot_ground_track: sats must be a name, an index or a list of them, "
                        f"got {type(sats).__name__}")
    idx = [_sat_index(ds, s, "plot_ground_track") for s in sats]
    if not idx:
        raise ValueError("plot_ground_track: sats is empty; give at least one satellite")
    idx = list(dict.fromkeys(idx))
    if len(idx) > max_sats:
        raise ValueError(f"plot_ground_track: {len(idx)} satellites requested, more than "
                         f"max_sats={max_sats}; raise max_sats or choose fewer")
    return np.array(idx)


def plot_ground_track(result_or_dataset, path=None, sats=None, max_sats=50) -> Figure:
    """Ground tracks (latitude/longitude) coloured by throughput [GB300-eq], or by sunlit
    fraction when the dataset has none (e.g. from :func:`twin.geometry`).

    ``sats``: names or indices (default: all, or ``max_sats`` spread evenly over the
    constellation).  Points are a scatter (one per step, thinned in time above
    :data:`MAX_TRACK_POINTS`) over faint track lines that are broken at the dateline
    (|Δlon| > 180°), so nothing wraps across the map.  Steps without a valid orbit state are
    left out.  A plain longitude/latitude grid, no coastlines.
    """
    p = _check_path(path)
    ds, result = _dataset(result_or_dataset, "plot_ground_track")
    if isinstance(max_sats, (bool, np.bool_)) or not isinstance(max_sats, numbers.Integral):
        raise TypeError(f"plot_ground_track: max_sats must be an int, got "
                        f"{type(max_sats).__name__}")
    if max_sats < 1:
        raise ValueError(f"plot_ground_track: max_sats={max_sats} is out of range; allowed >= 1")
    _require(ds.data_vars, REQUIRED_TRACK, "plot_ground_track: the dataset")
    if "throughput_gb300" in ds:
        var, clabel, cmap_name = "throughput_gb300", "throughput [GB300-eq]", "viridis"
    elif "sunlit_fraction" in ds:
        var, clabel, cmap_name = "sunlit_fraction", "sunlit fraction [–]", "cividis"
    else:
        raise ValueError("plot_ground_track: the dataset lacks required variable(s): "
                         "throughput_gb300 or sunlit_fraction (to colour the tracks)")
    if ds.sizes.get("time", 0) == 0 or ds.sizes.get("sat", 0) == 0:
        raise ValueError("plot_ground_track: the dataset has no satellites or no time steps")
    idx = _track_indices(ds, sats, int(max_sats))
    nt = ds.sizes["time"]
    stride = max(1, math.ceil(len(idx) * nt / MAX_TRACK_POINTS))
    sub = ds.isel(sat=idx, time=slice(None, None, stride))
    lat = np.asarray(sub["lat_deg"].transpose("sat", "time").values, float)
    lon = np.asarray(sub["lon_deg"].transpose("sat", "time").values, float)
    val = np.asarray(sub[var].transpose("sat", "time").values, float)
    ok = np.isfinite(lat) & np.isfinite(lon) & np.isfinite(val)
    if "valid" in sub:
        ok &= np.asarray(sub["valid"].transpose("sat", "time").values).astype(bool)
    lon = (lon + 180.0) % 360.0 - 180.0

    if var == "throughput_gb300":
        vmax = float(val[ok].max()) if ok.any() else 1.0
        if result is not None:
            gpus = [d.compute.gpus for d in (_design_of(result, int(i)) for i in idx)
                    if d is not None]
            vmax = max([vmax] + gpus)
        vmin, vmax = 0.0, max(vmax, 1e-9)
    else:
        vmin, vmax = 0.0, 1.0

    fig = Figure(figsize=(12, 6.6), layout="constrained")
    ax = fig.subplots()
    ax.set_facecolor("#f4f6f9")
    for r in range(len(idx)):
        lo_, la_ = np.where(ok[r], lon[r], np.nan), np.where(ok[r], lat[r], np.nan)
        brk = np.flatnonzero(np.abs(np.diff(lo_)) > 180.0) + 1
        ax.plot(np.insert(lo_, brk, np.nan), np.insert(la_, brk, np.nan), color="0.6",
                lw=0.5, alpha=0.6, zorder=1)
    npts = int(ok.sum())
    size = 10 if npts < 5_000 else 5 if npts < 50_000 else 2
    sc = ax.scatter(lon[ok], lat[ok], c=val[ok], s=size, cmap=cmap_name, vmin=vmin, vmax=vmax,
                    linewidths=0, zorder=2)
    cb = fig.colorbar(sc, ax=ax, pad=0.01, shrink=0.85)
    cb.set_label(clabel)
    ax.set_xlim(-180, 180)
    ax.set_ylim(-90, 90)
    ax.set_aspect("equal")
    ax.set_xticks(np.arange(-180, 181, 30))
    ax.set_yticks(np.arange(-90, 91, 30))
    ax.grid(True, color="0.75", lw=0.6)
    ax.axhline(0, color="0.5", lw=0.8)
    ax.set_xlabel("longitude [°E]")
    ax.set_ylabel("latitude [°N]")
    t = ds["time"].values
    n = ds.sizes["sat"]
    who = (f"Ground track: {_names(ds)[int(idx[0])]}" if len(idx) == 1 else
           f"Ground tracks: {len(idx)} of {n} satellites" if len(idx) < n else
           f"Ground tracks: {n} satellites")
    when = f"{_fmt_time(t[0])} – {_fmt_time(t[-1])} UTC"
    if stride > 1:
        when += f", every {stride}th step"
    ax.set_title(f"{who}\n{when}; colour: {clabel}", **LITERAL)
    _save(fig, p)
    return fig


# ----- 5. cost against launch price -------------------------------------------------------------
def plot_launch_sweep(sweep, path=None) -> Figure:
    """Cost per GB300-eq-year against launch price, orbit vs ground (log x), from
    ``twin.decide(...).launch_sweep()`` (columns ``launch_usd_per_kg``,
    ``orbit_usd_per_gb300_year`` and ``ground_usd_per_gb300_year``)."""
    p = _check_path(path)
    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(sweep["launch_usd_per_kg"], sweep["orbit_usd_per_gb300_year"] / 1000, "o-",
            label="orbit")
    ax.plot(sweep["launch_usd_per_kg"], sweep["ground_usd_per_gb300_year"] / 1000, "--",
            label="ground")
    ax.set_xscale("log")
    ax.set_xlabel("launch price [$/kg]")
    ax.set_ylabel("cost per GB300-equivalent-year [k$]")
    ax.set_title("Compute cost: orbit vs ground")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    _save(fig, p)
    return fig
