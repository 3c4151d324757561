"""Formations: the Suncatcher-style cluster flown by SGP4, checked against a direct run."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.distance import pdist

import twin
from ephemeris.formation import lattice_design, lattice_rtn
from twin.models import formation as fm


@pytest.fixture(scope="module")
def report():
    return twin.formation_report(twin.Constellation.cluster(), "2027-06-21", "1 day", "60 s")


def test_linear_design_never_degenerates():
    """The lattice's two basis motions are never parallel: the N component of their cross
    product is 2 at every argument of latitude and perigee rotation."""
    u = np.linspace(0, 2 * np.pi, 361)
    for psi in (0.0, 1.0, 2.5):
        r1 = lattice_rtn([1], [0], u, psi)[0]
        r2 = lattice_rtn([0], [1], u, psi)[0]
        assert np.allclose(np.cross(r1, r2)[:, 2], 2.0)
    pq, rad = lattice_design(81)
    assert tuple(pq[0]) == (0, 0) and rad[0] == 0.0 and len(np.unique(pq, axis=0)) == 81


def test_suncatcher_cluster_holds_for_a_day_under_sgp4(report):
    s = report.summary
    assert s["satellites"] == 81
    assert s["safe"] and s["min_neighbour_m"] >= 50.0
    assert 70.0 <= s["min_neighbour_m"] <= 120.0          # Suncatcher: ~100-200 m apart
    assert 120.0 <= s["max_neighbour_m"] <= 200.0
    assert 0.97 <= s["max_radius_km"] <= 1.03              # 1 km kept (mean vs osculating)
    assert abs(s["radius_end_km"] - s["radius_start_km"]) < 0.01
    assert s["max_drift_m_per_day"] < 5.0                  # J2-matched: no secular drift
    assert 0.0 < s["dv_m_s_per_year"] < 5.0


def test_neighbour_distances_match_a_direct_skyfield_run(report, ts):
    """Smallest pairwise distance of skyfield's own SGP4 positions at a few instants equals
    the report's per-step minimum (to 1 mm)."""
    from skyfield.api import EarthSatellite

    from ephemeris.satrec import satrecs_from_elements

    el = twin.Constellation.cluster().resolved("2027-06-21")
    sats = [EarthSatellite.from_satrec(s, ts) for s in satrecs_from_elements(el)]
    for k in (0, 97, 700, 1439):
        t = ts.utc(2027, 6, 21, 0, k)
        x = np.array([s.at(t).position.km for s in sats])
        assert pdist(x).min() * 1e3 == pytest.approx(report.timeseries["min_neighbour_m"].iloc[k],
                                                     abs=1e-3)


def test_formation_that_cannot_be_built_is_refused():
    with pytest.raises(ValueError, match="safety_distance_m=50"):
        twin.Constellation.cluster(n=81, radius_km=0.3)
    with pytest.raises(ValueError, match="radius_km"):
        twin.Constellation.cluster(radius_km=-1)
    with pytest.raises(ValueError, match="n=1"):
        twin.Constellation.cluster(n=1)


def test_station_keeping_models():
    rho = 5e-14
    dv = fm.differential_drag_dv_m_s_per_year(rho, 7500.0, 2.2, 0.002)
    assert dv == pytest.approx(0.5 * rho * 7500.0**2 * 2.2 * 0.002 * 365.25 * 86400)
    # equal (a, e, i): no differential J2; e = 0.01 gives a measurable drift
    trim, node, drift = fm.differential_j2_dv(7028.0, 97.9, np.array([0.0, 0.01]))
    assert trim[0] == 0.0 and node[0] == 0.0
    assert drift[1] != 0.0 and node[1] > 0.0


def test_formation_drag_uses_the_nrlmsis_density_along_the_track():
    from twin.models.atmosphere import density_kg_m3
    c = twin.Constellation.cluster(n=9, radius_km=0.5)
    low = twin.formation_report(c, "2027-06-21", "3 h", "60 s", solar_activity="low").summary
    high = twin.formation_report(c, "2027-06-21", "3 h", "60 s", solar_activity="high").summary
    assert 5 * low["density_kg_m3"] < high["density_kg_m3"]
    geo = twin.geometry(c, "2027-06-21", "3 h", "60 s").isel(sat=0)
    direct = density_kg_m3(geo["time"].values, geo["lon_deg"].values, geo["lat_deg"].values,
                           geo["alt_km"].values, 65.0, 65.0, 0.0).mean()
    assert low["density_kg_m3"] == pytest.approx(direct, rel=1e-9)
    assert high["dv_drag_m_s_per_year"] / low["dv_drag_m_s_per_year"] == pytest.approx(
        high["density_kg_m3"] / low["density_kg_m3"], rel=1e-9)
