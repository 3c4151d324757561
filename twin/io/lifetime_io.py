"""Outputs of a lifetime run: the per-year and per-satellite tables, the datasets and a plot,
each written atomically (``twin lifetime SCENARIO.toml --out DIR``)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from twin.io.atomic import atomic_path, atomic_write_text
from twin.io.export import to_netcdf
from twin.io.plots import C_ARRAY, C_LOAD, C_THRU, _check_path, _save

#: Files of ``twin lifetime --out DIR``.
LIFETIME_FILES = {"per_year": "per_year.csv", "per_satellite": "per_satellite.csv",
                  "dataset": "lifetime.nc", "samples": "lifetime_samples.nc",
                  "summary": "lifetime_summary.json", "plot": "lifetime.png"}


def plot_lifetime(result, path=None) -> Figure:
    """Four panels against the year of life: constellation sustained GB300-eq; array power
    factor and GPUs alive (mean per satellite); dose accumulated; altitude and propellant
    left."""
    p = _check_path(path)
    t = result.per_year()
    ds = result.dataset
    year = t["year"].to_numpy(float)
    fig = Figure(figsize=(8, 9.5), layout="constrained")
    axes = fig.subplots(4, 1, sharex=True)
    line = {"marker": "o", "lw": 1.8, "ms": 5}
    axes[0].plot(year, t["sustained_gb300"], color=C_THRU, **line)
    axes[0].set_ylabel("sustained [GB300-eq]")
    axes[0].set_ylim(bottom=0)
    axes[0].set_title("constellation compute, year by year", fontsize="medium")
    ax = axes[1]
    ax.plot(year, t["array_factor"], color=C_ARRAY, **line)
    ax.set_ylabel("array factor [–]", color=C_ARRAY)
    ax2 = ax.twinx()
    ax2.plot(year, t["gpus_alive"], color=C_THRU, ls="--", **line)
    ax2.set_ylabel("GPUs alive / sat", color=C_THRU)
    ax.set_title("radiation damage and GPU attrition (end of each year)", fontsize="medium")
    axes[2].plot(year, t["dose_krad"], color=C_LOAD, **line)
    axes[2].set_ylabel("dose [krad(Si)]")
    axes[2].set_ylim(bottom=0)
    axes[2].set_title("ionising dose behind the payload shield", fontsize="medium")
    ax = axes[3]
    ax.plot(year, t["altitude_km"], color="0.25", **line)
    ax.set_ylabel("altitude [km]")
    ax2 = ax.twinx()
    ax2.plot(year, ds["propellant_left_kg"].mean("sat").values, color=C_ARRAY, ls="--", **line)
    ax2.set_ylabel("propellant left [kg]", color=C_ARRAY)
    ax.set_title("orbit and propellant", fontsize="medium")
    for a in axes:
        a.grid(True, alpha=0.3)
    axes[-1].set_xlabel("year of life")
    axes[-1].set_xticks(year)
    fig.suptitle(f"Lifetime: {result.summary()['lifetime_gb300_years']:,.0f} GB300-eq-years "
                 f"({ds.attrs.get('solar_activity', '')} solar activity)")
    _save(fig, p)
    return fig


def _csv(df, path, overwrite):
    with atomic_path(path, overwrite) as tmp:
        df.to_csv(tmp, index=False, float_format="%.6g")


def write_lifetime(result, out, overwrite=False) -> list:
    """Write every file of :data:`LIFETIME_FILES` into directory ``out``; returns the paths."""
    out = Path(out)
    paths = {k: out / v for k, v in LIFETIME_FILES.items()}
    for p in paths.values():
        if p.exists() and not overwrite:
            raise ValueError(f"{p} exists; pass --force to replace it")
    _csv(result.per_year(), paths["per_year"], overwrite)
    _csv(result.per_satellite(), paths["per_satellite"], overwrite)
    meta = {"twin.lifetime_summary": result.summary()}
    to_netcdf(result.dataset, paths["dataset"], overwrite=overwrite, metadata=meta)
    to_netcdf(result.samples, paths["samples"], overwrite=overwrite, metadata=meta)
    summary = {k: (None if isinstance(v, float) and not np.isfinite(v) else v)
               for k, v in result.summary().items()}
    atomic_write_text(paths["summary"], json.dumps(summary, indent=2) + "\n",
                      overwrite=overwrite)
    plot_lifetime(result, path=paths["plot"])
    return list(paths.values())
