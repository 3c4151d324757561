"""Figures of twin.plots: returned Figures, atomic PNGs, literal catalog names, input errors.

Small data only: one 3-hour simulation of three satellites, a synthetic altitude comparison and
synthetic daily eclipse-season frames (no year-long runs).
"""
from __future__ import annotations

import math

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection, QuadMesh
from matplotlib.figure import Figure
from matplotlib.text import Text

import twin
from twin.io import plots

EVIL = "EVIL $\\alpha$ <script>"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _small_dpi(monkeypatch):
    monkeypatch.setattr(plots, "DPI", 50)   # rendering time dominates; layout is the same


@pytest.fixture(scope="module")
def sim():
    c = (twin.Constellation.walker(550, 53, 1, 2)
         + twin.Constellation.from_elements(altitude_km=700, inclination_deg=97, raan_deg=40,
                                            name=EVIL))
    return twin.simulate(c, "2027-06-21", "3 h", "60 s", workers=1)


@pytest.fixture(scope="module")
def geo(sim):
    """A geometry-only dataset (what twin.geometry returns): no physics variables."""
    return sim.dataset[["sunlit_fraction", "beta_deg", "lat_deg", "lon_deg", "alt_km", "valid"]]


@pytest.fixture()
def compare_df():
    alt = np.array([1400.0, 400.0, 1000.0, 650.0])          # unsorted on purpose
    return pd.DataFrame({
        "altitude_km": alt,
        "inclination_deg": 96.5 + alt / 1000.0,
        "period_min": 1440.0 / (15.5 - alt / 400.0),
        "sunlit_fraction": np.array([0.999, 0.74, 0.88, 0.80]),
        "eclipse_hours": np.array([0.7, 126.6, 57.1, 95.1]),
        "worst_eclipse_min": np.array([0.5, 24.6, 12.8, 19.6]),
        "mean_array_power_w": np.array([138e3, 100e3, 121e3, 110e3]),
        "battery_needed_wh": np.array([3.1e3, 164.9e3, 86.1e3, 131.2e3]),
        "radiator_needed_m2": np.array([134.2, np.inf, 136.8, 139.5]),
        "sustained_gb300_per_sat": np.array([64.0, 52.0, 62.4, 56.8]),
    })


def _daily(center_doy, half_width, peak_min, year=2027):
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D", name="day")
    x = np.arange(1, len(days) + 1)
    shape = np.clip(1.0 - ((x - center_doy) / half_width) ** 2, 0.0, None)
    return pd.DataFrame({"eclipse_min": peak_min * shape * 15.0,
                         "worst_eclipse_min": peak_min * np.sqrt(shape)}, index=days)


@pytest.fixture()
def seasons():
    return {500: _daily(172, 55, 22.0), 800.0: _daily(172, 40, 16.0),
            1200: _daily(172, 20, 8.0)}


def check_png(path):
    """A complete, non-blank PNG, and nothing else (no temporary files) in its directory."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    img = mpimg.imread(path)
    assert img.ndim == 3 and img.shape[0] > 100 and img.shape[1] > 100
    assert float(img[..., :3].var()) > 1e-3                    # not a blank canvas
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


# ----- plot_altitudes ---------------------------------------------------------------------------
def test_altitudes_png_and_panels(tmp_path, compare_df):
    path = tmp_path / "alt.png"
    fig = plots.plot_altitudes(compare_df, path=path)
    assert isinstance(fig, Figure)
    check_png(path)
    axes = fig.axes
    assert len(axes) == 5                                       # 4 panels + twin radiator axis
    x, y = axes[0].lines[0].get_data()
    assert list(x) == [400.0, 650.0, 1000.0, 1400.0]            # sorted by altitude
    assert y[0] == pytest.approx(0.74)
    labels = [ax.get_ylabel() for ax in axes]
    assert "worst eclipse [min]" in labels and "battery needed [kWh]" in labels
    assert axes[3].lines[0].get_ydata()[0] == pytest.approx(164.9)          # kWh
    legend = [t.get_text() for t in axes[3].get_legend().get_texts()]
    assert any("no finite area at 400 km" in t for t in legend)            # inf radiator


def test_altitudes_without_sizing_columns(compare_df):
    fig = plots.plot_altitudes(compare_df.drop(columns=["battery_needed_wh"]))
    assert len(fig.axes) == 3


def test_altitudes_bad_input(tmp_path, compare_df):
    with pytest.raises(TypeError, match="DataFrame"):
        plots.plot_altitudes(compare_df.to_dict())
    with pytest.raises(ValueError, match="worst_eclipse_min.*sustained_gb300_per_sat"):
        plots.plot_altitudes(compare_df.drop(columns=["worst_eclipse_min",
                                                      "sustained_gb300_per_sat"]))
    with pytest.raises(ValueError, match="no rows"):
        plots.plot_altitudes(compare_df.iloc[:0])
    with pytest.raises(TypeError, match="sunlit_fraction"):
        plots.plot_altitudes(compare_df.assign(sunlit_fraction="lots"))
    with pytest.raises(ValueError, match=r"\.png"):
        plots.plot_altitudes(compare_df, path=tmp_path / "alt.pdf")
    with pytest.raises(ValueError, match="does not exist"):
        plots.plot_altitudes(compare_df, path=tmp_path / "nope" / "alt.png")
    with pytest.raises(TypeError, match="path"):
        plots.plot_altitudes(compare_df, path=3)
    assert list(tmp_path.iterdir()) == []


# ----- plot_timeseries --------------------------------------------------------------------------
def test_timeseries_png(tmp_path, sim):
    path = tmp_path / "ts.png"
    fig = plots.plot_timeseries(sim, path=path)
    assert isinstance(fig, Figure)
    check_png(path)
    assert len(fig.axes) == 5
    assert fig._suptitle.get_text() == "Satellite: walker-550km-53deg-P01-S01"
    ylabels = [ax.get_ylabel() for ax in fig.axes]
    assert ylabels == ["sunlit fraction [–]", "power [kW]", "battery [kWh]",
                       "temperature [°C]", "throughput [GB300-eq]"]
    temp_legend = [t.get_text() for t in fig.axes[3].get_legend().get_texts()]
    assert "limit 85 °C" in temp_legend                         # from the design
    # the 550 km satellite sees eclipses in 3 h: shaded spans and their legend entry
    assert "eclipse (sunlit < 1)" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_timeseries_window_is_orbits(sim):
    ds = sim.dataset
    period_s = 86400.0 / float(ds["mean_motion_rev_per_day"].values[0])
    fig = plots.plot_timeseries(ds, sat=0, orbits=1)           # a plain dataset works too
    lo, hi = fig.axes[-1].get_xlim()                            # matplotlib dates: days
    assert (hi - lo) * 86400.0 == pytest.approx(math.ceil(period_s / 60.0) * 60.0, abs=1.0)
    fig = plots.plot_timeseries(ds, sat=-1, orbits=None)       # whole run
    lo, hi = fig.axes[-1].get_xlim()
    assert (hi - lo) * 86400.0 == pytest.approx(3 * 3600.0, abs=1.0)
    # without a design (a plain dataset) there is no limit line
    assert not any(t.get_text().startswith("limit")
                   for t in fig.axes[3].get_legend().get_texts())


def test_timeseries_bad_input(sim, geo):
    with pytest.raises(TypeError, match="SimulationResult or an xarray.Dataset"):
        plots.plot_timeseries(sim.dataset.to_dataframe())
    with pytest.raises(ValueError) as e:
        plots.plot_timeseries(sim, sat="no-such-sat")
    assert "no-such-sat" in str(e.value) and "walker-550km-53deg-P01-S01" in str(e.value)
    with pytest.raises(TypeError, match="sat"):
        plots.plot_timeseries(sim, sat=1.5)
    with pytest.raises(TypeError, match="sat"):
        plots.plot_timeseries(sim, sat=True)
    with pytest.raises(ValueError, match="out of range"):
        plots.plot_timeseries(sim, sat=3)
    with pytest.raises(ValueError, match="array_power_w.*throughput_gb300"):
        plots.plot_timeseries(geo)
    with pytest.raises(ValueError, match="orbits"):
        plots.plot_timeseries(sim, orbits=0)
    with pytest.raises(TypeError, match="orbits"):
        plots.plot_timeseries(sim, orbits="3")


def _rendered_width(fig, text):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    return text.get_window_extent(renderer).width


def test_catalog_name_is_literal(tmp_path, sim):
    path = tmp_path / "evil.png"
    fig = plots.plot_timeseries(sim, sat=EVIL, path=path)
    check_png(path)
    title = fig._suptitle
    assert title.get_text() == f"Satellite: {EVIL}"
    assert title.get_parse_math() is False and title.get_usetex() is False
    # the same string parsed as mathtext would render differently ("\alpha" -> one glyph)
    mathtext = Text(0, 0, title.get_text(), figure=fig, fontproperties=title.get_fontproperties())
    assert _rendered_width(fig, title) > _rendered_width(fig, mathtext) + 5
    fig = plots.plot_ground_track(sim, sats=[EVIL], path=tmp_path / "evil_track.png")
    ax_title = fig.axes[0].title
    assert EVIL in ax_title.get_text() and ax_title.get_parse_math() is False
    # every text in the figures that holds the name is drawn literally
    for t in fig.findobj(Text):
        if "alpha" in t.get_text():
            assert t.get_parse_math() is False


# ----- plot_eclipse_season / eclipse_season_by_altitude -------------------------------------------
def test_eclipse_season_heatmap(tmp_path, seasons):
    path = tmp_path / "season.png"
    fig = plots.plot_eclipse_season(seasons, path=path)
    assert isinstance(fig, Figure)
    check_png(path)
    meshes = [c for ax in fig.axes for c in ax.collections
              if isinstance(c, QuadMesh) and c.get_array().size == 3 * 365]   # not colour bars
    assert len(meshes) == 2                                     # daily shadow + worst eclipse
    grid = np.ma.getdata(meshes[0].get_array()).reshape(3, 365)
    assert np.allclose(grid[0], seasons[500]["eclipse_min"].to_numpy())    # lowest row 500 km
    assert np.allclose(grid[2], seasons[1200]["eclipse_min"].to_numpy())
    ax = meshes[0].axes
    assert [t.get_text() for t in ax.get_yticklabels()] == ["500", "800", "1200"]
    assert ax.get_ylabel() == "altitude [km]"
    assert meshes[-1].axes.get_xlabel() == "day of year"
    assert fig._suptitle.get_text() == "Eclipse season 2027"


def test_eclipse_season_single_altitude_lines(tmp_path, seasons):
    path = tmp_path / "season1.png"
    fig = plots.plot_eclipse_season({500: seasons[500][["eclipse_min"]]}, path=path)
    check_png(path)
    assert not [c for ax in fig.axes for c in ax.collections if isinstance(c, QuadMesh)]
    x, y = fig.axes[0].lines[0].get_data()
    assert x[0] == 1 and x[-1] == 365
    assert np.allclose(y, seasons[500]["eclipse_min"].to_numpy())
    assert "500 km" in fig._suptitle.get_text()


def test_eclipse_season_bad_input(seasons):
    with pytest.raises(TypeError, match="dict"):
        plots.plot_eclipse_season(list(seasons.values()))
    with pytest.raises(ValueError, match="empty"):
        plots.plot_eclipse_season({})
    with pytest.raises(TypeError, match="DataFrame"):
        plots.plot_eclipse_season({500: seasons[500]["eclipse_min"].to_numpy()})
    with pytest.raises(TypeError, match="altitudes in km"):
        plots.plot_eclipse_season({"500 km": seasons[500]})
    with pytest.raises(ValueError, match="eclipse_min"):
        plots.plot_eclipse_season({500: seasons[500].rename(columns={"eclipse_min": "x"})})


def test_eclipse_season_by_altitude(monkeypatch, seasons):
    calls = []

    def fake(altitude_km, ltan, year, step="60 s", inclination_deg=None):
        calls.append((altitude_km, ltan, year, step))
        stats = {"altitude_km": float(altitude_km), "ltan": ltan, "year": year}
        return stats, seasons[500].copy()

    monkeypatch.setattr(twin.seasons, "eclipse_season", fake)
    out = plots.eclipse_season_by_altitude([500, 800.0], "18:00", 2027)
    assert calls == [(500.0, "18:00", 2027, "120 s"), (800.0, "18:00", 2027, "120 s")]
    assert list(out) == [500.0, 800.0]
    assert out[800.0].attrs["stats"]["altitude_km"] == 800.0
    fig = plots.plot_eclipse_season(out)
    assert "LTAN 18:00" in fig._suptitle.get_text() and "2027" in fig._suptitle.get_text()
    assert list(plots.eclipse_season_by_altitude(650, "06:00", 2027, step="300 s")) == [650.0]
    with pytest.raises(ValueError, match="repeated"):
        plots.eclipse_season_by_altitude([500, 500.0], "18:00", 2027)
    with pytest.raises(ValueError, match="at least one"):
        plots.eclipse_season_by_altitude([], "18:00", 2027)
    with pytest.raises(TypeError):
        plots.eclipse_season_by_altitude("500", "18:00", 2027)
    with pytest.raises(TypeError):
        plots.eclipse_season_by_altitude([500, None], "18:00", 2027)


# ----- plot_ground_track ------------------------------------------------------------------------
def _track_lines(fig):
    ax = fig.axes[0]
    return [ln for ln in ax.lines if len(ln.get_xdata()) > 2]   # not the equator line


def test_ground_track_png_and_dateline(tmp_path, sim):
    path = tmp_path / "track.png"
    fig = plots.plot_ground_track(sim, path=path)
    assert isinstance(fig, Figure)
    check_png(path)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "longitude [°E]" and ax.get_ylabel() == "latitude [°N]"
    assert fig.axes[1].get_ylabel() == "throughput [GB300-eq]"             # colour bar
    scatter = [c for c in ax.collections if isinstance(c, PathCollection)][0]
    assert len(scatter.get_offsets()) == 3 * 180
    lines = _track_lines(fig)
    assert len(lines) == 3
    broken = 0
    for ln in lines:
        lon = np.asarray(ln.get_xdata(), float)
        finite = np.isfinite(lon[:-1]) & np.isfinite(lon[1:])
        assert np.all(np.abs(np.diff(lon))[finite] <= 180.0)               # no wrap-around
        broken += int(np.isnan(lon).sum())
    assert broken > 0                              # 3 h of LEO crosses the dateline somewhere


def test_ground_track_geometry_and_selection(sim, geo):
    fig = plots.plot_ground_track(geo)
    assert fig.axes[1].get_ylabel() == "sunlit fraction [–]"
    fig = plots.plot_ground_track(sim, max_sats=2)
    assert len(_track_lines(fig)) == 2
    assert "2 of 3 satellites" in fig.axes[0].get_title()
    fig = plots.plot_ground_track(sim, sats=1)
    assert len(_track_lines(fig)) == 1


def test_ground_track_bad_input(sim, geo):
    with pytest.raises(TypeError, match="SimulationResult or an xarray.Dataset"):
        plots.plot_ground_track("run.zarr")
    with pytest.raises(ValueError) as e:
        plots.plot_ground_track(sim, sats=["walker-550km-53deg-P01-S01", "ghost"])
    assert "ghost" in str(e.value) and "walker-550km-53deg-P01-S02" in str(e.value)
    with pytest.raises(ValueError, match="max_sats"):
        plots.plot_ground_track(sim, sats=[0, 1, 2], max_sats=2)
    with pytest.raises(ValueError, match="max_sats"):
        plots.plot_ground_track(sim, max_sats=0)
    with pytest.raises(TypeError, match="max_sats"):
        plots.plot_ground_track(sim, max_sats=2.0)
    with pytest.raises(TypeError, match="sats"):
        plots.plot_ground_track(sim, sats={0: 1})
    with pytest.raises(ValueError, match="lon_deg"):
        plots.plot_ground_track(geo.drop_vars("lon_deg"))
    with pytest.raises(ValueError, match="throughput_gb300 or sunlit_fraction"):
        plots.plot_ground_track(geo.drop_vars("sunlit_fraction"))


# ----- atomic writes ----------------------------------------------------------------------------
def test_overwrite_and_failed_write_leave_no_temp(tmp_path, compare_df, monkeypatch):
    path = tmp_path / "alt.png"
    path.write_bytes(b"old")
    plots.plot_altitudes(compare_df, path=path)                 # replaces an existing file
    check_png(path)
    good = path.read_bytes()

    def broken(self, fname, **kw):
        fname.write(b"\x89PNG partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        plots.plot_altitudes(compare_df, path=path)
    assert path.read_bytes() == good                            # the old file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["alt.png"]  # no temporary file left
