"""The compiled propagator (SGP4's near-Earth model without drag) and the fused geometry kernel.

References: SGP4 itself (``sgp4.api.SatrecArray``, Vallado's C++) for the propagator; for both
kernels, the uncompiled run of the same source -- the numpy path that calls the same
``ephemeris.fastmath`` models on arrays (``propagate_j2(..., use_numba=False)``, and
:func:`ephemeris.geometry.geometry_from_states` with ``fastmath.USE_NUMBA`` off).  Each
tolerance is argued next to it.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from numba import njit
from sgp4.api import WGS72, Satrec

import twin
from ephemeris import fastmath, geometry
from ephemeris.fastmath import SINCOS_MAX_ARG, sincosv
from ephemeris.geometry import geometry_from_states
from ephemeris.geometry_kernel import MINIMAL_OUTPUTS
from ephemeris.j2 import propagate_j2
from ephemeris.orbits import RE_WGS72_KM, XKE_PER_MIN
from ephemeris.propagate import propagate, satrecs_from_elements
from ephemeris.sun import AU_KM, SunAndFrames, sun_and_frames
from ephemeris.timegrid import make_time_grid

needs_numba = pytest.mark.skipif(not fastmath.USE_NUMBA, reason="compiled kernels are off")

EPOCH_1949 = 2433281.5           # sgp4init's epoch origin (JD of 1949-12-31 00:00 UTC)
EPOCH = 28295.25                 # 2027-06-21 06:00 UTC, days from 1949-12-31


def satrec(alt_km, inc_deg, ecc=0.0, raan_deg=40.0, argp_deg=30.0, ma_deg=10.0, bstar=0.0,
           n_rev_day=None, satnum=1):
    """A designed satellite through sgp4init (WGS72, "i") with mean altitude ``alt_km``."""
    if n_rev_day is None:
        n = XKE_PER_MIN * ((RE_WGS72_KM + alt_km) / RE_WGS72_KM) ** -1.5      # rad/min
    else:
        n = n_rev_day * 2 * math.pi / 1440.0
    s = Satrec()
    s.sgp4init(WGS72, "i", satnum, EPOCH, bstar, 0.0, 0.0, ecc, math.radians(argp_deg),
               math.radians(inc_deg), math.radians(ma_deg), n, math.radians(raan_deg))
    return s


#: The designed orbits of the issue: LEO circular, SSO 650 km, 1200 km at 88 deg, a slightly
#: eccentric one, an equatorial one, and a retrograde eccentric one.
ORBITS = {
    "leo550": dict(alt_km=550, inc_deg=53.0),
    "sso650": dict(alt_km=650, inc_deg=97.99, raan_deg=270.0),
    "polar1200": dict(alt_km=1200, inc_deg=88.0),
    "ecc0.01": dict(alt_km=800, inc_deg=45.0, ecc=0.01, argp_deg=120.0),
    "equatorial": dict(alt_km=700, inc_deg=0.0),
    "retro-ecc": dict(alt_km=1500, inc_deg=140.0, ecc=0.05, argp_deg=250.0),
}


def day_grid(step_s=60.0, days=1.0, start=0.0):
    """(jd, fr) from ``start`` days after the epoch, like TimeGrid.jd_utc (whole day + fraction)."""
    t = start + np.arange(0.0, days * 86400.0 + 0.5 * step_s, step_s) / 86400.0
    jd = np.full(len(t), EPOCH_1949 + EPOCH // 1)
    return jd, (EPOCH % 1) + t


@pytest.mark.parametrize("name", list(ORBITS))
def test_matches_sgp4_over_a_day(name):
    # The kernel evaluates SGP4's own equations (bstar = 0); what differs is rounding: angles
    # not reduced mod 2 pi (1 ulp of 100 rad of mean anomaly is 1.4e-14 rad), sines and
    # cosines within 2 ulp: ~1e-12 of 7000 km, i.e. ~1e-8 km (found: < 1e-8).  1 mm leaves a
    # factor 1e5 and is still 1e3 below anything the geometry can see (metres).
    s = [satrec(**ORBITS[name])]
    jd, fr = day_grid()
    r0, v0, e0 = propagate(s, jd, fr)
    r1, v1, e1 = propagate_j2(s, jd, fr)
    assert not e0.any() and not e1.any()
    assert np.abs(r1 - r0).max() < 1e-6          # km
    assert np.abs(v1 - v0).max() < 1e-9          # km/s


def test_numpy_fallback_is_the_same_model():
    # numpy's SIMD transcendentals differ from libm by an ulp: same 1 mm bound
    s = [satrec(**kw, satnum=i + 1) for i, kw in enumerate(ORBITS.values())]
    jd, fr = day_grid(step_s=300.0)
    r0, v0, _ = propagate(s, jd, fr)
    r1, v1, e1 = propagate_j2(s, jd, fr, use_numba=False)
    assert not e1.any()
    assert np.abs(r1 - r0).max() < 1e-6
    assert np.abs(v1 - v0).max() < 1e-9


@needs_numba
def test_kernel_equals_the_uncompiled_run_of_the_same_models():
    # the compiled kernel against the numpy run of the same model functions, on every orbit,
    # times out of order and around the epoch, and a decaying orbit (codes 6 and the held
    # states): they differ only in sin/cos (fdlibm polynomials within 2 ulp vs numpy's), a few
    # 1e-16 of each unit vector, i.e. ~1e-12 km of 7000 km and no different Newton stop
    s = [satrec(**kw, satnum=i + 1) for i, kw in enumerate(ORBITS.values())]
    s.append(satrec(alt_km=300, inc_deg=51.6, ecc=0.06, argp_deg=0.0, ma_deg=0.0, satnum=9))
    rng = np.random.default_rng(2)
    t = np.concatenate([rng.uniform(-1.0, 2.0, 300), np.arange(0.0, 0.2, 30 / 86400)])
    jd = np.full(len(t), EPOCH_1949 + EPOCH // 1)
    fr = (EPOCH % 1) + t
    r0, v0, e0 = propagate_j2(s, jd, fr, use_numba=False)
    r1, v1, e1 = propagate_j2(s, jd, fr)
    assert (e0[-1] == 6).any()
    np.testing.assert_array_equal(e1, e0)
    np.testing.assert_allclose(r1, r0, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(v1, v0, rtol=1e-12, atol=1e-12)


def test_irregular_times_before_epoch_and_a_month_on():
    # times out of order (blocks of any times), before the epoch, and a month on: rounding
    # grows with the angles (~1e-12 rad at 3e3 rad of mean anomaly after 30 days): < 1 mm
    s = [satrec(**kw, satnum=i + 1) for i, kw in enumerate(ORBITS.values())]
    rng = np.random.default_rng(1)
    t = np.concatenate([rng.uniform(-2.0, 31.0, 200), np.arange(29.0, 30.0, 60 / 86400)])
    jd = np.full(len(t), EPOCH_1949 + EPOCH // 1)
    fr = (EPOCH % 1) + t
    r0, v0, _ = propagate(s, jd, fr)
    r1, v1, _ = propagate_j2(s, jd, fr)
    assert np.abs(r1 - r0).max() < 1e-6
    assert np.abs(v1 - v0).max() < 1e-9


def test_deep_space_falls_back_to_sgp4_exactly():
    geo = satrec(0, 0.05, ecc=0.0002, n_rev_day=1.0027, satnum=7)        # GEO: 1436 min period
    molniya = satrec(0, 63.4, ecc=0.72, argp_deg=270.0, n_rev_day=2.006, satnum=8)
    assert geo.method == "d" and molniya.method == "d"
    s = [satrec(**ORBITS["leo550"]), geo, satrec(**ORBITS["sso650"], satnum=2), molniya]
    jd, fr = day_grid(step_s=600.0)
    r0, v0, e0 = propagate(s, jd, fr)
    r1, v1, e1 = propagate_j2(s, jd, fr)
    for i in (1, 3):
        np.testing.assert_array_equal(r1[i], r0[i])
        np.testing.assert_array_equal(v1[i], v0[i])
        np.testing.assert_array_equal(e1[i], e0[i])
    assert np.abs(r1 - r0).max() < 1e-6


def test_decades_from_epoch_go_to_sgp4():
    # angles beyond SINCOS_MAX_ARG (1e6 rad: ~45 years of LEO mean anomaly) would lose the
    # exact argument reduction: such satellites are handed to SGP4 itself
    old = satrec(**ORBITS["leo550"])
    new = satrec(**ORBITS["sso650"], satnum=2)
    jd, fr = day_grid(step_s=3600.0, start=50 * 365.25)
    r0, v0, e0 = propagate([old, new], jd, fr)
    r1, v1, e1 = propagate_j2([old, new], jd, fr)
    np.testing.assert_array_equal(r1[0], r0[0])
    np.testing.assert_array_equal(v1[0], v0[0])
    assert np.abs(r1[1] - r0[1]).max() < 1e-6


@needs_numba
def test_sincos_without_libm_is_within_2_ulp():
    @njit
    def both(x, s, c):
        for i in range(x.size):
            s[i], c[i] = sincosv(x[i])

    rng = np.random.default_rng(3)
    x = np.concatenate([rng.uniform(-7, 7, 100_000), rng.uniform(-1, 1, 20_000) * SINCOS_MAX_ARG,
                        np.arange(-8, 9) * np.pi / 4, [0.0, 1e-300, 1e-8]])
    s, c = np.empty_like(x), np.empty_like(x)
    both(x, s, c)
    for got, f in ((s, math.sin), (c, math.cos)):
        ref = np.array([f(t) for t in x])
        assert np.abs(got - ref).max() <= 2.3e-16                  # ~1 ulp of 1
        big = np.abs(ref) > 1e-3
        assert (np.abs(got - ref)[big] <= 2 * np.spacing(np.abs(ref[big]))).all()


def test_drag_is_left_out():
    # a nonzero bstar is ignored: the result is SGP4's for the same elements with bstar = 0
    with_drag = satrec(**ORBITS["leo550"], bstar=2e-4)
    no_drag = satrec(**ORBITS["leo550"])
    jd, fr = day_grid()
    r_drag, _, _ = propagate([with_drag], jd, fr)
    r0, _, _ = propagate([no_drag], jd, fr)
    r1, _, _ = propagate_j2([with_drag], jd, fr)
    assert np.abs(r1 - r0).max() < 1e-6
    assert np.abs(r_drag - r0).max() > 1.0       # drag moves it km along track in a day


def test_decay_error_codes_like_sgp4():
    # perigee 100 km below the surface: SGP4 flags the steps with |r| < 1 Earth radius (code
    # 6) and keeps the position; both hold the last good state there (propagate's contract)
    s = [satrec(alt_km=300, inc_deg=51.6, ecc=0.06, argp_deg=0.0, ma_deg=0.0),
         satrec(**ORBITS["leo550"], satnum=2)]
    jd, fr = day_grid(step_s=30.0, days=0.2)
    r0, _, e0 = propagate(s, jd, fr)
    r1, _, e1 = propagate_j2(s, jd, fr)
    assert (e0[0] == 6).any() and not e0[1].any()
    np.testing.assert_array_equal(e1, e0)
    assert np.abs(r1 - r0).max() < 1e-6


# ---------------------------------------------------------------------------------------------
# The fused geometry kernel against the numpy reference
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def states():
    """SGP4 states of a few shells, the dawn-dusk SSO grazing the shadow among them, and the
    Sun and frames of the day."""
    c = twin.Constellation.walker(550, 53, 3, 4, 1) + twin.Constellation.sun_synchronous(
        650, "18:00", sats_per_plane=3) + twin.Constellation.walker(1200, 87.9, 1, 2, 0)
    grid = make_time_grid("2027-06-21", "1 day", "60 s")
    sats = satrecs_from_elements(c.resolved(grid.start))
    r, v, _ = propagate(sats, *grid.jd_utc())
    return r, v, sun_and_frames(grid.skyfield_time())


def numpy_reference(monkeypatch, r, v, frames, libm=False):
    """geometry_from_states' numpy path: the same models run on arrays, with the compile switch
    ``fastmath.USE_NUMBA`` off (the compiled kernel may not be called); with ``libm`` numpy's
    arcsin/arccos/arctan2 replaced by the C library's, which the compiled code calls (or is
    within 2 ulp of: fdlibm's arcsine and arctangent)."""
    def no_kernel(*args, **kwargs):
        raise AssertionError("the numpy path called the compiled kernel")

    with monkeypatch.context() as m:
        m.setattr(fastmath, "USE_NUMBA", False)
        m.setattr(geometry, "geometry_kernel", no_kernel)
        if libm:
            for name, f, nin in (("arcsin", math.asin, 1), ("arccos", math.acos, 1),
                                 ("arctan2", math.atan2, 2)):
                uf = np.frompyfunc(f, nin, 1)
                m.setattr(np, name, lambda *a, _uf=uf: np.asarray(_uf(*a), dtype=float))
        return geometry_from_states(r, v, frames)


@needs_numba
def test_kernel_equals_the_numpy_reference(states, monkeypatch):
    r, v, frames = states
    got = geometry_from_states(r, v, frames)
    ref = numpy_reference(monkeypatch, r, v, frames)
    assert set(got) == set(ref)
    f = ref["sunlit_fraction"]
    pen = (f > 0) & (f < 1)
    assert pen.sum() > 50 and (f == 0).sum() > 1000      # penumbra, umbra and Sun all covered
    for k in ref:
        if k == "sunlit_fraction":
            continue
        np.testing.assert_allclose(got[k], ref[k], rtol=1e-12, atol=1e-9, err_msg=k)
    # Full Sun and umbra are exact.  In the penumbra numpy's SIMD arcsin/arccos (1 ulp from
    # libm's) are amplified by the disc-overlap formula near first and last contact, where
    # acos(x) has an unbounded derivative at |x| -> 1: ~1e-8 there (the test below shows the
    # kernel equals the numpy run to 1e-12 once both use the same arcsin/arccos).
    np.testing.assert_array_equal(got["sunlit_fraction"][~pen], f[~pen])
    np.testing.assert_allclose(got["sunlit_fraction"][pen], f[pen], rtol=0, atol=1e-7)


@needs_numba
def test_kernel_is_the_reference_math_to_rounding(states, monkeypatch):
    # the compiled kernel against the uncompiled run of the same models, with numpy's
    # transcendental functions replaced by the C library's (the ones the kernel calls, or is
    # within 2 ulp of): every output, penumbra included, agrees to 1e-12 relative / 1e-9
    # absolute, over all shells (Sun, umbra, the SSO's grazing penumbra)
    r, v, frames = states
    got = geometry_from_states(r, v, frames)
    ref = numpy_reference(monkeypatch, r, v, frames, libm=True)
    f = ref["sunlit_fraction"]
    assert ((f > 0) & (f < 1)).sum() > 50 and (f == 0).sum() > 1000 and (f == 1).sum() > 1000
    assert set(got) == set(ref)
    for k in ref:
        np.testing.assert_allclose(got[k], ref[k], rtol=1e-12, atol=1e-9, err_msg=k)


@needs_numba
def test_minimal_kernel_equals_the_full_kernel(states):
    # summary runs ask only for what the physics needs; those outputs are bit-identical
    r, v, frames = states
    full = geometry_from_states(r, v, frames)
    mini = geometry_from_states(r, v, frames, minimal=True)
    assert set(mini) == set(MINIMAL_OUTPUTS) == {"sunlit_fraction", "sun_rsw", "alt_km"}
    for k in MINIMAL_OUTPUTS:
        np.testing.assert_array_equal(mini[k], full[k], err_msg=k)


def test_kernel_writes_into_out_in_place(states):
    r, v, frames = states
    n, t = r.shape[:2]
    full = geometry_from_states(r, v, frames)
    big = np.zeros((n + 4, t))
    rsw32 = np.zeros((n, t, 3), np.float32)        # not float64: written through a copy
    out = {"sunlit_fraction": big[2:n + 2], "sun_rsw": rsw32}
    res = geometry_from_states(r, v, frames, out=out)
    assert res is out and res["sunlit_fraction"] is out["sunlit_fraction"]
    assert np.shares_memory(res["sunlit_fraction"], big)
    np.testing.assert_array_equal(big[2:n + 2], full["sunlit_fraction"])
    assert (big[:2] == 0).all() and (big[n + 2:] == 0).all()
    np.testing.assert_allclose(rsw32, full["sun_rsw"], rtol=1e-6)
    assert set(res) == set(full)
    for k in full:
        if k != "sun_rsw":
            np.testing.assert_array_equal(res[k], full[k], err_msg=k)


def test_kernel_degenerate_states_like_the_reference(monkeypatch):
    # a satellite over the pole (lon = atan2(0, 0) = 0), one at the Earth's centre (a state
    # SGP4 never delivered: NaN wherever numpy gives NaN), the subsolar and antisolar points
    # and a satellite on the shadow's edge, with identity frames and the Sun along +x
    rr = 6378.137 + 550.0
    r = np.array([[[0.0, 0.0, rr], [0.0, 0.0, 0.0], [rr, 0.0, 0.0], [-rr, 0.0, 0.0],
                   [-10.0, 6378.137, 0.0]]])
    v = np.array([[[7.6, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 7.6, 0.0], [0.0, 7.6, 0.0],
                   [7.6, 0.0, 0.0]]])
    eye = np.repeat(np.eye(3)[None], 5, axis=0)
    frames = SunAndFrames(np.tile([AU_KM, 0.0, 0.0], (5, 1)), np.full(5, AU_KM), eye, eye)
    got = geometry_from_states(r, v, frames)
    ref = numpy_reference(monkeypatch, r, v, frames, libm=True)
    for k in ref:
        np.testing.assert_allclose(got[k], ref[k], rtol=1e-12, atol=1e-9, err_msg=k)
    assert got["sunlit_fraction"][0, 2] == 1.0 and got["sunlit_fraction"][0, 3] == 0.0
    assert 0.0 < got["sunlit_fraction"][0, 4] < 1.0
    assert got["lon_deg"][0, 0] == 0.0 and got["lat_deg"][0, 0] == 90.0
