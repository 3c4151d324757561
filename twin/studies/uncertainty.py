"""Uncertain inputs and what they do to an output: :class:`Assumption` (a named range low /
base / high with its source), Sobol indices through SALib (:func:`sobol_indices`) and a Monte
Carlo probability with its confidence interval (:func:`probability_below`).

Both draw the same way: SALib (or numpy's generator) samples the unit cube, and each column is
mapped to its assumption by the inverse distribution function :meth:`Assumption.ppf`
(triangular with its mode at the base value, or uniform).  Sobol indices are defined for that
input distribution; the Ishigami test function, whose indices are known in closed form, runs
through this same path in the tests.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample
from scipy import stats

from ephemeris.validation import check_number, field_choice

#: Distributions an assumption may have over its range.
DISTRIBUTIONS = ("triangular", "uniform")


@dataclass(frozen=True)
class Assumption:
    """One uncertain input: its range, the value it takes in the base case, and why.

    Attributes
    ----------
    name : str
        The field it sets (e.g. ``launch_usd_per_kg``).
    low, base, high : float
        The range and the base value, low <= base <= high, low < high.
    unit : str
        Unit of the values.
    source : str
        Where the range comes from (or "assumption" and why).
    domain : (float, float)
        Values the input may physically take (the break-even search runs over it).
    dist : {"triangular", "uniform"}
        Distribution over [low, high] for Sobol and Monte Carlo; triangular peaks at base.
    """

    name: str
    low: float
    base: float
    high: float
    unit: str = ""
    source: str = "assumption"
    domain: tuple = (-np.inf, np.inf)
    dist: str = "triangular"

    def __post_init__(self):
        field_choice(self, "dist", DISTRIBUTIONS)
        lo, hi = (float(v) for v in self.domain)
        for f in ("low", "base", "high"):
            object.__setattr__(self, f, check_number(f"assumption {self.name!r} {f}",
                                                     getattr(self, f), lo, hi, unit=self.unit))
        if not self.low < self.high or not self.low <= self.base <= self.high:
            raise ValueError(f"assumption {self.name!r}: need low <= base <= high and low < high,"
                             f" got low={self.low!r}, base={self.base!r}, high={self.high!r}")

    def ppf(self, u):
        """Value at the unit-cube coordinate ``u`` in [0, 1] (inverse distribution function)."""
        u = np.asarray(u, float)
        width = self.high - self.low
        if self.dist == "uniform":
            return self.low + u * width
        return stats.triang.ppf(u, (self.base - self.low) / width, loc=self.low, scale=width)

    def with_base(self, base):
        """The same range with another base value (which must lie in it)."""
        return Assumption(self.name, self.low, float(base), self.high, self.unit, self.source,
                          self.domain, self.dist)


def _values(assumptions, unit_cube):
    return {a.name: a.ppf(unit_cube[:, k]) for k, a in enumerate(assumptions)}


def sobol_indices(func, assumptions, n=512, seed=0) -> pd.DataFrame:
    """First-order and total Sobol indices of ``func`` over ``assumptions`` (SALib, Saltelli
    sampling with Sobol' sequences, Jansen estimators; second order off).

    ``func(values)`` takes a dict name -> array of values and returns an array of outputs.
    ``n`` is the base sample (a power of two; ``n * (D + 2)`` evaluations).  Returns a table
    with columns ``assumption``, ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (95 % bootstrap
    half-widths), sorted by ``ST``.

    References: Saltelli et al., *Computer Physics Communications* 181, 259 (2010); Herman &
    Usher, SALib, *JOSS* 2, 97 (2017).
    """
    n = int(n)
    if n < 8 or n & (n - 1):
        raise ValueError(f"n={n!r}: the Sobol base sample must be a power of two >= 8")
    names = [a.name for a in assumptions]
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    u = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    y = np.asarray(func(_values(assumptions, u)), float)
    if not np.all(np.isfinite(y)):
        raise ValueError("sobol_indices: the function returned non-finite values over the "
                         "ranges; narrow the ranges that make it diverge")
    si = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed)
    df = pd.DataFrame({"assumption": names, "S1": si["S1"], "S1_conf": si["S1_conf"],
                       "ST": si["ST"], "ST_conf": si["ST_conf"]})
    return df.sort_values("ST", ascending=False, ignore_index=True)


def probability_below(func, assumptions, threshold=1.0, n=10_000, seed=0, confidence=0.95):
    """Monte Carlo probability that ``func`` < ``threshold`` over ``assumptions``, with a
    Wilson score interval at ``confidence`` (scipy.stats.binomtest).

    Returns (probability, (low, high), outputs).
    """
    n = int(n)
    if n < 10:
        raise ValueError(f"n={n!r}: the Monte Carlo needs at least 10 samples")
    rng = np.random.default_rng(seed)
    y = np.asarray(func(_values(assumptions, rng.random((n, len(assumptions))))), float)
    k = int(np.sum(y < threshold))
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    return k / n, (float(ci.low), float(ci.high)), y
