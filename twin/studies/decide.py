"""Decisions under uncertainty: when, and under which assumptions, is compute in orbit cheaper
than on the ground?

:func:`decide` flies one satellite of the design through its life (:func:`twin.lifetime`:
drag and station keeping, dose, array degradation, GPU attrition and upsets, with the degraded
satellite simulated on sampled days), then prices orbit and ground per delivered
GB300-eq-year with the same discounting, GPU price and life on both sides
(:func:`twin.economics.orbit_lifetime_usd_per_gb300_year`,
:func:`twin.economics.ground_lifetime_usd_per_gb300_year`), and asks the questions of
:class:`Decision`: the tornado, Sobol indices, break-even curves, "what must be true" and the
probability that orbit is cheaper.

Every cost and performance input is an :class:`twin.studies.uncertainty.Assumption` with a
range and a source (:data:`ASSUMPTIONS`).  Costs and masses enter the price arithmetic
directly; the GPU-attrition assumptions change the delivered throughput through a surrogate
(:meth:`DecisionModel.output_by_year`): the lifetime run's throughput on each sampled day
scaled by the expected working GPUs under the new failure assumptions, computed with the
lifetime run's own attrition functions at that day's elapsed time and dose.  That is exact
where throughput is proportional to working GPUs (the satellite's power and heat allow all
of them, true of the default design); the tests compare it with direct lifetime runs.  Every
other input is evaluated exactly, without a surrogate.
"""
from __future__ import annotations

import functools
import math
import time
import types
from dataclasses import fields

import numpy as np
import pandas as pd
import xarray as xr
from scipy import optimize

from twin.constellation import Constellation
from twin.design import SatelliteDesign
from twin.ground import GroundDataCenter
from twin.models import attrition
from twin.run.lifetime import LifetimeSettings
from twin.run.lifetime import lifetime as run_lifetime
from twin.studies import economics
from twin.studies.uncertainty import Assumption, probability_below, sobol_indices

_INF = math.inf

#: Every assumption of the decision, its range (low, base, high) and source.  The base
#: values are the defaults of CostModel, MassModel, LifetimeSettings and :data:`GROUND`;
#: passing other objects to :func:`decide` moves the base inside the same range.
ASSUMPTIONS = (
    Assumption("launch_usd_per_kg", 100.0, 2700.0, 6500.0, "$/kg",
               "low: Starship projections (10-200 $/kg; Suncatcher's <= 200 $/kg by the "
               "mid-2030s); base: Falcon 9 list price per kg to LEO; high: SpaceX rideshare "
               "(~6,000-6,500 $/kg, 2024-2025)", (0.0, 1e5)),
    Assumption("array_usd_per_w", 5.0, 20.0, 200.0, "$/W",
               "assumption: low mass-produced silicon/thin-film space arrays, base "
               "Starlink-class production, high space-grade triple-junction panels "
               "(100-300 $/W)", (0.0, 1e4)),
    Assumption("radiator_usd_per_m2", 500.0, 2000.0, 10000.0, "$/m2",
               "assumption: deployable radiator panels, mass-produced to heritage", (0.0, 1e6)),
    Assumption("battery_usd_per_kwh", 300.0, 1000.0, 3000.0, "$/kWh",
               "assumption: 3x to 25x the terrestrial pack price (115 $/kWh, BNEF 2024) for "
               "space qualification", (0.0, 1e6)),
    Assumption("bus_usd_per_kg", 300.0, 1000.0, 5000.0, "$/kg",
               "assumption: mass-produced (Starlink-class) to small-batch LEO buses",
               (0.0, 1e6)),
    Assumption("orbit_ops_usd_per_sat_year", 20_000.0, 100_000.0, 300_000.0, "$/yr",
               "assumption: mega-constellation operations, spectrum and insurance per "
               "satellite (no public per-satellite figure)", (0.0, 1e8)),
    Assumption("gpu_usd", 35_000.0, 50_000.0, 70_000.0, "$",
               "assumption: GB300 with its host share, from NVL72 rack prices of 3.5-4 M$ "
               "(both sides)", (1e3, 1e7)),
    Assumption("lifetime_years", 3.0, 5.0, 7.0, "yr",
               "GPU depreciation lives: 3 (fast obsolescence) to 5-6 (hyperscalers' "
               "accounting lives, 2024-2025); both sides", (1.0, 30.0)),
    Assumption("discount_rate", 0.05, 0.08, 0.12, "1/yr",
               "cost of capital, both sides: 5-9 % WACC of infrastructure and technology "
               "firms (Damodaran, NYU Stern, Jan 2025), 12 % for a space venture's risk",
               (0.0, 1.0)),
    Assumption("facility_usd_per_w", 8.0, 11.0, 15.0, "$/W",
               "ground data-centre construction per W of IT: 10-12 M$/MW hyperscale, to "
               "15 M$/MW for liquid-cooled AI halls (industry cost guides, 2024-2025)",
               (0.0, 1e3)),
    Assumption("electricity_usd_per_kwh", 0.04, 0.08, 0.15, "$/kWh",
               "base: US industrial average 2023 (EIA); low: hyperscale power purchase "
               "agreements; high: European / Californian industrial tariffs", (0.0, 10.0)),
    Assumption("ground_pue", 1.1, 1.3, 1.715, "1",
               "low: Google fleet PUE 1.09-1.10 (2024 Environmental Report); base: new "
               "liquid-cooled AI campus (assumption, below the 1.56 industry average of "
               "the Uptime Institute 2024 survey); high: the claim's +40 % cooling x "
               "+22.5 % power equipment", (1.0, 5.0)),
    Assumption("ground_ops_usd_per_gpu_year", 1500.0, 3000.0, 5000.0, "$/yr",
               "assumption: staff, maintenance, insurance and replacement of failed GPUs "
               "(see CostModel)", (0.0, 1e6)),
    Assumption("array_w_per_kg", 75.0, 150.0, 250.0, "W/kg",
               "ROSA/iROSA wing level 60-120 W/kg to flexible-blanket state of the art "
               "(NASA NTRS 20150006022)", (1.0, 5000.0)),
    Assumption("compute_kg_per_gpu", 12.0, 20.0, 30.0, "kg",
               "assumption: GB300 NVL72 rack ~19 kg per GPU without rack steel (low) or "
               "with more shielding and loop (high)", (0.1, 1000.0)),
    Assumption("structure_fraction", 0.20, 0.25, 0.35, "1",
               "SMAD Table 10-9: structure, avionics and harness 20-30 % of dry mass; 35 % "
               "for large deployables", (0.01, 0.9)),
    Assumption("random_failure_per_gpu_year", 0.02, 0.045, 0.09, "1/(GPU yr)",
               "Meta Llama 3 training: 0.09 interruptions per GPU-year from GPU and HBM "
               "faults (high), half of them hard (base; twin.models.attrition)", (0.0, 5.0)),
    Assumption("tid_d63_krad", 15.0, 30.0, 100.0, "krad(Si)",
               "Suncatcher TPU proton test: no hard failure to 15 krad(Si) (low: 63 % fail "
               "there); base: twin.models.attrition; high: rad-tolerant parts", (1.0, 1e5)),
)

#: The ground data centre priced against orbit by default: PUE 1.3 (see ``ground_pue``).
GROUND = GroundDataCenter(pue=1.3)

#: Lifetime-run resolution: (sampled days a year, fine step) for quick and full decisions
#: (monthly days in both: fewer miss the eclipse season and move the ratio by ~1.5 %).
RESOLUTION = {True: (12, "120 s"), False: (12, "60 s")}
#: Points of the survival-probability table of expected working GPUs.
SURVIVAL_GRID = 4001
#: Sobol base sample and Monte Carlo draws for quick and full decisions.
SAMPLES = {True: (256, 4000), False: (2048, 40000)}


class DecisionModel:
    """Orbit / ground cost ratio as a vectorised function of the assumptions, around one
    lifetime run of the design (see the module docstring for the attrition surrogate)."""

    def __init__(self, design, life, cost, mass, ground, settings, assumptions):
        self.design, self.life, self.ground, self.settings = design, life, ground, settings
        self.cost, self.mass = cost, mass
        self.assumptions = {a.name: a for a in assumptions}
        s = life.samples.isel(sat=0)
        w = s["weight_years"].values
        self._t_mid = np.cumsum(w) - w / 2
        dose = s["dose_krad"].values
        self._dose_mid = dose - np.diff(np.concatenate(([0.0], dose))) / 2
        self._gb300_years = s["gb300_years"].values
        self._year = s["year"].values
        self.run_years = int(self._year.max())
        self._alive_base = self._alive(settings.random_failure_per_gpu_year,
                                       settings.tid_d63_krad)

    @property
    def base(self) -> dict:
        """The base value of every assumption."""
        return {k: a.base for k, a in self.assumptions.items()}

    def _alive(self, rate, d63):
        """Expected working GPUs on every sampled day (cases, samples) [GPUs]: the lifetime
        run's survival probability, then E[min(N, Binomial(N + spares, S))] interpolated on
        a table of S (:data:`SURVIVAL_GRID` points; smooth in S, so the table's error is
        below 1e-5 GPUs) instead of a binomial sum per case."""
        surv = attrition.survival_probability(
            self._t_mid[None, :], self._dose_mid[None, :], np.atleast_1d(rate)[:, None],
            np.atleast_1d(d63)[:, None], self.settings.tid_weibull_shape)
        return np.interp(surv, *self._alive_table)

    @functools.cached_property
    def _alive_table(self):
        c = self.design.compute
        p = np.linspace(0.0, 1.0, SURVIVAL_GRID)
        return p, attrition.expected_working_gpus(c.gpus, c.spare_gpus, p)

    def output_by_year(self, rate, d63):
        """GB300-eq-years one satellite delivers in each year of the run (cases, years)."""
        alive = self._alive(rate, d63)
        base = self._alive_base
        scale = np.divide(alive, base, out=np.zeros_like(alive), where=base > 0)
        q = self._gb300_years * scale
        return np.stack([q[:, self._year == y].sum(axis=1)
                         for y in range(1, self.run_years + 1)], axis=1)

    def _full(self, values):
        """Every assumption as an array of ``n`` cases (base where not given)."""
        n = max((np.size(v) for v in values.values()), default=1)
        unknown = set(values) - set(self.assumptions)
        if unknown:
            raise ValueError(f"unknown assumption(s) {sorted(unknown)}; known: "
                             f"{', '.join(self.assumptions)}")
        out = {}
        for k, a in self.assumptions.items():
            v = np.broadcast_to(np.asarray(values.get(k, a.base), float), (n,))
            lo, hi = a.domain
            bad = ~np.isfinite(v) | (v < lo) | (v > hi)
            if np.any(bad):
                raise ValueError(f"{k}={float(v[bad][0])!r} is out of range; allowed: "
                                 f"[{lo:g}, {hi:g}] "
                                 f"{a.unit}".rstrip())
            out[k] = v
        return out

    def costs(self, values) -> dict:
        """Orbit and ground cost per GB300-eq-year [$] and their ratio, for arrays of
        assumption values (dict name -> array; missing names at base)."""
        v = self._full(values)
        if np.any(v["lifetime_years"] > self.run_years + 1e-9):
            raise ValueError(f"lifetime_years up to {v['lifetime_years'].max():g} needs a "
                             f"lifetime run of that many years (this one: {self.run_years})")
        cost = types.SimpleNamespace(**{f.name: v.get(f.name, getattr(self.cost, f.name))
                                        for f in fields(economics.CostModel)})
        mass = types.SimpleNamespace(**{f.name: v.get(f.name, getattr(self.mass, f.name))
                                        for f in fields(economics.MassModel)})
        q = self.output_by_year(v["random_failure_per_gpu_year"], v["tid_d63_krad"])
        orbit = economics.orbit_lifetime_usd_per_gb300_year(self.design, q, cost, mass)
        ground = economics.ground_lifetime_usd_per_gb300_year(self.ground, cost,
                                                              pue=v["ground_pue"])
        orbit, ground = np.broadcast_arrays(np.asarray(orbit, float), np.asarray(ground, float))
        return {"orbit_usd_per_gb300_year": orbit, "ground_usd_per_gb300_year": ground,
                "ratio": orbit / ground}

    def ratio(self, values):
        """Orbit / ground cost per GB300-eq-year for arrays of assumption values."""
        return self.costs(values)["ratio"]

    def breakeven_value(self, name, fixed=None, bounds=None):
        """The value of assumption ``name`` at which orbit costs what the ground does, all
        others at base (or at ``fixed``); None when there is none in its domain (or within
        ``bounds``).  The root nearest the base value is taken when there are several."""
        a = self.assumptions[name]
        lo, hi = a.domain if bounds is None else bounds
        if name == "lifetime_years":
            hi = min(hi, float(self.run_years))
        grid = _search_grid(lo, hi, a.base)
        fixed = dict(fixed or {})
        f = self.ratio({**fixed, name: grid}) - 1.0
        finite = np.isfinite(f)
        if np.any(f[finite] == 0):
            return float(grid[finite][np.argmin(np.abs(f[finite]))])
        idx = np.nonzero(finite[:-1] & finite[1:] & (np.sign(f[:-1]) != np.sign(f[1:])))[0]
        if len(idx) == 0:
            return None
        k = idx[np.argmin(np.abs(grid[idx] - a.base))]

        def g(x):
            return float(self.ratio({**fixed, name: np.array([x])})[0]) - 1.0
        return float(optimize.brentq(g, grid[k], grid[k + 1], xtol=1e-10 * max(1.0, grid[k + 1]),
                                     rtol=1e-10))


def _search_grid(lo, hi, base, n=160):
    """Points to bracket a break-even over [lo, hi]: logarithmic when the domain spans
    decades above zero, with the ends and the base value included."""
    if lo >= 0 and hi > 100 * max(lo, 1e-12) and hi > 0:
        start = max(lo, hi * 1e-7)
        pts = np.concatenate(([lo], np.geomspace(start, hi, n)))
    else:
        pts = np.linspace(lo, hi, n)
    return np.unique(np.concatenate((pts, [base])))


class Decision:
    """What :func:`decide` returns.

    Attributes
    ----------
    orbit_usd_per_gb300_year, ground_usd_per_gb300_year, ratio : float
        The base case: levelised cost of a delivered GB300-eq-year on each side, and
        orbit / ground.
    tornado : pandas.DataFrame
        ``assumption``, ``low``, ``base``, ``high``, ``ratio_low``, ``ratio_high``, ``swing``
        (and ``unit``), one assumption moved to each end of its range, sorted by swing.
    sobol : pandas.DataFrame
        First-order and total Sobol indices of the ratio (SALib), sorted by total index.
    probability_orbit_cheaper : float
        Monte Carlo share of draws with ratio < 1; ``probability_ci`` its 95 % interval.
    lifetime : twin.LifetimeResult
        The lifetime run everything rests on.
    runtime_s : float
        Wall time of :func:`decide`.
    """

    def __init__(self, model, tornado, sobol, probability, ci, draws, start, quick, runtime_s):
        self.model = model
        base = model.costs({})
        self.orbit_usd_per_gb300_year = float(base["orbit_usd_per_gb300_year"][0])
        self.ground_usd_per_gb300_year = float(base["ground_usd_per_gb300_year"][0])
        self.ratio = float(base["ratio"][0])
        self.tornado, self.sobol = tornado, sobol
        self.probability_orbit_cheaper, self.probability_ci = probability, ci
        self.monte_carlo_ratios = draws
        self.lifetime, self.start, self.quick, self.runtime_s = model.life, start, quick, runtime_s

    @property
    def assumptions(self) -> tuple:
        return tuple(self.model.assumptions.values())

    def evaluate(self, **values) -> dict:
        """A direct evaluation at these assumption values (the others at base): orbit and
        ground cost per GB300-eq-year [$] and the ratio, as floats."""
        out = self.model.costs({k: np.atleast_1d(float(v)) for k, v in values.items()})
        return {k: float(v[0]) for k, v in out.items()}

    def breakeven(self, x, y=None, n=41):
        """Where orbit costs what the ground does.

        With one assumption: its break-even value with every other at base [its unit], or
        None when it has none in its physical domain (then :meth:`what_must_be_true` says
        which other assumption must move, and by how much).

        With two: the break-even curve, a table of ``n`` values of ``x`` over its range with
        the value of ``y`` that breaks even there (searched over ``y``'s whole domain) and
        ``exists`` (False where no value of ``y`` breaks even; ``y`` is then NaN).
        :meth:`ratio_grid` gives the surface for the contour plot
        (:func:`twin.io.plots.plot_breakeven`).
        """
        self._check_name(x)
        if y is None:
            return self.model.breakeven_value(x)
        self._check_name(y)
        if x == y:
            raise ValueError(f"breakeven: x and y must differ, got {x!r} twice")
        a = self.model.assumptions[x]
        xs = np.linspace(a.low, a.high, int(n))
        ys = [self.model.breakeven_value(y, {x: np.array([v])}) for v in xs]
        return pd.DataFrame({x: xs, y: [np.nan if v is None else v for v in ys],
                             "exists": [v is not None for v in ys]})

    def ratio_grid(self, x, y, n=41) -> xr.DataArray:
        """Orbit / ground ratio over the ranges of ``x`` and ``y`` (others at base)."""
        self._check_name(x)
        self._check_name(y)
        ax, ay = self.model.assumptions[x], self.model.assumptions[y]
        xs, ys = np.linspace(ax.low, ax.high, int(n)), np.linspace(ay.low, ay.high, int(n))
        gx, gy = np.meshgrid(xs, ys, indexing="ij")
        r = self.model.ratio({x: gx.ravel(), y: gy.ravel()}).reshape(gx.shape)
        return xr.DataArray(r, coords={x: xs, y: ys}, dims=(x, y), name="ratio",
                            attrs={"long_name": "orbit / ground cost per GB300-eq-year",
                                   "units": "1", f"{x}_base": ax.base, f"{y}_base": ay.base})

    def what_must_be_true(self) -> pd.DataFrame:
        """For each assumption alone: the value at which orbit breaks even (others at base),
        the change from base it needs, and whether that value lies within the assumption's
        range.  Sorted: break-evens inside their range first, then by the change needed."""
        rows = []
        for a in self.assumptions:
            be = self.model.breakeven_value(a.name)
            rows.append({"assumption": a.name, "base": a.base, "breakeven": be, "unit": a.unit,
                         "exists": be is not None,
                         "change": (np.nan if be is None else
                                    (be - a.base) / a.base if a.base else be - a.base),
                         "within_range": be is not None and a.low <= be <= a.high})
        df = pd.DataFrame(rows)
        df["_key"] = np.where(df["exists"], np.abs(df["change"].astype(float)), np.inf)
        df = df.sort_values(["within_range", "_key"], ascending=[False, True])
        return df.drop(columns="_key").reset_index(drop=True)

    def path_to_breakeven(self) -> pd.DataFrame:
        """What must be true together: the assumptions moved one after another, largest
        tornado swing first, each to the end of its range that favours orbit, until orbit
        breaks even; the last one only as far as break-even.  Columns ``step``,
        ``assumption``, ``base``, ``value``, ``unit``, ``ratio`` (after the move) and
        ``breakeven`` (True on the row that reaches ratio 1).  When even every assumption at
        its favourable end leaves orbit dearer, no row is marked."""
        fixed, rows = {}, []
        for t in self.tornado.itertuples():
            a = self.model.assumptions[t.assumption]
            fav = a.low if t.ratio_low < t.ratio_high else a.high
            if fav == a.base:             # already at the end that favours orbit
                continue
            trial = {**fixed, a.name: np.array([fav])}
            r = float(self.model.ratio(trial)[0])
            hit = r <= 1.0
            value = fav
            if hit:
                be = self.model.breakeven_value(a.name, fixed, bounds=sorted((a.base, fav)))
                value = fav if be is None else be
                r = 1.0
            rows.append({"step": len(rows) + 1, "assumption": a.name, "base": a.base,
                         "value": value, "unit": a.unit, "ratio": r, "breakeven": hit})
            if hit:
                break
            fixed[a.name] = np.array([fav])
        return pd.DataFrame(rows)

    def launch_sweep(self, launch_usd_per_kg=(10, 20, 50, 100, 200, 500, 1000, 2700, 6500)):
        """Cost per delivered GB300-eq-year in orbit and on the ground against the launch
        price, others at base (columns ``launch_usd_per_kg``, ``orbit_usd_per_gb300_year``,
        ``ground_usd_per_gb300_year``, ``orbit_over_ground``; drawn by
        :func:`twin.io.plots.plot_launch_sweep`)."""
        prices = np.asarray(launch_usd_per_kg, float)
        c = self.model.costs({"launch_usd_per_kg": prices})
        return pd.DataFrame({"launch_usd_per_kg": prices,
                             "orbit_usd_per_gb300_year": c["orbit_usd_per_gb300_year"],
                             "ground_usd_per_gb300_year": c["ground_usd_per_gb300_year"],
                             "orbit_over_ground": c["ratio"]})

    def tornado_at(self, **fixed) -> pd.DataFrame:
        """The tornado with some assumptions held at given values (e.g. the launch price of a
        projection) instead of their base; those are left out of it."""
        for k in fixed:
            self._check_name(k)
        return _tornado(self.model, fixed)

    def deciding_assumption(self) -> str:
        """The assumption with the largest tornado swing."""
        return str(self.tornado["assumption"].iloc[0])

    def verdict(self) -> str:
        """One paragraph: the base ratio, the deciding assumption, the break-even launch
        price or what must move instead, and the probability that orbit is cheaper."""
        t = self.tornado.iloc[0]
        side = "cheaper" if self.ratio < 1 else "dearer"
        lo, hi = self.probability_ci
        text = [f"Orbit costs {self.ratio:.2f}x the ground per delivered GB300-eq-year "
                f"({self.orbit_usd_per_gb300_year:,.0f} vs {self.ground_usd_per_gb300_year:,.0f}"
                f" $; orbit {side} at base).",
                f"Deciding assumption: {t['assumption']} (ratio {t['ratio_low']:.2f} to "
                f"{t['ratio_high']:.2f} over {t['low']:g}-{t['high']:g} {t['unit']})."]
        be = self.model.breakeven_value("launch_usd_per_kg")
        if be is not None:
            text.append(f"Break-even launch price: {be:,.0f} $/kg, others at base.")
        else:
            w = self.what_must_be_true()
            w = w[w["exists"] & (w["assumption"] != "launch_usd_per_kg")]
            moves = "; ".join(f"{r.assumption} {r.base:g} -> {amount_text(r.breakeven, r.unit)} "
                              f"({r.change:+.0%})" for r in w.head(3).itertuples())
            text.append("No launch price breaks even (not even free launch). One assumption "
                        "alone: " + (moves or "none breaks even within its physical domain")
                        + ".")
            path = self.path_to_breakeven()
            if path["breakeven"].any():
                steps = ", ".join(f"{r.assumption} {amount_text(r.value, r.unit)}"
                                  for r in path.itertuples())
                text.append(f"Together, within the ranges: {steps} (ratio 1).")
            else:
                text.append("Even with every assumption at the end of its range that favours "
                            f"orbit the ratio is {path['ratio'].iloc[-1]:.2f}: orbit does not "
                            "break even within these ranges.")
        p, n = self.probability_orbit_cheaper, len(self.monte_carlo_ratios)
        text.append(f"P(orbit cheaper) = {percent_text(p)} (95 % CI {percent_text(lo)} to "
                    f"{percent_text(hi)}, {n:,} draws over the ranges).")
        return " ".join(text)

    def summary(self) -> dict:
        """The headline numbers as a plain dict (the CLI's ``--json``)."""
        return {"start": str(self.start), "quick": self.quick, "runtime_s": self.runtime_s,
                "orbit_usd_per_gb300_year": self.orbit_usd_per_gb300_year,
                "ground_usd_per_gb300_year": self.ground_usd_per_gb300_year,
                "ratio": self.ratio, "deciding_assumption": self.deciding_assumption(),
                "breakeven_launch_usd_per_kg": self.model.breakeven_value("launch_usd_per_kg"),
                "probability_orbit_cheaper": self.probability_orbit_cheaper,
                "probability_ci": list(self.probability_ci),
                "lifetime_gb300_years": float(self.lifetime.summary()["lifetime_gb300_years"]),
                "verdict": self.verdict()}

    def _check_name(self, name):
        if name not in self.model.assumptions:
            raise ValueError(f"unknown assumption {name!r}; known: "
                             f"{', '.join(self.model.assumptions)}")

    def __repr__(self):
        return (f"<Decision orbit/ground {self.ratio:.2f}, P(orbit cheaper) "
                f"{percent_text(self.probability_orbit_cheaper)}, deciding: "
                f"{self.deciding_assumption()}>")


def percent_text(p):
    """A probability as a percentage with two significant digits (0.0096 % stays visible)."""
    return "0 %" if p == 0 else f"{100 * p:.2g} %"


def amount_text(value, unit):
    """``value unit`` with 4 significant digits; dimensionless units are left out."""
    return f"{value:.4g}" if unit in ("", "1") else f"{value:.4g} {unit}"


def _tornado(model, fixed=None):
    fixed = {k: np.full(2, float(v)) for k, v in (fixed or {}).items()}
    base = {**model.base, **{k: v[0] for k, v in fixed.items()}}
    rows = []
    for a in model.assumptions.values():
        if a.name in fixed:
            continue
        r = model.ratio({**fixed, a.name: np.array([a.low, a.high])})
        rows.append({"assumption": a.name, "low": a.low, "base": base[a.name], "high": a.high,
                     "ratio_low": float(r[0]), "ratio_high": float(r[1]),
                     "swing": float(abs(r[1] - r[0])), "unit": a.unit})
    return pd.DataFrame(rows).sort_values("swing", ascending=False, ignore_index=True)


def _assumptions(ranges, cost, mass, ground, settings, widen=False):
    """The assumption set: :data:`ASSUMPTIONS` with ``ranges`` overrides, based on the given
    models' values (``widen``: a base outside its default range widens the range)."""
    ranges = dict(ranges or {})
    known = {a.name: a for a in ASSUMPTIONS}
    unknown = set(ranges) - set(known)
    if unknown:
        raise ValueError(f"ranges: unknown assumption(s) {sorted(unknown)}; known: "
                         f"{', '.join(known)}")
    current = {"ground_pue": ground.overhead_factor(),
               "random_failure_per_gpu_year": settings.random_failure_per_gpu_year,
               "tid_d63_krad": settings.tid_d63_krad,
               **{f.name: getattr(cost, f.name) for f in fields(cost)},
               **{f.name: getattr(mass, f.name) for f in fields(mass)}}
    out = []
    for name, a in known.items():
        r = ranges.get(name)
        if r is None and widen and not a.low <= current[name] <= a.high:
            b = current[name]
            out.append(Assumption(name, min(a.low, b), b, max(a.high, b), a.unit,
                                  a.source + "; widened to the given base", a.domain, a.dist))
        elif r is None:
            if not a.low <= current[name] <= a.high:
                raise ValueError(f"{name}={current[name]!r} lies outside its range "
                                 f"[{a.low:g}, {a.high:g}] {a.unit}; pass ranges={{{name!r}: "
                                 "(low, base, high)}")
            out.append(a.with_base(current[name]))
        elif isinstance(r, Assumption):
            out.append(r)
        else:
            if len(r) != 3:
                raise ValueError(f"ranges[{name!r}] must be (low, base, high), got {r!r}")
            out.append(Assumption(name, *map(float, r), a.unit, "user range", a.domain,
                                  a.dist))
    return tuple(out)


def _orbit(design, altitude_km, ltan, inclination_deg):
    """One satellite: sun-synchronous at ``ltan``, or at ``inclination_deg`` when given."""
    return (Constellation.walker(altitude_km, inclination_deg, 1, 1, design=design)
            if inclination_deg is not None else
            Constellation.sun_synchronous(altitude_km, ltan, design=design))


def _life(orbit, start, solar_activity, settings, quick, years):
    spy, step = RESOLUTION[quick]
    return run_lifetime(orbit, start, years=years, solar_activity=solar_activity,
                        design=orbit.shells[0].design, samples_per_year=spy, step=step,
                        workers=1, settings=settings)


@functools.lru_cache(maxsize=16)
def _cached_life(design, altitude_km, ltan, inclination_deg, start, solar_activity, settings,
                 quick, years):
    """The lifetime run of one decision, kept for the next decision on the same satellite,
    orbit and settings (the run is most of a decision's time; everything in the key is
    frozen, and the result is only read)."""
    return _life(_orbit(design, altitude_km, ltan, inclination_deg), start, solar_activity,
                 settings, quick, years)


def decide(design=None, *, quick=False, altitude_km=650.0, ltan=18.0, inclination_deg=None,
           start="2027-01-01", solar_activity="moderate", cost=None, mass=None, ground=None,
           settings=None, ranges=None, widen_ranges=False, seed=0, sobol_n=None,
           monte_carlo_n=None) -> Decision:
    """Is compute in orbit cheaper than on the ground, and what decides it?

    Parameters
    ----------
    design : SatelliteDesign, optional
        The satellite (default design if None).
    quick : bool
        Lifetime run at 120 s steps instead of 60 s, and fewer Sobol and Monte Carlo
        samples: seconds instead of tens of seconds.
    altitude_km, ltan, inclination_deg
        The orbit: sun-synchronous at local time ``ltan`` (dawn-dusk 18 h by default), or a
        fixed inclination when ``inclination_deg`` is given.
    start : str
        Start of life: the chosen year of the decision (solar cycle, belt phase).
    solar_activity : str, dict or DataFrame
        As in :func:`twin.lifetime`.
    cost, mass : twin.economics.CostModel, MassModel, optional
        Base costs and masses (defaults: the models' defaults).
    ground : twin.ground.GroundDataCenter, optional
        The ground side; default :data:`GROUND` (PUE 1.3).
    settings : twin.LifetimeSettings, optional
        Drag, cover glass and attrition assumptions of the lifetime run.
    ranges : dict, optional
        ``name -> (low, base, high)`` (or an ``Assumption``) replacing a default range.
    widen_ranges : bool
        When a base value from ``cost``, ``mass``, ``ground`` or ``settings`` lies outside its
        default range: widen the range to it (True) or raise (False, the default).
    seed : int
        Seed of the Sobol and Monte Carlo samples.
    sobol_n, monte_carlo_n : int, optional
        Sample sizes (defaults :data:`SAMPLES`).

    Returns
    -------
    Decision
    """
    t0 = time.perf_counter()
    design = SatelliteDesign() if design is None else design
    if not isinstance(design, SatelliteDesign):
        raise TypeError(f"design must be a twin.SatelliteDesign, got {type(design).__name__}")
    cost = economics.CostModel() if cost is None else cost
    mass = economics.MassModel() if mass is None else mass
    ground = GROUND if ground is None else ground
    settings = LifetimeSettings() if settings is None else settings
    for label, obj, cls in (("cost", cost, economics.CostModel),
                            ("mass", mass, economics.MassModel),
                            ("ground", ground, GroundDataCenter),
                            ("settings", settings, LifetimeSettings)):
        if not isinstance(obj, cls):
            raise TypeError(f"{label} must be a {cls.__name__}, got {type(obj).__name__}")
    assumptions = _assumptions(ranges, cost, mass, ground, settings, widen_ranges)
    life_years = max(a.high for a in assumptions if a.name == "lifetime_years")
    if ltan is not None and inclination_deg is not None:
        raise ValueError("decide: give ltan (sun-synchronous) or inclination_deg, not both")
    orbit = _orbit(design, altitude_km, ltan, inclination_deg)
    key = (design, float(altitude_km), ltan, inclination_deg, str(start), solar_activity,
           settings, bool(quick), math.ceil(life_years))
    life = (_cached_life(*key) if isinstance(solar_activity, str)
            else _life(orbit, *key[4:]))
    model = DecisionModel(design, life, cost, mass, ground, settings, assumptions)
    n_sobol, n_mc = SAMPLES[bool(quick)]
    sobol = sobol_indices(model.ratio, assumptions, sobol_n or n_sobol, seed)
    p, ci, draws = probability_below(model.ratio, assumptions, 1.0, monte_carlo_n or n_mc, seed)
    return Decision(model, _tornado(model), sobol, p, ci, draws, start, bool(quick),
                    time.perf_counter() - t0)
