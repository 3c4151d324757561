"""Inter-satellite links of a constellation over a run: which pairs, their geometry and capacity.

:func:`links` propagates the constellation with SGP4 (TEME; ranges and lines of sight do not
depend on the frame) in blocks of steps, chooses the linked pairs once at the start
(``topology``: ``"nearest"`` with a KD-tree, ``"grid"`` for +Grid on Walker shells, ``"all"``
within a formation) and evaluates, for every pair and step, the models of
:mod:`twin.models.links`.  Terminals hold their partners over the run: a laser terminal
acquires a partner in seconds to minutes, so a topology is a choice made per run (re-run with
another start to re-assign).  Network questions (connectivity, diameter, bisection, ring
all-reduce, effective training cluster) are asked of the result by :mod:`twin.run.network`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
from scipy import sparse
from scipy.spatial import cKDTree

from ephemeris import fastmath
from ephemeris.orbits import _count
from ephemeris.propagate import describe_errors, propagate, satrecs_from_elements, warn_errors
from ephemeris.shadow import EARTH_RADIUS_KM
from ephemeris.timegrid import make_time_grid
from twin.constellation import Constellation
from twin.models import links as lm
from twin.run.simulate import memory_limit
from twin.terminals import OpticalTerminal

TOPOLOGIES = ("nearest", "grid", "all")
#: Steps propagated together (all satellites x this many steps of TEME states in memory).
BLOCK_STEPS = 64
#: Bytes per pair and step of the result (eight float32 variables and a flag).
BYTES_PER_PAIR_STEP = 33
#: Most pairs ``topology="all"`` may make (n (n-1) / 2); beyond it use "nearest".
MAX_ALL_PAIRS = 200_000

LINK_ATTRS = {
    "range_km": ("km", "distance between the two satellites"),
    "line_of_sight": ("1", "the segment between them clears the Earth and the grazing height"),
    "capacity_gbps": ("Gbit/s", "data rate one direction carries (0 when blocked)"),
    "received_power_w": ("W", "optical power collected by the receive aperture"),
    "latency_ms": ("ms", "one-way light time"),
    "azimuth_a_deg": ("deg", "direction to sat_b in sat_a's orbital frame, from the velocity "
                             "towards the orbit normal"),
    "elevation_a_deg": ("deg", "direction to sat_b above sat_a's local horizontal"),
    "azimuth_b_deg": ("deg", "direction to sat_a in sat_b's orbital frame"),
    "elevation_b_deg": ("deg", "direction to sat_a above sat_b's local horizontal"),
}


def states(elements, grid, lo, hi, satrecs=None):
    """TEME position [km] and velocity [km/s], (n_sat, hi - lo, 3), and SGP4 error codes."""
    satrecs = satrecs if satrecs is not None else satrecs_from_elements(elements)
    jd, fr = grid.jd_utc(np.arange(lo, hi) * grid.step_s)
    return propagate(satrecs, jd, fr)


def choose_pairs(positions_km, topology="nearest", k=4, elements=None, velocities_km_s=None,
                 horizon_s=0.0):
    """Linked pairs (i < j), an int array (n_pair, 2), from positions (n_sat, 3) [km].

    * ``"nearest"``: the ``2 k`` nearest of every satellite are candidates (KD-tree,
      ``scipy.spatial``), accepted shortest first while both ends hold fewer than ``k`` links
      (:func:`degree_capped`: a satellite has ``k`` terminals, never more links).
      With velocities and ``horizon_s`` = tau the distance is taken in the 6-D space
      (r, tau v): |dr|^2 + tau^2 |dv|^2, which for tau = 1 / mean motion approximates the
      largest separation of two satellites over an orbit (the HCW solution's amplitude), so
      the chosen neighbours stay neighbours instead of crossing planes that drift apart.
    * ``"grid"``: +Grid (two in-plane neighbours, two in the adjacent planes, the same slot),
      planes found from the element table (shell and RAAN), slots by argument of latitude.
    * ``"all"``: every pair (formations).
    """
    n = len(positions_km)
    if topology not in TOPOLOGIES:
        raise ValueError(f"topology={topology!r} is not supported; allowed: "
                         f"{', '.join(repr(t) for t in TOPOLOGIES)}")
    if topology == "all":
        if n * (n - 1) // 2 > MAX_ALL_PAIRS:
            raise ValueError(f"topology='all' with {n} satellites makes {n * (n - 1) // 2} "
                             f"pairs (allowed: at most {MAX_ALL_PAIRS}); use 'nearest'")
        i, j = np.triu_indices(n, 1)
        return np.stack([i, j], 1)
    if topology == "nearest":
        k = _count("k", k)
        if k > n - 1:
            raise ValueError(f"k={k} is out of range; allowed: 1 to n - 1 = {n - 1} for {n} "
                             "satellites")
        x = positions_km
        if velocities_km_s is not None and horizon_s > 0:
            x = np.concatenate([positions_km, velocities_km_s * horizon_s], axis=1)
        m = min(n - 1, 2 * k)                 # candidates: twice the links a satellite holds
        dist, idx = cKDTree(x).query(x, m + 1)
        return degree_capped(np.repeat(np.arange(n), m), idx[:, 1:].ravel(),
                             dist[:, 1:].ravel(), n, k)
    return grid_pairs(elements)


def degree_capped(a, b, dist, n, k):
    """Pairs (a, b) accepted shortest first while both ends hold fewer than ``k`` links (a
    satellite has ``k`` terminals); each pair once."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    key = lo.astype(np.int64) * n + hi
    key, first = np.unique(key, return_index=True)
    order = np.argsort(dist[first], kind="stable")
    deg = np.zeros(n, np.int64)
    keep = []
    for e in order:
        i, j = divmod(int(key[e]), n)
        if deg[i] < k and deg[j] < k:
            deg[i] += 1
            deg[j] += 1
            keep.append((i, j))
    return np.array(sorted(keep), dtype=np.int64).reshape(-1, 2)


def _unique_pairs(a, b):
    p = np.stack([np.minimum(a, b), np.maximum(a, b)], 1)
    p = p[p[:, 0] != p[:, 1]]
    return np.unique(p, axis=0)


def grid_pairs(elements) -> np.ndarray:
    """+Grid pairs of Walker-like shells: planes are satellites of one shell and RAAN (to
    0.01 deg); within a plane satellites are ordered by argument of latitude and linked in a
    ring; plane j's slot s links to slot s of the next plane of its shell (the last plane to
    the first, as in a Walker delta)."""
    if elements is None:
        raise ValueError("topology='grid' needs the element table")
    df = pd.DataFrame({"shell": elements["shell"].to_numpy(),
                       "raan": np.round(elements["raan_deg"].to_numpy(float), 2) % 360.0,
                       "u": np.mod(elements["arg_perigee_deg"].to_numpy(float)
                                   + elements["mean_anomaly_deg"].to_numpy(float), 360.0)})
    a, b = [], []
    for _, sh in df.groupby("shell", sort=False):
        planes = [g.sort_values("u").index.to_numpy() for _, g in sh.groupby("raan")]
        for p in planes:
            if len(p) > 1:
                a.append(p)
                b.append(np.roll(p, -1))
        if len(planes) > 1:
            for j, p in enumerate(planes):
                q = planes[(j + 1) % len(planes)]
                m = min(len(p), len(q))
                a.append(p[:m])
                b.append(q[:m])
    if not a:
        raise ValueError("topology='grid' found no plane with two satellites")
    return _unique_pairs(np.concatenate(a), np.concatenate(b))


def link_budget(distance_km, visible, terminal: OpticalTerminal):
    """Received power [W] and capacity [Gbit/s] of links ``distance_km`` long (0 if blocked)."""
    t = terminal
    p = lm.received_power_w(distance_km, t.tx_power_w, t.aperture_m, t.aperture_m,
                            t.wavelength_m, t.jitter_urad * 1e-6, t.optics_efficiency)
    cap = lm.capacity_gbps(p, t.wavelength_m, t.photons_per_bit, t.channels, t.channel_rate_gbps)
    return np.where(visible, p, 0.0), np.where(visible, cap, 0.0)


def pair_geometry(r, v, pairs, blocking_radius_km):
    """Range, line of sight and pointing angles of ``pairs`` from states r, v (n, T, 3)."""
    ra, rb = r[pairs[:, 0]], r[pairs[:, 1]]
    va, vb = v[pairs[:, 0]], v[pairs[:, 1]]
    ax, ay, az = ra[..., 0], ra[..., 1], ra[..., 2]
    bx, by, bz = rb[..., 0], rb[..., 1], rb[..., 2]
    dist = lm.range_km(ax, ay, az, bx, by, bz)
    los = lm.line_of_sight(ax, ay, az, bx, by, bz, blocking_radius_km)
    dx, dy, dz = bx - ax, by - ay, bz - az
    az_a, el_a = lm.pointing_angles_deg(ax, ay, az, va[..., 0], va[..., 1], va[..., 2],
                                        dx, dy, dz)
    az_b, el_b = lm.pointing_angles_deg(bx, by, bz, vb[..., 0], vb[..., 1], vb[..., 2],
                                        -dx, -dy, -dz)
    return dist, los, (az_a, el_a, az_b, el_b)


@fastmath.kernel(parallel=True)
def _links_kernel(r, v, err, pa, pb, lo, blocking_km, tx_power_w, aperture_m, wavelength_m,
                  jitter_rad, efficiency, photons_per_bit, channels, channel_rate_gbps,
                  rng, los, cap, power, latency, az_a, el_a, az_b, el_b):  # pragma: no cover
    """Every pair and step of a block, the models of :mod:`twin.models.links` inlined (one
    pass over memory instead of numpy's temporaries); :func:`pair_geometry` and
    :func:`link_budget` are the reference it is tested against."""
    n_pair = pa.shape[0]
    nt = r.shape[1]
    for p in fastmath.prange(n_pair):
        i = pa[p]
        j = pb[p]
        for k in range(nt):
            ax, ay, az = r[i, k, 0], r[i, k, 1], r[i, k, 2]
            bx, by, bz = r[j, k, 0], r[j, k, 1], r[j, k, 2]
            d = lm.range_km(ax, ay, az, bx, by, bz)
            vis = lm.line_of_sight(ax, ay, az, bx, by, bz, blocking_km)
            ok = vis and err[i, k] == 0 and err[j, k] == 0
            pw = lm.received_power_w(d, tx_power_w, aperture_m, aperture_m, wavelength_m,
                                     jitter_rad, efficiency)
            c = lm.capacity_gbps(pw, wavelength_m, photons_per_bit, channels,
                                 channel_rate_gbps)
            dx, dy, dz = bx - ax, by - ay, bz - az
            a1, e1 = lm.pointing_angles_deg(ax, ay, az, v[i, k, 0], v[i, k, 1], v[i, k, 2],
                                            dx, dy, dz)
            a2, e2 = lm.pointing_angles_deg(bx, by, bz, v[j, k, 0], v[j, k, 1], v[j, k, 2],
                                            -dx, -dy, -dz)
            t = lo + k
            rng[p, t] = d
            los[p, t] = vis
            cap[p, t] = c if ok else 0.0
            power[p, t] = pw if ok else 0.0
            latency[p, t] = lm.latency_s(d) * 1e3
            az_a[p, t] = a1
            el_a[p, t] = e1
            az_b[p, t] = a2
            el_b[p, t] = e2


def _block_numpy(r, v, err, pairs, lo, blocking, terminal, out):
    """The reference path of one block (numpy on arrays; used when numba is off)."""
    hi = lo + r.shape[1]
    dist, los, angles = pair_geometry(r, v, pairs, blocking)
    ok = los & (err[pairs[:, 0]] == 0) & (err[pairs[:, 1]] == 0)
    power, cap = link_budget(dist, ok, terminal)
    out["range_km"][:, lo:hi] = dist
    out["line_of_sight"][:, lo:hi] = los
    out["capacity_gbps"][:, lo:hi] = cap
    out["received_power_w"][:, lo:hi] = power
    out["latency_ms"][:, lo:hi] = lm.latency_s(dist) * 1e3
    for name, x in zip(("azimuth_a_deg", "elevation_a_deg", "azimuth_b_deg",
                        "elevation_b_deg"), angles):
        out[name][:, lo:hi] = x


def _block(r, v, err, pairs, lo, blocking, terminal, out, compiled=None):
    """One block of steps into ``out``: the compiled kernel when numba is on."""
    compiled = fastmath.USE_NUMBA if compiled is None else compiled
    if not compiled:
        return _block_numpy(r, v, err, pairs, lo, blocking, terminal, out)
    t = terminal
    _links_kernel(r, v, err, np.ascontiguousarray(pairs[:, 0]),
                  np.ascontiguousarray(pairs[:, 1]), lo, blocking, t.tx_power_w, t.aperture_m,
                  t.wavelength_m, t.jitter_urad * 1e-6, t.optics_efficiency, t.photons_per_bit,
                  float(t.channels), t.channel_rate_gbps, out["range_km"],
                  out["line_of_sight"], out["capacity_gbps"], out["received_power_w"],
                  out["latency_ms"], out["azimuth_a_deg"], out["elevation_a_deg"],
                  out["azimuth_b_deg"], out["elevation_b_deg"])


def sat_capacity_gbps(pairs, capacity_gbps, n_sat):
    """Per satellite and step, the summed capacity of its links (n_sat, T), float32: the
    pair-to-satellite incidence matrix (sparse) times the pairs' capacities."""
    m = len(pairs)
    inc = sparse.csr_matrix((np.ones(2 * m, np.float32),
                             (np.r_[pairs[:, 0], pairs[:, 1]], np.r_[np.arange(m), np.arange(m)])),
                            shape=(n_sat, m))
    return np.asarray(inc @ capacity_gbps, dtype=np.float32)


def links(constellation, start, duration, step, topology="nearest", k=4, terminal=None,
          max_epoch_gap_days=30.0) -> xr.Dataset:
    """Inter-satellite links of ``constellation`` at every step of the run.

    Parameters
    ----------
    constellation : twin.Constellation
    start, duration, step : as :func:`twin.simulate` ("2027-06-21", "1 day", "60 s")
    topology : {"nearest", "grid", "all"}
        Pairs chosen at ``start`` (:func:`choose_pairs`) and held over the run.  ``"nearest"``
        and ``"grid"`` respect the terminal count (at most ``k`` <= ``terminal.terminals``
        and 4 links per satellite); ``"all"`` does not (an upper bound for formations).
    k : int
        Neighbours per satellite for ``"nearest"``.
    terminal : twin.OpticalTerminal, optional
        Both ends' terminal (default :class:`twin.OpticalTerminal`).

    Returns
    -------
    xarray.Dataset with dims ``pair`` and ``time``; coordinates ``sat_a``, ``sat_b`` (names)
    and ``sat_a_index``, ``sat_b_index``; variables ``range_km``, ``line_of_sight``,
    ``capacity_gbps``, ``received_power_w``, ``latency_ms`` and the pointing angles
    (:data:`LINK_ATTRS`); and ``isl_capacity_gbps`` with dims ``sat`` and ``time`` (the summed
    capacity of each satellite's links).  Float variables are float32 (a 10,000-satellite
    shell over a day at 60 s is ~20,000 pairs x 1,440 steps).
    """
    if not isinstance(constellation, Constellation):
        raise TypeError(f"constellation must be a twin.Constellation, got "
                        f"{type(constellation).__name__}")
    terminal = OpticalTerminal() if terminal is None else terminal
    if not isinstance(terminal, OpticalTerminal):
        raise TypeError(f"terminal must be a twin.OpticalTerminal, got {terminal!r}")
    if topology not in TOPOLOGIES:
        raise ValueError(f"topology={topology!r} is not supported; allowed: "
                         f"{', '.join(repr(t) for t in TOPOLOGIES)}")
    grid = make_time_grid(start, duration, step)
    end = grid.start + np.timedelta64(int(grid.duration_s * 1e9), "ns")
    elements = constellation.resolved(grid.start, end, max_epoch_gap_days=max_epoch_gap_days)
    n = len(elements)
    if n < 2:
        raise ValueError("links need at least 2 satellites; the constellation has 1")
    satrecs = satrecs_from_elements(elements)
    r0, v0, _ = states(elements, grid, 0, 1, satrecs)
    tau = 86400.0 / (2 * np.pi * elements["mean_motion_rev_per_day"].to_numpy(float).mean())
    if topology == "nearest" and isinstance(k, (int, np.integer)) and k > terminal.terminals:
        raise ValueError(f"k={k} is more links than the satellite's terminals "
                         f"(OpticalTerminal.terminals={terminal.terminals}); allowed: "
                         f"k <= {terminal.terminals}")
    if topology == "grid" and terminal.terminals < 4:
        raise ValueError(f"topology='grid' needs 4 terminals per satellite; "
                         f"OpticalTerminal.terminals={terminal.terminals}")
    pairs = choose_pairs(r0[:, 0], topology, k, elements, v0[:, 0], tau)
    need, limit = len(pairs) * grid.n * BYTES_PER_PAIR_STEP, memory_limit()
    if need > limit:
        raise ValueError(
            f"the links of {len(pairs):,} pairs x {grid.n:,} steps need about "
            f"{need / 2**30:,.0f} GiB of memory (limit {limit / 2**30:.0f} GiB); "
            "use a shorter duration, a longer step, or fewer satellites")
    blocking = EARTH_RADIUS_KM + terminal.grazing_height_km
    shape = (len(pairs), grid.n)
    out = {name: np.empty(shape, np.float32) for name in LINK_ATTRS if name != "line_of_sight"}
    out["line_of_sight"] = np.empty(shape, bool)
    errors = np.zeros((n, grid.n), np.uint8)
    for lo in range(0, grid.n, BLOCK_STEPS):
        hi = min(lo + BLOCK_STEPS, grid.n)
        r, v, err = states(elements, grid, lo, hi, satrecs)
        errors[:, lo:hi] = err
        _block(r, v, err, pairs, lo, blocking, terminal, out)
    warn_errors(describe_errors(errors, elements["name"].to_numpy(), grid.times))
    names = elements["name"].to_numpy().astype(str)
    ds = xr.Dataset(
        {name: (("pair", "time"), out[name], {"units": u, "long_name": ln})
         for name, (u, ln) in LINK_ATTRS.items()},
        coords={"pair": np.arange(len(pairs)), "time": grid.times,
                "sat_a": ("pair", names[pairs[:, 0]]), "sat_b": ("pair", names[pairs[:, 1]]),
                "sat_a_index": ("pair", pairs[:, 0]), "sat_b_index": ("pair", pairs[:, 1])})
    ds["isl_capacity_gbps"] = (("sat", "time"), sat_capacity_gbps(pairs, out["capacity_gbps"], n),
                               {"units": "Gbit/s", "long_name": "total capacity (one way) of "
                                "the satellite's links"})
    ds = ds.assign_coords(sat=names)
    ds.attrs.update(topology=topology, k=int(k) if topology == "nearest" else -1,
                    n_sat=n, step_s=grid.step_s,
                    grazing_height_km=terminal.grazing_height_km,
                    terminal=str(terminal.to_dict()))
    return ds
