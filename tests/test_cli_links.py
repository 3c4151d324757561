"""``twin links`` and ``twin contacts``: outputs written whole, bad input in one line."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from twin.io.cli import main

SCENARIO = """\
[simulation]
start = "2027-06-21T00:00:00Z"
duration = "2 h"
step = "60 s"

[[shells]]
name = "small"
type = "cluster"
n = 9
radius_km = 0.4

[links]
topology = "all"
step = "5 min"

[[ground_stations]]
name = "Svalbard"
lat_deg = 78.23
lon_deg = 15.41
alt_m = 500
min_elevation_deg = 5
"""


@pytest.fixture()
def scenario(tmp_path):
    p = tmp_path / "cluster.toml"
    p.write_text(SCENARIO)
    return p


def test_links_command_writes_its_outputs(scenario, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["links", str(scenario), "--out", str(out), "--plot"]) == 0
    ds = xr.open_dataset(out / "links.nc", engine="h5netcdf")
    assert ds.sizes["pair"] == 36 and ds.sizes["time"] == 24
    assert {"range_km", "line_of_sight", "capacity_gbps"} <= set(ds.data_vars)
    net = pd.read_csv(out / "network.csv")
    assert net["connected"].all() and (net["largest_component"] == 9).all()
    po = pd.read_csv(out / "per_orbit_links.csv")
    assert (po["isl_capacity_gbps"] == 8 * 800.0).all()          # 8 links of 800 Gbit/s each
    rep = json.loads((out / "formation.json").read_text())["small"]
    assert rep["safe"] and rep["satellites"] == 9
    assert (out / "capacity.png").stat().st_size > 1000 and (out / "cluster.png").exists()
    # a second run refuses to overwrite
    assert main(["links", str(scenario), "--out", str(out)]) == 2
    assert "exists; pass --force" in capsys.readouterr().err


def test_contacts_command(scenario, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["contacts", str(scenario), "--out", str(out), "--plot"]) == 0
    p = pd.read_csv(out / "contacts.csv")
    assert list(p.columns[:7]) == ["sat", "station", "rise", "culminate", "set",
                                   "max_elevation_deg", "duration_s"]
    assert set(p["station"]) == {"Svalbard"} and len(p) >= 9
    po = pd.read_csv(out / "per_orbit_contacts.csv")
    assert {"contact_min", "downlink_gb"} <= set(po.columns) and (po["contact_min"] > 0).all()
    assert (out / "contacts.png").exists()


def test_bad_links_table_fails_at_load(tmp_path, capsys):
    p = tmp_path / "bad.toml"
    p.write_text(SCENARIO.replace('step = "5 min"', 'step = "5 min"\n[links.terminal]\n'
                                  'aperture_m = -1'))
    assert main(["links", str(p), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "OpticalTerminal.aperture_m=-1" in err and "\n" == err[-1] and err.count("\n") == 1
    p.write_text(SCENARIO.replace("lat_deg = 78.23", "lat_deg = 98.23"))
    assert main(["contacts", str(p), "--out", str(tmp_path / "o")]) == 2
    assert "lat_deg=98.23" in capsys.readouterr().err
    p.write_text(SCENARIO.replace("radius_km = 0.4", "radius_km = 0.05"))
    assert main(["links", str(p), "--out", str(tmp_path / "o")]) == 2
    assert "safety_distance_m" in capsys.readouterr().err


def test_links_czml_has_satellites_and_link_polylines(tmp_path):
    import twin
    from twin.io.link_czml import links_to_czml

    c = twin.Constellation.walker(550, 53, 3, 12, 1)
    geo = twin.geometry(c, "2027-06-21", "1 h", "5 min")
    ds = twin.links(c, "2027-06-21", "1 h", "5 min", topology="grid")
    always = (ds["capacity_gbps"] > 0).all("time").to_numpy()
    p0 = int(np.flatnonzero(always)[0])
    ds["capacity_gbps"][p0, 3:6] = 0.0                      # a gap in one link
    path = links_to_czml(geo, ds, tmp_path / "l.czml")
    doc = json.loads(path.read_text())
    assert doc[0]["id"] == "document" and sum(p["id"].startswith("sat/") for p in doc) == 36
    links_ = {p["id"]: p for p in doc if p["id"].startswith("link/")}
    assert len(links_) == int((ds["capacity_gbps"] > 0).any("time").sum())
    show = links_[f"link/{p0}"]["polyline"]["show"]
    assert [s["boolean"] for s in show] == [True, False, True]
    a, b = int(ds.sat_a_index[p0]), int(ds.sat_b_index[p0])
    assert links_[f"link/{p0}"]["polyline"]["positions"]["references"] == [
        f"sat/{a}#position", f"sat/{b}#position"]
