"""Exports: Parquet, NetCDF, Zarr, CSV and CZML, written atomically.

Every writer produces its file under a temporary name in the target directory and renames it
into place only when complete (``os.replace``, :mod:`twin.io.atomic`), so a failure never leaves
a partial file.  An existing output is replaced only with ``overwrite=True``; a missing or
read-only directory is a clear ``ValueError``.
"""
from __future__ import annotations

import csv
import errno
import html
import io
import json
import os
import pickle
import signal
from contextlib import suppress
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import xarray as xr

# The atomic-write helpers live in twin.io.atomic; re-exported here under their old names.
from twin.io.atomic import atomic_path, atomic_write_text, check_target  # noqa: F401

#: Rows per Parquet row group / CSV block (bounded memory for large runs).
BLOCK_ROWS = 2_000_000


# ----- tidy tables ---------------------------------------------------------------------------
def _tidy_columns(ds: xr.Dataset) -> list[tuple[str, str, int | None]]:
    """(column, variable, component) for every exported column."""
    cols = []
    for name, var in ds.data_vars.items():
        extra = [d for d in var.dims if d not in ("sat", "time")]
        if not extra:
            cols.append((name, name, None))
        elif len(extra) == 1:
            labels = ds[extra[0]].values
            base = name[:-3] if name.endswith("_km") else name
            unit = "_km" if name.endswith("_km") else ""
            cols += [(f"{base}_{lab}{unit}", name, i) for i, lab in enumerate(labels)]
    return cols


def tidy_blocks(ds: xr.Dataset, block_rows=BLOCK_ROWS):
    """Yield DataFrames of the tidy table (``sat``, ``time``, every variable), sat-blocked."""
    n_sat, n_t = ds.sizes["sat"], ds.sizes["time"]
    per = max(1, block_rows // max(n_t, 1))
    cols = _tidy_columns(ds)
    times = ds["time"].values
    sats = ds["sat"].values.astype(str)
    for a in range(0, n_sat, per):
        b = min(a + per, n_sat)
        data = {"sat": np.repeat(sats[a:b], n_t), "time": np.tile(times, b - a)}
        for col, var, comp in cols:
            v = ds[var]
            dims = [d for d in ("sat", "time") if d in v.dims]
            order = dims + [d for d in v.dims if d not in dims]
            arr = v.transpose(*order).values
            if comp is not None:
                arr = arr[..., comp]
            if dims == ["time"]:
                arr = np.broadcast_to(arr, (b - a, n_t))
            elif dims == ["sat"]:
                arr = np.broadcast_to(arr[a:b, None], (b - a, n_t))
            else:
                arr = arr[a:b]
            data[col] = np.asarray(arr).reshape(-1)
        yield pd.DataFrame(data)


def units_of(ds: xr.Dataset) -> dict:
    return {col: ds[var].attrs.get("units", "") for col, var, _ in _tidy_columns(ds)}


def to_parquet(ds: xr.Dataset, path, overwrite=False, metadata=None) -> Path:
    """Tidy Parquet: one row per satellite and step; units and scenario in the metadata."""
    meta = {"twin.units": json.dumps(units_of(ds)),
            "twin.attrs": json.dumps({k: _jsonable(v) for k, v in ds.attrs.items()})}
    meta.update({k: v if isinstance(v, str) else json.dumps(v)
                 for k, v in (metadata or {}).items()})
    units = units_of(ds)
    with atomic_path(path, overwrite) as tmp:
        writer = None
        try:
            for block in tidy_blocks(ds):
                table = pa.Table.from_pandas(block, preserve_index=False)
                if writer is None:
                    fields = [f.with_metadata({"units": units[f.name]}) if f.name in units else f
                              for f in table.schema]
                    schema = pa.schema(fields).with_metadata(
                        {**(table.schema.metadata or {}), **meta})
                    writer = pq.ParquetWriter(tmp, schema)
                writer.write_table(table.cast(schema))
        finally:
            if writer is not None:
                writer.close()
    return Path(path)


#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return prefixed by an apostrophe (``'=cmd``), so that a spreadsheet opening the CSV
    shows a satellite name as text instead of running it as a formula (OWASP, "CSV
    Injection").  Only CSV is changed; Parquet, NetCDF and Zarr keep names exact."""
    out = None
    for col in frame.columns:
        if frame[col].dtype != object and not pd.api.types.is_string_dtype(frame[col]):
            continue
        risky = {v for v in pd.unique(frame[col])      # names repeat: test each one once
                 if isinstance(v, str) and v.startswith(FORMULA_PREFIXES)}
        if risky:
            out = frame.copy() if out is None else out
            out[col] = frame[col].map({v: "'" + v for v in risky}).fillna(frame[col])
    return frame if out is None else out


def to_csv(ds: xr.Dataset, path, overwrite=False) -> Path:
    """The tidy table as CSV, times in ISO 8601 UTC (units: docs/output.md; CSV has no
    place for them, use Parquet or NetCDF to keep them with the data).  Names that a
    spreadsheet would run as formulas are neutralised (:func:`csv_safe`)."""
    with atomic_path(path, overwrite) as tmp:
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            for i, block in enumerate(tidy_blocks(ds)):
                csv_safe(block).to_csv(fh, index=False, header=(i == 0),
                                       date_format="%Y-%m-%dT%H:%M:%S.%fZ")
    return Path(path)


def per_orbit_to_csv(per_orbit: pd.DataFrame, path, overwrite=False) -> Path:
    """The per-orbit table as CSV, written by Arrow's CSV writer (about ten times faster than
    pandas' for a million satellites' rows, and streamed to the file): times as
    ``YYYY-MM-DD HH:MM:SS.fffffffff`` (UTC), booleans as ``true``/``false``, floats in the
    shortest form that reads back to the same double, strings quoted only where needed;
    names that a spreadsheet would run as formulas are neutralised (:func:`csv_safe`)."""
    table = pa.Table.from_pandas(csv_safe(per_orbit), preserve_index=False)
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(table.column_names)  # Arrow quotes all
    with atomic_path(path, overwrite) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(header.getvalue().encode("utf-8"))
            pacsv.write_csv(table, fh, pacsv.WriteOptions(include_header=False,
                                                          quoting_style="needed"))
    return Path(path)


def _jsonable(v):
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, np.ndarray):
        return v.tolist()
    return v


def _cf_ready(ds: xr.Dataset) -> xr.Dataset:
    """Copy with NetCDF-safe types: bool -> int8 (flag_values), object strings -> str."""
    out = ds.copy()
    for name, var in list(out.variables.items()):
        if var.dtype == bool:
            out[name] = var.astype(np.int8)
            out[name].attrs.update(var.attrs, flag_values=np.array([0, 1], np.int8),
                                   flag_meanings="false true")
        elif var.dtype == object:
            out[name] = var.astype(str)
    for k, v in list(out.attrs.items()):
        if isinstance(v, bool):
            out.attrs[k] = int(v)
        elif v is None:
            del out.attrs[k]
    return out


def to_netcdf(ds: xr.Dataset, path, overwrite=False, metadata=None) -> Path:
    """NetCDF-4 (h5netcdf) with units and CF-style attributes.

    A full disk must not take the process down: HDF5 fails on a short write and the library
    then crashes the process (segmentation fault) while tidying up.  So the free space is
    checked against the data's size first (:func:`check_free_space`), and the file is written
    by a forked child process (:func:`run_isolated`) where the system allows, so that a crash
    of the writer becomes a one-line ``OSError`` and the partial file is removed."""
    out = _cf_ready(ds)
    out.attrs.update({k: v if isinstance(v, str) else json.dumps(v)
                      for k, v in (metadata or {}).items()})
    with atomic_path(path, overwrite) as tmp:
        check_free_space(tmp.parent, _netcdf_bytes(out), path)
        run_isolated(lambda: out.to_netcdf(tmp, engine="h5netcdf"), path)
    return Path(path)


def _netcdf_bytes(ds: xr.Dataset) -> int:
    """Expected NetCDF-4 size [bytes]: the uncompressed data plus 5 % and 1 MiB of HDF5
    metadata (assumption: measured overhead of our files is below 1 %)."""
    data = sum(int(v.nbytes) for v in ds.variables.values())   # lazy variables stay unloaded
    return int(data * 1.05) + 2**20


def check_free_space(directory, need_bytes: int, path) -> None:
    """Raise ``OSError`` (ENOSPC, one line) unless ``directory``'s filesystem has
    ``need_bytes`` free for an unprivileged writer."""
    st = os.statvfs(directory)
    free = st.f_bavail * st.f_frsize
    if free < need_bytes:
        raise OSError(errno.ENOSPC, f"cannot write {path}: it needs about "
                      f"{need_bytes / 2**20:,.1f} MiB but only {free / 2**20:,.1f} MiB are free "
                      "on that filesystem; free some space or write elsewhere")


def run_isolated(write, path) -> None:
    """Call ``write()`` in a forked child process and wait for it; a failure or a crash of the
    child becomes a one-line ``OSError`` here (hand-written: multiprocessing would pickle the
    dataset, and a crash must not take the caller's process, or a notebook kernel, down).
    Without ``os.fork`` the writer runs in this process."""
    if not hasattr(os, "fork"):  # pragma: no cover - not POSIX
        write()
        return
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child (coverage does not follow it)
        code = 0
        try:
            os.close(r)
            devnull = os.open(os.devnull, os.O_WRONLY)   # HDF5's diagnostics: the pipe says it
            os.dup2(devnull, 2)
            write()
        except BaseException as exc:
            msg = " ".join(str(exc).split())[:1000]
            try:
                payload = pickle.dumps((msg, exc))
            except Exception:
                payload = pickle.dumps((msg, None))
            os.write(w, payload)
            code = 1
        os._exit(code)
    os.close(w)
    try:
        chunks = []
        while True:
            b = os.read(r, 65536)
            if not b:
                break
            chunks.append(b)
        _, status = os.waitpid(pid, 0)
    except BaseException:
        with suppress(OSError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        raise
    finally:
        os.close(r)
    if os.waitstatus_to_exitcode(status) == 0:
        return
    msg, exc = "", None
    with suppress(Exception):
        msg, exc = pickle.loads(b"".join(chunks))      # our own child's bytes
    if "No space left" in msg or "errno = 28" in msg:
        raise OSError(errno.ENOSPC, f"cannot write {path}: no space left on device")
    if isinstance(exc, Exception):
        raise exc                         # the writer's own error, as if it ran here
    why = msg or f"the writer died (exit status {os.waitstatus_to_exitcode(status)})"
    raise OSError(f"cannot write {path}: {why}")


def to_zarr(ds: xr.Dataset, path, overwrite=False, metadata=None) -> Path:
    """A Zarr store (a directory), chunked by satellite blocks."""
    out = _cf_ready(ds)
    out.attrs.update({k: v if isinstance(v, str) else json.dumps(v)
                      for k, v in (metadata or {}).items()})
    n_t = max(out.sizes.get("time", 1), 1)
    out = out.chunk({"sat": max(1, BLOCK_ROWS // n_t)}) if "sat" in out.dims else out
    with atomic_path(path, overwrite, directory=True) as tmp:
        # Zarr format 2: its string and datetime encodings are specified (format 3's are not yet)
        out.to_zarr(tmp, mode="w", consolidated=True, zarr_format=2)
    return Path(path)


# ----- CZML ----------------------------------------------------------------------------------
def to_czml(ds: xr.Dataset, path, overwrite=False, stride=1, name="twin") -> Path:
    """A CZML document for CesiumJS: a document packet with the clock, then one packet per
    satellite with its sampled inertial position (``referenceFrame: INERTIAL``, metres) and
    time-tagged custom properties (``sunlit_fraction`` and, after a simulation,
    ``throughput_gb300`` and ``battery_wh``, which ``twin view`` colours by).  Names are
    HTML-escaped in descriptions."""
    # czml3 (pydantic models) takes a fifth of a second to import: only when writing CZML
    from czml3 import Document, Packet
    from czml3.properties import Clock, Label, Point, Position
    from czml3.properties import Path as CzPath

    if not isinstance(stride, (int, np.integer)) or isinstance(stride, bool) or stride < 1:
        raise ValueError(f"stride={stride!r} must be a whole number >= 1")
    times = ds["time"].values[::stride]
    t0 = pd.Timestamp(times[0])
    t_end = pd.Timestamp(ds["time"].values[-1]) + pd.Timedelta(seconds=float(ds.attrs["step_s"]))
    iso = lambda t: pd.Timestamp(t).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    secs = (times - times[0]) / np.timedelta64(1, "s")
    packets = [Packet(id="document", name=str(name), version="1.0",
                      clock=Clock(currentTime=iso(t0), multiplier=60,
                                  interval=f"{iso(t0)}/{iso(t_end)}"))]
    pos = ds["position_km"].transpose("sat", "time", "xyz").values[:, ::stride] * 1000.0
    props = [v for v in ("sunlit_fraction", "throughput_gb300", "battery_wh") if v in ds]
    for i, sat in enumerate(ds["sat"].values):
        label = str(sat)
        samples = np.column_stack([secs, pos[i]]).ravel().tolist()
        custom = {}
        for v in props:
            vals = ds[v].transpose("sat", "time").values[i, ::stride].astype(float)
            custom[v] = {"epoch": iso(t0), "number": np.column_stack([secs, vals]).ravel().tolist()}
        packets.append(Packet(
            id=f"sat/{i}", name=label,
            description=f"<p>{html.escape(label)}</p>",
            availability=f"{iso(t0)}/{iso(t_end)}",
            position=Position(epoch=iso(t0), referenceFrame="INERTIAL", cartesian=samples,
                              interpolationAlgorithm="LAGRANGE", interpolationDegree=5),
            point=Point(pixelSize=5),
            label=Label(text=label, show=False),
            path=CzPath(show=False),
            properties=custom or None,
        ))
    doc = Document(packets=packets)
    with atomic_path(path, overwrite) as tmp:
        tmp.write_text(doc.dumps(), encoding="utf-8")
    return Path(path)
