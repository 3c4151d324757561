"""twin.decide: lifetime cost on both sides, tornado, Sobol, break-even and Monte Carlo."""
import dataclasses
import json

import numpy as np
import pytest

import twin
from twin.ground import GroundDataCenter
from twin.io import cli
from twin.studies import economics
from twin.studies.decide import ASSUMPTIONS, GROUND
from twin.studies.uncertainty import Assumption, probability_below, sobol_indices


@pytest.fixture(scope="module")
def dec():
    return twin.decide(quick=True)


@pytest.fixture(scope="module")
def cheap():
    """A cheap orbit (costs, masses and GPU failures near the ends of their ranges that favour
    orbit) where break-evens exist."""
    cost = economics.CostModel(array_usd_per_w=5.0, bus_usd_per_kg=300.0, launch_usd_per_kg=300.0,
                               gpu_usd=70_000.0, orbit_ops_usd_per_sat_year=20_000.0)
    mass = economics.MassModel(array_w_per_kg=250.0, structure_fraction=0.2,
                               compute_kg_per_gpu=12.0)
    return twin.decide(quick=True, cost=cost, mass=mass,
                       settings=twin.LifetimeSettings(random_failure_per_gpu_year=0.02))


def _direct_ratio(life, cost=economics.CostModel(), mass=economics.MassModel(), pue=1.3,
                  design=None):
    """Orbit / ground straight from the economics functions and a lifetime run's years."""
    q = life.per_year()["gb300_years"].to_numpy()
    orbit = economics.orbit_lifetime_usd_per_gb300_year(design or twin.SatelliteDesign(), q,
                                                        cost, mass)
    ground = economics.ground_lifetime_usd_per_gb300_year(GroundDataCenter(pue=pue), cost)
    return float(orbit / ground)


# --- the finance -------------------------------------------------------------------------------
def test_present_value_is_the_annuity_formula():
    r, n = 0.08, 5
    assert economics.present_value(r, np.ones(n)) == pytest.approx((1 - (1 + r) ** -n) / r)
    assert economics.present_value(0.0, [1.0, 2.0, 3.0]) == pytest.approx(6.0)
    both = economics.present_value(np.array([0.0, r]), np.ones((2, n)))
    assert both == pytest.approx([n, (1 - (1 + r) ** -n) / r])
    # undiscounted, the levelised cost is total cost over total output
    lc = economics.levelized_usd_per_unit(100.0, [10.0, 10.0], [2.0, 2.0], 0.0)
    assert lc == pytest.approx(120.0 / 4.0)
    assert economics.levelized_usd_per_unit(1.0, [0.0], [0.0], 0.1) == np.inf
    assert economics.life_weights(2.5).tolist() == [1.0, 1.0, 0.5]
    assert economics.life_weights([2.5, 1.0]).tolist() == [[1.0, 1.0, 0.5], [1.0, 0.0, 0.0]]


def test_cost_model_new_fields_are_checked():
    with pytest.raises(ValueError, match="discount_rate"):
        economics.CostModel(discount_rate=1.5)
    with pytest.raises(ValueError, match="orbit_ops_usd_per_sat_year"):
        economics.CostModel(orbit_ops_usd_per_sat_year=-1.0)
    assert economics.CostModel(orbit_ops_usd_per_sat_year=0.0, ground_ops_usd_per_gpu_year=0.0)


def test_ground_cost_with_a_pue():
    cost = economics.CostModel(discount_rate=0.0, ground_ops_usd_per_gpu_year=0.0)
    dc = GroundDataCenter(pue=1.2)
    it = dc.it_power_w_per_gpu()
    expect = (cost.gpu_usd + cost.facility_usd_per_w * it) / cost.lifetime_years \
        + it * 1.2 * 8.76 * cost.electricity_usd_per_kwh
    assert economics.ground_lifetime_usd_per_gb300_year(dc, cost) == pytest.approx(expect)


# --- the decision --------------------------------------------------------------------------------
def test_base_case_is_the_economics_of_the_lifetime_run(dec):
    assert dec.ratio == pytest.approx(_direct_ratio(dec.lifetime), rel=1e-12)
    assert dec.ground_usd_per_gb300_year == pytest.approx(
        economics.ground_lifetime_usd_per_gb300_year(GROUND, economics.CostModel()))
    # attrition and degradation make the lifetime cost dearer than beginning-of-life output
    bol = dec.lifetime.per_year()["gb300_years"].iloc[0]
    flat = economics.orbit_lifetime_usd_per_gb300_year(twin.SatelliteDesign(), [bol] * 7)
    assert dec.orbit_usd_per_gb300_year > flat
    assert dec.runtime_s > 0 and dec.quick


def test_tornado_columns_and_order(dec):
    t = dec.tornado
    assert list(t.columns[:7]) == ["assumption", "low", "base", "high", "ratio_low",
                                   "ratio_high", "swing"]
    assert set(t["assumption"]) == {a.name for a in ASSUMPTIONS}
    assert t["swing"].is_monotonic_decreasing
    assert (t["swing"] == (t["ratio_high"] - t["ratio_low"]).abs()).all()


@pytest.mark.parametrize("name, favours_orbit_when", [
    ("array_usd_per_w", "low"), ("launch_usd_per_kg", "low"), ("lifetime_years", "high"),
    ("discount_rate", "low"), ("electricity_usd_per_kwh", "high"), ("ground_pue", "high"),
    ("bus_usd_per_kg", "low"), ("array_w_per_kg", "high"), ("ground_ops_usd_per_gpu_year", "high"),
    ("orbit_ops_usd_per_sat_year", "low"), ("random_failure_per_gpu_year", "low"),
    ("tid_d63_krad", "high"), ("facility_usd_per_w", "high"),
])
def test_each_sensitivity_moves_the_right_way(dec, name, favours_orbit_when):
    a = dec.model.assumptions[name]
    lo, hi = dec.evaluate(**{name: a.low})["ratio"], dec.evaluate(**{name: a.high})["ratio"]
    assert (hi < lo) if favours_orbit_when == "high" else (lo < hi)


@pytest.mark.parametrize("name, kind", [
    ("launch_usd_per_kg", "cost"), ("array_usd_per_w", "cost"), ("lifetime_years", "cost"),
    ("discount_rate", "cost"), ("electricity_usd_per_kwh", "cost"),
    ("orbit_ops_usd_per_sat_year", "cost"), ("array_w_per_kg", "mass"),
    ("structure_fraction", "mass"), ("ground_pue", "pue"),
])
def test_tornado_ends_equal_direct_runs(dec, name, kind):
    row = dec.tornado.set_index("assumption").loc[name]
    for end, col in (("low", "ratio_low"), ("high", "ratio_high")):
        v = float(row[end])
        kw = {"cost": economics.CostModel(**{name: v}) if kind == "cost" else
              economics.CostModel(),
              "mass": economics.MassModel(**{name: v}) if kind == "mass" else
              economics.MassModel(),
              "pue": v if kind == "pue" else 1.3}
        assert row[col] == pytest.approx(_direct_ratio(dec.lifetime, **kw), rel=1e-12)


@pytest.mark.parametrize("name, value", [("random_failure_per_gpu_year", 0.09),
                                         ("tid_d63_krad", 15.0)])
def test_attrition_surrogate_matches_a_direct_lifetime_run(dec, name, value):
    """The one surrogate: throughput scaled by expected working GPUs; against a lifetime run
    flown with that assumption (same resolution) it agrees within 1 %."""
    settings = twin.LifetimeSettings(**{name: value})
    c = twin.Constellation.sun_synchronous(650.0, 18.0)
    life = twin.lifetime(c, "2027-01-01", years=7, samples_per_year=12, step="120 s",
                         workers=1, settings=settings)
    direct = _direct_ratio(life)
    row = dec.tornado.set_index("assumption").loc[name]
    end = "ratio_high" if value == row["high"] else "ratio_low"
    assert row[end] == pytest.approx(direct, rel=0.01)
    assert abs(row[end] - direct) < 0.2 * abs(row[end] - dec.ratio)   # the effect, not noise


def test_single_breakeven_values(dec, cheap):
    be = dec.breakeven("electricity_usd_per_kwh")
    assert be is not None and be > 1.0              # dollars per kWh: far outside its range
    assert dec.evaluate(electricity_usd_per_kwh=be)["ratio"] == pytest.approx(1.0, abs=1e-8)
    # the default orbit loses even with free launch: no break-even launch price is reported
    assert dec.evaluate(launch_usd_per_kg=0.0)["ratio"] > 1.0
    assert dec.breakeven("launch_usd_per_kg") is None
    assert "No launch price breaks even" in dec.verdict()
    # a cheaper satellite has one, and orbit equals ground there
    be = cheap.breakeven("launch_usd_per_kg")
    assert be is not None and 0 < be
    assert cheap.evaluate(launch_usd_per_kg=be)["ratio"] == pytest.approx(1.0, abs=1e-8)
    assert f"Break-even launch price: {be:,.0f} $/kg" in cheap.verdict()


def test_breakeven_curve_and_grid(cheap):
    x, y = "launch_usd_per_kg", "array_usd_per_w"
    curve = cheap.breakeven(x, y, n=9)
    assert list(curve.columns) == [x, y, "exists"]
    assert curve["exists"].any()
    for r in curve[curve["exists"]].itertuples():
        assert cheap.evaluate(**{x: getattr(r, x), y: getattr(r, y)})["ratio"] == \
            pytest.approx(1.0, abs=1e-7)
    assert curve.loc[~curve["exists"], y].isna().all()
    # dearer launch needs cheaper arrays
    ok = curve[curve["exists"]]
    assert ok[y].is_monotonic_decreasing
    grid = cheap.ratio_grid(x, y, n=5)
    assert grid.dims == (x, y) and grid.shape == (5, 5)
    assert float(grid.isel({x: 0, y: 0})) == pytest.approx(
        cheap.evaluate(**{x: grid[x].values[0], y: grid[y].values[0]})["ratio"])


def test_what_must_be_true_and_the_path(dec):
    w = dec.what_must_be_true()
    assert {"assumption", "base", "breakeven", "exists", "change", "within_range"} <= set(w.columns)
    launch = w.set_index("assumption").loc["launch_usd_per_kg"]
    assert not launch["exists"]
    path = dec.path_to_breakeven()
    assert path["ratio"].is_monotonic_decreasing
    if path["breakeven"].any():
        fixed = {r.assumption: r.value for r in path.itertuples()}
        assert dec.evaluate(**fixed)["ratio"] == pytest.approx(1.0, abs=1e-7)


def test_monte_carlo_probability_and_interval(dec, cheap):
    for d in (dec, cheap):
        assert d.probability_orbit_cheaper == pytest.approx(np.mean(d.monte_carlo_ratios < 1.0))
        lo, hi = d.probability_ci
        assert lo <= d.probability_orbit_cheaper <= hi
    assert dec.probability_ci[1] < 0.01
    # a known answer through the same function: x ~ triangular(0, 1, 3), P(x < 1) = 1/3
    x = [Assumption("x", 0.0, 1.0, 3.0)]
    p, (lo, hi), _ = probability_below(lambda v: v["x"], x, n=4000, seed=1)
    assert lo < 1 / 3 < hi and hi - lo < 0.04
    p2, (lo2, hi2), _ = probability_below(lambda v: v["x"], x, n=16000, seed=2)
    assert lo2 < 1 / 3 < hi2 and hi2 - lo2 < (hi - lo) / 1.8


def test_sobol_of_the_ratio_sums_sensibly(dec):
    s = dec.sobol
    assert s["ST"].is_monotonic_decreasing
    assert set(s["assumption"].iloc[:2]) == {"launch_usd_per_kg", "array_usd_per_w"}
    assert 0.7 < s["S1"].sum() < 1.15


def test_ishigami_through_the_same_path():
    """Ishigami (a = 7, b = 0.1), inputs uniform on [-pi, pi]: S1 = 0.3139, 0.4424, 0 and
    ST = 0.5576, 0.4424, 0.2437 (Ishigami & Homma 1990; Sobol' & Levitan 1999)."""
    a, b = 7.0, 0.1
    xs = [Assumption(f"x{i}", -np.pi, 0.0, np.pi, dist="uniform") for i in (1, 2, 3)]

    def f(v):
        return (np.sin(v["x1"]) + a * np.sin(v["x2"]) ** 2
                + b * v["x3"] ** 4 * np.sin(v["x1"]))
    s = sobol_indices(f, xs, n=4096, seed=3).set_index("assumption")
    assert s.loc[["x1", "x2", "x3"], "S1"].to_numpy() == pytest.approx([0.3139, 0.4424, 0.0],
                                                                       abs=0.03)
    assert s.loc[["x1", "x2", "x3"], "ST"].to_numpy() == pytest.approx([0.5576, 0.4424, 0.2437],
                                                                       abs=0.03)


def test_triangular_assumption_draws():
    a = Assumption("x", 1.0, 2.0, 5.0)
    v = a.ppf(np.random.default_rng(0).random(200_000))
    assert v.min() >= 1.0 and v.max() <= 5.0
    assert v.mean() == pytest.approx((1 + 2 + 5) / 3, rel=0.01)
    assert a.ppf(0.0) == 1.0 and a.ppf(1.0) == 5.0


# --- bad input ---------------------------------------------------------------------------------
def test_bad_input_is_named(dec):
    with pytest.raises(ValueError, match="low <= base <= high"):
        Assumption("x", 2.0, 1.0, 3.0)
    with pytest.raises(ValueError, match="'x' high"):
        Assumption("x", 0.0, 1.0, 3.0, domain=(0.0, 2.0))
    with pytest.raises(ValueError, match="unknown assumption"):
        dec.breakeven("launch_price")
    with pytest.raises(ValueError, match="unknown assumption"):
        dec.evaluate(launch_price=1.0)
    with pytest.raises(ValueError, match="lifetime_years"):
        dec.evaluate(lifetime_years=12.0)
    with pytest.raises(ValueError, match=r"discount_rate=-0.5 is out of range; allowed: \[0, 1\]"):
        dec.evaluate(discount_rate=-0.5)
    with pytest.raises(ValueError, match="structure_fraction"):
        dec.evaluate(structure_fraction=float("nan"))
    with pytest.raises(ValueError, match="must differ"):
        dec.breakeven("gpu_usd", "gpu_usd")
    with pytest.raises(ValueError, match="ranges: unknown"):
        twin.decide(quick=True, ranges={"warp_drive": (0, 1, 2)})
    with pytest.raises(ValueError, match=r"launch_usd_per_kg=20.0 lies outside its range"):
        twin.decide(quick=True, cost=economics.CostModel(launch_usd_per_kg=20.0))
    with pytest.raises(TypeError, match="cost must be a CostModel"):
        twin.decide(quick=True, cost={"launch_usd_per_kg": 100})
    with pytest.raises(ValueError, match="power of two"):
        sobol_indices(lambda v: v["x"], [Assumption("x", 0, 1, 2)], n=100)


def test_user_ranges_and_widening(dec):
    d = twin.decide(quick=True, ranges={"launch_usd_per_kg": (500.0, 1000.0, 2000.0)},
                    cost=economics.CostModel(launch_usd_per_kg=20.0), widen_ranges=True)
    a = d.model.assumptions
    assert (a["launch_usd_per_kg"].low, a["launch_usd_per_kg"].base) == (500.0, 1000.0)
    assert d.ratio < dec.ratio


def test_cli_decide_json_and_plot(tmp_path, capsys):
    png = tmp_path / "decide.png"
    rc = cli.main(["decide", "--quick", "--json", "--vary", "launch_usd_per_kg",
                   "array_usd_per_w", "--plot", str(png)])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out["quick"] is True and out["runtime_s"] > 0
    assert out["deciding_assumption"] == out["tornado"][0]["assumption"]
    assert len(out["breakeven_curve"]) == 41 and out["breakeven_launch_usd_per_kg"] is None
    assert png.stat().st_size > 10_000
    assert cli.main(["decide", "--quick", "--vary", "warp", "gpu_usd"]) == 2
    assert "--vary warp: unknown assumption" in capsys.readouterr().err


def test_design_changes_reach_the_decision(dec):
    spare = dataclasses.replace(twin.SatelliteDesign().compute, spare_gpus=8)
    d = twin.decide(twin.SatelliteDesign().replace(compute=spare), quick=True)
    # spares cost a GPU's price and launch, but keep 64 GPUs working longer
    assert d.lifetime.per_year()["gpus_alive"].iloc[-1] > dec.lifetime.per_year()[
        "gpus_alive"].iloc[-1]
    assert d.ratio != dec.ratio
