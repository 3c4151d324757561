"""'twin lifetime', 'twin compare --lifetime', compare_altitudes(lifetime=True) and the
[lifetime]/[environment] scenario tables."""
from __future__ import annotations

import json

import pandas as pd
import pytest
import xarray as xr

import twin
from twin.io.cli import main
from twin.studies.compare import COMPARE_COLUMNS, LIFETIME_COMPARE_COLUMNS

SCENARIO = """
[simulation]
start = "2027-01-01T00:00:00Z"
duration = "1 day"
step = "300 s"

[lifetime]
years = 1
samples_per_year = 2
cover_glass_um = 150

[environment]
{env}

[design.compute]
shield_mm = 4.0
spare_gpus = 2

[[shells]]
name = "dd"
type = "sun-synchronous"
altitude_km = 700
ltan = "18:00"
"""


def test_twin_lifetime_writes_tables_dataset_and_plot(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO.format(env='solar_activity = "low"'))
    out = tmp_path / "life"
    assert main(["lifetime", str(path), "--out", str(out), "--workers", "1"]) == 0
    per_year = pd.read_csv(out / "per_year.csv")
    assert list(per_year["year"]) == [1]
    per_sat = pd.read_csv(out / "per_satellite.csv")
    assert per_sat["dose_krad_eol"].iloc[0] > 0
    ds = xr.open_dataset(out / "lifetime.nc")
    assert ds["dose_krad"].attrs["units"] == "krad(Si)" and ds.attrs["solar_activity"] == "low"
    ds.close()
    assert (out / "lifetime.png").read_bytes()[:4] == b"\x89PNG"
    summary = json.loads((out / "lifetime_summary.json").read_text())
    assert summary["lifetime_gb300_years"] > 0
    # a second run refuses to overwrite without --force
    assert main(["lifetime", str(path), "--out", str(out)]) == 2
    assert "exists" in capsys.readouterr().err


@pytest.mark.parametrize("env, message", [
    ('solar_activity = "extreme"', "solar_activity='extreme' is not a named scenario"),
    ("f107 = 140.0\nap = 15.0", "needs exactly the keys f107, f107a, ap"),
    ('solar_activity = "low"\nf107 = 100.0', "not both"),
    ("colour = 3", "unknown key 'colour' in [environment]"),
])
def test_environment_table_is_checked_at_load(tmp_path, env, message):
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO.format(env=env))
    with pytest.raises((ValueError, TypeError)) as err:
        twin.Scenario.from_toml(path)
    assert message in str(err.value)


def test_lifetime_table_values_are_checked(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO.format(env="").replace("cover_glass_um = 150", "cd = 0.2"))
    with pytest.raises(ValueError, match=r"\[lifetime\]/\[environment\]: LifetimeSettings.cd=0.2"):
        twin.Scenario.from_toml(path)


def test_scenario_round_trip_keeps_lifetime_tables(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO.format(env="f107 = 120.0\nf107a = 110.0\nap = 9.0"))
    s = twin.Scenario.from_toml(path)
    assert s.solar_activity() == {"f107": 120.0, "f107a": 110.0, "ap": 9.0}
    assert s.lifetime_settings().cover_glass_um == 150.0
    back = twin.Scenario.from_dict(__import__("tomllib").loads(s.to_toml()))
    assert back.lifetime == s.lifetime and back.environment == s.environment


def test_compare_altitudes_lifetime_columns():
    df = twin.compare_altitudes([500, 1300], ltan="18:00", start="2027-01-01",
                                duration="1 day", step="300 s", lifetime=True, years=2,
                                samples_per_year=1, workers=1)
    assert list(df.columns) == COMPARE_COLUMNS + LIFETIME_COMPARE_COLUMNS
    low, high = df.iloc[0], df.iloc[1]
    assert high["dose_krad_per_year"] > low["dose_krad_per_year"]
    assert high["delta_v_m_s_per_year"] < low["delta_v_m_s_per_year"]
    assert high["years_to_reentry_unpowered"] > low["years_to_reentry_unpowered"]
    assert high["array_factor_eol"] < low["array_factor_eol"]
    plain = twin.compare_altitudes([500], ltan="18:00", duration="1 day", step="300 s",
                                   workers=1)
    assert list(plain.columns) == COMPARE_COLUMNS


def test_cli_compare_lifetime_json(capsys):
    assert main(["compare", "--altitudes", "600", "--ltan", "18:00", "--duration", "1 day",
                 "--step", "300", "--lifetime", "--years", "1", "--json", "--quiet"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert set(LIFETIME_COMPARE_COLUMNS) <= set(rows[0])
    assert rows[0]["lifetime_gb300_years"] > 0
