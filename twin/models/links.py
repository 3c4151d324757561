"""Inter-satellite links: geometry between two satellites and the optical link budget.

Each function is plain arithmetic on numpy arrays or scalars (an :func:`ephemeris.fastmath.model`
so that compiled loops can inline it).  Vectors are passed as components; ranges in km, beam
sizes in m.

The link budget follows a Gaussian beam from transmit aperture to receive aperture, which holds
at every range: in the near field (formation distances, a few hundred metres, well inside the
Rayleigh range ``pi w0^2 / lambda`` of a 10 cm aperture, ~5 km) the receiver catches almost the
whole beam and the capacity is set by the number of DWDM channels and their rate; in the far
field (whole shells, thousands of km) the beam spreads as ``lambda z / (pi w0)`` and the
received power, and with it the data rate, falls as ``1 / z^2`` (the Friis law).

References
----------
* Siegman, A. E. (1986), *Lasers*, University Science Books, ch. 17 (Gaussian beams:
  w(z) = w0 sqrt(1 + (z/z_R)^2), z_R = pi w0^2 / lambda; power through a circular aperture
  of radius r: 1 - exp(-2 r^2 / w^2)).
* Kaushal, H. & Kaddoum, G. (2017), "Optical communication in space: challenges and mitigation
  techniques", IEEE Commun. Surv. Tutor. 19(1), 57-96 (link equation, pointing loss of a
  Gaussian beam, photons-per-bit receiver sensitivity).
* Kassing, S. et al. (2020), "Exploring the 'Internet from space' with Hypatia", ACM IMC:
  inter-satellite links blocked below an 80 km grazing height.
"""
from __future__ import annotations

import math

import numpy as np

from ephemeris.fastmath import asin, atan2, model
from twin.models.constants import PLANCK_J_S, SPEED_OF_LIGHT_KM_S

_RAD2DEG = 180.0 / math.pi
#: WGS84 polar-to-equatorial axis ratio b / a (scales z so that the ellipsoid becomes a sphere).
WGS84_AXIS_RATIO = 1.0 - 1.0 / 298.257223563


@model
def range_km(ax, ay, az, bx, by, bz):
    """Distance [km] between positions a and b [km]: |b - a|."""
    dx = bx - ax
    dy = by - ay
    dz = bz - az
    return np.sqrt(dx * dx + dy * dy + dz * dz)


@model
def line_of_sight(ax, ay, az, bx, by, bz, blocking_radius_km):
    """True where the segment a-b [km] clears the Earth grown by the grazing height.

    The Earth is the WGS84 ellipsoid (equatorial radius ``blocking_radius_km`` = 6378.137 km +
    grazing height); scaling z by a/b turns it into a sphere, and the segment clears it when
    its closest point to the centre, a + t (b - a) with t = clip(-a.d / d.d, 0, 1), lies
    outside.  (The grown ellipsoid is flattened as the Earth: the grazing height is exact at
    the equator and 0.3 % low at the poles.)
    """
    k = 1.0 / WGS84_AXIS_RATIO
    az_ = az * k
    bz_ = bz * k
    dx = bx - ax
    dy = by - ay
    dz = bz_ - az_
    dd = dx * dx + dy * dy + dz * dz
    t = -(ax * dx + ay * dy + az_ * dz) / np.maximum(dd, 1e-30)
    t = np.minimum(np.maximum(t, 0.0), 1.0)
    px = ax + t * dx
    py = ay + t * dy
    pz = az_ + t * dz
    return px * px + py * py + pz * pz > blocking_radius_km * blocking_radius_km


@model
def pointing_angles_deg(rx, ry, rz, vx, vy, vz, dx, dy, dz):
    """Azimuth and elevation [deg] of the direction d seen from a satellite at r [km], v [km/s].

    In the satellite's orbital frame (R radial, S along-track, W = R x S orbit normal):
    azimuth = atan2(d.W, d.S) from the velocity side towards the orbit normal, elevation =
    asin(d.R / |d|) above the local horizontal (negative: towards the Earth).
    """
    rn = np.sqrt(rx * rx + ry * ry + rz * rz)
    hx = ry * vz - rz * vy
    hy = rz * vx - rx * vz
    hz = rx * vy - ry * vx
    hn = np.sqrt(hx * hx + hy * hy + hz * hz)
    dn = np.sqrt(dx * dx + dy * dy + dz * dz)
    d_r = (rx * dx + ry * dy + rz * dz) / rn
    d_w = (hx * dx + hy * dy + hz * dz) / hn
    # S = W x R: d.S = h.(r x d) / (|h| |r|)
    d_s = (hx * (ry * dz - rz * dy) + hy * (rz * dx - rx * dz) + hz * (rx * dy - ry * dx)) \
        / (hn * rn)
    el = asin(np.minimum(np.maximum(d_r / dn, -1.0), 1.0)) * _RAD2DEG
    return atan2(d_w, d_s) * _RAD2DEG, el


@model
def beam_radius_m(range_m, waist_m, wavelength_m):
    """1/e^2 intensity radius [m] of a Gaussian beam at ``range_m`` from its waist ``waist_m``.

    w(z) = w0 sqrt(1 + (z / z_R)^2), z_R = pi w0^2 / lambda (Siegman 1986, eq. 17.5).
    """
    zr = math.pi * waist_m * waist_m / wavelength_m
    return waist_m * np.sqrt(1.0 + (range_m / zr) * (range_m / zr))


@model
def received_power_w(distance_km, tx_power_w, tx_aperture_m, rx_aperture_m, wavelength_m,
                     jitter_rad, optics_efficiency):
    """Optical power [W] collected by the receive aperture of a link ``distance_km`` long.

    P_r = P_t eta (1 - exp(-2 r_r^2 / w^2)) exp(-2 (sigma z)^2 / w^2)

    with the beam waist w0 = D_t / 2 (the transmit aperture filled to its 1/e^2 radius),
    w = w(z) [m] (:func:`beam_radius_m`), r_r = D_r / 2, ``optics_efficiency`` eta of both
    terminals' optics [1] and the pointing loss of an rms jitter sigma [rad] that moves the
    beam centre by sigma z (Kaushal & Kaddoum 2017, eq. 9; Siegman 1986, ch. 17).  In the far
    field this is P_t eta pi^2 D_t^2 D_r^2 / (8 lambda^2 z^2): the Friis equation with the
    Gaussian beam's gain.
    """
    z_m = distance_km * 1000.0
    w = beam_radius_m(z_m, 0.5 * tx_aperture_m, wavelength_m)
    rr = 0.5 * rx_aperture_m
    caught = 1.0 - np.exp(-2.0 * rr * rr / (w * w))
    off = jitter_rad * z_m
    return tx_power_w * optics_efficiency * caught * np.exp(-2.0 * off * off / (w * w))


@model
def photon_energy_j(wavelength_m):
    """Energy [J] of one photon: h c / lambda."""
    return PLANCK_J_S * SPEED_OF_LIGHT_KM_S * 1000.0 / wavelength_m


@model
def capacity_gbps(power_w, wavelength_m, photons_per_bit, channels, channel_rate_gbps):
    """Data rate [Gbit/s] one direction of a link carries with received power ``power_w``.

    R = min(N_ch R_ch, P_r / (n_b h c / lambda)): a receiver needing ``photons_per_bit`` n_b
    photons per bit is limited by the power it catches (split over the DWDM channels, each
    channel at most R_ch), and by the channels' total rate when power is plentiful
    (Kaushal & Kaddoum 2017, sec. III: sensitivity in photons per bit).
    """
    power_limited = power_w / (photons_per_bit * photon_energy_j(wavelength_m)) * 1e-9
    return np.minimum(power_limited, channels * channel_rate_gbps)


@model
def latency_s(distance_km):
    """One-way light time [s] over ``distance_km`` in vacuum."""
    return distance_km / SPEED_OF_LIGHT_KM_S
