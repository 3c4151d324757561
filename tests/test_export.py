"""Exports: Parquet, NetCDF, Zarr, CSV and CZML layouts and metadata, and atomic writing
(no partial files, no silent overwrite, clear errors for bad directories)."""
from __future__ import annotations

import json
import os
import stat

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xarray as xr

import twin
from twin.io import export

START, DURATION, STEP = "2027-06-21", "3 h", "60 s"
N_SAT, N_T = 4, 180
VECTOR_COLUMNS = {
    "position_km": ["position_x_km", "position_y_km", "position_z_km"],
    "sun_rsw": ["sun_rsw_radial", "sun_rsw_along_track", "sun_rsw_normal"],
}
BOOL_VARS = ["valid", "throttled", "thermal_limited", "dark"]


def _simulate():
    return twin.simulate(twin.Constellation.walker(550, 53, 2, 2, 1), START, DURATION, STEP)


@pytest.fixture(scope="module")
def result():
    return _simulate()


@pytest.fixture(scope="module")
def ds(result):
    return result.dataset


def expected_columns(ds):
    cols = ["sat", "time"]
    for name in ds.data_vars:
        cols += VECTOR_COLUMNS.get(name, [name])
    return cols


def column_source(ds):
    """column -> (variable, component index or None)."""
    out = {}
    for name in ds.data_vars:
        if name in VECTOR_COLUMNS:
            out.update({c: (name, i) for i, c in enumerate(VECTOR_COLUMNS[name])})
        else:
            out[name] = (name, None)
    return out


def as_sat_time(ds, var, comp):
    v = ds[var]
    if comp is not None:
        v = v.isel({v.dims[-1]: comp})
    if v.dims == ("time",):
        v = v.expand_dims(sat=ds["sat"].values)
    return v.transpose("sat", "time").values


def files_in(directory):
    return sorted(p.name for p in directory.iterdir())


# ----- Parquet ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def parquet_file(result, tmp_path_factory):
    path = tmp_path_factory.mktemp("pq") / "ts.parquet"
    assert result.to_parquet(path) == path
    return path


def test_parquet_layout(parquet_file, ds):
    table = pq.read_table(parquet_file)
    assert table.num_rows == N_SAT * N_T
    assert table.column_names == expected_columns(ds)
    for vec in VECTOR_COLUMNS.values():
        assert all(c in table.column_names for c in vec)
    assert "position_km" not in table.column_names and "sun_rsw" not in table.column_names
    schema = table.schema
    assert pa.types.is_timestamp(schema.field("time").type)
    assert pa.types.is_string(schema.field("sat").type) or \
        pa.types.is_large_string(schema.field("sat").type)
    for b in BOOL_VARS:
        assert pa.types.is_boolean(schema.field(b).type), b
    df = table.to_pandas()
    assert df["time"].dtype.kind == "M"
    for b in BOOL_VARS:
        assert df[b].dtype == bool


def test_parquet_rows_are_sat_major_and_values_equal_the_dataset(parquet_file, ds):
    df = pq.read_table(parquet_file).to_pandas()
    sats = ds["sat"].values.astype(str)
    assert (df["sat"].to_numpy().reshape(N_SAT, N_T) == sats[:, None]).all()
    assert (df["time"].to_numpy().reshape(N_SAT, N_T) == ds["time"].values[None, :]).all()
    for col, (var, comp) in column_source(ds).items():
        got = df[col].to_numpy().reshape(N_SAT, N_T)
        want = as_sat_time(ds, var, comp)
        if want.dtype.kind == "f":
            np.testing.assert_array_equal(got, want, err_msg=col)
        else:
            assert (got == want).all(), col


def test_parquet_units_and_summary_metadata(parquet_file, ds, result):
    schema = pq.read_schema(parquet_file)
    meta = schema.metadata
    units = json.loads(meta[b"twin.units"])
    src = column_source(ds)
    assert set(units) == set(src)
    for col, (var, _) in src.items():
        assert units[col] == ds[var].attrs["units"], col
        assert schema.field(col).metadata[b"units"].decode() == ds[var].attrs["units"], col
    assert units["position_y_km"] == "km" and units["array_power_w"] == "W"
    assert units["gpu_temp_c"] == "degC" and units["battery_wh"] == "Wh"
    assert json.loads(meta[b"twin.summary"]) == result.summary()
    attrs = json.loads(meta[b"twin.attrs"])
    assert attrs["step_s"] == 60.0 and attrs["policy"] == "reserve"
    assert b"twin.scenario" not in meta              # a plain simulate has no scenario


def test_parquet_of_a_scenario_run_holds_the_scenario(tmp_path):
    sc = twin.Scenario(simulation={"start": START, "duration": "1 h", "step": "60 s"},
                       shells=[{"type": "walker", "altitude_km": 550, "inclination_deg": 53,
                                "planes": 1, "sats_per_plane": 1}],
                       design={"compute": {"gpus": 8}})
    res = sc.run()
    res.to_parquet(tmp_path / "s.parquet")
    meta = pq.read_schema(tmp_path / "s.parquet").metadata
    import tomllib

    assert twin.Scenario.from_dict(tomllib.loads(meta[b"twin.scenario"].decode())) == sc


def test_same_result_twice_gives_identical_parquet(tmp_path, result):
    again = _simulate()
    result.to_parquet(tmp_path / "a.parquet")
    again.to_parquet(tmp_path / "b.parquet")
    a, b = pq.read_table(tmp_path / "a.parquet"), pq.read_table(tmp_path / "b.parquet")
    assert a.equals(b)
    assert a.schema.metadata == b.schema.metadata


def test_geometry_only_dataset_exports(tmp_path):
    g = twin.geometry(twin.Constellation.walker(550, 53, 1, 2), START, "1 h", "60 s")
    export.to_parquet(g, tmp_path / "g.parquet")
    t = pq.read_table(tmp_path / "g.parquet")
    assert t.column_names == expected_columns(g) and t.num_rows == 2 * 60
    export.to_czml(g, tmp_path / "g.czml")
    doc = json.loads((tmp_path / "g.czml").read_text())
    assert set(doc[1]["properties"]) == {"sunlit_fraction"}


# ----- NetCDF and Zarr -------------------------------------------------------------------------
def assert_same_dataset(back, ds):
    assert set(back.data_vars) == set(ds.data_vars)          # Zarr lists them sorted
    for name, var in ds.data_vars.items():
        b = back[name]
        assert b.dims == var.dims, name
        assert b.attrs["units"] == var.attrs["units"], name
        assert b.attrs["long_name"] == var.attrs["long_name"], name
        if var.dtype == bool:
            assert b.dtype == np.int8 and list(b.attrs["flag_values"]) == [0, 1], name
            assert (b.values.astype(bool) == var.values).all(), name
        else:
            np.testing.assert_array_equal(b.values, var.values, err_msg=name)
    assert (back["time"].values == ds["time"].values).all()
    assert list(back["sat"].values.astype(str)) == list(ds["sat"].values.astype(str))
    for coord in ("altitude_km", "inclination_deg", "epoch"):
        assert (back[coord].values == ds[coord].values).all(), coord
    assert back.attrs["step_s"] == 60.0


def test_netcdf_reopens_with_units_and_equal_values(tmp_path, result, ds):
    path = result.to_netcdf(tmp_path / "ts.nc")
    with xr.open_dataset(path, engine="h5netcdf") as back:
        back.load()
        assert_same_dataset(back, ds)
        assert json.loads(back.attrs["twin.summary"]) == result.summary()
        assert back.attrs["Conventions"] == "CF-1.8"


def test_zarr_reopens(tmp_path, result, ds):
    path = result.to_zarr(tmp_path / "ts.zarr")
    assert path.is_dir()
    back = xr.open_zarr(path, consolidated=True).load()
    assert_same_dataset(back, ds)
    assert json.loads(back.attrs["twin.summary"]) == result.summary()


def test_zarr_overwrite_replaces_the_store(tmp_path, result):
    path = tmp_path / "ts.zarr"
    result.to_zarr(path)
    with pytest.raises(ValueError, match="overwrite=True"):
        result.to_zarr(path)
    result.to_zarr(path, overwrite=True)
    assert files_in(tmp_path) == ["ts.zarr"]          # no temp or .old directories left
    xr.open_zarr(path).load()


# ----- CSV ------------------------------------------------------------------------------------
def test_csv_header_and_rows(tmp_path, result, ds):
    path = result.to_csv(tmp_path / "ts.csv")
    lines = path.read_text().splitlines()
    assert lines[0].split(",") == expected_columns(ds)
    assert len(lines) == 1 + N_SAT * N_T
    df = pd.read_csv(path)
    t = pd.to_datetime(df["time"], utc=True).dt.tz_localize(None).to_numpy()
    assert (t.reshape(N_SAT, N_T) == ds["time"].values[None, :]).all()
    assert lines[1].split(",")[1].endswith("Z")
    np.testing.assert_allclose(df["throughput_gb300"].to_numpy().reshape(N_SAT, N_T),
                               ds["throughput_gb300"].values, rtol=1e-12)
    assert set(df["dark"].unique()) <= {True, False}


# ----- CZML -----------------------------------------------------------------------------------
def test_czml_document(tmp_path, result, ds):
    path = result.to_czml(tmp_path / "c.czml")
    doc = json.loads(path.read_text())
    assert isinstance(doc, list) and len(doc) == 1 + N_SAT
    head = doc[0]
    assert head["id"] == "document" and head["version"] == "1.0"
    assert head["clock"]["currentTime"] == "2027-06-21T00:00:00Z"
    assert head["clock"]["interval"] == "2027-06-21T00:00:00Z/2027-06-21T03:00:00Z"
    ids = [p["id"] for p in doc[1:]]
    assert len(set(ids)) == N_SAT
    for p, sat in zip(doc[1:], ds["sat"].values):
        assert p["name"] == str(sat)
        pos = p["position"]
        assert pos["referenceFrame"] == "INERTIAL"
        cart = pos["cartesian"]
        assert len(cart) == 4 * N_T
        samples = np.array(cart).reshape(N_T, 4)
        np.testing.assert_allclose(samples[:, 0], np.arange(N_T) * 60.0)
        # metres; the GCRS position of the dataset
        np.testing.assert_allclose(samples[:, 1:], ds["position_km"].sel(sat=sat).values * 1e3)
        assert set(p["properties"]) == {"sunlit_fraction", "throughput_gb300", "battery_wh"}
        tp = np.array(p["properties"]["throughput_gb300"]["number"]).reshape(N_T, 2)
        np.testing.assert_allclose(tp[:, 1], ds["throughput_gb300"].sel(sat=sat).values)
        bw = np.array(p["properties"]["battery_wh"]["number"]).reshape(N_T, 2)
        np.testing.assert_allclose(bw[:, 1], ds["battery_wh"].sel(sat=sat).values)


def test_czml_stride(tmp_path, result):
    doc = json.loads(result.to_czml(tmp_path / "c.czml", stride=7).read_text())
    assert len(doc[1]["position"]["cartesian"]) == 4 * len(range(0, N_T, 7))
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="stride"):
            result.to_czml(tmp_path / "d.czml", stride=bad)


def test_czml_escapes_names(tmp_path):
    name = """<script>alert("x")</script> & 'q'"""
    c = twin.Constellation.from_elements(altitude_km=550, inclination_deg=53, name=name)
    res = twin.simulate(c, START, "30 min", "60 s")
    text = res.to_czml(tmp_path / "x.czml").read_text()
    doc = json.loads(text)                                      # valid JSON
    p = doc[1]
    assert p["name"] == name
    desc = p["description"]
    assert "<script>" not in desc and '"x"' not in desc
    assert "&lt;script&gt;" in desc and "&quot;" in desc and "&amp;" in desc
    assert "<script>" not in text.replace(json.dumps(name)[1:-1], "")  # only in name/label


# ----- atomic writing --------------------------------------------------------------------------
WRITERS = {
    "parquet": lambda r, p, **kw: r.to_parquet(p, **kw),
    "netcdf": lambda r, p, **kw: r.to_netcdf(p, **kw),
    "csv": lambda r, p, **kw: r.to_csv(p, **kw),
    "czml": lambda r, p, **kw: r.to_czml(p, **kw),
    "zarr": lambda r, p, **kw: r.to_zarr(p, **kw),
}
SUFFIX = {"parquet": ".parquet", "netcdf": ".nc", "csv": ".csv", "czml": ".czml", "zarr": ".zarr"}


@pytest.mark.parametrize("fmt", ["parquet", "netcdf", "csv", "czml"])
def test_existing_file_is_kept_without_overwrite(tmp_path, result, fmt):
    path = tmp_path / f"out{SUFFIX[fmt]}"
    path.write_text("precious")
    with pytest.raises(ValueError, match="overwrite=True"):
        WRITERS[fmt](result, path)
    assert path.read_text() == "precious"
    assert files_in(tmp_path) == [path.name]
    WRITERS[fmt](result, path, overwrite=True)
    assert path.read_bytes() != b"precious" and path.stat().st_size > 100
    assert files_in(tmp_path) == [path.name]


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_missing_directory_is_named(tmp_path, result, fmt):
    missing = tmp_path / "no" / "such"
    with pytest.raises(ValueError) as info:
        WRITERS[fmt](result, missing / f"out{SUFFIX[fmt]}")
    assert str(missing) in str(info.value) and "does not exist" in str(info.value)
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_read_only_directory(tmp_path, result, fmt, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(ro, os.W_OK):
            # root ignores the mode bits: make the permission check see what a user would
            real_access = os.access
            monkeypatch.setattr(os, "access", lambda path, mode, **kw: (
                False if mode & os.W_OK and str(path) == str(ro) else real_access(path, mode)))
        with pytest.raises(ValueError) as info:
            WRITERS[fmt](result, ro / f"out{SUFFIX[fmt]}")
        assert str(ro) in str(info.value) and "not writable" in str(info.value)
        assert files_in(ro) == []
    finally:
        ro.chmod(stat.S_IRWXU)


def test_path_must_be_a_path(result):
    with pytest.raises(TypeError, match="path"):
        result.to_parquet(123)


def _raise(*args, **kwargs):
    raise RuntimeError("disk on fire")


def _netcdf_partial(self, path, *args, **kwargs):
    with open(path, "wb") as fh:
        fh.write(b"\x89HDF partial")
    raise RuntimeError("disk on fire")


def _csv_partial(self, buf, *args, **kwargs):
    buf.write("sat,time,partial\n")
    raise RuntimeError("disk on fire")


def _zarr_partial(self, store, *args, **kwargs):
    os.makedirs(os.path.join(store, "partial"), exist_ok=True)
    raise RuntimeError("disk on fire")


FAILURES = {
    "parquet": (pq.ParquetWriter, "write_table", _raise),
    "netcdf": (xr.Dataset, "to_netcdf", _netcdf_partial),
    "csv": (pd.DataFrame, "to_csv", _csv_partial),
    "zarr": (xr.Dataset, "to_zarr", _zarr_partial),
    "czml": (export.Path, "write_text", _raise),
}


@pytest.mark.parametrize("fmt", list(FAILURES))
def test_failure_while_writing_leaves_nothing(tmp_path, result, monkeypatch, fmt):
    owner, attr, fake = FAILURES[fmt]
    monkeypatch.setattr(owner, attr, fake)
    with pytest.raises(RuntimeError, match="disk on fire"):
        WRITERS[fmt](result, tmp_path / f"out{SUFFIX[fmt]}")
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("fmt", list(FAILURES))
def test_failure_while_overwriting_keeps_the_old_file(tmp_path, result, monkeypatch, fmt):
    path = tmp_path / f"out{SUFFIX[fmt]}"
    WRITERS[fmt](result, path)
    before = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    owner, attr, fake = FAILURES[fmt]
    monkeypatch.setattr(owner, attr, fake)
    with pytest.raises(RuntimeError, match="disk on fire"):
        WRITERS[fmt](result, path, overwrite=True)
    after = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before
    assert files_in(tmp_path) == [path.name]


def test_written_files_get_normal_permissions(tmp_path, result):
    path = result.to_parquet(tmp_path / "ts.parquet")
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_scenario_to_toml_is_atomic(tmp_path, monkeypatch):
    sc = twin.Scenario.from_toml(
        os.path.join(os.path.dirname(__file__), "..", "examples", "dawn_dusk_650.toml"))
    path = tmp_path / "s.toml"
    path.write_text("old")
    monkeypatch.setattr(export.Path, "write_text", _raise)
    with pytest.raises(RuntimeError):
        sc.to_toml(path, overwrite=True)
    assert path.read_text() == "old" and files_in(tmp_path) == ["s.toml"]
    with pytest.raises(ValueError, match="overwrite"):
        sc.to_toml(path)           # an existing file is replaced only with overwrite=True


def test_zarr_overwrite_after_an_interrupted_overwrite(tmp_path, result):
    """Replacing a Zarr store moves the old one to ``.NAME.old`` and then renames the new one
    into place.  If a previous overwrite was interrupted between those two steps, the stale
    ``.NAME.old`` directory is left behind, and it must not block every later overwrite.

    BUG (twin/export.py, atomic_path, ``os.replace(p, old)``): os.replace onto a non-empty
    ``.NAME.old`` directory raises ``OSError: [Errno 39] Directory not empty``, so the store
    can never be replaced again until the user finds and deletes the hidden directory.  Fix:
    remove a stale ``old`` first (``shutil.rmtree(old, ignore_errors=True)``), or use a unique
    name from ``tempfile.mkdtemp(dir=p.parent)``.
    """
    path = tmp_path / "ts.zarr"
    result.to_zarr(path)
    stale = tmp_path / ".ts.zarr.old"
    (stale / "leftover").mkdir(parents=True)
    result.to_zarr(path, overwrite=True)
    xr.open_zarr(path).load()
    assert "ts.zarr" in files_in(tmp_path)


def test_per_orbit_csv_reads_back_exactly(tmp_path, result):
    po = result.per_orbit()
    path = export.per_orbit_to_csv(po, tmp_path / "po.csv")
    text = path.read_text()
    assert text.splitlines()[0] == ",".join(po.columns)          # plain header
    back = pd.read_csv(path, parse_dates=["start", "end"])
    assert list(back.columns) == list(po.columns) and len(back) == len(po)
    assert back["complete"].dtype == bool and (back["complete"] == po["complete"]).all()
    assert (back["start"] == po["start"]).all() and (back["end"] == po["end"]).all()
    for col in po.columns:
        if po[col].dtype.kind == "f":
            np.testing.assert_array_equal(back[col].to_numpy(), po[col].to_numpy(), err_msg=col)
    # a name that needs quoting survives
    odd = po.head(2).assign(sat='a, "b"')
    again = pd.read_csv(export.per_orbit_to_csv(odd, tmp_path / "odd.csv"))
    assert again["sat"].tolist() == ['a, "b"'] * 2
    with pytest.raises(ValueError, match="exists; pass overwrite=True"):
        export.per_orbit_to_csv(po, path)
