"""Geometry of a whole constellation over a time grid, as an ``xarray.Dataset`` (sat, time).

Per chunk of satellites: SGP4 in TEME, then the shadow, beta angle and the Sun's direction in
the orbital frame are computed in TEME (the Sun is rotated into TEME once per step), and the
position is rotated to GCRS and ITRS with one 3x3 matrix per step.  Geodetic latitude and
height are on the WGS84 ellipsoid.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from ephemeris import fastmath
from ephemeris.frames import (  # noqa: F401 - WGS84_*, geodetic_wgs84: importers of geometry
    WGS84_A_KM,
    WGS84_F,
    beta_deg,
    geodetic_wgs84,
    rotate,
    sun_rsw,
)
from ephemeris.geometry_kernel import geometry_kernel
from ephemeris.j2 import propagate_j2
from ephemeris.orbits import ELEMENT_COLUMNS, RE_WGS72_KM
from ephemeris.propagate import REENTRY_ALTITUDE_KM, REENTRY_CODE, propagate
from ephemeris.satrec import satrecs_from_elements
from ephemeris.shadow import (
    EARTH_RADIUS_KM,
    disc_fraction_visible,
    shadow_angles_from_sines,
    shadow_sines,
)
from ephemeris.sun import AU_KM, SUN_RADIUS_KM, SunAndFrames

#: Per-(sat, time) outputs of the geometry kernel: name -> (trailing shape, dtype).
GEOMETRY_OUTPUTS = {
    "sunlit_fraction": ((), np.float64),
    "beta_deg": ((), np.float64),
    "lat_deg": ((), np.float64),
    "lon_deg": ((), np.float64),
    "alt_km": ((), np.float64),
    "position_km": ((3,), np.float64),
    "sun_rsw": ((3,), np.float64),
    "valid": ((), np.bool_),
}

ATTRS = {
    "sunlit_fraction": {"units": "1", "long_name": "fraction of the solar disc visible "
                        "(1 full Sun, 0 umbra; conical shadow of a spherical Earth)"},
    "beta_deg": {"units": "degree", "long_name": "beta angle: Sun elevation above the orbit plane"},
    "lat_deg": {"units": "degree_north", "long_name": "geodetic latitude (WGS84)"},
    "lon_deg": {"units": "degree_east", "long_name": "longitude (ITRS)"},
    "alt_km": {"units": "km", "long_name": "height above the WGS84 ellipsoid"},
    "position_km": {"units": "km", "long_name": "geocentric position in GCRS"},
    "sun_rsw": {"units": "1", "long_name": "unit vector to the Sun in the orbital frame "
                "(radial, along-track, orbit normal)"},
    "valid": {"units": "1", "long_name": "SGP4 propagated this step (False after decay or error)"},
    "sun_distance_au": {"units": "au", "long_name": "Earth-Sun distance"},
}


def geometry_from_states(r, v, frames: SunAndFrames, earth_radius_km=EARTH_RADIUS_KM, out=None,
                         minimal=False):
    """Geometry variables from TEME states ``r`` [km], ``v`` [km/s] of shape (n, T, 3).

    Written component by component (no (n, T, 3) temporaries) since this runs on every
    satellite-step: with s the unit vector to the Sun and S its distance,
    sun_rsw = (s . r_hat, s . (w_hat x r_hat), s . w_hat), w_hat = r x v / |r x v|;
    beta = asin(s . w_hat); and for the shadow (see :func:`ephemeris.shadow.shadow_angles`)
    |s - r|^2 = S^2 - 2 S |r| (s . r_hat) + |r|^2, cos c = (|r| - S (s . r_hat)) / |s - r|.
    Results go into the arrays of ``out`` (a dict, e.g. views of the run's outputs) where
    present, otherwise into new arrays; the dict is returned.  ``minimal=True`` may leave out
    everything but ``sunlit_fraction``, ``sun_rsw`` and ``alt_km`` (the compiled kernel
    does; the numpy reference computes all).

    The equations are the models of :mod:`ephemeris.frames` and :mod:`ephemeris.shadow`,
    run here as numpy on (n, T) arrays: the reference.  When :data:`ephemeris.fastmath.USE_NUMBA`
    (the default) the same models run inlined in one compiled pass instead
    (:mod:`ephemeris.geometry_kernel`; equal to rounding).
    """
    if fastmath.USE_NUMBA:
        return geometry_kernel(r, v, frames, earth_radius_km, SUN_RADIUS_KM, out=out,
                               minimal=minimal)
    rx, ry, rz = (np.ascontiguousarray(r[..., i]) for i in range(3))
    vx, vy, vz = (v[..., i] for i in range(3))
    sx, sy, sz = (frames.sun_teme_km[:, i] / frames.sun_distance_km for i in range(3))
    gcrs, itrs = (m.reshape(-1, 9).T for m in (frames.teme_to_gcrs, frames.teme_to_itrs))
    out = {} if out is None else out
    with np.errstate(divide="ignore", invalid="ignore"):      # NaN where the kernel has NaN
        rn, sun_r, sun_s, sun_w = sun_rsw(rx, ry, rz, vx, vy, vz, sx, sy, sz)
        angles = shadow_angles_from_sines(*shadow_sines(
            rn, sun_r, frames.sun_distance_km, earth_radius_km, SUN_RADIUS_KM))
        _put(out, "sunlit_fraction", disc_fraction_visible(*angles))
        _put(out, "beta_deg", beta_deg(sun_w))
        _put_components(out, "sun_rsw", (sun_r, sun_s, sun_w))
        _put_components(out, "position_km", rotate(*gcrs, rx, ry, rz))
        lat, lon, alt = geodetic_wgs84(*rotate(*itrs, rx, ry, rz))
    _put(out, "lat_deg", lat)
    _put(out, "lon_deg", lon)
    _put(out, "alt_km", alt)
    return out


def _put(out, key, value):
    if key in out:
        out[key][...] = value
    else:
        out[key] = value


def _put_components(out, key, comps):
    if key not in out:
        out[key] = np.empty(comps[0].shape + (3,))
    for i, comp in enumerate(comps):
        out[key][..., i] = comp


PROPAGATORS = ("sgp4", "j2")


def chunk_states(elements: pd.DataFrame, jd, fr, propagator="sgp4"):
    """TEME states of a chunk of satellites: ``(r [km], v [km/s], err)`` with shapes (n, T, 3),
    (n, T, 3), (n, T).  ``propagator="j2"`` uses :func:`ephemeris.j2.propagate_j2` for designed
    satellites; catalogued ones (source "tle"/"omm") always use SGP4."""
    if propagator not in PROPAGATORS:
        raise ValueError(f"propagator={propagator!r} is not available; allowed: "
                         f"{', '.join(PROPAGATORS)}")
    satrecs = satrecs_from_elements(elements)
    if propagator == "sgp4":
        return propagate(satrecs, jd, fr)
    cat = elements["source"].isin(["tle", "omm"]).to_numpy()
    if not cat.any():
        return propagate_j2(satrecs, jd, fr)
    n = len(elements)
    r = np.empty((n, len(jd), 3))
    v = np.empty_like(r)
    err = np.zeros((n, len(jd)), np.uint8)
    for mask, fn in ((cat, propagate), (~cat, propagate_j2)):
        if mask.any():
            idx = np.flatnonzero(mask)
            r[idx], v[idx], err[idx] = fn([satrecs[i] for i in idx], jd, fr)
    return r, v, err


#: What an invalid step (SGP4 error, or below the re-entry altitude) holds, from geometry to
#: the per-orbit summary (docs/output.md, "Invalid steps"): ``valid`` is False; the sunlit
#: fraction is 0 (no power), the physics inputs are those of an unpowered satellite in eclipse
#: at 500 km with the Sun along the orbit normal (only to give its first state a finite
#: temperature), and the summary counts the step as dark, never as shadow.
INVALID_STEP = {"sunlit_fraction": 0.0, "alt_km": 500.0, "sun_rsw": (0.0, 0.0, 1.0)}


def shadow_sunlit_fraction(sunlit_fraction, valid):
    """The sunlit fraction as shadow statistics read it (eclipse minutes, longest shadow, mean
    sunlit fraction): an invalid step counts as sunlit, since it is dark (no orbit state), not
    in the Earth's shadow (:data:`INVALID_STEP`)."""
    return np.where(valid, sunlit_fraction, 1.0)


def chunk_geometry(elements: pd.DataFrame, jd, fr, frames: SunAndFrames, *, out=None,
                   propagator="sgp4", minimal=False, earth_radius_km=EARTH_RADIUS_KM):
    """Propagate a chunk of satellites and compute their geometry (one pure step).

    Returns the dict of :func:`geometry_from_states` (arrays of ``out`` filled in place where
    given) plus ``valid`` (n, T) bool, ``errors`` (n, T) uint8 SGP4 codes (re-entry included)
    and ``teme_km`` (n, T, 3), the TEME positions (the equator of date, for orbit starts).
    Invalid steps follow :data:`INVALID_STEP`: their sunlit fraction is 0.
    """
    r, v, err = chunk_states(elements, jd, fr, propagator)
    geo = geometry_from_states(r, v, frames, earth_radius_km, out=out, minimal=minimal)
    low = geo["alt_km"] < REENTRY_ALTITUDE_KM
    if low.any():
        err = np.where(low & (err == 0), np.uint8(REENTRY_CODE), err)
    geo["valid"] = err == 0
    geo["errors"] = err
    geo["teme_km"] = r
    if err.any():
        geo["sunlit_fraction"][err != 0] = INVALID_STEP["sunlit_fraction"]
    return geo


def elements_coords(elements: pd.DataFrame) -> dict:
    """Element-table columns as ``sat`` coordinates (so the dataset can re-propagate)."""
    return {c: ("sat", elements[c].to_numpy()) for c in ELEMENT_COLUMNS if c != "name"}


def elements_from_dataset(ds: xr.Dataset) -> pd.DataFrame:
    """The element table back from a geometry dataset's ``sat`` coordinates."""
    missing = [c for c in ELEMENT_COLUMNS if c != "name" and c not in ds.coords]
    if missing:
        raise ValueError(f"dataset: coordinates {missing} are missing; pass a dataset made by "
                         "twin.geometry or twin.simulate")
    df = pd.DataFrame({c: ds.coords[c].values for c in ELEMENT_COLUMNS if c != "name"})
    df.insert(0, "name", ds["sat"].values)
    return df[ELEMENT_COLUMNS]


def build_dataset(elements, grid, frames, outputs, attrs=None) -> xr.Dataset:
    data_vars = {}
    for k, arr in outputs.items():
        dims = ("sat", "time") + (("xyz",) if k == "position_km" else ("rsw",) if k == "sun_rsw"
                                  else ())
        data_vars[k] = xr.Variable(dims, arr, (attrs or {}).get(k, ATTRS.get(k, {})))
    data_vars["sun_distance_au"] = xr.Variable(("time",), frames.sun_distance_km / AU_KM,
                                               ATTRS["sun_distance_au"])
    coords = {"sat": elements["name"].to_numpy(dtype=object), "time": grid.times,
              **elements_coords(elements)}
    a = RE_WGS72_KM + elements["altitude_km"].to_numpy(float)
    coords["perigee_km"] = ("sat", a * (1 - elements["eccentricity"].to_numpy(float))
                            - RE_WGS72_KM, {"units": "km", "long_name": "mean perigee altitude "
                                            "(below 150 km: the orbit dips into the atmosphere)"})
    if "position_km" in outputs:
        coords["xyz"] = ["x", "y", "z"]
    if "sun_rsw" in outputs:
        coords["rsw"] = ["radial", "along_track", "normal"]
    return xr.Dataset(data_vars, coords=coords, attrs={
        "step_s": grid.step_s,
        "earth_radius_km": EARTH_RADIUS_KM,
        "propagator": "sgp4",
        "ephemeris": "JPL DE421 (skyfield-data)",
        "frame": "GCRS (position_km); shadow and beta computed in TEME",
        "Conventions": "CF-1.8",
    })
