"""CCSDS Orbit Ephemeris Messages (OEM 2.0, CCSDS 502.0-B-3) through the ``oem`` library.

:func:`to_oem` writes one segment per satellite: GCRF positions [km] and velocities [km/s] at
every step of a run, UTC epochs, ``CENTER_NAME = EARTH``.  The positions are the dataset's
``position_km``; the velocities come from re-propagating the satellite's elements (kept as
``sat`` coordinates) at the same instants and rotating them from TEME to GCRS with the same
matrices as the positions (the frame's own rotation, ~1e-11 rad/s, is negligible).
:func:`read_oem` reads an OEM (KVN or XML) back into a table (with the same library).

References
----------
CCSDS 502.0-B-3, Orbit Data Messages, Blue Book, April 2023.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from ephemeris.geometry import chunk_states, elements_from_dataset
from ephemeris.sun import sun_and_frames
from ephemeris.timegrid import jd_from_datetime, skyfield_time
from twin.io.atomic import atomic_path

#: Reference frame written (GCRS realised as GCRF, the CCSDS name).
REF_FRAME = "GCRF"


def gcrs_velocity_km_s(ds: xr.Dataset) -> np.ndarray:
    """(sat, time, 3) GCRS velocities [km/s] of a geometry/simulation dataset, by
    re-propagating its elements at its instants."""
    times = ds["time"].values
    start = times[0]
    offsets = (times - start) / np.timedelta64(1, "s")
    jd, fr = jd_from_datetime(start, offsets)
    elements = elements_from_dataset(ds)
    _, v_teme, _ = chunk_states(elements, jd, fr, ds.attrs.get("propagator", "sgp4"))
    frames = sun_and_frames(skyfield_time(start, offsets))
    return np.einsum("tij,stj->sti", frames.teme_to_gcrs, v_teme)


def to_oem(ds: xr.Dataset, path, overwrite=False, originator="orbital-twin") -> Path:
    """Write the run's states as OEMs: an OEM describes one object (CCSDS 502.0-B-3 §5.1), so
    ``path`` is a directory that receives ``<satellite>.oem`` per satellite, written whole or
    not at all; a single-satellite run may instead name a file ``*.oem`` (KVN) or ``*.xml``
    (the XML form)."""
    # the oem package imports lxml and astropy's Time machinery: only when writing/reading OEM
    from astropy.time import Time
    from oem import OrbitEphemerisMessage
    from oem.components.header import HeaderSection
    from oem.components.metadata import MetaDataSection
    from oem.components.segment import EphemerisSegment

    if "position_km" not in ds or "time" not in ds.dims or ds.sizes["time"] < 2:
        raise ValueError("to_oem needs a time series with position_km and at least 2 steps; "
                         "run with timeseries=True")
    pos = ds["position_km"].transpose("sat", "time", "xyz").values
    vel = gcrs_velocity_km_s(ds)
    epochs = Time(ds["time"].values, scale="utc", precision=6)
    valid = ds["valid"].transpose("sat", "time").values if "valid" in ds else \
        np.ones(pos.shape[:2], bool)
    single = Path(path).suffix.lower() in (".oem", ".xml", ".txt")
    if single and ds.sizes["sat"] != 1:
        raise ValueError(f"to_oem({str(path)!r}): an OEM file holds one satellite and this run "
                         f"has {ds.sizes['sat']}; give a directory name (one .oem per "
                         "satellite)")
    messages = {}
    for i, sat in enumerate(ds["sat"].values):
        ok = valid[i]
        if ok.sum() < 2:
            continue
        ep = epochs[ok]
        meta = MetaDataSection({
            "OBJECT_NAME": str(sat), "OBJECT_ID": str(ds["satnum"].values[i])
            if "satnum" in ds.coords else str(sat),
            "CENTER_NAME": "EARTH", "REF_FRAME": REF_FRAME, "TIME_SYSTEM": "UTC",
            "START_TIME": ep[0].isot, "STOP_TIME": ep[-1].isot,
            "INTERPOLATION": "LAGRANGE", "INTERPOLATION_DEGREE": "5"})
        cols = (tuple(ep),) + tuple(tuple(pos[i, ok, k].tolist()) for k in range(3)) \
            + tuple(tuple(vel[i, ok, k].tolist()) for k in range(3))
        header = HeaderSection({"CCSDS_OEM_VERS": "2.0", "ORIGINATOR": originator,
                                "CREATION_DATE": _dt.datetime.now(_dt.timezone.utc)
                                .strftime("%Y-%m-%dT%H:%M:%S")})
        messages[str(sat)] = OrbitEphemerisMessage(header, [EphemerisSegment(meta, cols)])
    if not messages:
        raise ValueError("to_oem: no satellite has two valid steps to write")
    if single:
        fmt = "xml" if Path(path).suffix.lower() == ".xml" else "kvn"
        with atomic_path(path, overwrite) as tmp:
            next(iter(messages.values())).save_as(tmp, file_format=fmt)
        return Path(path)
    with atomic_path(path, overwrite, directory=True) as tmp:
        for name, msg in messages.items():
            msg.save_as(tmp / f"{_file_name(name)}.oem", file_format="kvn")
    return Path(path)


def _file_name(name: str) -> str:
    """A satellite name as a portable file name (letters, digits, '-', '_', '.')."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip(".") or "sat"


def read_oem(path) -> pd.DataFrame:
    """An OEM file (KVN or XML), or a directory of ``*.oem``, as a table: ``sat``, ``time``
    (UTC), ``x_km`` .. ``vz_km_s`` and ``ref_frame``."""
    p = Path(path)
    if p.is_dir():
        files = sorted(p.glob("*.oem"))
        if not files:
            raise ValueError(f"directory {str(p)!r} holds no .oem file")
        return pd.concat([read_oem(f) for f in files], ignore_index=True)
    if not p.is_file():
        raise ValueError(f"OEM file {str(p)!r} does not exist")
    from oem import OrbitEphemerisMessage  # lazy: see to_oem

    try:
        msg = OrbitEphemerisMessage.open(p)
    except Exception as exc:  # the library raises ValueError and others on a bad file
        raise ValueError(f"{str(p)!r} is not a readable CCSDS OEM: {exc}") from exc
    rows = []
    for seg in msg:
        name, frame = seg.metadata["OBJECT_NAME"], seg.metadata["REF_FRAME"]
        ts = seg.metadata["TIME_SYSTEM"].upper()
        if ts != "UTC":
            raise ValueError(f"{str(p)!r}: TIME_SYSTEM {ts} is not supported; allowed: UTC")
        for s in seg.states:
            rows.append((name, s.epoch.utc.datetime64, *s.position, *s.velocity, frame))
    return pd.DataFrame(rows, columns=["sat", "time", "x_km", "y_km", "z_km", "vx_km_s",
                                       "vy_km_s", "vz_km_s", "ref_frame"])
