"""The geometry of :func:`ephemeris.geometry.geometry_from_states` as one compiled pass.

A kernel over (sat, time) that computes, from the TEME states and the per-step Sun and frame
rotations, every per-(sat, time) geometry output -- sunlit fraction (conical shadow, disc
overlap), beta angle, the Sun in the orbital frame, the GCRS position and geodetic latitude,
longitude and height -- and writes them straight into the output arrays: no (sat, time)
temporaries, so it runs at the speed of its arithmetic rather than of memory.

The equations are not written here: the kernel calls the models that
``geometry_from_states`` calls on arrays (:func:`ephemeris.frames.sun_rsw`,
:func:`~ephemeris.frames.beta_deg`, :func:`~ephemeris.frames.rotate`,
:func:`~ephemeris.frames.geodetic_wgs84`, :func:`ephemeris.shadow.shadow_sines`,
:func:`~ephemeris.shadow.shadow_angles_from_sines`, :func:`~ephemeris.shadow.disc_fraction`),
which numba inlines on scalars (:func:`ephemeris.fastmath.model`).  What is the kernel's own
is the order of the work:

* per satellite, the steps go in blocks of :data:`BLOCK` through one loop (:func:`_block`)
  with no call into the C math library and its rows at fixed offsets, which LLVM vectorises
  (SIMD over time steps): the arcsine and arctangents of the models are
  :func:`ephemeris.fastmath.asin` / :func:`~ephemeris.fastmath.atan2`, branch-free fdlibm in
  compiled code (within 2 ulp of the C library's); the block's states are copied in and its
  results scattered out in scalar loops;
* the shadow: full Sun (c >= a + b) and umbra (c <= b - a) are decided from the sines and
  cosine of :func:`~ephemeris.shadow.shadow_sines` with a margin of 1e-9 that makes the
  decision the exact formula's (:func:`_shadow_flag`); only the steps near a shadow boundary
  (the penumbra, < 1 % of them) get the arcsines and the disc-overlap formula, in a second,
  scalar pass with the C library's functions (:func:`_exact_sunlit`).

The numbers are those of the numpy path to rounding (the tests ask for 1e-12 relative /
1e-9 absolute with the same arcsine and arccosine on both sides).  Kernels are compiled only
when :data:`ephemeris.fastmath.USE_NUMBA`; ``geometry_from_states`` runs the numpy path
otherwise.

Single-threaded by default: the project already runs one worker process per core
(:mod:`twin.run.pool`), and numba threads on top would oversubscribe.  Set :data:`PARALLEL` to
True before the first call to use a ``prange`` version over satellites instead (for
in-process runs on many cores).
"""
from __future__ import annotations

import numpy as np

from ephemeris import fastmath
from ephemeris.fastmath import atan2v  # noqa: F401 - importers of geometry_kernel.atan2v
from ephemeris.frames import beta_deg, geodetic_wgs84, rotate, sun_radial, sun_rsw
from ephemeris.shadow import (
    EARTH_RADIUS_KM,
    disc_fraction,
    shadow_angles_from_sines,
    shadow_sines,
)
from ephemeris.sun import SUN_RADIUS_KM, SunAndFrames

#: Use the ``prange`` kernel over satellites (read at each call).
PARALLEL = False

#: Margin [in cos c] beyond which full Sun / umbra is decided without the arcsines (the
#: rounding of either side is ~1e-16, so the decision equals the exact formula's).
_MARGIN = 1e-9

#: Time steps per block; the frames table and the scratch rows are laid out by block.
BLOCK = 128
# rows of the per-block frames table
_FT_ROWS = 22          # s_unit (3), |S| (1), TEME->GCRS (9), TEME->ITRS (9)
# rows of the scratch: inputs 0-5 (r, v), outputs 6-16
_W_ROWS = 17


@fastmath.kernel(inline="always")
def _shadow_flag(sin_a, sin_b, cos_c):
    """1 (full Sun), 0 (umbra) or -1 (near a boundary: the exact pass decides).

    The kernel's shortcut: full Sun iff cos c < cos(a + b), umbra iff b > a and
    cos c > cos(b - a), decided from the sines with a margin of :data:`_MARGIN` (no arcsine)."""
    ca_cb = np.sqrt((1.0 - sin_a * sin_a) * (1.0 - sin_b * sin_b))
    sun = cos_c < ca_cb - sin_a * sin_b - _MARGIN
    umbra = (sin_b > sin_a) & (cos_c > ca_cb + sin_a * sin_b + _MARGIN)
    return 1.0 if sun else (0.0 if umbra else -1.0)


@fastmath.kernel
def _block(w, ft, earth_radius_km, sun_radius_km, full):  # pragma: no cover - compiled
    """Every output for one block of BLOCK steps of one satellite: reads r, v from rows 0-5 of
    ``w`` and the block's frames ``ft`` (:func:`frames_table`); writes rows 6-16 of ``w``
    (sunlit flag, beta, sun_rsw, GCRS position, alt, lat, lon).  Rows at fixed offsets from
    the start of both arrays, one pass with no libm call: LLVM vectorises it.

    ``full`` is a compile-time constant (the callers pass a literal): False leaves out beta,
    the GCRS position, latitude and longitude (rows 7, 11-13, 15, 16 are not written)."""
    bl = BLOCK
    for k in range(bl):
        rx, ry, rz = w[k], w[bl + k], w[2 * bl + k]
        vx, vy, vz = w[3 * bl + k], w[4 * bl + k], w[5 * bl + k]
        sx, sy, sz = ft[k], ft[bl + k], ft[2 * bl + k]
        rn, sun_r, sun_s, sun_w = sun_rsw(rx, ry, rz, vx, vy, vz, sx, sy, sz)
        sin_a, sin_b, cos_c = shadow_sines(rn, sun_r, ft[3 * bl + k], earth_radius_km,
                                           sun_radius_km)
        w[6 * bl + k] = _shadow_flag(sin_a, sin_b, cos_c)
        if full:
            w[7 * bl + k] = beta_deg(sun_w)
        w[8 * bl + k] = sun_r
        w[9 * bl + k] = sun_s
        w[10 * bl + k] = sun_w
        if full:
            m = 4 * bl + k
            gx, gy, gz = rotate(ft[m], ft[m + bl], ft[m + 2 * bl], ft[m + 3 * bl],
                                ft[m + 4 * bl], ft[m + 5 * bl], ft[m + 6 * bl], ft[m + 7 * bl],
                                ft[m + 8 * bl], rx, ry, rz)
            w[11 * bl + k] = gx
            w[12 * bl + k] = gy
            w[13 * bl + k] = gz
        m = 13 * bl + k
        x, y, z = rotate(ft[m], ft[m + bl], ft[m + 2 * bl], ft[m + 3 * bl], ft[m + 4 * bl],
                         ft[m + 5 * bl], ft[m + 6 * bl], ft[m + 7 * bl], ft[m + 8 * bl],
                         rx, ry, rz)
        lat, lon, alt = geodetic_wgs84(x, y, z)
        w[14 * bl + k] = alt
        if full:
            w[15 * bl + k] = lat
            w[16 * bl + k] = lon


@fastmath.kernel
def _exact_sunlit(rx, ry, rz, sx, sy, sz, big_s, earth_radius_km, sun_radius_km):
    """The sunlit fraction of one step by the exact formula, as ``geometry_from_states``
    evaluates it (arcsines and the disc overlap; the C library's functions)."""
    rn, sun_r = sun_radial(rx, ry, rz, sx, sy, sz)
    sin_a, sin_b, cos_c = shadow_sines(rn, sun_r, big_s, earth_radius_km, sun_radius_km)
    a, b, c = shadow_angles_from_sines(sin_a, sin_b, cos_c)
    return disc_fraction(a, b, c)


@fastmath.kernel
def _rows(r, v, ft, earth_radius_km, sun_radius_km, sunlit, beta, sun_rsw, pos, lat, lon, alt,
          i0, i1, w, full):  # pragma: no cover - compiled
    """Satellites ``i0:i1``: blocks of steps through :func:`_block`, results scattered into
    the outputs, then the flagged steps (near a shadow boundary) exactly.  ``full`` False
    (a literal): ``beta``, ``pos``, ``lat`` and ``lon`` are not written (may be empty)."""
    nt = r.shape[1]
    bl = BLOCK
    for i in range(i0, i1):
        for j0 in range(0, nt, bl):
            nb = min(bl, nt - j0)
            for k in range(bl):
                j = j0 + k if k < nb else nt - 1          # pad with the last step
                for q in range(3):
                    w[q * bl + k] = r[i, j, q]
                    w[(3 + q) * bl + k] = v[i, j, q]
            _block(w, ft[j0 // bl], earth_radius_km, sun_radius_km, full)
            for k in range(nb):
                j = j0 + k
                sunlit[i, j] = w[6 * bl + k]
                for q in range(3):
                    sun_rsw[i, j, q] = w[(8 + q) * bl + k]
                alt[i, j] = w[14 * bl + k]
                if full:
                    beta[i, j] = w[7 * bl + k]
                    for q in range(3):
                        pos[i, j, q] = w[(11 + q) * bl + k]
                    lat[i, j] = w[15 * bl + k]
                    lon[i, j] = w[16 * bl + k]
        for j in range(nt):
            if sunlit[i, j] < 0.0:
                fb, k = ft[j // bl], j % bl
                sunlit[i, j] = _exact_sunlit(r[i, j, 0], r[i, j, 1], r[i, j, 2], fb[k],
                                             fb[bl + k], fb[2 * bl + k], fb[3 * bl + k],
                                             earth_radius_km, sun_radius_km)


@fastmath.kernel
def _kernel_serial(r, v, ft, earth_radius_km, sun_radius_km, sunlit, beta, sun_rsw, pos, lat,
                   lon, alt):  # pragma: no cover - compiled
    w = np.empty(_W_ROWS * BLOCK)
    _rows(r, v, ft, earth_radius_km, sun_radius_km, sunlit, beta, sun_rsw, pos, lat, lon, alt,
          0, r.shape[0], w, True)


@fastmath.kernel
def _kernel_serial_minimal(r, v, ft, earth_radius_km, sun_radius_km, sunlit, sun_rsw,
                           alt):  # pragma: no cover - compiled
    """:func:`_kernel_serial` for sunlit fraction, sun_rsw and altitude only."""
    w = np.empty(_W_ROWS * BLOCK)
    e2 = np.empty((0, 0))
    e3 = np.empty((0, 0, 3))
    _rows(r, v, ft, earth_radius_km, sun_radius_km, sunlit, e2, sun_rsw, e3, e2, e2, alt,
          0, r.shape[0], w, False)


@fastmath.kernel(parallel=True)
def _kernel_parallel(r, v, ft, earth_radius_km, sun_radius_km, sunlit, beta, sun_rsw, pos, lat,
                     lon, alt):  # pragma: no cover - compiled
    """:func:`_kernel_serial` with chunks of 16 satellites spread over numba's threads."""
    n = r.shape[0]
    chunk = 16
    for c in fastmath.prange((n + chunk - 1) // chunk):
        w = np.empty(_W_ROWS * BLOCK)
        _rows(r, v, ft, earth_radius_km, sun_radius_km, sunlit, beta, sun_rsw, pos,
              lat, lon, alt, c * chunk, min(n, (c + 1) * chunk), w, True)


def frames_table(frames, nt):
    """The per-step Sun and rotations laid out by block, (blocks, 22 * BLOCK): for block b,
    rows s_unit x, y, z, |S|, TEME->GCRS (row-major), TEME->ITRS, each BLOCK long (the last
    block padded with the last step).  A block is then one contiguous row, which keeps the
    compiled block loop's addresses simple enough for LLVM to vectorise it."""
    bl = BLOCK
    nb = max(1, -(-nt // bl))
    s_unit = frames.sun_teme_km / frames.sun_distance_km[:, None]
    cols = np.concatenate([s_unit, frames.sun_distance_km[:, None],
                           frames.teme_to_gcrs.reshape(nt, 9),
                           frames.teme_to_itrs.reshape(nt, 9)], axis=1)       # (nt, 22)
    pad = nb * bl - nt
    if pad:
        cols = np.concatenate([cols, np.repeat(cols[-1:], pad, axis=0)])
    return np.ascontiguousarray(cols.reshape(nb, bl, _FT_ROWS).transpose(0, 2, 1)).reshape(
        nb, _FT_ROWS * bl)


#: name -> trailing shape of the outputs the kernel writes.
KERNEL_OUTPUTS = {"sunlit_fraction": (), "beta_deg": (), "sun_rsw": (3,), "position_km": (3,),
                  "lat_deg": (), "lon_deg": (), "alt_km": ()}
#: The outputs of ``minimal=True``.
MINIMAL_OUTPUTS = ("sunlit_fraction", "sun_rsw", "alt_km")


def geometry_kernel(r, v, frames, earth_radius_km, sun_radius_km, out=None, minimal=False):
    """Every output of ``geometry_from_states`` into ``out`` (dict; missing keys allocated).

    Arrays in ``out`` are written in place when they are float64 of the right shape (views,
    e.g. shared-memory rows, are fine); anything else gets a scratch array that is copied
    into ``out[key]`` afterwards.  ``minimal=True`` computes only :data:`MINIMAL_OUTPUTS`
    (what the satellite physics needs; about half the work).  Returns ``out``.
    """
    out = {} if out is None else out
    r = np.ascontiguousarray(r, dtype=np.float64)
    v = np.ascontiguousarray(v, dtype=np.float64)
    n, nt = r.shape[:2]
    arrays, copy_back = {}, []
    minimal = minimal and not PARALLEL
    for key, tail in KERNEL_OUTPUTS.items():
        if minimal and key not in MINIMAL_OUTPUTS:
            continue
        shape = (n, nt) + tail
        dst = out.get(key)
        if dst is not None and dst.dtype == np.float64 and dst.shape == shape \
                and dst.flags.writeable:
            arrays[key] = dst
        else:
            arrays[key] = np.empty(shape)
            if dst is not None:
                copy_back.append(key)
            else:
                out[key] = arrays[key]
    if n and nt and minimal:
        _kernel_serial_minimal(r, v, frames_table(frames, nt), float(earth_radius_km),
                               float(sun_radius_km), arrays["sunlit_fraction"],
                               arrays["sun_rsw"], arrays["alt_km"])
    elif n and nt:
        kernel = _kernel_parallel if PARALLEL else _kernel_serial
        kernel(r, v, frames_table(frames, nt), float(earth_radius_km), float(sun_radius_km),
               arrays["sunlit_fraction"], arrays["beta_deg"], arrays["sun_rsw"],
               arrays["position_km"], arrays["lat_deg"], arrays["lon_deg"], arrays["alt_km"])
    for key in copy_back:
        out[key][...] = arrays[key]
    return out


def warm_up():
    """Compile (or load from numba's cache) the kernel for the array types the pipeline uses.

    Call it once in a parent process before forking workers (:mod:`twin.run.pool`), so the
    workers inherit the loaded kernel and numba's initialised JIT instead of each paying
    ~0.5 s for them on its first chunk.  Nothing to do without numba
    (:data:`ephemeris.fastmath.USE_NUMBA` False).
    """
    if not fastmath.USE_NUMBA:
        return
    eye = np.eye(3)[None]
    frames = SunAndFrames(np.array([[1.5e8, 0.0, 0.0]]), np.array([1.5e8]), eye, eye)
    for minimal in (False, True):
        geometry_kernel(np.array([[[7000.0, 0.0, 0.0]]]), np.array([[[0.0, 7.5, 0.0]]]),
                        frames, EARTH_RADIUS_KM, SUN_RADIUS_KM, minimal=minimal)
