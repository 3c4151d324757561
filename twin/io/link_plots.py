"""Figures of links and contacts: a formation snapshot, link capacity over an orbit, contacts
per station.  Built like :mod:`twin.io.plots` (a ``Figure`` without ``pyplot``; ``path=``
writes a PNG atomically)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from twin.io.plots import LITERAL, _save
from twin.run.links import states

__all__ = ["plot_cluster", "plot_capacity", "plot_contacts", "cluster_rtn_km", "save_figure"]


def save_figure(fig, path):
    """Write ``fig`` as PNG to ``path`` atomically."""
    _save(fig, path)


def cluster_rtn_km(elements, grid, step_index=0):
    """Positions [km] (n, 3) of every satellite relative to satellite 0 in its radial,
    along-track, cross-track frame at one step of ``grid``."""
    r, v, _ = states(elements, grid, step_index, step_index + 1)
    r, v = r[:, 0], v[:, 0]
    rhat = r[0] / np.linalg.norm(r[0])
    w = np.cross(r[0], v[0])
    what = w / np.linalg.norm(w)
    that = np.cross(what, rhat)
    d = r - r[0]
    return np.stack([d @ rhat, d @ that, d @ what], axis=1)


def plot_cluster(rtn_km, pairs=None, title="formation", path=None):
    """Two views (along-track x radial, along-track x cross-track) of a formation [m]."""
    fig = Figure(figsize=(10, 4.5))
    x = np.asarray(rtn_km) * 1e3
    for k, (j, lab) in enumerate(((0, "radial [m]"), (2, "cross-track [m]"))):
        ax = fig.add_subplot(1, 2, k + 1)
        if pairs is not None:
            for a, b in np.asarray(pairs):
                ax.plot(x[[a, b], 1], x[[a, b], j], color="0.8", lw=0.5, zorder=1)
        ax.scatter(x[:, 1], x[:, j], s=12, zorder=2)
        ax.scatter(x[:1, 1], x[:1, j], s=30, color="C3", zorder=3, label="chief")
        ax.set_xlabel("along-track [m]")
        ax.set_ylabel(lab)
        ax.set_aspect("equal", adjustable="datalim")
        ax.grid(alpha=0.3)
    fig.axes[0].legend(loc="upper right")
    fig.suptitle(title, **LITERAL)
    fig.tight_layout()
    _save(fig, path)
    return fig


def plot_capacity(ds, period_s=None, path=None):
    """Link capacity over (at most) one orbit: mean, min and max over the pairs [Gbit/s], and
    the fraction of links with line of sight."""
    times = pd.to_datetime(ds["time"].to_numpy())
    if period_s is not None:
        keep = (times - times[0]).total_seconds() <= period_s
        ds = ds.isel(time=np.flatnonzero(keep))
        times = times[keep]
    cap = ds["capacity_gbps"].to_numpy().astype(float)
    fig = Figure(figsize=(9, 4))
    ax = fig.add_subplot(1, 1, 1)
    ax.fill_between(times, cap.min(axis=0), cap.max(axis=0), alpha=0.25, label="min-max")
    ax.plot(times, cap.mean(axis=0), label="mean")
    ax.set_ylabel("capacity per link, one way [Gbit/s]")
    ax.set_xlabel("UTC")
    ax2 = ax.twinx()
    ax2.plot(times, ds["line_of_sight"].to_numpy().mean(axis=0), color="C2", ls="--",
             label="links in line of sight")
    ax2.set_ylim(0, 1.05)
    ax2.set_ylabel("fraction in line of sight")
    ax.legend(loc="lower left")
    ax.set_title(f"{ds.sizes['pair']} links, topology {ds.attrs.get('topology', '?')}")
    fig.autofmt_xdate()
    fig.tight_layout()
    _save(fig, path)
    return fig


def plot_contacts(passes, path=None):
    """Contact minutes and passes per station (all satellites)."""
    g = passes.groupby("station")["duration_s"].agg(["sum", "count"]).sort_values("sum")
    fig = Figure(figsize=(8, 0.4 * len(g) + 1.5))
    ax = fig.add_subplot(1, 1, 1)
    ax.barh(g.index.astype(str), g["sum"] / 60.0)
    for y, (m, c) in enumerate(zip(g["sum"] / 60.0, g["count"])):
        ax.text(m, y, f" {int(c)} passes", va="center", fontsize=8, **LITERAL)
    ax.set_xlabel("contact time over the run [min]")
    ax.set_yticks(range(len(g)), g.index.astype(str), **LITERAL)
    fig.tight_layout()
    _save(fig, path)
    return fig
