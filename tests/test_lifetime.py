"""twin.lifetime: sampled days against every day, station keeping, decay and re-entry, the
tables, bad input."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import twin
from twin.models import radiation
from twin.run.lifetime import (
    PER_SATELLITE_COLUMNS,
    LifetimeSettings,
    LifetimeWarning,
    degraded_design,
    lifetime,
    solar_activity_at,
)
from twin.run.summary import sustained_per_sat

#: Settings that hold the GPUs and upsets still, so a run isolates the sampling of days.
STILL = LifetimeSettings(random_failure_per_gpu_year=0.0, tid_d63_krad=1e6,
                         upset_cross_section_cm2=0.0)


def test_sampled_days_within_one_percent_of_every_day():
    """12 sampled days a year against a simulation of all 365 days (dawn-dusk 550 km, whose
    eclipse season in May-August cuts throughput by up to 14 %)."""
    c = twin.Constellation.sun_synchronous(550, "18:00")
    r = lifetime(c, "2027-01-01", years=1, samples_per_year=12, step="120 s", workers=1,
                 settings=STILL)
    s = r.samples
    assert s["sustained_gb300"].values.min() < 0.9 * s["sustained_gb300"].values.max()
    d = degraded_design(twin.SatelliteDesign(), float(s["array_factor"].mean()), 0.5,
                        float(s["propulsion_w"].mean()), 64)
    full = twin.simulate(twin.Constellation.sun_synchronous(550, "18:00", design=d),
                         "2027-01-01", "365 days", "120 s", workers=1, timeseries=False)
    every_day = float(sustained_per_sat(full.per_orbit()).iloc[0])
    sampled = float(r.dataset["sustained_gb300"].values[0, 0])
    assert sampled == pytest.approx(every_day, rel=0.01)


def test_station_keeping_holds_altitude_and_tables_are_complete():
    c = twin.Constellation.sun_synchronous(550, "18:00", planes=2, sats_per_plane=1)
    r = lifetime(c, "2027-01-01", years=2, samples_per_year=2, step="300 s", workers=1)
    t = r.per_satellite()
    assert list(t.columns) == PER_SATELLITE_COLUMNS and len(t) == 2
    assert np.allclose(t["altitude_km_eol"], 550.0)
    assert (t["delta_v_m_s_per_year"] > 0).all() and (t["propellant_kg_per_year"] > 0).all()
    assert (t["dose_krad_eol"] > 0).all() and (t["array_factor_eol"] < 1).all()
    assert (t["gpus_alive_eol"] < 64).all() and (t["gpus_alive_eol"] > 50).all()
    assert (t["years_to_reentry_unpowered"] > 0.5).all()
    assert t["lifetime_gb300_years"].sum() == pytest.approx(
        r.per_year()["gb300_years"].sum())
    ds = r.dataset
    assert set(ds.dims) == {"sat", "year"} and list(ds["year"].values) == [1, 2]
    assert ds["dose_krad"].attrs["units"] == "krad(Si)"
    assert (ds["dose_krad"].sel(year=2) > ds["dose_krad"].sel(year=1)).all()
    assert r.summary()["lifetime_gb300_years"] == pytest.approx(
        t["lifetime_gb300_years"].sum())


def test_without_propellant_the_orbit_decays_with_a_warning():
    d = twin.SatelliteDesign().replace(propulsion={"propellant_kg": 1.0})
    c = twin.Constellation.sun_synchronous(450, "18:00", design=d)
    with pytest.warns(LifetimeWarning, match="cannot hold 450 km for a single year"):
        r = lifetime(c, "2027-01-01", years=1, samples_per_year=4, step="300 s", workers=1)
    t = r.per_satellite()
    assert t["altitude_km_eol"].iloc[0] < 449.0
    assert t["propellant_used_kg"].iloc[0] == pytest.approx(1.0)


def test_unpowered_low_orbit_reenters_and_stops_computing():
    d = twin.SatelliteDesign().replace(propulsion={"enabled": False})
    c = twin.Constellation.sun_synchronous(260, "18:00", design=d)
    r = lifetime(c, "2027-01-01", years=1, samples_per_year=12, step="300 s", workers=1,
                 solar_activity="high")
    t = r.per_satellite()
    assert bool(t["reentered"].iloc[0])
    assert t["years_to_reentry_unpowered"].iloc[0] < 0.25
    assert r.samples["sustained_gb300"].values[0, -1] == 0.0
    assert t["delta_v_m_s_per_year"].iloc[0] == 0.0


def test_higher_orbit_more_dose_less_drag():
    c = (twin.Constellation.sun_synchronous(500, "18:00", name="low")
         + twin.Constellation.sun_synchronous(1200, "18:00", name="high"))
    r = lifetime(c, "2027-01-01", years=1, samples_per_year=1, step="300 s", workers=1)
    t = r.per_satellite().set_index("shell")
    assert t.loc["high", "dose_krad_per_year"] > 5 * t.loc["low", "dose_krad_per_year"]
    assert t.loc["high", "delta_v_m_s_per_year"] < 0.1 * t.loc["low", "delta_v_m_s_per_year"]
    assert t.loc["high", "upset_loss"] > t.loc["low", "upset_loss"]
    # krad(Si)/yr is SHIELDOSE-2's rad(Si)/yr behind the payload shield / 1e3, between the
    # solar-minimum and -maximum belts of that orbit
    shield = twin.ComputePayload().shield_mm
    for shell in ("low", "high"):
        h, inc = t.loc[shell, "altitude_km"], t.loc[shell, "inclination_deg"]
        lo, hi = sorted(radiation.dose_rad_per_year(h, inc, shield, s)["total"] / 1e3
                        for s in ("min", "max"))
        assert lo * 0.999 <= t.loc[shell, "dose_krad_per_year"] <= hi * 1.001, shell


def test_user_solar_activity_series():
    idx = pd.date_range("2026-12-01", "2028-02-01", freq="MS")
    series = pd.DataFrame({"f107": 100.0, "f107a": 100.0, "ap": 8.0}, index=idx)
    out = solar_activity_at(series, pd.DatetimeIndex(["2027-06-15"]))
    assert out["f107"].iloc[0] == 100.0
    with pytest.raises(ValueError, match="covers"):
        solar_activity_at(series, pd.DatetimeIndex(["2029-01-01"]))
    with pytest.raises(ValueError, match="f107a"):
        solar_activity_at({"f107": 100.0, "ap": 4.0}, pd.DatetimeIndex(["2027-06-15"]))


@pytest.mark.parametrize("call, match", [
    (lambda c: lifetime(c, "2027-01-01", solar_activity="extreme"),
     "solar_activity='extreme' is not a named scenario; allowed: 'low', 'moderate', 'high'"),
    (lambda c: lifetime(c, "2027-01-01", years=0), r"years=0 is out of range; allowed: \(0, 30\]"),
    (lambda c: lifetime(c, "2027-01-01", years=-1), "years=-1 is out of range"),
    (lambda c: lifetime(c, "2027-01-01", samples_per_year=0),
     r"samples_per_year=0 is out of range; allowed: \[1, 366\]"),
    (lambda c: LifetimeSettings(cd=9.0), r"LifetimeSettings.cd=9.0 is out of range; allowed: \[1, 4\]"),  # noqa: E501
    (lambda c: twin.ComputePayload(shield_mm=-1.0),
     r"ComputePayload.shield_mm=-1.0 is out of range; allowed: \[0, 100\] mm"),
    (lambda c: twin.Propulsion(isp_s=10.0), r"Propulsion.isp_s=10.0 is out of range; allowed: \[50, 10000\] s"),  # noqa: E501
    (lambda c: twin.Propulsion(efficiency=1.5), "Propulsion.efficiency=1.5 is out of range"),
    (lambda c: lifetime(c, "2027-01-01", solar_activity={"f107": 900.0, "f107a": 140.0, "ap": 4.0}),
     r"solar_activity\['f107'\]=900.0 is out of range; allowed: \[50, 400\] sfu"),
])
def test_bad_input_names_the_field_and_range(call, match):
    c = twin.Constellation.sun_synchronous(550, "18:00")
    with pytest.raises(ValueError, match=match):
        call(c)


def test_design_round_trip_with_propulsion():
    d = twin.SatelliteDesign().replace(propulsion={"isp_s": 1600.0},
                                       compute={"shield_mm": 5.0, "spare_gpus": 4})
    back = twin.SatelliteDesign.from_dict(d.to_dict())
    assert back == d
    from twin.studies.economics import satellite_mass_kg

    m0, m1 = satellite_mass_kg(twin.SatelliteDesign()), satellite_mass_kg(d)
    assert m1["shield_kg"] == pytest.approx(2.5 * m0["shield_kg"] * 68 / 64)
    assert m1["compute_kg"] > m0["compute_kg"]
    assert m0["propellant_kg"] == 100.0 and m0["propulsion_kg"] == pytest.approx(40.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sum(v for k, v in m1.items() if k != "total_kg") == pytest.approx(m1["total_kg"])
