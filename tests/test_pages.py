"""The HTML report, the Cesium viewer and the OEM export (issue 16).

The browser tests drive headless Chromium (Debian's ``chromium`` + ``chromium-driver``) through
selenium.  Locally they skip with the reason when the browser or the local CesiumJS is missing;
with ``CI=true`` they fail instead (``.ci/run`` installs both).
"""
from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from twin.io import browser
from twin.io.cli import main
from twin.io.oem import read_oem
from twin.io.report import load_run, write_report
from twin.io.view import find_cesium, make_server, serve_in_thread

SCENARIO = """\
[simulation]
start = "2027-06-21T00:00:00Z"
duration = "3 h"
step = "60 s"
policy = "reserve"

[design.solar]
area_m2 = 400

[design.compute]
gpus = 64

[[shells]]
name = "dd"
type = "sun-synchronous"
altitude_km = 650
ltan = "18:00"
planes = 1
sats_per_plane = 3
"""
N_SAT = 3

IN_CI = os.environ.get("CI", "").lower() == "true"


def need(reason):
    """Skip locally with ``reason``; in CI a missing browser or Cesium is a failure."""
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}; .ci/run should have installed it")
    pytest.skip(reason)


def local_cesium():
    for cand in (os.environ.get("TWIN_CESIUM_DIR"), Path.home() / ".cache" / "twin-cesium",
                 Path(__file__).resolve().parent.parent / "node_modules" / "cesium"):
        if cand:
            try:
                return find_cesium(cand)
            except ValueError:
                continue
    return None


def cli(argv, capsys):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("pages")
    (d / "s.toml").write_text(SCENARIO)
    out = d / "deep" / "er" / "run"          # missing parents are created (issue 16)
    assert main(["run", str(d / "s.toml"), "--out", str(out), "--quiet",
                 "--format", "parquet", "czml", "oem"]) == 0
    return out


def plain(text):
    """The page with the JSON escapes of plotly's figure data undone (\\u00b0 -> °)."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def assert_not_blank(png: Path, min_colours=40, min_share=0.03):
    """A screenshot with content: many colours, and at least ``min_share`` of its pixels away
    from its most common colour (a blank or single-colour page fails)."""
    from PIL import Image  # matplotlib's dependency; only the screenshot tests need it

    im = np.asarray(Image.open(png).convert("RGB")).reshape(-1, 3)
    colours, counts = np.unique(im, axis=0, return_counts=True)
    assert len(colours) >= min_colours, f"{png}: only {len(colours)} colours"
    assert 1 - counts.max() / counts.sum() >= min_share, f"{png}: nearly one colour"


# ----- report (no browser) -------------------------------------------------------------------
def test_report_page_is_self_contained(run_dir, tmp_path, capsys):
    code, out, err = cli(["report", run_dir, "--out", tmp_path / "new" / "r.html",
                          "--no-season"], capsys)
    assert code == 0, err
    text = plain((tmp_path / "new" / "r.html").read_text())
    assert "plotly.js v" in text or "Plotly" in text[:200_000]          # plotly.js inlined
    assert not re.search(r"<script[^>]+src=", text)                     # nothing fetched
    for unit in ("throughput [GB300-eq]", "battery [kWh]", "GPU temperature [°C]",
                 "array power [kW]", "eclipse per orbit [min]", "time [UTC]"):
        assert unit in text, unit
    po = pd.read_csv(run_dir / "per_orbit.csv")
    body = text.split('<table class="sortable">', 1)[1].split("</table>", 1)[0]
    assert body.count("<tr>") == len(po) + 1                            # header + every orbit
    assert "3 satellites; from 2027-06-21 00:00 UTC for 3.0 h at 60 s steps" in text
    assert 'id="season"' not in text                                   # --no-season


def test_report_refuses_to_clobber_and_bad_dirs(run_dir, tmp_path, capsys):
    target = tmp_path / "r.html"
    target.write_text("keep")
    code, _, err = cli(["report", run_dir, "--out", target], capsys)
    assert code == 2 and "--force" in err and target.read_text() == "keep"
    code, _, err = cli(["report", tmp_path / "nope"], capsys)
    assert code == 2 and "not a directory" in err
    code, _, err = cli(["report", tmp_path], capsys)
    assert code == 2 and "summary.json" in err


def test_summary_only_run_dir_gives_a_page_without_time_series(run_dir, tmp_path):
    import shutil

    for f in ("summary.json", "per_orbit.csv"):
        shutil.copy(run_dir / f, tmp_path / f)
    text = write_report(tmp_path).read_text()
    assert 'id="eclipse"' in text and 'id="timeseries"' not in text


def test_large_runs_are_thinned_and_say_so():
    from twin.io.report import MAX_POINTS, MAX_SATELLITES, timeseries_figure

    n_sat, n_t = 100, 7001
    rng = np.random.default_rng(1)
    series = {"sat": [f"s{i:03d}" for i in range(n_sat)],
              "time": np.datetime64("2027-01-01") + np.arange(n_t) * np.timedelta64(60, "s"),
              "throughput_gb300": rng.random((n_sat, n_t)), "battery_wh": rng.random((n_sat, n_t))}
    fig, caption = timeseries_figure(series, "test run", worst="s057")
    labels = [b["label"] for b in fig.layout.updatemenus[0].buttons]
    assert len(labels) == MAX_SATELLITES and labels[0] == "s057" and len(set(labels)) == 40
    assert len(fig.data) == 2 * MAX_SATELLITES
    assert all(len(tr.x) <= MAX_POINTS for tr in fig.data)
    np.testing.assert_array_equal(fig.data[0].y, series["throughput_gb300"][57, ::3])
    assert "one step in 3 shown" in caption and "40 of 100 satellites" in caption


def test_load_run_matches_the_parquet(run_dir):
    run = load_run(run_dir)
    s = run["series"]
    assert s["sat"] == [f"dd-P01-S0{i}" for i in (1, 2, 3)]
    assert s["throughput_gb300"].shape == (N_SAT, 180)
    df = pd.read_parquet(run_dir / "timeseries.parquet")
    one = df[df["sat"] == "dd-P01-S02"].sort_values("time")
    np.testing.assert_array_equal(s["battery_wh"][1], one["battery_wh"].to_numpy())


def test_result_to_html(tmp_path):
    import twin

    c = twin.Constellation.sun_synchronous(altitude_km=650, ltan="18:00", planes=1,
                                           sats_per_plane=2)
    r = twin.simulate(c, start="2027-06-21", duration="2 h", step="120 s", workers=1)
    path = r.to_html(tmp_path / "r.html", season=False)
    text = path.read_text()
    assert text.count('class="plotly-graph-div"') == 2 and "sso-650km-1800-P01-S02" in text
    with pytest.raises(ValueError, match="exists"):
        r.to_html(tmp_path / "r.html")
    from twin.io.report import constellation_sso_shells, sso_shells

    two = c + twin.Constellation.sun_synchronous(altitude_km=800, ltan="06:30", planes=2,
                                                 raan_spread_deg=30.0)
    assert constellation_sso_shells(two) == [(650.0, "18:00"), (800.0, "06:30"),
                                             (800.0, "07:30")]
    assert sso_shells(SCENARIO) == [(650.0, "18:00")]


def test_compare_and_claims_pages(tmp_path, capsys):
    code, out, err = cli(["compare", "--altitudes", "550", "900", "--ltan", "18:00",
                          "--duration", "6 h", "--step", "300 s", "--quiet", "--html",
                          tmp_path / "c" / "alt.html"], capsys)
    assert code == 0, err
    text = plain((tmp_path / "c" / "alt.html").read_text())
    assert "altitude [km]" in text and "sustained [GB300-eq/sat]" in text
    assert "LTAN 18:00, from 2027-01-01 for 6 h at 300 s steps" in text
    code, _, err = cli(["compare", "--altitudes", "550", "--ltan", "18:00", "--html",
                        tmp_path / "x.png"], capsys)
    assert code == 2 and ".html" in err


def test_claims_page(tmp_path, capsys, monkeypatch):
    # the claims themselves take half a minute (test_claims.py checks them); here the page
    from twin.io import cli as cli_module
    from twin.studies.claims import CLAIM_COLUMNS

    rows = pd.DataFrame([["a/b", "A <claim>", "a source", 1.0, 2.0, "GW", "holds", 1.0, "x"],
                         ["c/d", "Another", "another", float("nan"), 0.5, "$/kg", "fails", -0.5,
                          "y"]],
                        columns=CLAIM_COLUMNS)
    monkeypatch.setattr(cli_module, "claims", lambda inputs: rows)
    code, _, err = cli(["claims", "--quick", "--html", tmp_path / "k" / "claims.html"], capsys)
    assert code == 0, err
    text = (tmp_path / "k" / "claims.html").read_text()
    assert "A &lt;claim&gt;" in text and "fails" in text and "quick: sampled days" in text
    assert text.count("<tr>") == 3


# ----- OEM ------------------------------------------------------------------------------------
def test_oem_export_reads_back(run_dir):
    import xarray as xr

    back = read_oem(run_dir / "oem")
    assert sorted(back["sat"].unique()) == [f"dd-P01-S0{i}" for i in (1, 2, 3)]
    assert (back["ref_frame"] == "GCRF").all()
    df = pd.read_parquet(run_dir / "timeseries.parquet")
    both = back.merge(df, on=["sat", "time"], validate="one_to_one")
    assert len(both) == len(df) == N_SAT * 180
    for a in "xyz":
        np.testing.assert_allclose(both[f"{a}_km"], both[f"position_{a}_km"], atol=1e-9)
    # velocities: the derivative of the positions (central differences of the written states;
    # truncation error v (w dt)^2 / 6 ~ 6 m/s at 60 s steps)
    one = back[back["sat"] == "dd-P01-S01"].sort_values("time")
    r = one[["x_km", "y_km", "z_km"]].to_numpy()
    v = one[["vx_km_s", "vy_km_s", "vz_km_s"]].to_numpy()
    fd = (r[2:] - r[:-2]) / 120.0
    assert np.abs(fd - v[1:-1]).max() < 0.01
    assert np.abs(np.linalg.norm(v, axis=1) - 7.53).max() < 0.05
    del xr


def test_oem_single_file_and_bad_target(tmp_path):
    import twin
    from twin.io.oem import to_oem

    c = twin.Constellation.sun_synchronous(altitude_km=700, ltan="10:30", planes=1,
                                           sats_per_plane=2)
    ds = twin.geometry(c, start="2027-03-01", duration="30 min", step="10 s")
    with pytest.raises(ValueError, match="holds one satellite"):
        to_oem(ds, tmp_path / "x.oem")
    one = ds.isel(sat=[0])
    to_oem(one, tmp_path / "one.xml")
    back = read_oem(tmp_path / "one.xml")
    np.testing.assert_allclose(back[["x_km", "y_km", "z_km"]].to_numpy(),
                               one["position_km"].values[0], atol=1e-9)
    r = back[["x_km", "y_km", "z_km"]].to_numpy()
    fd = (r[2:] - r[:-2]) / 20.0
    assert np.abs(fd - back[["vx_km_s", "vy_km_s", "vz_km_s"]].to_numpy()[1:-1]).max() < 2e-4
    with pytest.raises(ValueError, match="does not exist"):
        read_oem(tmp_path / "nope.oem")


def test_constellation_from_oem_round_trip(tmp_path):
    import twin
    from twin.io.oem import constellation_from_oem, to_oem

    c = (twin.Constellation.walker(550, 53, 1, 2)
         + twin.Constellation.sun_synchronous(altitude_km=650, ltan="18:00"))
    ds = twin.geometry(c, start="2027-06-21", duration="4 h", step="60 s")
    to_oem(ds, tmp_path / "oem")
    back = constellation_from_oem(tmp_path / "oem")
    assert max(back.oem_fit_rms_km.values()) < 1e-3
    ds2 = twin.geometry(back, start="2027-06-21", duration="4 h", step="60 s")
    ds2 = ds2.sel(sat=ds["sat"].values)          # files are read in name order
    assert np.abs(ds2["position_km"].values - ds["position_km"].values).max() < 1e-3
    # an ephemeris SGP4 cannot follow (a 50 km jump: a manoeuvre) is refused, not fitted
    f = sorted((tmp_path / "oem").glob("*.oem"))[0]
    lines = f.read_text().splitlines()
    k = next(i for i, ln in enumerate(lines) if ln.startswith("2027-06-21T01:00"))
    for i in range(k, len(lines)):
        parts = lines[i].split()
        if len(parts) == 7:
            parts[1] = repr(float(parts[1]) + 50.0)
            lines[i] = " ".join(parts)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / f.name).write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match="km RMS"):
        constellation_from_oem(tmp_path / "bad")


# ----- the viewer server ----------------------------------------------------------------------
def test_view_server_routes(run_dir, tmp_path):
    cesium = local_cesium()
    srv, url = serve_in_thread(run_dir, cesium=cesium)
    try:
        page = urllib.request.urlopen(url).read().decode()
        assert ("/cesium/Cesium.js" if cesium else "cesium.com/downloads/cesiumjs") in page
        czml = json.loads(urllib.request.urlopen(url + "constellation.czml").read())
        assert sum(1 for p in czml if p["id"].startswith("sat/")) == N_SAT
        assert "battery_wh" in czml[1]["properties"]
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(url + "cesium/../../../../etc/passwd")
        if cesium:
            assert urllib.request.urlopen(url + "cesium/Cesium.js").status == 200
    finally:
        srv.shutdown()
        srv.server_close()
    with pytest.raises(ValueError, match="constellation.czml"):
        make_server(tmp_path)
    with pytest.raises(ValueError, match="Cesium.js"):
        make_server(run_dir, cesium=tmp_path)


# ----- in a real browser ------------------------------------------------------------------------
SHOTS = Path(os.environ.get("TWIN_SCREENSHOTS", "")) if os.environ.get("TWIN_SCREENSHOTS") \
    else None


@pytest.fixture(scope="module")
def chromium():
    need(browser.missing())
    with browser.Browser(1280, 900) as b:
        yield b


def test_report_in_chromium(run_dir, tmp_path, chromium):
    page = write_report(run_dir, tmp_path / "report.html")
    chromium.open(page.resolve().as_uri())
    chromium.wait_for("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3")
    ids = chromium.run("return Array.from(document.querySelectorAll('.js-plotly-plot'))"
                       ".map(d => d.id)")
    assert ids == ["season", "timeseries", "eclipse"]
    # the season: one curve (one sun-synchronous shell) over the whole year, June in eclipse
    # (about 15 orbits a day of up to ~20 min each in June, none out of season)
    season = chromium.run("const d=document.getElementById('season')._fullData;"
                          "const y=Array.from(d[0].y);"
                          "return [d.length, d[0].x.length, Math.max(...y), Math.min(...y)];")
    assert season[0] == 1 and season[1] == 365 and 250 < season[2] < 320 and season[3] == 0
    sats = chromium.run("return document.getElementById('timeseries').layout"
                        ".updatemenus[0].buttons.map(b => b.label)")
    assert sorted(sats) == [f"dd-P01-S0{i}" for i in (1, 2, 3)]
    # the selector (real clicks on plotly's dropdown) shows the chosen satellite's traces only
    from selenium.webdriver.common.by import By

    chromium.run("document.getElementById('timeseries').scrollIntoView()")
    chromium.driver.find_element(By.CSS_SELECTOR, "#timeseries .updatemenu-header-group").click()
    buttons = chromium.wait_for("document.querySelectorAll("
                                "'#timeseries .updatemenu-dropdown-button').length")
    assert buttons == N_SAT
    chromium.driver.find_elements(By.CSS_SELECTOR,
                                  "#timeseries .updatemenu-dropdown-button")[2].click()
    chromium.wait_for("document.getElementById('timeseries').layout.updatemenus[0].active == 2")
    visible = chromium.run("return document.getElementById('timeseries').data"
                           ".filter(t => t.visible === true).map(t => t.name)")
    assert len(visible) == 5 and len(set(visible)) == 1 and visible[0] == sats[2]
    # sorting: a click on the duration_min heading orders the rows by it, a second reverses
    column = """
        const t=document.querySelector('table.sortable');
        const i=Array.from(t.tHead.rows[0].cells)
            .findIndex(c=>c.textContent.startsWith('duration_min'));
        if (arguments[0]) { t.tHead.rows[0].cells[i].click(); }
        return Array.from(t.tBodies[0].rows).map(r=>parseFloat(r.cells[i].dataset.v));"""
    before = chromium.run(column, False)
    assert before != sorted(before) and len(set(before)) > 2
    assert chromium.run(column, True) == sorted(before)
    assert chromium.run(column, True) == sorted(before, reverse=True)
    assert chromium.errors() == []
    shot = chromium.screenshot(tmp_path / "report.png")
    assert_not_blank(shot)
    if SHOTS:
        chromium.run("document.getElementById('timeseries').scrollIntoView()")
        chromium.screenshot(SHOTS / "report.png")
        chromium.run("window.scrollTo(0, 0)")


def test_viewer_in_chromium(run_dir, tmp_path, chromium):
    cesium = local_cesium()
    need(None if cesium else "no local CesiumJS (npm install cesium into ~/.cache/twin-cesium "
         "or set TWIN_CESIUM_DIR); the test never uses the network")
    # the run's CZML plus one inter-satellite link (a polyline between two satellites'
    # positions, as a links model would write): the viewer must draw it and count it
    czml = json.loads((run_dir / "constellation.czml").read_text())
    czml.append({"id": "link/0-1", "name": "link", "polyline": {
        "positions": {"references": ["sat/0#position", "sat/1#position"]},
        "width": 1.5, "material": {"solidColor": {"color": {"rgba": [0, 255, 255, 200]}}}}})
    view_dir = tmp_path / "run"
    view_dir.mkdir()
    (view_dir / "constellation.czml").write_text(json.dumps(czml))
    srv, url = serve_in_thread(view_dir, cesium=cesium)
    try:
        chromium.open(url)
        chromium.wait_for("window.twinStatus && (window.twinStatus.loaded || "
                          "window.twinStatus.error)")
        status = chromium.run("return window.twinStatus")
        assert status["error"] is None, status
        assert status["satellites"] == N_SAT and status["colourBy"] == "throughput_gb300"
        assert status["links"] == 1
        chromium.wait_for("window.twinViewer.scene.globe.tilesLoaded")
        n_entities = chromium.run("return window.twinViewer.dataSources.get(0).entities"
                                  ".values.filter(e => e.point).length")
        assert n_entities == N_SAT
        # the switch: colour by battery, and the colour of a satellite follows its value
        chromium.run("const s=document.getElementById('colourBy'); s.value='battery_wh';"
                     "s.dispatchEvent(new Event('change'));")
        assert chromium.run("return window.twinStatus.colourBy") == "battery_wh"
        hi = chromium.run("return document.getElementById('hi').textContent")
        assert float(hi) == pytest.approx(pd.read_parquet(  # the run's largest battery sample
            run_dir / "timeseries.parquet", columns=["battery_wh"])["battery_wh"].max() / 1e3,
            abs=0.06)
        chromium.run("const v=window.twinViewer; v.clock.shouldAnimate=false;"
                     "v.useDefaultRenderLoop=false; v.render();")
        assert chromium.errors() == []
        shot = chromium.screenshot(tmp_path / "view.png")
        assert_not_blank(shot)
        if SHOTS:
            chromium.screenshot(SHOTS / "view.png")
    finally:
        srv.shutdown()
        srv.server_close()


def test_twin_view_command_serves_until_interrupted(run_dir):
    import signal
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "TWIN_NUMBA": "0"}
    p = subprocess.Popen([sys.executable, "-m", "twin", "view", str(run_dir)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = p.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        assert "Cesium.js" in urllib.request.urlopen(url, timeout=30).read().decode()
        p.send_signal(signal.SIGINT)
        assert p.wait(timeout=30) == 0
    finally:
        if p.poll() is None:
            p.kill()


def test_plot_path_creates_missing_parents(tmp_path, capsys):
    target = tmp_path / "new" / "dir" / "season.png"
    code, _, err = cli(["eclipse-season", "--altitude", "650", "--ltan", "18:00", "--year",
                        "2027", "--step", "900", "--plot", target], capsys)
    assert code == 0, err
    assert target.stat().st_size > 1000
    (tmp_path / "file").write_text("x")
    code, _, err = cli(["eclipse-season", "--altitude", "650", "--ltan", "18:00", "--year",
                        "2027", "--plot", tmp_path / "file" / "s.png"], capsys)
    assert code == 2 and "not a directory" in err
