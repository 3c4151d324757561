"""The Sun seen from the Earth's centre, once per time step, from JPL DE421 (skyfield-data).

Also the per-step frame rotations that go with it (TEME -> GCRS and TEME -> ITRS, from
skyfield's ``TEME`` and ``itrs`` frames): everything here is computed once per time step for
all satellites, never per satellite.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ephemeris.data import planets

AU_KM = 149597870.700
#: Nominal solar radius [km] (IAU 2015 Resolution B3).
SUN_RADIUS_KM = 695700.0


@dataclass(frozen=True)
class SunAndFrames:
    """Per-time-step quantities shared by all satellites.

    ``sun_teme_km`` (T, 3): geometric Earth->Sun vector in TEME; ``sun_distance_km`` (T,);
    ``teme_to_gcrs`` and ``teme_to_itrs`` (T, 3, 3) rotation matrices (x_out = M @ x_teme).
    """

    sun_teme_km: np.ndarray
    sun_distance_km: np.ndarray
    teme_to_gcrs: np.ndarray
    teme_to_itrs: np.ndarray

    def take(self, idx):
        return SunAndFrames(self.sun_teme_km[idx], self.sun_distance_km[idx],
                            self.teme_to_gcrs[idx], self.teme_to_itrs[idx])


def sun_vectors(t) -> np.ndarray:
    """Geometric Earth -> Sun vector [km] in GCRS at skyfield Time ``t``, shape (3, T)."""
    eph = planets()
    return (eph["sun"] - eph["earth"]).at(t).position.km


#: Spacing [days] of the nodes at which the slowly varying rotations (precession, nutation,
#: equation of the equinoxes, polar motion) are evaluated and then interpolated linearly.
#: Nutation's shortest significant period is 5.6 days, so over 3 h the interpolation error is
#: below 1e-4 arcsec; the Earth's rotation itself (GMST) is evaluated at every step.
SLOW_NODE_SPACING_DAYS = 0.125


def _r3(angle):
    """Rotation about z by ``angle`` [rad] (Vallado's ROT3), shape (T, 3, 3)."""
    c, s = np.cos(angle), np.sin(angle)
    z, o = np.zeros_like(c), np.ones_like(c)
    return np.stack([np.stack([c, s, z], -1), np.stack([-s, c, z], -1),
                     np.stack([z, z, o], -1)], -2)


def _interp_matrices(x_nodes, m_nodes, x):
    """Element-wise linear interpolation of (N, 3, 3) matrices at ``x``."""
    flat = m_nodes.reshape(len(x_nodes), 9)
    out = np.empty((len(x), 9))
    for k in range(9):
        out[:, k] = np.interp(x, x_nodes, flat[:, k])
    return out.reshape(len(x), 3, 3)


def sun_and_frames(t) -> SunAndFrames:
    """Sun in TEME and the TEME->GCRS / TEME->ITRS rotations at skyfield Time ``t``.

    TEME->GCRS is the transpose of skyfield's ``TEME.rotation_at`` (precession-nutation and
    the equation of the equinoxes: slow) and TEME->ITRS = W(t) R3(GMST82(t)) (Vallado et al.
    2006, AIAA 2006-6753 app. C) with W, polar motion, taken from skyfield's ``itrs`` frame.
    The slow parts are evaluated at nodes every :data:`SLOW_NODE_SPACING_DAYS` and
    interpolated; GMST at every step.
    """
    # lazy: skyfield's frame modules cost ~0.15 s to import, paid on first use
    from skyfield.framelib import itrs
    from skyfield.sgp4lib import TEME, theta_GMST1982

    tt = np.atleast_1d(t.tt)
    n = len(tt)
    span = tt[-1] - tt[0]
    n_nodes = int(np.ceil(span / SLOW_NODE_SPACING_DAYS)) + 1
    if n_nodes * 2 < n:
        idx = np.unique(np.linspace(0, n - 1, n_nodes).round().astype(int))
        tn = t[idx]
    else:
        idx, tn = np.arange(n), t
    gcrs_to_teme_n = np.moveaxis(TEME.rotation_at(tn), -1, 0)                   # (N, 3, 3)
    gmst_n, _ = theta_GMST1982(tn.whole, tn.ut1_fraction)
    # W = (GCRS->ITRS) (TEME->GCRS) R3(GMST)^T : polar motion only, slowly varying
    w_n = (np.moveaxis(itrs.rotation_at(tn), -1, 0) @ np.transpose(gcrs_to_teme_n, (0, 2, 1))
           @ np.transpose(_r3(np.atleast_1d(gmst_n)), (0, 2, 1)))
    if len(idx) < n:
        gcrs_to_teme = _interp_matrices(tt[idx], gcrs_to_teme_n, tt)
        w = _interp_matrices(tt[idx], w_n, tt)
    else:
        gcrs_to_teme, w = gcrs_to_teme_n, w_n
    gmst, _ = theta_GMST1982(t.whole, t.ut1_fraction)
    teme_to_gcrs = np.ascontiguousarray(np.transpose(gcrs_to_teme, (0, 2, 1)))
    teme_to_itrs = np.ascontiguousarray(w @ _r3(np.atleast_1d(gmst)))
    sun_teme = np.einsum("tij,jt->ti", gcrs_to_teme, sun_vectors(t).reshape(3, -1))
    return SunAndFrames(np.ascontiguousarray(sun_teme), np.linalg.norm(sun_teme, axis=1),
                        teme_to_gcrs, teme_to_itrs)
