"""A fast propagator for designed shells: SGP4's near-Earth model without drag, compiled.

``propagate_j2`` evaluates, per satellite and time, the same equations as SGP4's near-Earth
branch (``sgp4()`` in Vallado's C++/Python, followed line by line) with the drag coefficient
``bstar`` = 0, as one compiled kernel over (sat, time) with every per-satellite constant
hoisted out of the time loop.  With ``bstar`` = 0 every drag term of SGP4 vanishes exactly (``cc1``,
``cc4``, ``cc5``, ``omgcof``, ``xmcof``, ``nodecf``, ``d2``..``d4``, ``t2cof``..``t5cof`` are
all proportional to ``bstar``), so what is left is the analytic J2/J3/J4 theory of Hoots &
Roehrich (1980, Spacetrack Report No. 3) in the form of Vallado, Crawford, Hujsak & Kelso
(2006, "Revisiting Spacetrack Report #3", AIAA 2006-6753):

Epoch constants (``sgp4init``/``initl``; the secular rates ``mdot``, ``argpdot``, ``nodedot``,
which carry J2, J2^2 and J4, are read from the ``Satrec``)::

    n0'' (un-Kozai'd mean motion) from n0 by Brouwer's correction (initl),
    a = (xke / n0'')^(2/3),  n = xke / a^1.5,  e = max(e0, 1e-6),
    aycof = -J3/J2 sin i / 2,   xlcof = -J3/J2 sin i (3 + 5 cos i) / (4 (1 + cos i)),
    con41 = 3 cos^2 i - 1,  x1mth2 = 1 - cos^2 i,  x7thm1 = 7 cos^2 i - 1.

Secular motion, t in minutes from the epoch::

    M = M0 + Mdot t,  w = w0 + wdot t,  O = O0 + Odot t   (SGP4 reduces them with fmod 2 pi).

Long-period periodics (J3)::

    axN = e cos w,  ayN = e sin w + aycof / (a (1 - e^2)),
    L = M + w + O + xlcof axN / (a (1 - e^2)),   U = fmod(L - O, 2 pi).

Kepler's equation in SGP4's form, for E + w: Newton on
``U = (E + w) - ayN cos(E + w) + axN sin(E + w)`` from E + w = U, at most 10 steps, each clamped
to 0.95 rad, stopping when the step is below 1e-12.

Short-period periodics (J2), with p_L = a (1 - axN^2 - ayN^2) and the osculating r_L, u::

    r_k = r_L (1 - 3/2 k2/p_L^2 sqrt(1 - e_L^2) con41) + 1/2 k2/p_L x1mth2 cos 2u,
    u_k = u - 1/4 k2/p_L^2 x7thm1 sin 2u,   O_k = O + 3/2 k2/p_L^2 cos i sin 2u,
    i_k = i + 3/2 k2/p_L^2 cos i sin i cos 2u,
    rdot_k = rdot_L - n k2/p_L x1mth2 sin 2u / xke,
    r fdot_k = r fdot_L + n k2/p_L (x1mth2 cos 2u + 3/2 con41) / xke     (k2 = J2 / 2),

and the TEME position r_k U(u_k, O_k, i_k) and velocity from the same unit vectors, in km and
km/s (units of Earth radii and xke).  SGP4's error codes are reproduced (1 eccentricity out of
range, 4 negative semi-latus rectum, 6 decayed: r_k < 1 Earth radius); failed steps hold the
last good state as :func:`ephemeris.propagate.propagate` does.

What is left out, against SGP4 itself:

* drag: a satellite with a nonzero ``bstar`` is propagated as if ``bstar`` were 0 (an
  approximation, documented; designed shells default to ``bstar`` = 0, where the result is
  SGP4's to rounding: the tests find < 1 mm over a day);
* deep space: satellites with a period of 225 min or more (``Satrec.method == "d"``: the
  lunar-solar periodics and resonances of SDP4) are propagated with SGP4 itself
  (``SatrecArray.sgp4``), so their states are SGP4's exactly.

How it is evaluated (the numbers are SGP4's to ~1e-8 km; the tests ask for 1 mm).  The
equations are written once, as :mod:`ephemeris.fastmath` models of one satellite at one time:
:func:`epoch_constants` and :func:`satellite_constants` (per satellite), :func:`secular_terms`
(secular and long-period terms), :func:`kepler_step` (one of SGP4's Newton steps) and
:func:`short_period_state` (short-period terms and the state).  They differ from SGP4's text
only in form: the angles are not reduced modulo 2 pi first (only their sines and cosines are
used), and sin/cos of u + du, node + dn, i + di (the short-period corrections, < 1e-2 rad) are
those of u, node, i rotated by the correction (:func:`rotate_by`, Taylor series to rounding),
sin/cos of atan2(sinu, cosu) being sinu, cosu normalised.  Two callers:

* compiled (:func:`_near_earth_kernel`, when :data:`ephemeris.fastmath.USE_NUMBA`): per
  satellite, blocks of :data:`BLOCK` time steps go through three loops with no calls into the
  C math library, which LLVM vectorises (SIMD over time steps): (1) the secular and
  long-period terms, (2) Kepler's equation, every lane taking SGP4's Newton steps until its
  own stopping rule holds, (3) the short-period terms and the state.  Sines and cosines are
  :func:`ephemeris.fastmath.sincos`, there fdlibm's polynomials (within 2 ulp), exact for
  angles below :data:`SINCOS_MAX_ARG`.
* numpy (:func:`_near_earth_numpy`): the same models on (sat, time) arrays, with numpy's
  sine and cosine (``propagate_j2(..., use_numba=False)``, and without numba).

Either way, satellites whose angles would exceed :data:`SINCOS_MAX_ARG` within the run (decades
from their epoch) are handed to SGP4 itself.
"""
from __future__ import annotations

import numpy as np
from sgp4.api import WGS72, Satrec

from ephemeris import fastmath
from ephemeris.fastmath import (
    SINCOS_MAX_ARG,
    any_true,
    model,
    sincos,
    sincosv,  # noqa: F401 - importers of j2.sincosv
    where,
)
from ephemeris.propagate import _hold_last_good, propagate

#: Per-satellite ``Satrec`` attributes the kernel reads (one row per satellite).
SATREC_FIELDS = ("jdsatepoch", "jdsatepochF", "mo", "mdot", "argpo", "argpdot", "nodeo",
                 "nodedot", "ecco", "inclo", "no_kozai", "j2", "j3oj2", "xke", "radiusearthkm")

#: Time steps per block of the compiled kernel (its scratch rows are this long).
BLOCK = 128
#: Most Newton steps of SGP4's Kepler solve (its ``ktr <= 10`` with the first evaluation).
KEPLER_STEPS = 10
_X2O3 = 2.0 / 3.0
_TEMP4 = 1.5e-12


def satrec_constants(satrecs) -> np.ndarray:
    """(n, len(SATREC_FIELDS)) float array of the ``Satrec`` attributes the kernel needs."""
    out = np.empty((len(satrecs), len(SATREC_FIELDS)))
    for i, s in enumerate(satrecs):
        out[i] = [getattr(s, k) for k in SATREC_FIELDS]
    return out


# ------------------------------------------------------------------------------------------
# The model: SGP4's near-Earth equations for bstar = 0, one satellite at one time
# ------------------------------------------------------------------------------------------
@model
def epoch_constants(no_kozai, ecco, inclo, j2, j3oj2, xke):
    """SGP4's epoch quantities (``initl`` and ``sgp4init``) for bstar = 0: returns (am, nm,
    sinio, cosio, aycof, xlcof, con41, x1mth2, x7thm1, no_unkozai)."""
    # initl: un-Kozai the mean motion
    eccsq = ecco * ecco
    omeosq = 1.0 - eccsq
    rteosq = np.sqrt(omeosq)
    cosio = np.cos(inclo)
    cosio2 = cosio * cosio
    ak = (xke / no_kozai) ** _X2O3
    d1 = 0.75 * j2 * (3.0 * cosio2 - 1.0) / (rteosq * omeosq)
    del_ = d1 / (ak * ak)
    adel = ak * (1.0 - del_ * del_ - del_ * (1.0 / 3.0 + 134.0 * del_ * del_ / 81.0))
    del_ = d1 / (adel * adel)
    no = no_kozai / (1.0 + del_)
    sinio = np.sin(inclo)
    con42 = 1.0 - 5.0 * cosio2
    con41 = -con42 - cosio2 - cosio2
    x1mth2 = 1.0 - cosio2
    x7thm1 = 7.0 * cosio2 - 1.0
    aycof = -0.5 * j3oj2 * sinio
    den = 1.0 + cosio
    # sgp4fix: divide-by-zero guard for i = 180 deg
    den = den * (np.abs(cosio + 1.0) > _TEMP4) + _TEMP4 * (np.abs(cosio + 1.0) <= _TEMP4)
    xlcof = -0.25 * j3oj2 * sinio * (3.0 + 5.0 * cosio) / den
    # sgp4 with tempa = 1, tempe = 0 (no drag): these are constant in time
    am = (xke / no) ** _X2O3
    nm = xke / am ** 1.5
    return am, nm, sinio, cosio, aycof, xlcof, con41, x1mth2, x7thm1, no


@model
def satellite_constants(no_kozai, ecco, inclo, j2, j3oj2, xke, radius):
    """What the time steps of one satellite need, from its ``Satrec`` fields: (code, ep, ay0,
    xl0, am, sqrt_am, nm_xke, con41, x1mth2, x7thm1, sinio, cosio, vkm).

    ``code`` is SGP4's epoch error (1: eccentricity out of range, 2: mean motion not positive;
    0 fine); ep = max(e, 1e-6); ay0 and xl0 are the long-period coefficients aycof and xlcof
    over a (1 - ep^2); vkm converts velocity to km/s."""
    am, nm, sinio, cosio, aycof, xlcof, con41, x1mth2, x7thm1, no_unkozai = epoch_constants(
        no_kozai, ecco, inclo, j2, j3oj2, xke)
    code = where(no_unkozai > 0.0, where((ecco >= 1.0) | (ecco < -0.001), 1.0, 0.0), 2.0)
    ep = np.maximum(ecco, 1.0e-6)
    temp = 1.0 / (am * (1.0 - ep * ep))
    return (code, ep, temp * aycof, temp * xlcof, am, np.sqrt(am), nm / xke, con41, x1mth2,
            x7thm1, sinio, cosio, radius * xke / 60.0)


@model
def secular_terms(jd, fr, epoch, epoch_f, mo, mdot, argpo, argpdot, nodeo, nodedot, ep, ay0,
                  xl0):
    """Secular gravity and the long-period periodics at time ``jd`` + ``fr`` (SGP4's drag
    terms are exactly zero for bstar = 0): (axnl, aynl, u, sin u, cos u, node), u = M + w +
    xlcof term, Kepler's unknown E + w at its start value."""
    t = (jd - epoch) * 1440.0 + (fr - epoch_f) * 1440.0
    mm = mo + mdot * t
    argpm = argpo + argpdot * t
    nodem = nodeo + nodedot * t
    sw, cw = sincos(argpm)
    axnl = ep * cw
    aynl = ep * sw + ay0
    u = (mm + argpm) + xl0 * axnl
    su, cu = sincos(u)
    return axnl, aynl, u, su, cu, nodem


@model
def kepler_step(u, axnl, aynl, eo1, sineo1, coseo1, go, it):
    """Step ``it`` (0 to KEPLER_STEPS - 1) of SGP4's Newton solve of
    ``u = (E + w) - ayN cos(E + w) + axN sin(E + w)`` from the iterate ``eo1`` and its sine and
    cosine: returns them after the step, and whether the lane is still going.  A lane steps
    (by at most 0.95 rad) while ``go``, and stops when its step is below 1e-12 -- keeping the
    sine and cosine of the iterate before that step, as SGP4 does -- or at the last step."""
    tem5 = (u - aynl * coseo1 + axnl * sineo1 - eo1) / (1.0 - coseo1 * axnl - sineo1 * aynl)
    tem5 = np.minimum(np.maximum(tem5, -0.95), 0.95)
    go = go & (np.abs(tem5) >= 1.0e-12) & (it < KEPLER_STEPS - 1)
    eon = eo1 + tem5
    sn, cn = sincos(eon)
    return where(go, eon, eo1), where(go, sn, sineo1), where(go, cn, coseo1), go


@model
def rotate_by(s, c, d):
    """(sin, cos) of x + d from (sin x, cos x), for |d| <= 0.05: Taylor series of sin d and
    cos d to d^7 and d^8 (truncation below 1e-17 of d), i.e. to rounding."""
    d2 = d * d
    sd = d * (1.0 - d2 / 6.0 * (1.0 - d2 / 20.0 * (1.0 - d2 / 42.0)))
    cd = 1.0 - d2 / 2.0 * (1.0 - d2 / 12.0 * (1.0 - d2 / 30.0 * (1.0 - d2 / 56.0)))
    return s * cd + c * sd, c * cd - s * sd


@model
def short_period_state(axnl, aynl, sineo1, coseo1, nodem, am, sqrt_am, nm_xke, j2, con41,
                       x1mth2, x7thm1, sinip, cosip, radius, vkm):
    """Short-period periodics and the TEME state (SGP4's statements in SGP4's order): returns
    (x, y, z [km], vx, vy, vz [km/s], code), code 4 (negative semi-latus rectum), 6 (decayed:
    r below 1 Earth radius) or 0."""
    ecose = axnl * coseo1 + aynl * sineo1
    esine = axnl * sineo1 - aynl * coseo1
    el2 = axnl * axnl + aynl * aynl
    pl = am * (1.0 - el2)
    rl = am * (1.0 - ecose)
    rdotl = sqrt_am * esine / rl
    rvdotl = np.sqrt(pl) / rl
    betal = np.sqrt(1.0 - el2)
    temp = esine / (1.0 + betal)
    sinu = am / rl * (sineo1 - aynl - axnl * temp)
    cosu = am / rl * (coseo1 - axnl + aynl * temp)
    sin2u = (cosu + cosu) * sinu
    cos2u = 1.0 - 2.0 * sinu * sinu
    temp = 1.0 / pl
    temp1 = 0.5 * j2 * temp
    temp2 = temp1 * temp
    mrt = rl * (1.0 - 1.5 * temp2 * betal * con41) + 0.5 * temp1 * x1mth2 * cos2u
    # su = atan2(sinu, cosu) + du, xnode = node + dn, xinc = inclo + di
    du = -0.25 * temp2 * x7thm1 * sin2u
    dn = 1.5 * temp2 * cosip * sin2u
    di = 1.5 * temp2 * cosip * sinip * cos2u
    mvt = rdotl - nm_xke * temp1 * x1mth2 * sin2u
    rvdot = rvdotl + nm_xke * temp1 * (x1mth2 * cos2u + 1.5 * con41)
    knorm = 1.0 / np.sqrt(sinu * sinu + cosu * cosu)
    sinsu, cossu = rotate_by(sinu * knorm, cosu * knorm, du)
    sn0, cn0 = sincos(nodem)
    snod, cnod = rotate_by(sn0, cn0, dn)
    sini, cosi = rotate_by(sinip, cosip, di)
    xmx = -snod * cosi
    xmy = cnod * cosi
    ux = xmx * sinsu + cnod * cossu
    uy = xmy * sinsu + snod * cossu
    uz = sini * sinsu
    vx = xmx * cossu - cnod * sinsu
    vy = xmy * cossu - snod * sinsu
    vz = sini * cossu
    mr = mrt * radius
    code = where(pl < 0.0, 4.0, where(mrt < 1.0, 6.0, 0.0))
    return (mr * ux, mr * uy, mr * uz, (mvt * ux + rvdot * vx) * vkm,
            (mvt * uy + rvdot * vy) * vkm, (mvt * uz + rvdot * vz) * vkm, code)


# ------------------------------------------------------------------------------------------
# Compiled: blocks of BLOCK steps per satellite
# ------------------------------------------------------------------------------------------
@fastmath.kernel
def _block(jb, fb, sat, w):  # pragma: no cover - compiled
    """SGP4 (bstar = 0) at one block of times ``jb`` + ``fb`` (BLOCK each) of one satellite
    (constants ``sat``, see :func:`_near_earth_kernel`); results in rows 8..14 of ``w``.

    Each loop runs over the whole block with the rows of ``w`` at fixed offsets from the
    start of every array, so LLVM sees independent lanes and vectorises it."""
    bl = BLOCK
    (epoch, epoch_f, mo, mdot, argpo, argpdot, nodeo, nodedot, ep, ay0, xl0, am, sqrt_am,
     nm_xke, j2, con41, x1mth2, x7thm1, sinip, cosip, radius, vkm) = sat
    for k in range(bl):
        axnl, aynl, u, su, cu, nodem = secular_terms(jb[k], fb[k], epoch, epoch_f, mo, mdot,
                                                     argpo, argpdot, nodeo, nodedot, ep,
                                                     ay0, xl0)
        w[k] = axnl
        w[bl + k] = aynl
        w[2 * bl + k] = u
        w[3 * bl + k] = u
        w[4 * bl + k] = su
        w[5 * bl + k] = cu
        w[6 * bl + k] = nodem
        w[7 * bl + k] = 1.0
    # Kepler's equation: every lane takes SGP4's steps until its own stopping rule holds
    for it in range(KEPLER_STEPS):
        active = 0
        for k in range(bl):
            eo1, sineo1, coseo1, go = kepler_step(
                w[2 * bl + k], w[k], w[bl + k], w[3 * bl + k], w[4 * bl + k], w[5 * bl + k],
                w[7 * bl + k] > 0.0, it)
            w[3 * bl + k] = eo1
            w[4 * bl + k] = sineo1
            w[5 * bl + k] = coseo1
            w[7 * bl + k] = 1.0 if go else 0.0
            active += 1 if go else 0
        if active == 0:
            break
    for k in range(bl):
        x, y, z, vx, vy, vz, code = short_period_state(
            w[k], w[bl + k], w[4 * bl + k], w[5 * bl + k], w[6 * bl + k], am, sqrt_am, nm_xke,
            j2, con41, x1mth2, x7thm1, sinip, cosip, radius, vkm)
        w[8 * bl + k] = x
        w[9 * bl + k] = y
        w[10 * bl + k] = z
        w[11 * bl + k] = vx
        w[12 * bl + k] = vy
        w[13 * bl + k] = vz
        w[14 * bl + k] = code


@fastmath.kernel
def _near_earth_kernel(c, jdp, frp, r, v, err):  # pragma: no cover - compiled
    """SGP4's near-Earth ``sgp4()`` with bstar = 0 for every (sat, time) (module doc).

    ``c`` (n, 15): :data:`SATREC_FIELDS`; ``jdp``, ``frp`` (blocks, BLOCK): the times,
    padded with the last one; writes ``r``, ``v`` (n, T, 3) [km, km/s] and
    ``err`` (n, T) in place, NaN where SGP4 gives NaN (error codes 1 to 5).
    """
    nt = r.shape[1]
    bl = BLOCK
    w = np.empty(15 * bl)
    for i in range(c.shape[0]):
        (code, ep, ay0, xl0, am, sqrt_am, nm_xke, con41, x1mth2, x7thm1, sinip, cosip,
         vkm) = satellite_constants(c[i, 10], c[i, 8], c[i, 9], c[i, 11], c[i, 12], c[i, 13],
                                    c[i, 14])
        if code != 0.0:
            for j in range(nt):
                err[i, j] = np.uint8(code)
                for k in range(3):
                    r[i, j, k] = np.nan
                    v[i, j, k] = np.nan
            continue
        sat = (c[i, 0], c[i, 1], c[i, 2], c[i, 3], c[i, 4], c[i, 5], c[i, 6], c[i, 7], ep,
               ay0, xl0, am, sqrt_am, nm_xke, c[i, 11], con41, x1mth2, x7thm1, sinip, cosip,
               c[i, 14], vkm)
        for j0 in range(0, nt, bl):
            _block(jdp[j0 // bl], frp[j0 // bl], sat, w)
            for k in range(min(bl, nt - j0)):
                j = j0 + k
                code = w[14 * bl + k]
                bad = code == 4.0
                for q in range(3):
                    r[i, j, q] = np.nan if bad else w[(8 + q) * bl + k]
                    v[i, j, q] = np.nan if bad else w[(11 + q) * bl + k]
                err[i, j] = np.uint8(code)


# ------------------------------------------------------------------------------------------
# numpy: the same models on (sat, time) arrays
# ------------------------------------------------------------------------------------------
def _near_earth_numpy(c, jd, fr, r, v, err):
    """What ``_near_earth_kernel`` computes, by the same models on (sat, time) arrays.

    Kepler's equation takes the steps of :func:`kepler_step` while any element is going (an
    element that stopped keeps its iterate, as a lane of the kernel does)."""
    col = {k: c[:, i][:, None] for i, k in enumerate(SATREC_FIELDS)}
    (code0, ep, ay0, xl0, am, sqrt_am, nm_xke, con41, x1mth2, x7thm1, sinip, cosip,
     vkm) = satellite_constants(col["no_kozai"], col["ecco"], col["inclo"], col["j2"],
                                col["j3oj2"], col["xke"], col["radiusearthkm"])
    axnl, aynl, u, sineo1, coseo1, nodem = secular_terms(
        jd[None, :], fr[None, :], col["jdsatepoch"], col["jdsatepochF"], col["mo"],
        col["mdot"], col["argpo"], col["argpdot"], col["nodeo"], col["nodedot"], ep, ay0, xl0)
    eo1 = u
    go = np.ones(u.shape, bool)
    for it in range(KEPLER_STEPS):
        eo1, sineo1, coseo1, go = kepler_step(u, axnl, aynl, eo1, sineo1, coseo1, go, it)
        if not any_true(go):
            break
    x, y, z, vx, vy, vz, code = short_period_state(
        axnl, aynl, sineo1, coseo1, nodem, am, sqrt_am, nm_xke, col["j2"], con41, x1mth2,
        x7thm1, sinip, cosip, col["radiusearthkm"], vkm)
    err[...] = np.where(code0 != 0.0, code0, code)
    bad = (err != 0) & (err < 6)
    for k, (rk, vk) in enumerate(((x, vx), (y, vy), (z, vz))):
        r[..., k] = np.where(bad, np.nan, rk)
        v[..., k] = np.where(bad, np.nan, vk)


def propagate_j2(satrecs, jd, fr, use_numba=None):
    """TEME position [km], velocity [km/s] (n, T, 3) and SGP4 error codes (n, T) uint8, like
    :func:`ephemeris.propagate.propagate`: SGP4's near-Earth model without drag (see the
    module docstring); deep-space satellites are propagated by SGP4 itself.

    By default the compiled kernel runs when :data:`ephemeris.fastmath.USE_NUMBA`;
    ``use_numba=False`` runs the same models as numpy on arrays (:func:`_near_earth_numpy`).
    """
    satrecs = list(satrecs)
    jd = np.ascontiguousarray(jd, dtype=float)
    fr = np.ascontiguousarray(fr, dtype=float)
    n, nt = len(satrecs), len(jd)
    r = np.empty((n, nt, 3))
    v = np.empty((n, nt, 3))
    err = np.zeros((n, nt), np.uint8)
    compiled = fastmath.USE_NUMBA and use_numba is not False
    by_sgp4 = np.array([s.method == "d" for s in satrecs], bool)
    c = satrec_constants(satrecs)
    if nt and n:      # (numpy's sin/cos would cope; the same satellites go to SGP4 either way)
        by_sgp4 |= _angle_bound(c, jd, fr) >= SINCOS_MAX_ARG
    own = np.flatnonzero(~by_sgp4)
    if len(own) and nt:
        if len(own) == n:
            rr, vv, ee = r, v, err
        else:
            rr, vv = np.empty((len(own), nt, 3)), np.empty((len(own), nt, 3))
            ee = np.zeros((len(own), nt), np.uint8)
        if compiled:
            pad = -nt % BLOCK
            jdp = np.concatenate([jd, np.full(pad, jd[-1])]).reshape(-1, BLOCK)
            frp = np.concatenate([fr, np.full(pad, fr[-1])]).reshape(-1, BLOCK)
            _near_earth_kernel(np.ascontiguousarray(c[own]), jdp, frp, rr, vv, ee)
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                _near_earth_numpy(c[own], jd, fr, rr, vv, ee)
        if len(own) < n:
            r[own], v[own], err[own] = rr, vv, ee
    if by_sgp4.any():
        idx = np.flatnonzero(by_sgp4)
        r[idx], v[idx], err[idx] = propagate([satrecs[i] for i in idx], jd, fr)
    if err.any():
        _hold_last_good(err, r, v)
    return r, v, err


def _angle_bound(c, jd, fr):
    """Upper bound [rad] of the secular angles' magnitude over the times, per satellite."""
    f = {k: c[:, i] for i, k in enumerate(SATREC_FIELDS)}
    t = np.asarray(jd) + np.asarray(fr)
    e = f["jdsatepoch"] + f["jdsatepochF"]
    tmax = np.maximum(np.abs(t.max() - e), np.abs(t.min() - e)) * 1440.0
    return (np.abs(f["mo"]) + np.abs(f["argpo"]) + np.abs(f["nodeo"]) + 10.0
            + (np.abs(f["mdot"]) + np.abs(f["argpdot"]) + np.abs(f["nodedot"])) * tmax)


def warm_up():
    """Compile (or load from numba's cache) the kernel; see
    :func:`ephemeris.geometry_kernel.warm_up` (call before forking workers).  Nothing to do
    without numba."""
    if not fastmath.USE_NUMBA:
        return
    s = Satrec()
    s.sgp4init(WGS72, "i", 1, 28295.25, 0.0, 0.0, 0.0, 0.001, 1.0, 0.9, 0.5, 0.0656, 0.3)
    propagate_j2([s], np.array([2461577.5]), np.array([0.25]))
