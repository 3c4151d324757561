"""The claims table is computed by the twin's models: change an input, the number moves."""

import numpy as np
import pytest

import twin
from twin.ground import GroundDataCenter, Site
from twin.studies import economics
from twin.studies.claims import (
    CLAIM_COLUMNS,
    ClaimInputs,
    claims,
    eclipse_free_altitudes,
    to_markdown,
)

QUICK = dict(days=20.0, step="900 s", altitudes_km=(650, 1400))


@pytest.fixture(scope="module")
def table():
    return claims(ClaimInputs(**QUICK))


def row(df, id_):
    return df.set_index("id").loc[id_]


def test_table_shape_and_ids(table):
    assert list(table.columns) == CLAIM_COLUMNS
    ids = set(table["id"])
    for needed in ("solar-vs-ground/clear-sky/fixed", "solar-vs-ground/tmy3/single-axis",
                   "no-batteries/650km", "no-batteries/umbra-free-altitude",
                   "no-batteries/shadow-free-altitude", "gb300-per-gw/ground",
                   "gb300-per-gw/orbit-array", "kw-per-tonne", "cheapest/today",
                   "cheapest/projected", "cheapest/break-even-launch"):
        assert needed in ids
    assert np.isfinite(table["twin"]).all()
    md = to_markdown(table)
    assert md.count("\n|") >= len(table)


def test_ground_site_moves_the_solar_ratio(table):
    north = Site("Fairbanks, AK", 64.84, -147.72, 136.0, "Etc/GMT+9")
    far = claims(ClaimInputs(**QUICK, site=north))
    a = row(table, "solar-vs-ground/clear-sky/fixed")["twin"]
    b = row(far, "solar-vs-ground/clear-sky/fixed")["twin"]
    assert b > a * 1.2          # less sun on the ground far north: orbit's advantage grows


def test_array_efficiency_moves_gb300_per_gw_of_array_the_right_way(table):
    # a smaller array (same GPUs) sustains fewer GB300 per satellite but more per GW of array
    d = twin.SatelliteDesign()
    small = d.replace(solar={"area_m2": 250.0})
    t = claims(ClaimInputs(**QUICK, design=small))
    assert row(t, "gb300-per-gw/orbit-array")["twin"] != row(table, "gb300-per-gw/orbit-array")[
        "twin"]
    # sustained per satellite falls with the array
    s_small = row(t, "gb300-per-gw/orbit-array")["twin"] * economics.array_rating_w(small)
    s_big = row(table, "gb300-per-gw/orbit-array")["twin"] * economics.array_rating_w(d)
    assert s_small < s_big


def test_mass_model_moves_kw_per_tonne():
    d = twin.SatelliteDesign()
    base = economics.compute_kw_per_tonne(d)
    heavier = economics.compute_kw_per_tonne(d, economics.MassModel(compute_kg_per_gpu=40.0))
    assert heavier < base
    m = economics.satellite_mass_kg(d)
    assert np.isclose(sum(v for k, v in m.items() if k != "total_kg"), m["total_kg"])


def test_ground_overheads_move_gb300_per_gw():
    a = GroundDataCenter().gb300_per_gw()
    b = GroundDataCenter(cooling_overhead=0.1).gb300_per_gw()
    assert b > a
    assert 300_000 < a < 360_000


def test_break_even_launch_price_is_where_costs_meet():
    d = twin.SatelliteDesign()
    dc = GroundDataCenter()
    cost = economics.CostModel(gpu_usd=20_000.0, array_usd_per_w=1.0, bus_usd_per_kg=100.0)
    be = economics.break_even_launch_usd_per_kg(d, 60.0, dc, cost)
    assert be > 0
    at = economics.orbit_usd_per_gb300_year(d, 60.0, cost.replace(launch_usd_per_kg=be))
    assert np.isclose(at, economics.ground_usd_per_gb300_year(dc, cost))
    sweep = economics.launch_sweep(d, 60.0, dc, cost)
    assert sweep["orbit_usd_per_gb300_year"].is_monotonic_increasing


def test_eclipse_free_altitudes_over_the_solstice():
    # June solstice, 18:00 dawn-dusk: the eclipse season's peak
    umbra, shadow = eclipse_free_altitudes("18:00", 2027, step="120 s",
                                           altitudes_km=np.arange(1100, 1601, 50), days=1,
                                           start="2027-06-21")
    assert 1100 < umbra <= shadow < 1600


def test_cost_model_validation():
    with pytest.raises(ValueError, match="launch_usd_per_kg"):
        economics.CostModel(launch_usd_per_kg=-1)
    with pytest.raises(TypeError, match="gpu_usd"):
        economics.CostModel(gpu_usd="cheap")
    with pytest.raises(ValueError, match="structure_fraction"):
        economics.MassModel(structure_fraction=1.2)


def test_cli_claims_json(capsys):
    import json

    from twin.io.cli import main

    assert main(["claims", "--quick", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in rows} >= {"kw-per-tonne", "gb300-per-gw/ground"}
