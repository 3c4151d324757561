"""Plots of a decision (:func:`twin.decide`): the tornado of the orbit / ground cost ratio and
the break-even contour of two assumptions.  They draw; :mod:`twin.studies.decide` computes.
"""
from __future__ import annotations

import numpy as np
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure

from twin.io.plots import _check_path, _save

#: Tornado bars drawn at most (the rest have smaller swings).
TORNADO_ROWS = 12


def _tornado_axes(ax, decision):
    t = decision.tornado.head(TORNADO_ROWS).iloc[::-1]
    y = np.arange(len(t))
    base = decision.ratio
    for yi, r in zip(y, t.itertuples()):
        for val, end, colour in ((r.ratio_low, r.low, "tab:blue"),
                                 (r.ratio_high, r.high, "tab:orange")):
            ax.barh(yi, val - base, left=base, color=colour, alpha=0.85)
            ax.text(val, yi, f" {end:g} ", va="center", fontsize=7,
                    ha="left" if val >= base else "right")
    ax.axvline(base, color="k", lw=1)
    ax.axvline(1.0, color="tab:green", ls="--", lw=1.2, label="break-even (ratio 1)")
    ax.set_yticks(y, [f"{r.assumption} [{r.unit}]" for r in t.itertuples()], fontsize=8)
    ax.set_xlabel("orbit / ground cost per delivered GB300-eq-year")
    ax.set_title(f"Tornado: base ratio {base:.2f} (blue: low end, orange: high end)")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(True, axis="x", alpha=0.3)


def _breakeven_axes(ax, decision, x, y, n):
    grid = decision.ratio_grid(x, y, n)
    xs, ys = grid[x].values, grid[y].values
    r = grid.values.T
    lr = np.log10(r)
    norm = TwoSlopeNorm(0.0, min(lr.min(), -1e-3), max(lr.max(), 1e-3))
    cs = ax.contourf(xs, ys, lr, levels=21, cmap="RdBu_r", norm=norm)
    ax.figure.colorbar(cs, ax=ax, label="log10(orbit / ground)")
    if lr.min() < 0 < lr.max():
        ax.contour(xs, ys, lr, levels=[0.0], colors="k", linewidths=2)
    curve = decision.breakeven(x, y, n=n)
    ok = curve["exists"] & curve[y].between(ys[0], ys[-1])
    ax.plot(curve.loc[ok, x], curve.loc[ok, y], "k--", lw=1, label="break-even curve")
    a = decision.model.assumptions
    ax.plot(a[x].base, a[y].base, "k*", ms=12, label="base")
    ax.set_xlabel(f"{x} [{a[x].unit}]")
    ax.set_ylabel(f"{y} [{a[y].unit}]")
    found = "" if ok.any() else " (no break-even in this box)"
    ax.set_title(f"Where orbit equals ground{found}")
    ax.legend(loc="best", fontsize=8)


def plot_tornado(decision, path=None) -> Figure:
    """Tornado of a :class:`twin.studies.decide.Decision`: each assumption's low and high end
    as a bar from the base ratio, largest swing on top."""
    p = _check_path(path)
    fig = Figure(figsize=(9, 6), layout="constrained")
    _tornado_axes(fig.add_subplot(), decision)
    _save(fig, p)
    return fig


def plot_breakeven(decision, x, y, n=41, path=None) -> Figure:
    """Contour of the orbit / ground ratio over the ranges of assumptions ``x`` and ``y``
    (log scale, red where orbit is dearer), with the break-even line and the base point."""
    p = _check_path(path)
    fig = Figure(figsize=(7.5, 5.5), layout="constrained")
    _breakeven_axes(fig.add_subplot(), decision, x, y, n)
    _save(fig, p)
    return fig


def plot_decision(decision, vary=None, path=None) -> Figure:
    """The tornado, and beside it the break-even contour of ``vary = (x, y)`` when given."""
    p = _check_path(path)
    if vary is None:
        return plot_tornado(decision, path=p)
    fig = Figure(figsize=(16, 6), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2, width_ratios=[1.1, 1])
    _tornado_axes(ax1, decision)
    _breakeven_axes(ax2, decision, vary[0], vary[1], 41)
    _save(fig, p)
    return fig
