"""The geometry of :func:`ephemeris.geometry.geometry_from_states` as one compiled pass.

A numba kernel over (sat, time) that computes, from the TEME states and the per-step Sun and
frame rotations, every per-(sat, time) geometry output -- sunlit fraction (conical shadow,
disc overlap), beta angle, the Sun in the orbital frame, the GCRS position and geodetic
latitude, longitude and height -- and writes them straight into the output arrays: no
(sat, time) temporaries, so it runs at the speed of its arithmetic rather than of memory.

The math is the numpy reference in :mod:`ephemeris.geometry` (``geometry_from_states``,
:func:`ephemeris.geometry.geodetic_wgs84`, :func:`ephemeris.shadow.disc_fraction_visible`),
operation for operation and in the same order, so the two agree to rounding (the tests ask
for 1e-12 relative / 1e-9 absolute); the numpy code stays the documented reference and the
fallback where numba is not importable.  What differs is the form, not the result:

* per satellite, the steps go in blocks of :data:`BLOCK` through one loop (:func:`_block`)
  with no call into the C math library and its rows at fixed offsets, which LLVM vectorises
  (SIMD over time steps): arcsin and arctan2 there are the branch-free :func:`asinv` /
  :func:`atan2v` (fdlibm's arctangent, within 2 ulp of the C library's -- numpy's own SIMD
  versions are within 1); the block's states are copied in and its results scattered out
  in scalar loops;
* the shadow: full Sun (c >= a + b) and umbra (c <= b - a) are decided from the cosines with
  a margin of 1e-9 that makes the decision the reference's; only the steps near a shadow
  boundary (the penumbra, < 1 % of them) get the arcsines and the lens-area formula, in a
  second, scalar pass with the C library's functions, as the reference writes it.

Single-threaded by default: the project already runs one worker process per core
(:mod:`ephemeris.parallel`), and numba threads on top would oversubscribe.  Set
:data:`PARALLEL` to True before the first call to compile a ``prange`` version over
satellites instead (for in-process runs on many cores).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from ephemeris.fastmath import asinv, atan2v

#: Compile the kernel with ``parallel=True`` over satellites (read at first use).
PARALLEL = False

_WGS84_A_KM = 6378.137
_WGS84_F = 1 / 298.257223563
_RAD2DEG = 180.0 / math.pi
#: Margin [in cos c] beyond which full Sun / umbra is decided without the arcsines (the
#: rounding of either side is ~1e-16, so the decision equals the reference formula's).
_MARGIN = 1e-9

#: Time steps per block; the frames table and the scratch rows are laid out by block.
BLOCK = 128
# rows of the per-block frames table
_FT_ROWS = 22          # s_unit (3), |S| (1), TEME->GCRS (9), TEME->ITRS (9)
# rows of the scratch: inputs 0-5 (r, v), outputs 6-16
_W_ROWS = 17


@njit(cache=True, error_model="numpy")
def _block(w, ft, earth_radius_km, sun_radius_km, full):  # pragma: no cover - compiled
    """Every output for one block of BLOCK steps of one satellite: reads r, v from rows 0-5 of
    ``w`` and the block's frames ``ft`` (:func:`frames_table`); writes rows 6-16 of ``w``
    (sunlit flag, beta, sun_rsw, GCRS position, alt, lat, lon).  Rows at fixed offsets from
    the start of both arrays, one pass with no libm call: LLVM vectorises it.

    ``full`` is a compile-time constant (the callers pass a literal): False leaves out beta,
    the GCRS position, latitude and longitude (rows 7, 11-13, 15, 16 are not written)."""
    bl = BLOCK
    a_e = _WGS84_A_KM
    e2 = _WGS84_F * (2 - _WGS84_F)
    b_e = a_e * (1 - _WGS84_F)
    ep2 = (a_e * a_e - b_e * b_e) / (b_e * b_e)
    for k in range(bl):
        rx, ry, rz = w[k], w[bl + k], w[2 * bl + k]
        vx, vy, vz = w[3 * bl + k], w[4 * bl + k], w[5 * bl + k]
        sx, sy, sz = ft[k], ft[bl + k], ft[2 * bl + k]
        big_s = ft[3 * bl + k]
        rn = np.sqrt(rx * rx + ry * ry + rz * rz)
        hx = ry * vz - rz * vy
        hy = rz * vx - rx * vz
        hz = rx * vy - ry * vx
        hn = np.sqrt(hx * hx + hy * hy + hz * hz)
        sun_r = (rx * sx + ry * sy + rz * sz) / rn
        sun_w = (hx * sx + hy * sy + hz * sz) / hn
        sun_s = (hx * (ry * sz - rz * sy) + hy * (rz * sx - rx * sz) + hz * (rx * sy - ry * sx)) \
            / (hn * rn)
        dn = np.sqrt(big_s * big_s - 2.0 * big_s * rn * sun_r + rn * rn)
        # shadow: sin a = R_sun / |s - r|, sin b = R_earth / |r|, cos c; full Sun iff
        # cos c < cos(a + b), umbra iff cos c > cos(b - a) (b > a): decided with a margin,
        # else flagged (-1) for the exact pass
        sa = sun_radius_km / dn
        q = earth_radius_km / rn
        q = 1.0 if q > 1.0 else q
        cc = (rn - big_s * sun_r) / dn
        ca_cb = np.sqrt((1.0 - sa * sa) * (1.0 - q * q))
        sun = cc < ca_cb - sa * q - _MARGIN
        umbra = (q > sa) & (cc > ca_cb + sa * q + _MARGIN)
        w[6 * bl + k] = 1.0 if sun else (0.0 if umbra else -1.0)
        sw = -1.0 if sun_w < -1.0 else (1.0 if sun_w > 1.0 else sun_w)
        if full:
            w[7 * bl + k] = asinv(sw) * _RAD2DEG
        w[8 * bl + k] = sun_r
        w[9 * bl + k] = sun_s
        w[10 * bl + k] = sun_w
        if full:
            m = 4 * bl + k
            w[11 * bl + k] = ft[m] * rx + ft[m + bl] * ry + ft[m + 2 * bl] * rz
            w[12 * bl + k] = ft[m + 3 * bl] * rx + ft[m + 4 * bl] * ry + ft[m + 5 * bl] * rz
            w[13 * bl + k] = ft[m + 6 * bl] * rx + ft[m + 7 * bl] * ry + ft[m + 8 * bl] * rz
        # ITRS and Bowring's geodetic latitude / height (geometry.geodetic_wgs84)
        m = 13 * bl + k
        x = ft[m] * rx + ft[m + bl] * ry + ft[m + 2 * bl] * rz
        y = ft[m + 3 * bl] * rx + ft[m + 4 * bl] * ry + ft[m + 5 * bl] * rz
        z = ft[m + 6 * bl] * rx + ft[m + 7 * bl] * ry + ft[m + 8 * bl] * rz
        p = np.sqrt(x * x + y * y)
        za = z * a_e
        pb = p * b_e
        qq = 1.0 / np.sqrt(za * za + pb * pb)
        su = za * qq
        cu = pb * qq
        num = z + ep2 * b_e * su * su * su
        den = p - e2 * a_e * cu * cu * cu
        kk = 1.0 / np.sqrt(num * num + den * den)
        sphi = num * kk
        cphi = den * kk
        w[14 * bl + k] = p * cphi + z * sphi - a_e * np.sqrt(1.0 - e2 * sphi * sphi)
        if full:
            w[15 * bl + k] = atan2v(num, den) * _RAD2DEG
            w[16 * bl + k] = atan2v(y, x) * _RAD2DEG


@njit(cache=True, error_model="numpy")
def _exact_sunlit(rx, ry, rz, sx, sy, sz, big_s, earth_radius_km, sun_radius_km):
    """The reference formula as it stands (geometry_from_states' a, b, c and
    :func:`ephemeris.shadow.disc_fraction_visible`), with the C library's functions."""
    rn = np.sqrt(rx * rx + ry * ry + rz * rz)
    sun_r = (rx * sx + ry * sy + rz * sz) / rn
    dn = np.sqrt(big_s * big_s - 2.0 * big_s * rn * sun_r + rn * rn)
    a = np.arcsin(sun_radius_km / dn)
    q = earth_radius_km / rn
    if q > 1.0:
        q = 1.0
    b = np.arcsin(q)
    cc = (rn - big_s * sun_r) / dn
    if cc < -1.0:
        cc = -1.0
    elif cc > 1.0:
        cc = 1.0
    c = np.arccos(cc)
    f = 1.0
    if c < a + b:                      # any overlap (NaN: none, like numpy's mask)
        if c <= b - a:
            f = 0.0
        elif c <= a - b:
            f = 1.0 - (b / a) * (b / a)
        if c > abs(a - b):
            x = (c * c + a * a - b * b) / (2.0 * c)
            y2 = a * a - x * x
            y = np.sqrt(y2 if y2 > 0.0 else 0.0)
            xa = x / a
            xa = -1.0 if xa < -1.0 else (1.0 if xa > 1.0 else xa)
            xb = (c - x) / b
            xb = -1.0 if xb < -1.0 else (1.0 if xb > 1.0 else xb)
            area = a * a * np.arccos(xa) + b * b * np.arccos(xb) - c * y
            f = 1.0 - area / (np.pi * a * a)
            f = 0.0 if f < 0.0 else (1.0 if f > 1.0 else f)
    return f


def _geometry_rows(r, v, ft, earth_radius_km, sun_radius_km, sunlit, beta, sun_rsw, pos,
                   lat, lon, alt, i0, i1, w, full):
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


_rows = njit(cache=True, error_model="numpy")(_geometry_rows)


@njit(cache=True, error_model="numpy")
def _kernel_serial(r, v, ft, earth_radius_km, sun_radius_km, sunlit, beta, sun_rsw, pos, lat,
                   lon, alt):  # pragma: no cover - compiled
    w = np.empty(_W_ROWS * BLOCK)
    _rows(r, v, ft, earth_radius_km, sun_radius_km, sunlit, beta, sun_rsw, pos, lat, lon, alt,
          0, r.shape[0], w, True)


@njit(cache=True, error_model="numpy")
def _kernel_serial_minimal(r, v, ft, earth_radius_km, sun_radius_km, sunlit, sun_rsw,
                           alt):  # pragma: no cover - compiled
    """:func:`_kernel_serial` for sunlit fraction, sun_rsw and altitude only."""
    w = np.empty(_W_ROWS * BLOCK)
    e2 = np.empty((0, 0))
    e3 = np.empty((0, 0, 3))
    _rows(r, v, ft, earth_radius_km, sun_radius_km, sunlit, e2, sun_rsw, e3, e2, e2, alt,
          0, r.shape[0], w, False)


_kernel_parallel = None


def _get_kernel():
    global _kernel_parallel
    if not PARALLEL:
        return _kernel_serial
    if _kernel_parallel is None:
        @njit(error_model="numpy", parallel=True)
        def _kp(r, v, ft, earth_radius_km, sun_radius_km, sunlit, beta, sun_rsw, pos, lat, lon,
                alt):  # pragma: no cover - compiled
            n = r.shape[0]
            chunk = 16
            for c in prange((n + chunk - 1) // chunk):
                w = np.empty(_W_ROWS * BLOCK)
                _rows(r, v, ft, earth_radius_km, sun_radius_km, sunlit, beta, sun_rsw, pos,
                      lat, lon, alt, c * chunk, min(n, (c + 1) * chunk), w, True)
        _kernel_parallel = _kp
    return _kernel_parallel


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
        _get_kernel()(r, v, frames_table(frames, nt), float(earth_radius_km),
                      float(sun_radius_km), arrays["sunlit_fraction"], arrays["beta_deg"],
                      arrays["sun_rsw"], arrays["position_km"], arrays["lat_deg"],
                      arrays["lon_deg"], arrays["alt_km"])
    for key in copy_back:
        out[key][...] = arrays[key]
    return out


def warm_up():
    """Compile (or load from numba's cache) the kernel for the array types the pipeline uses.

    Call it once in a parent process before forking workers (``ephemeris.parallel``), so the
    workers inherit the loaded kernel and numba's initialised JIT instead of each paying
    ~0.5 s for them on its first chunk.
    """
    from ephemeris.sun import SUN_RADIUS_KM, SunAndFrames

    eye = np.eye(3)[None]
    frames = SunAndFrames(np.array([[1.5e8, 0.0, 0.0]]), np.array([1.5e8]), eye, eye)
    for minimal in (False, True):
        geometry_kernel(np.array([[[7000.0, 0.0, 0.0]]]), np.array([[[0.0, 7.5, 0.0]]]),
                        frames, 6378.137, SUN_RADIUS_KM, minimal=minimal)
