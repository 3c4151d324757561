"""Ground contacts against skyfield's find_events, station input checks, downlink volume."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import twin
from twin.ground.stations import bundled_stations, read_stations

STATIONS = [
    {"name": "Svalbard", "lat_deg": 78.23, "lon_deg": 15.41, "alt_m": 500.0,
     "min_elevation_deg": 5.0},
    {"name": "Wallops", "lat_deg": 37.94, "lon_deg": -75.46, "alt_m": 10.0,
     "min_elevation_deg": 10.0},
]


def test_pass_times_match_skyfield_find_events(ts):
    """Every rise and set within 1 s of skyfield's find_events (same SGP4 elements)."""
    from skyfield.api import EarthSatellite, wgs84

    from ephemeris.satrec import satrecs_from_elements

    c = twin.Constellation.walker(550, 53, 2, 2) + twin.Constellation.cluster(n=3,
                                                                             radius_km=0.3)
    passes = twin.contacts(c, STATIONS, "2027-06-21", "1 day", "60 s")
    el = c.resolved("2027-06-21")
    t0, t1 = ts.utc(2027, 6, 21), ts.utc(2027, 6, 22)
    n, worst = 0, 0.0
    for sat, name in zip(satrecs_from_elements(el), el["name"]):
        es = EarthSatellite.from_satrec(sat, ts)
        for s in STATIONS:
            topos = wgs84.latlon(s["lat_deg"], s["lon_deg"], elevation_m=s["alt_m"])
            t, ev = es.find_events(topos, t0, t1, altitude_degrees=s["min_elevation_deg"])
            mine = passes[(passes.sat == name) & (passes.station == s["name"])]
            for code, col in ((0, "rise"), (2, "set")):
                ref = [pd.Timestamp(x.utc_datetime()).tz_localize(None)
                       for x, e in zip(t, ev) if e == code]
                got = mine[col].dropna().sort_values().tolist()
                assert len(got) == len(ref), (name, s["name"], col)
                for a, b in zip(got, ref):
                    worst = max(worst, abs((a - b).total_seconds()))
                    n += 1
    assert n > 100
    assert worst < 1.0


def test_pass_columns_and_elevation():
    c = twin.Constellation.walker(550, 53, 1, 2)
    p = twin.contacts(c, STATIONS, "2027-06-21", "1 day", "60 s")
    assert len(p) >= 5
    assert list(p.columns[:7]) == ["sat", "station", "rise", "culminate", "set",
                                   "max_elevation_deg", "duration_s"]
    full = p[~p.partial]
    assert (full.rise < full.culminate).all() and (full.culminate < full.set).all()
    mask = full.station.map({s["name"]: s["min_elevation_deg"] for s in STATIONS})
    assert (full.max_elevation_deg > mask).all() and (full.max_elevation_deg <= 90).all()
    assert np.allclose(full.duration_s, (full.set - full.rise).dt.total_seconds(), atol=1e-3)


def test_contact_summary_counts_overlaps_once():
    t = pd.Timestamp("2027-06-21")
    passes = pd.DataFrame({"sat": ["a", "a", "a"], "station": ["x", "y", "x"],
                           "rise": [t, t + pd.Timedelta(seconds=100), t + pd.Timedelta(hours=2)],
                           "culminate": [t] * 3, "set": [t] * 3,
                           "max_elevation_deg": [10.0] * 3,
                           "duration_s": [300.0, 300.0, 60.0], "partial": [False] * 3,
                           "downlink_gb": [30.0, 30.0, 6.0]})
    s = twin.contact_summary(passes)
    assert s.loc["a", "contact_min"] == pytest.approx((400 + 60) / 60)
    assert s.loc["a", "downlink_gb"] == pytest.approx(66.0 * 460 / 660)


def test_rf_budget_and_pass_volume():
    """Rate = 10^((EIRP + G/T - FSPL - L + 228.6 - Eb/N0) / 10), capped; a pass's volume is
    that rate integrated over the slant ranges of the pass (checked against skyfield's)."""
    from skyfield.api import EarthSatellite, wgs84

    from ephemeris.data import timescale
    from ephemeris.satrec import satrecs_from_elements

    d = twin.Downlink()
    fspl = 20 * np.log10(4 * np.pi * 1500e3 * 26e9 / 299792458.0)
    cn0 = 20.0 + 32.0 - fspl - 4.0 + 228.5991
    assert d.rate_gbps(1500.0) == pytest.approx(10 ** ((cn0 - 6.0) / 10) / 1e9, rel=1e-4)
    assert d.rate_gbps(100.0) == 3.0
    c = twin.Constellation.walker(550, 53, 1, 1)
    p = twin.contacts(c, STATIONS[1:], "2027-06-21", "1 day", "60 s", downlink=d)
    full = p[~p.partial].iloc[0]
    ts = timescale()
    sat = EarthSatellite.from_satrec(satrecs_from_elements(c.resolved("2027-06-21"))[0], ts)
    s = STATIONS[1]
    topos = wgs84.latlon(s["lat_deg"], s["lon_deg"], elevation_m=s["alt_m"])
    tt = pd.date_range(full.rise, full.set, periods=2001)
    t = ts.from_datetimes(tt.tz_localize("UTC").to_pydatetime())
    rng = (sat - topos).at(t).distance().km
    ref = np.trapezoid(d.rate_gbps(rng), dx=full.duration_s / 2000) / 8 * d.availability
    assert full.downlink_gb == pytest.approx(ref, rel=5e-3)


def test_station_input_is_checked(tmp_path):
    bad = dict(STATIONS[0], lat_deg=95.0)
    with pytest.raises(ValueError, match=r"lat_deg=95.0 is out of range; allowed: \[-90, 90\]"):
        twin.contacts(twin.Constellation.cluster(n=4, radius_km=0.3), [bad], "2027-06-21",
                      "1 h", "60 s")
    with pytest.raises(ValueError, match="min_elevation_deg"):
        twin.ground.stations.check_stations([dict(STATIONS[0], min_elevation_deg=91)])
    with pytest.raises(ValueError, match="lon_deg"):
        twin.ground.stations.check_stations([dict(STATIONS[0], lon_deg=400)])
    with pytest.raises(ValueError, match="missing column"):
        twin.ground.stations.check_stations([{"name": "x", "lat_deg": 1.0}])
    csv = tmp_path / "st.csv"
    bundled_stations().to_csv(csv, index=False)
    pd.testing.assert_frame_equal(read_stations(csv), bundled_stations())
    toml = tmp_path / "st.toml"
    toml.write_text('[[ground_stations]]\nname = "A"\nlat_deg = 1.5\nlon_deg = 2\n'
                    'alt_m = 0\nmin_elevation_deg = 10\n')
    assert read_stations(toml).iloc[0].to_dict() == {"name": "A", "lat_deg": 1.5, "lon_deg": 2.0,
                                                     "alt_m": 0.0, "min_elevation_deg": 10.0}
