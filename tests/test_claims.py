"""The claims table is computed by the twin's models: change an input, the number moves; and
quick mode (sampled days) never gives a verdict that the full year contradicts."""

import json
import re

import numpy as np
import pandas as pd
import pytest

import twin
from twin.constellation import Constellation
from twin.ground import GroundDataCenter, Site
from twin.models.constants import STEFAN_BOLTZMANN_W_M2_K4
from twin.run.simulate import geometry
from twin.studies import claims as claims_mod
from twin.studies import economics
from twin.studies.claims import (
    CLAIM_COLUMNS,
    QUICK_BAND,
    TABLE_BEGIN,
    TABLE_END,
    ClaimInputs,
    claims,
    eclipse_free_altitudes,
    replace_table,
    sample_windows,
    to_markdown,
)

# One altitude keeps the what-moves-what tests cheap (the orbit rows need only 650 km).
ONE_ALT = dict(quick=True, altitudes_km=(650,))


@pytest.fixture(scope="module")
def quick():
    return claims(ClaimInputs(quick=True))


@pytest.fixture(scope="module")
def full():
    # The full default run (the whole of 2027 at 120 s, about a minute): computed once, as the
    # reference the quick verdicts must not contradict.
    return claims(ClaimInputs())


def row(df, id_):
    return df.set_index("id").loc[id_]


def test_table_shape_ids_and_sources(quick):
    assert list(quick.columns) == CLAIM_COLUMNS
    ids = set(quick["id"])
    for needed in ("solar-vs-ground/clear-sky/fixed", "solar-vs-ground/tmy3/single-axis",
                   "solar-8x/best-ground-case", "no-batteries/650km", "no-batteries/1400km",
                   "no-batteries/umbra-free-altitude", "no-batteries/shadow-free-altitude",
                   "radiator-633/stated-environment", "radiator-633/twin-orbit-mean",
                   "radiator-633/twin-hot-case", "gb300-per-gw/ground",
                   "gb300-per-gw/orbit-array", "kw-per-tonne", "cheapest/today",
                   "cheapest/projected", "cheapest/break-even-launch",
                   "breakeven-200/launch-vs-energy", "breakeven-200/full-cost"):
        assert needed in ids
    assert quick["source"].str.len().gt(10).all()
    assert row(quick, "solar-8x/best-ground-case")["source"].count("2511.19468") == 1
    assert "Starcloud" in row(quick, "radiator-633/twin-hot-case")["source"]
    finite = np.isfinite(quick["twin"])
    # no number where there is none: an unfound altitude, or no break-even launch price
    assert quick.loc[~finite, "verdict"].str.contains("not found|free launch").all()
    md = to_markdown(quick)
    assert md.count("\n|") >= len(quick) and "Sources:" in md


@pytest.mark.slow
def test_quick_and_full_verdicts_agree(quick, full):
    assert list(quick["id"]) == list(full["id"])
    for q, f in zip(quick.itertuples(), full.itertuples()):
        assert not f.verdict.startswith("borderline"), f.id     # the full run always decides
        m = re.match(r"borderline in quick mode \((.+) or (.+)\)", q.verdict)
        if m:                                          # quick abstains, naming both outcomes
            assert f.verdict in m.groups(), (q.id, q.verdict, f.verdict)
        else:
            assert q.verdict == f.verdict, (q.id, q.verdict, f.verdict)
    # the numbers behind the verdicts: well inside the band quick mode abstains in
    both = quick["twin"].notna() & full["twin"].notna()
    rel = (quick["twin"][both] - full["twin"][both]).abs() / full["twin"][both].abs()
    assert rel.max() < QUICK_BAND / 5, quick.loc[rel.idxmax(), "id"]


def test_quick_samples_every_month_and_the_eclipse_peak():
    means, peak = sample_windows(ClaimInputs(quick=True))
    assert [s.month for s, _ in means] == list(range(1, 13))
    assert all(d == 1.0 for _, d in means)
    # the day with the most shadow in 2027 (one satellite at 1,200 km, where the season is
    # five weeks long) lies inside the peak window
    c = Constellation.sun_synchronous(1200.0, "18:00", name="x")
    ds = geometry(c, "2027-05-01", "92 days", "120 s")
    shadow = pd.Series(1.0 - ds["sunlit_fraction"].values[0], index=ds["time"].values)
    worst = shadow.resample("D").sum().idxmax()
    assert peak[0] <= worst < peak[0] + pd.Timedelta(days=peak[1])
    full_means, full_peak = sample_windows(ClaimInputs())
    assert full_means == [(pd.Timestamp("2027-01-01"), 365.0)] and full_peak is None


def test_borderline_ratios_get_no_quick_verdict():
    v = claims_mod._verdict
    assert v(0.8525, 0.15) == "supported"
    assert v(0.8525, 0.15, QUICK_BAND).startswith("borderline in quick mode (supported or "
                                                  "overstated)")
    assert v(1.149, 0.15, QUICK_BAND).startswith("borderline in quick mode (supported or "
                                                 "understated)")
    assert v(0.80, 0.15, QUICK_BAND) == "overstated"
    assert claims_mod._at_most(1.002, QUICK_BAND).startswith("borderline")
    assert claims_mod._at_most(1.002) == "not supported"


def test_grid_edges_are_not_answers():
    # June solstice, 18:00 dawn-dusk: the eclipse season's peak
    umbra, shadow = eclipse_free_altitudes("18:00", 2027, step="120 s",
                                           altitudes_km=np.arange(1100, 1601, 50), days=1,
                                           start="2027-06-21")
    assert 1100 < umbra <= shadow < 1600
    above = eclipse_free_altitudes("18:00", 2027, step="120 s", altitudes_km=[1500, 1600],
                                   days=1, start="2027-06-21")
    below = eclipse_free_altitudes("18:00", 2027, step="120 s", altitudes_km=[1000, 1100],
                                   days=1, start="2027-06-21")
    assert above == (-np.inf, -np.inf) and below == (np.inf, np.inf)
    alts = np.array([1000.0, 1100.0])
    r = claims_mod._free_altitude_row("umbra", np.inf, alts, "")
    assert np.isnan(r["twin"]) and "not found below 1,100 km" in r["verdict"]
    r = claims_mod._free_altitude_row("shadow", -np.inf, alts, "")
    assert np.isnan(r["twin"]) and "not found" in r["verdict"] and "1,000 km" in r["verdict"]
    r = claims_mod._free_altitude_row("umbra", 1100.0, alts, "")
    assert r["twin"] == 1100.0 and r["verdict"] == "supported above 1,100 km"


def test_ground_site_and_array_move_their_rows(quick):
    # one run with two changes that act on different rows: a ground site far north (the
    # ground-solar rows) and a smaller array with the same GPUs (the per-GW-of-array row)
    north = Site("Fairbanks, AK", 64.84, -147.72, 136.0, "Etc/GMT+9")
    d = twin.SatelliteDesign()
    small = d.replace(solar={"area_m2": 250.0})
    t = claims(ClaimInputs(**ONE_ALT, site=north, design=small))
    a = row(quick, "solar-vs-ground/clear-sky/fixed")["twin"]
    b = row(t, "solar-vs-ground/clear-sky/fixed")["twin"]
    assert b > a * 1.2          # less sun on the ground far north: orbit's advantage grows
    # "up to 8x" is the largest ratio over the ground cases
    for table in (quick, t):
        solar = table[table["id"].str.startswith("solar-vs-ground/")]["twin"]
        assert row(table, "solar-8x/best-ground-case")["twin"] == pytest.approx(solar.max())
    # a smaller array sustains fewer GB300 per satellite but more per GW of array
    a = row(t, "gb300-per-gw/orbit-array")["twin"]
    b = row(quick, "gb300-per-gw/orbit-array")["twin"]
    assert a > b
    assert a * economics.array_rating_w(small) < b * economics.array_rating_w(d)


def test_radiator_rows_against_a_hand_calculation(quick):
    t_k = 293.15
    d = twin.SatelliteDesign()
    r = d.radiator
    emitted = 2 * r.emissivity * STEFAN_BOLTZMANN_W_M2_K4 * t_k**4      # 737 W/m^2 at 0.88
    stated = row(quick, "radiator-633/stated-environment")
    assert stated["twin"] == pytest.approx(emitted - 137.0, rel=1e-9)
    assert "0.919" in stated["assumptions"]      # 770 W/m^2 at 20 C both sides: eps 0.919
    # the twin's rows: the panel's emission with its fin efficiency, less what it absorbs
    eta = r.fin_efficiency(t_k)
    assert 0.8 < eta < 1.0
    mean = eta * emitted - row(quick, "radiator-633/twin-orbit-mean")["twin"]
    hot = eta * emitted - row(quick, "radiator-633/twin-hot-case")["twin"]
    assert 0.0 < mean < hot
    # by hand, without the array's back (view factor 0): in a dawn-dusk orbit the Sun stays
    # near the horizon, so the edge-on panel's face 1 looks close to nadir and sees the whole
    # Earth disc, F = (R/(R+h))^2 = 0.823 at 650 km: Earth IR eps x 237 x F, plus albedo
    # alpha S a F max(0, s_r), at most alpha x 1,361 x 0.30 x F x cos(58.5 deg) / pi on average
    bare = ClaimInputs(design=d.replace(radiator={"array_view_factor": 0.0}))
    f_max = (6371.0 / (6371.0 + 650.0)) ** 2
    days = [(pd.Timestamp(2027, m, 15), 1.0) for m in (1, 4, 7, 10)]
    q0 = claims_mod.radiator_absorbed_w_m2(bare, days)
    ir = r.emissivity * 237.0 * f_max
    albedo_max = r.absorptivity * 1361.0 * 0.30 * f_max * np.cos(np.radians(58.5)) / np.pi
    assert 0.95 * ir < q0.mean() < ir + albedo_max
    # hot case by hand: while face 1 sees the whole disc, F = c (R/(R+h))^2 with
    # c = sqrt(1 - s_r^2); maximise over the Sun's elevation s_r (June Sun, 1.0163 au)
    peak = [(pd.Timestamp("2027-06-20"), 3.0)]
    q_hot = claims_mod.radiator_absorbed_w_m2(bare, peak, 0.38, 265.0)
    s_r = np.linspace(0.0, 0.42, 4201)
    hand = (np.sqrt(1 - s_r**2) * f_max * (r.emissivity * 265.0 + r.absorptivity * 0.38
                                           * 1361.0 / 1.0163**2 * s_r)).max()
    assert q_hot.max() == pytest.approx(hand, rel=0.02)
    # the array's back adds F eps_r eps_b sigma T_cell^4: with the cells below 100 C, at most
    q1 = claims_mod.radiator_absorbed_w_m2(ClaimInputs(), days)
    back_max = r.array_view_factor * r.emissivity * d.solar.emissivity_back \
        * STEFAN_BOLTZMANN_W_M2_K4 * 373.15**4
    assert 0.0 < q1.mean() - q0.mean() < back_max
    # a worse coating absorbs more (the same function the rows call, over one day)
    day = [(pd.Timestamp("2027-06-21"), 1.0)]
    hot_paint = d.replace(radiator={"absorptivity": 0.5})
    white = claims_mod.radiator_absorbed_w_m2(ClaimInputs(), day, 0.38, 265.0)
    aged = claims_mod.radiator_absorbed_w_m2(ClaimInputs(design=hot_paint), day, 0.38, 265.0)
    assert aged.max() > white.max() and (aged >= white - 1e-9).all()


def test_break_even_near_200_per_kg_rows(quick):
    d = twin.SatelliteDesign()
    dc = GroundDataCenter()
    cost = economics.CostModel()
    sustained = row(quick, "gb300-per-gw/orbit-array")["twin"] * economics.array_rating_w(d) \
        / 1e9
    price = row(quick, "breakeven-200/launch-vs-energy")["twin"]
    # at that price the launch cost per GB300-eq-year equals the ground's electricity bill
    launch = economics.orbit_cost_usd(d, cost.replace(launch_usd_per_kg=price))["launch_usd"]
    bill = dc.facility_power_w_per_gpu() * 8.76 * cost.electricity_usd_per_kwh
    assert launch / (sustained * cost.lifetime_years) == pytest.approx(bill, rel=1e-3)
    full_cost = row(quick, "breakeven-200/full-cost")
    np.testing.assert_equal(full_cost["twin"], row(quick, "cheapest/break-even-launch")["twin"])
    for name in ("array_usd_per_w", "bus_usd_per_kg"):
        assert name in full_cost["assumptions"]
        assert name in row(quick, "cheapest/projected")["assumptions"]


def test_cost_rows_come_from_decide_and_name_the_deciding_assumption(quick):
    dec = twin.decide(quick=True)
    today, projected = row(quick, "cheapest/today"), row(quick, "cheapest/projected")
    assert today["twin"] == pytest.approx(dec.ratio, rel=1e-9)
    assert projected["twin"] == pytest.approx(
        dec.evaluate(launch_usd_per_kg=200.0)["ratio"], rel=1e-9)
    assert f"deciding assumption: {dec.deciding_assumption()}" in today["assumptions"]
    # with launch held at the projection, the deciding assumption is another one
    top = dec.tornado_at(launch_usd_per_kg=200.0)["assumption"].iloc[0]
    assert top != "launch_usd_per_kg"
    assert f"deciding assumption: {top}" in projected["assumptions"]
    be = row(quick, "cheapest/break-even-launch")
    if dec.breakeven("launch_usd_per_kg") is None:
        assert np.isnan(be["twin"]) and "together:" in be["assumptions"]


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


def test_launch_sweep_of_the_claims_decision():
    dec = claims_mod.claims_decision(ClaimInputs(quick=True))
    sweep = dec.launch_sweep([100.0, 1000.0, 2700.0])
    assert sweep["orbit_usd_per_gb300_year"].is_monotonic_increasing
    assert sweep["ground_usd_per_gb300_year"].nunique() == 1
    assert sweep["orbit_over_ground"].iloc[-1] == pytest.approx(dec.ratio)


def test_cost_model_validation():
    with pytest.raises(ValueError, match="launch_usd_per_kg"):
        economics.CostModel(launch_usd_per_kg=-1)
    with pytest.raises(TypeError, match="gpu_usd"):
        economics.CostModel(gpu_usd="cheap")
    with pytest.raises(ValueError, match="structure_fraction"):
        economics.MassModel(structure_fraction=1.2)


def test_claim_inputs_validation():
    with pytest.raises(ValueError, match="days"):
        ClaimInputs(days=0)
    with pytest.raises(TypeError, match="ClaimInputs.cost_ground must be a GroundDataCenter"):
        ClaimInputs(cost_ground={"pue": 1.2})
    with pytest.raises(TypeError, match="ClaimInputs.cost must be a CostModel, got dict"):
        ClaimInputs(cost={"launch_usd_per_kg": 100})
    with pytest.raises(TypeError, match="quick"):
        ClaimInputs(quick="yes")
    with pytest.raises(ValueError, match="altitude_km"):
        ClaimInputs(altitude_km=50.0)
    with pytest.raises(ValueError, match="altitudes_km"):
        ClaimInputs(altitudes_km=())
    with pytest.raises(TypeError, match="design"):
        ClaimInputs(design="big")


def test_replace_table():
    doc = f"intro\n{TABLE_BEGIN}\nold table\n{TABLE_END}\noutro\n"
    new = replace_table(doc, "| new |\n")
    assert new == f"intro\n{TABLE_BEGIN}\n| new |\n{TABLE_END}\noutro\n"
    assert replace_table(new, "| new |\n") == new
    with pytest.raises(ValueError, match="markers"):
        replace_table("no markers here", "| x |\n")


def test_cli_claims(quick, monkeypatch, capsys, tmp_path):
    from twin.io import cli

    seen = []
    monkeypatch.setattr(cli, "claims", lambda inputs: seen.append(inputs) or quick)
    assert cli.main(["claims", "--quick", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert seen[-1].quick is True
    assert {r["id"] for r in rows} >= {"kw-per-tonne", "radiator-633/twin-hot-case"}
    doc = tmp_path / "claims.md"
    doc.write_text(f"# Claims\n{TABLE_BEGIN}\nstale\n{TABLE_END}\nafter\n")
    assert cli.main(["claims", "--update-doc", str(doc)]) == 0
    assert seen[-1].quick is False
    text = doc.read_text()
    assert "stale" not in text and to_markdown(quick) in text and text.endswith("after\n")
    assert cli.main(["claims", "--quick", "--update-doc", str(doc)]) == 2   # full year only
    assert "drop --quick" in capsys.readouterr().err
    doc.write_text("no markers")
    n = len(seen)
    assert cli.main(["claims", "--update-doc", str(doc)]) == 2      # refused before running
    assert len(seen) == n and "markers" in capsys.readouterr().err
