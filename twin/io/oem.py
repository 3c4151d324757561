"""CCSDS Orbit Ephemeris Messages (OEM 2.0, CCSDS 502.0-B-3) through the ``oem`` library.

:func:`to_oem` writes one segment per satellite: GCRF positions [km] and velocities [km/s] at
every step of a run, UTC epochs, ``CENTER_NAME = EARTH``.  The positions are the dataset's
``position_km``; the velocities come from re-propagating the satellite's elements (kept as
``sat`` coordinates) at the same instants and rotating them from TEME to GCRS with the same
matrices as the positions (the frame's own rotation, ~1e-11 rad/s, is negligible).
:func:`read_oem` reads an OEM (KVN or XML) back into a table (with the same library), and
:func:`constellation_from_oem` fits SGP4 mean elements to it for ``twin.Constellation`` input.

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
                                "CREATION_DATE": _dt.datetime.now(_dt.UTC)
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


# ----- OEM -> Constellation ----------------------------------------------------------------------
#: States used per satellite in the fit (evenly spaced over the first FIT_SPAN_MIN minutes).
FIT_STATES = 40
#: Span fitted [min]: about two LEO orbits, long enough to separate the mean elements from
#: SGP4's short-period terms, short enough for drag not to matter (assumption).
FIT_SPAN_MIN = 200.0


def _osculating(r, v, mu=398600.8):
    """Two-body elements of a state: a [km], e, i, RAAN and argument of latitude [deg]."""
    h = np.cross(r, v)
    rn, vn, hn = np.linalg.norm(r), np.linalg.norm(v), np.linalg.norm(h)
    a = 1.0 / (2.0 / rn - vn * vn / mu)
    e = np.linalg.norm(np.cross(v, h) / mu - r / rn)
    inc = np.degrees(np.arccos(h[2] / hn))
    node = np.cross([0.0, 0.0, 1.0], h)
    nn = np.linalg.norm(node)
    raan = np.degrees(np.arctan2(node[1], node[0])) % 360.0
    u = np.degrees(np.arctan2(np.dot(np.cross(node, r), h) / (nn * hn), np.dot(node, r) / nn))
    return a, e, inc, raan, u % 360.0


def _fit_one(name, epoch, offsets_s, r_teme, v0_teme):
    """SGP4 mean elements (keywords of ``Constellation.from_elements``) whose positions best
    match ``r_teme`` [km] at ``epoch + offsets_s``, and the RMS position residual [km].
    Least squares over altitude, inclination, RAAN, (e cos w, e sin w) and the mean argument of
    latitude (well defined for near-circular orbits), from the two-body elements of the first
    state."""
    from scipy.optimize import least_squares  # lazy: only the OEM reader fits

    a, _, inc, raan, u = _osculating(r_teme[0], v0_teme)
    jd, fr = jd_from_datetime(epoch, offsets_s)

    def elements(x):
        alt, i_deg, node, ex, ey, lam = x
        argp = float(np.degrees(np.arctan2(ey, ex))) % 360.0
        return {"altitude_km": float(alt), "inclination_deg": float(i_deg),
                "raan_deg": float(node % 360.0), "eccentricity": float(np.hypot(ex, ey)),
                "arg_perigee_deg": argp, "mean_anomaly_deg": float((lam - argp) % 360.0)}

    def residual(x):
        el = orbit_elements_table(name, epoch, elements(x))
        r, _, err = chunk_states(el, jd, fr)
        return np.where(err[0][:, None] == 0, r[0] - r_teme, 1e3).ravel()

    x0 = np.array([a - 6378.135, inc, raan, 0.0, 0.0, u])
    fit = least_squares(residual, x0, x_scale=[1.0, 0.01, 0.01, 1e-4, 1e-4, 0.01],
                        bounds=([150.0, 0.0, -720.0, -0.5, -0.5, -1e4],
                                [50000.0, 180.0, 720.0, 0.5, 0.5, 1e4]))
    return elements(fit.x), float(np.sqrt(np.mean(fit.fun.reshape(-1, 3) ** 2) * 3))


def orbit_elements_table(name, epoch, kw):
    """A one-row element table (for SGP4) from ``from_elements`` keywords."""
    from twin.constellation import Constellation  # lazy: io builds on the top level here only

    return Constellation.from_elements(epoch=epoch, name=name, **kw).elements


def constellation_from_oem(path, design=None, max_rms_km=1.0):
    """A ``twin.Constellation`` from an OEM file or a directory of them (as ``to_oem``
    writes): one satellite per object, its SGP4 mean elements fitted by least squares to its
    first :data:`FIT_SPAN_MIN` minutes of states (GCRF, converted to TEME).  The fit's RMS
    position residual must be below ``max_rms_km`` [km] (else a ``ValueError`` naming the
    satellite): an ephemeris SGP4 cannot follow (a manoeuvre, a high-fidelity force model over
    days) is refused rather than silently approximated."""
    from twin.constellation import Constellation  # lazy: io builds on the top level here only

    states = read_oem(path)
    out, fits = None, {}
    for name, g in states.groupby("sat", sort=False):
        g = g.sort_values("time")
        t = g["time"].to_numpy("datetime64[ns]")
        off = (t - t[0]) / np.timedelta64(1, "s")
        keep = np.flatnonzero(off <= FIT_SPAN_MIN * 60.0)
        keep = keep[np.unique(np.linspace(0, len(keep) - 1, min(FIT_STATES, len(keep)))
                              .round().astype(int))]
        if len(keep) < 6:
            raise ValueError(f"{path}: {name} has {len(keep)} states in its first "
                             f"{FIT_SPAN_MIN:g} min; at least 6 are needed to fit elements")
        frames = sun_and_frames(skyfield_time(t[0], off[keep]))
        to_teme = np.transpose(frames.teme_to_gcrs, (0, 2, 1))
        r = np.einsum("tij,tj->ti", to_teme, g[["x_km", "y_km", "z_km"]].to_numpy()[keep])
        v = np.einsum("tij,tj->ti", to_teme,
                      g[["vx_km_s", "vy_km_s", "vz_km_s"]].to_numpy()[keep])
        kw, rms = _fit_one(str(name), t[0], off[keep], r, v[0])
        if rms > max_rms_km:
            raise ValueError(f"{path}: {name}: SGP4 mean elements follow the OEM states only to "
                             f"{rms:.3g} km RMS (limit max_rms_km={max_rms_km:g}); the ephemeris "
                             "is not an SGP4-like orbit")
        fits[str(name)] = rms
        one = Constellation.from_elements(epoch=t[0], name=str(name), design=design, **kw)
        out = one if out is None else out + one
    out.oem_fit_rms_km = fits
    return out
