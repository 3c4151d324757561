"""Compiled per-orbit bookkeeping of :mod:`twin.summary` (numba).

The same definitions as the numpy functions of :mod:`twin.summary` (the reference, used where
numba does not import), as loops that read each (satellite, time) series once and allocate no
(satellite, time) temporaries:

* :func:`orbit_segments`: ascending-node crossings (linear interpolation of the crossing
  variable between steps) and the orbit segments between them, as
  :func:`twin.summary.orbit_start_offsets` followed by :func:`twin.summary._segments`;
* :func:`segment_integrals`: the exact integral of a piecewise-constant series over each
  segment [t0, t1), as :func:`twin.summary._integrals` (which differences a cumulative sum;
  summing each segment's steps directly rounds a little better);
* :func:`segment_extremes`: min or max over the steps a segment overlaps, as
  :func:`twin.summary._extreme`;
* :func:`longest_shadow`: the longest run of steps with sunlit fraction < 1, weighted by
  1 - sunlit fraction, as :func:`twin.summary.longest_shadow_s`.

``tests/test_summary_kernel.py`` compares each with its numpy reference.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

_JIT = {"cache": True, "error_model": "numpy", "nogil": True}


@njit(**_JIT)
def _crossing(x0, y0, z0, x1, y1, z1, equatorial, retrograde):  # pragma: no cover
    """Fraction in [0, 1] of the step at which the crossing variable g goes from < 0 to
    >= 0, or -1: g = z (inclined), or +/- y where x > 0 (equatorial, signed by the motion)."""
    if equatorial:
        if not x0 > 0.0:
            return -1.0
        g0 = -y0 if retrograde else y0
        g1 = -y1 if retrograde else y1
    else:
        g0, g1 = z0, z1
    if g0 < 0.0 and g1 >= 0.0:
        return -g0 / (g1 - g0)
    return -1.0


@njit(**_JIT)
def orbit_segments(position_km, equatorial, retrograde, step_s):  # pragma: no cover
    """Orbit segments of every satellite of a chunk, flattened.

    ``position_km`` (n, T, 3) inertial (TEME); ``equatorial``, ``retrograde`` (n,) bool.
    Returns ``sat`` (int64), ``t0``, ``t1`` [s from the run start] and ``complete`` (bool):
    the segments between consecutive node crossings, plus the partial ones before the first
    and after the last (``complete`` False; the first is complete only when the run starts
    at a node, within 1e-6 of a step).
    """
    n, n_t = position_km.shape[0], position_km.shape[1]
    span = n_t * step_s
    eps = 1e-6 * step_s
    # pass 1: count the interior crossings of each satellite
    m = 0
    for i in range(n):
        m += 1
        for k in range(n_t - 1):
            f = _crossing(position_km[i, k, 0], position_km[i, k, 1], position_km[i, k, 2],
                          position_km[i, k + 1, 0], position_km[i, k + 1, 1],
                          position_km[i, k + 1, 2], equatorial[i], retrograde[i])
            if f >= 0.0:
                t = (k + f) * step_s
                if eps < t < span - eps:
                    m += 1
    sat = np.empty(m, np.int64)
    t0 = np.empty(m)
    t1 = np.empty(m)
    complete = np.empty(m, np.bool_)
    # pass 2: fill
    j = 0
    for i in range(n):
        first = True
        at_start = False
        j0 = j
        sat[j] = i
        t0[j] = 0.0
        complete[j] = False
        for k in range(n_t - 1):
            f = _crossing(position_km[i, k, 0], position_km[i, k, 1], position_km[i, k, 2],
                          position_km[i, k + 1, 0], position_km[i, k + 1, 1],
                          position_km[i, k + 1, 2], equatorial[i], retrograde[i])
            if f < 0.0:
                continue
            t = (k + f) * step_s
            if first:
                at_start = t <= eps
                first = False
            if eps < t < span - eps:
                t1[j] = t
                j += 1
                sat[j] = i
                t0[j] = t
                complete[j] = True
        t1[j] = span
        complete[j0] = at_start
        complete[j] = False
        j += 1
    return sat, t0, t1, complete


@njit(**_JIT)
def segment_integrals(x, sat, t0, t1, step_s):  # pragma: no cover
    """Integral over [t0, t1) of each segment's satellite's piecewise-constant series ``x``
    (n, T; sample k holds on [k step, (k + 1) step)) [x*s]."""
    n_t = x.shape[1]
    out = np.empty(sat.shape[0])
    for j in range(sat.shape[0]):
        i = sat[j]
        k0 = min(int(math.floor(t0[j] / step_s)), n_t - 1)
        k1 = min(int(math.floor(t1[j] / step_s)), n_t - 1)
        s = 0.0
        for k in range(k0, k1):
            s += x[i, k]
        out[j] = (s * step_s + x[i, k1] * (t1[j] - k1 * step_s)
                  - x[i, k0] * (t0[j] - k0 * step_s))
    return out


@njit(**_JIT)
def segment_extremes(x, sat, t0, t1, step_s, maximum):  # pragma: no cover
    """Min (or max) of each segment's samples: those whose step overlaps [t0, t1)."""
    out = np.empty(sat.shape[0])
    for j in range(sat.shape[0]):
        i = sat[j]
        k0 = int(math.floor(t0[j] / step_s + 1e-9))
        k1 = max(int(math.ceil(t1[j] / step_s - 1e-9)), k0 + 1)
        v = x[i, k0]
        for k in range(k0 + 1, k1):
            v = max(v, x[i, k]) if maximum else min(v, x[i, k])
        out[j] = v
    return out


@njit(**_JIT)
def longest_shadow(sunlit_fraction, step_s):  # pragma: no cover
    """Longest shadow passage of each satellite [s], shadow-equivalent: the largest sum of
    (1 - sunlit fraction) x step over a run of steps with sunlit fraction < 1."""
    n, n_t = sunlit_fraction.shape
    out = np.zeros(n)
    for i in range(n):
        best = 0.0
        run = 0.0
        for k in range(n_t):
            f = sunlit_fraction[i, k]
            if f < 1.0:
                run += 1.0 - f
                best = max(best, run)
            else:
                run = 0.0
        out[i] = best * step_s
    return out


def warm_up():
    """Load (or compile) the kernels for the array types the pipeline passes, so that forked
    workers inherit them instead of each loading them on its first chunk."""
    pos = np.zeros((1, 3, 3))
    pos[0, :, 2] = (-1.0, 1.0, 2.0)
    flags = np.zeros(1, np.bool_)
    sat, t0, t1, _ = orbit_segments(pos, flags, flags, 60.0)
    x = np.ones((1, 3))
    segment_integrals(x, sat, t0, t1, 60.0)
    segment_integrals(x > 0.0, sat, t0, t1, 60.0)
    segment_extremes(x, sat, t0, t1, 60.0, True)
    longest_shadow(x, 60.0)
