"""The per-orbit bookkeeping of :mod:`twin.run.summary`, each computation written once.

Each function below is the only definition of its computation: a loop over satellites and
steps that reads each (satellite, time) series once and allocates no (satellite, time)
temporaries.  :func:`ephemeris.fastmath.kernel` compiles it with numba (or leaves it plain
Python when ``TWIN_NUMBA=0``); ``f.py_func`` is the same source uncompiled, the reference
``tests/test_summary_kernel.py`` compares the compiled form with (to 1e-12).

* :func:`crossing`: where in a step the crossing variable goes from < 0 to >= 0 (linear
  interpolation): z in TEME for inclined orbits, +/- y where x > 0 for equatorial ones
  (a :func:`ephemeris.fastmath.model`, inlined in the compiled loops);
* :func:`node_crossings`: every orbit start crossing of every satellite of a chunk;
* :func:`segments_between`: the orbit segments between consecutive crossings, plus the
  partial ones before the first and after the last;
* :func:`segment_integrals`: the exact integral of a piecewise-constant series over each
  segment [t0, t1) (each segment's steps summed directly);
* :func:`segment_extremes`: min or max over the steps a segment overlaps;
* :func:`longest_shadow`: the longest run of steps with sunlit fraction < 1, weighted by
  1 - sunlit fraction.

:func:`warm_up` loads (or compiles) them before the process pool forks its workers.
"""
from __future__ import annotations

import math

import numpy as np

from ephemeris import fastmath


@fastmath.model
def crossing(x0, y0, z0, x1, y1, z1, equatorial, retrograde):
    """Fraction in [0, 1] of the step (x0, y0, z0) -> (x1, y1, z1) at which the crossing
    variable g goes from < 0 to >= 0, or -1 if it does not: g = z (inclined orbits), or
    g = y where x > 0 at the step's start, negated for retrograde orbits (equatorial orbits,
    which thus start at the TEME x axis in the direction of motion).  Scalars only (the
    compiled loop inlines it, at one call site: numba's IR checks warn when a function with
    branches is inlined twice into one kernel, or ``fastmath.where`` several times)."""
    sign = -1.0 if retrograde else 1.0
    g0 = sign * y0 if equatorial else z0
    g1 = sign * y1 if equatorial else z1
    up = g0 < 0.0 and g1 >= 0.0 and (x0 > 0.0 or not equatorial)
    return -g0 / (g1 - g0) if up else -1.0


@fastmath.kernel
def node_crossings(position_km, equatorial, retrograde, step_s):
    """Every crossing (:func:`crossing`) of every satellite of a chunk.

    ``position_km`` (n, T, 3) inertial (TEME); ``equatorial``, ``retrograde`` (n,) bool.
    Returns ``count`` (n,) int64, the number of crossings of each satellite, and ``t``
    [s from the run start], their times (k + fraction) x step, satellite after satellite.
    One pass over the positions.
    """
    n, n_t = position_km.shape[0], position_km.shape[1]
    count = np.zeros(n, np.int64)
    found = np.empty(n_t)                   # one satellite's crossings
    t = np.empty(4 * n + 16)                # all of them, grown when full
    j = 0
    for i in range(n):
        c = 0
        for k in range(n_t - 1):
            f = crossing(position_km[i, k, 0], position_km[i, k, 1], position_km[i, k, 2],
                         position_km[i, k + 1, 0], position_km[i, k + 1, 1],
                         position_km[i, k + 1, 2], equatorial[i], retrograde[i])
            if f >= 0.0:
                found[c] = (k + f) * step_s
                c += 1
        if j + c > t.shape[0]:
            grown = np.empty(max(2 * t.shape[0], j + c))
            grown[:j] = t[:j]
            t = grown
        t[j:j + c] = found[:c]
        count[i] = c
        j += c
    return count, t[:j]


@fastmath.kernel
def segments_between(count, t, n_t, step_s):
    """Orbit segments of every satellite of a chunk, flattened, from its crossings
    (``count``, ``t`` of :func:`node_crossings`) over a run of ``n_t`` steps.

    Returns ``sat`` (int64), ``t0``, ``t1`` [s from the run start] and ``complete`` (bool):
    the segments between consecutive crossings inside the run (more than 1e-6 of a step from
    its ends), plus the partial ones before the first and after the last (``complete``
    False; the first is complete only when the run starts at a crossing, within 1e-6 of a
    step).  Each satellite's segments cover [0, n_t x step) once, in order.
    """
    n = count.shape[0]
    span = n_t * step_s
    eps = 1e-6 * step_s
    m = n
    for c in range(t.shape[0]):
        if eps < t[c] < span - eps:
            m += 1
    sat = np.empty(m, np.int64)
    t0 = np.empty(m)
    t1 = np.empty(m)
    complete = np.empty(m, np.bool_)
    j = 0
    c = 0
    for i in range(n):
        j0 = j
        at_start = count[i] > 0 and t[c] <= eps
        sat[j] = i
        t0[j] = 0.0
        for _ in range(count[i]):
            if eps < t[c] < span - eps:
                t1[j] = t[c]
                complete[j] = True
                j += 1
                sat[j] = i
                t0[j] = t[c]
            c += 1
        t1[j] = span
        complete[j0] = at_start
        complete[j] = False
        j += 1
    return sat, t0, t1, complete


@fastmath.kernel
def segment_integrals(x, sat, t0, t1, step_s):
    """Integral over [t0, t1) of each segment's satellite's piecewise-constant series ``x``
    (n, T; sample k holds on [k step, (k + 1) step)) [x*s]: the whole steps inside the
    segment summed, plus the right share of the steps holding its ends."""
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


@fastmath.kernel
def segment_extremes(x, sat, t0, t1, step_s, maximum):
    """Min (or max, if ``maximum``) of each segment's samples: those whose step overlaps
    [t0, t1) (boundaries within 1e-9 of a step snap to the grid)."""
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


@fastmath.kernel
def longest_shadow(sunlit_fraction, step_s):
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
    count, t = node_crossings(pos, flags, flags, 60.0)
    sat, t0, t1, _ = segments_between(count, t, 3, 60.0)
    x = np.ones((1, 3))
    segment_integrals(x, sat, t0, t1, 60.0)
    segment_integrals(x > 0.0, sat, t0, t1, 60.0)
    segment_extremes(x, sat, t0, t1, 60.0, True)
    longest_shadow(x, 60.0)
