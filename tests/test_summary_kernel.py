"""The per-orbit bookkeeping (twin.run.summary_kernel): each compiled kernel against its own
uncompiled source (``.py_func``, to 1e-12), and independent checks of what they compute
(analytic node times, segments covering the run, hand-computed and brute-force integrals,
extremes of slices, shadow runs).  Small inputs: the uncompiled loops are slow."""
import numpy as np
import pytest

from twin.run import summary
from twin.run import summary_kernel as kernels

PERIOD_S = 5700.0
KERNELS = ("node_crossings", "segments_between", "segment_integrals", "segment_extremes",
           "longest_shadow")


def orbits(n_t=400, step_s=60.0, inc_deg=(53.0, 0.0, 180.0, 97.6, 0.05),
           phase_deg=(0.0, 10.0, 200.0, 90.0, 330.0), noise=0.0, seed=0):
    """Circular-ish orbits (n, T, 3) with the given inclinations and arguments of latitude at
    t = 0 (the node at 0): inclined, equatorial prograde, equatorial retrograde, inclined
    retrograde, near-equatorial."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_t) * step_s
    out = []
    for inc, ph in zip(inc_deg, phase_deg):
        u = np.radians(ph) + 2 * np.pi * t / PERIOD_S
        i = np.radians(inc)
        r = 6928.0 * (1 + noise * rng.standard_normal(n_t))
        out.append(np.stack([r * np.cos(u), r * np.sin(u) * np.cos(i), r * np.sin(u) * np.sin(i)],
                            axis=-1))
    return np.array(out), np.asarray(inc_deg, float)


def assert_same(got, ref):
    """Compiled and uncompiled outputs (an array or a tuple of arrays): same dtypes and
    shapes, equal integers and flags, floats to 1e-12 relative."""
    got, ref = (got, ref) if isinstance(got, tuple) else ((got,), (ref,))
    assert len(got) == len(ref)
    for g, r in zip(got, ref):
        g, r = np.asarray(g), np.asarray(r)
        assert g.dtype == r.dtype and g.shape == r.shape
        if g.dtype.kind == "f":
            np.testing.assert_allclose(g, r, rtol=1e-12, atol=0)
        else:
            np.testing.assert_array_equal(g, r)


def both(kernel, *args):
    """``kernel(*args)`` compiled, after checking it against its source run uncompiled."""
    got = kernel(*args)
    assert_same(got, kernel.py_func(*args))
    return got


def segments_both(pos, inc, step_s):
    """Orbit segments (as :func:`twin.run.summary.orbit_segments`), each kernel compared
    with its source on the way."""
    equatorial, retrograde = summary._node_flags(inc)
    count, t = both(kernels.node_crossings, pos, equatorial, retrograde, step_s)
    seg = both(kernels.segments_between, count, t, pos.shape[1], step_s)
    for g, r in zip(seg, summary.orbit_segments(pos, inc, step_s)):
        np.testing.assert_array_equal(g, r)
    return (count, t), seg


def test_the_kernels_have_their_source():
    for name in KERNELS:
        assert callable(getattr(kernels, name).py_func), name


@pytest.mark.parametrize("step_s", [60.0, 600.0])
def test_orbit_segments(step_s):
    pos, inc = orbits(n_t=int(4 * PERIOD_S / step_s), step_s=step_s)
    n_t = pos.shape[1]
    (count, t), (sat, t0, t1, complete) = segments_both(pos, inc, step_s)
    assert sat.dtype == np.int64 and complete.dtype == bool
    # the crossings are the nodes (argument of latitude 0; the x axis for equatorial orbits,
    # in the direction of motion) up to the linear interpolation of sin u over a step
    tol = step_s * (2 * np.pi * step_s / PERIOD_S) ** 2 / 24
    starts = summary.orbit_start_offsets(pos, inc, step_s)
    phase = (0.0, 10.0, 200.0, 90.0, 330.0)
    for i in range(len(inc)):
        exact = (np.arange(1, 10) * 360.0 - phase[i]) / 360.0 * PERIOD_S
        exact = exact[(exact > 0) & (exact <= (n_t - 1) * step_s)]
        assert count[i] == len(exact) == len(starts[i])
        np.testing.assert_allclose(starts[i], exact, rtol=0, atol=tol)
    np.testing.assert_array_equal(np.concatenate(starts), t)
    # every satellite covers the run exactly once, in order, cut at its crossings
    for i in range(len(inc)):
        m = sat == i
        assert t0[m][0] == 0.0 and t1[m][-1] == n_t * step_s
        np.testing.assert_array_equal(t0[m][1:], t1[m][:-1])
        np.testing.assert_array_equal(t0[m][1:], starts[i])
        assert not complete[m][0] and not complete[m][-1] and complete[m][1:-1].all()


def test_orbit_segments_start_at_a_node_and_without_crossings():
    step_s = 60.0
    pos, inc = orbits(n_t=120, step_s=step_s, inc_deg=(53.0, 53.0), phase_deg=(0.0, 180.0))
    pos[0, 0, 2] = -1e-9          # the run starts at the node (within a step's 1e-6)
    (count, t), (sat, t0, t1, complete) = segments_both(pos, inc, step_s)
    assert count[0] == 2 and t[0] < 1e-6 * step_s
    assert complete[sat == 0][0]                        # complete first orbit
    assert not complete[sat == 1][0]
    # a node in the run's last 1e-6 of a step does not cut a segment
    short, inc1 = orbits(n_t=5, step_s=step_s, inc_deg=(53.0,), phase_deg=(100.0,))
    (count, _), (sat, t0, t1, complete) = segments_both(short, inc1, step_s)
    assert count[0] == 0
    assert len(sat) == 1 and not complete[0] and t0[0] == 0.0 and t1[0] == 5 * step_s


@pytest.mark.parametrize("seed", [0, 1])
def test_integrals_and_extremes(seed):
    rng = np.random.default_rng(seed)
    step_s = 60.0
    pos, inc = orbits(n_t=300, step_s=step_s, noise=1e-4, seed=seed)
    _, (sat, t0, t1, _) = segments_both(pos, inc, step_s)
    n, n_t = pos.shape[:2]
    x = rng.normal(size=(n, n_t)) * 1e3
    flags = rng.uniform(size=(n, n_t)) < 0.3
    for series in (x, flags):
        got = both(kernels.segment_integrals, series, sat, t0, t1, step_s)
        # the segments tile the run: their integrals add up to each satellite's sum
        np.testing.assert_allclose(np.bincount(sat, got, n), series.sum(axis=1) * step_s,
                                   rtol=1e-12, atol=1e-6)
    # brute force on a fine grid for one segment: the integral of a step function
    j = len(sat) // 2
    fine = np.arange(t0[j], t1[j], 0.25) + 0.125
    brute = x[sat[j], (fine // step_s).astype(int)].sum() * 0.25
    exact = kernels.segment_integrals(x, sat, t0, t1, step_s)[j]
    assert abs(exact - brute) <= 0.25 * 2 * np.abs(x).max()
    # the extremes are those of the samples whose step overlaps the segment
    for maximum, reduce in ((False, np.min), (True, np.max)):
        got = both(kernels.segment_extremes, x, sat, t0, t1, step_s, maximum)
        for j in range(len(sat)):
            k0, k1 = int(t0[j] // step_s), int(np.ceil(t1[j] / step_s))
            assert got[j] == reduce(x[sat[j], k0:k1])


def test_integrals_by_hand():
    x = np.array([[1.0, 2.0, 3.0, 4.0]])
    sat = np.zeros(4, np.int64)
    t0 = np.array([5.0, 0.0, 10.0, 25.0])
    t1 = np.array([25.0, 40.0, 20.0, 40.0])
    got = both(kernels.segment_integrals, x, sat, t0, t1, 10.0)
    np.testing.assert_allclose(got, [1 * 5 + 2 * 10 + 3 * 5, 100.0, 20.0, 3 * 5 + 4 * 10],
                               rtol=1e-15)
    np.testing.assert_array_equal(both(kernels.segment_extremes, x, sat, t0, t1, 10.0, True),
                                  [3.0, 4.0, 2.0, 4.0])
    np.testing.assert_array_equal(both(kernels.segment_extremes, x, sat, t0, t1, 10.0, False),
                                  [1.0, 1.0, 2.0, 3.0])


def test_per_orbit_rows_compiled_and_uncompiled(monkeypatch):
    rng = np.random.default_rng(5)
    step_s = 60.0
    pos, inc = orbits(n_t=300, step_s=step_s)
    n, n_t = pos.shape[:2]
    times = np.datetime64("2027-01-01T00:00:00", "ns") + np.arange(n_t) * np.timedelta64(60, "s")
    series = {k: rng.uniform(0, 100, (n, n_t)) for k in (
        "array_power_w", "load_power_w", "curtailed_power_w", "battery_wh", "gpu_temp_c",
        "throughput_gb300", "heater_power_w")}
    series["radiator_temp_k"] = rng.uniform(250, 330, (n, n_t))
    series["cold"] = series["radiator_temp_k"] < 273.15
    series["frozen"] = series["radiator_temp_k"] < 263.15
    series["sunlit_fraction"] = np.clip(rng.uniform(-0.5, 1.5, (n, n_t)), 0, 1)
    series["throttled"] = rng.uniform(size=(n, n_t)) < 0.2
    series["dark"] = rng.uniform(size=(n, n_t)) < 0.1
    names = [f"s{i}" for i in range(n)]

    def rows():
        return summary.per_orbit_rows(names, times, step_s,
                                      summary.orbit_segments(pos, inc, step_s), series)

    got = rows()
    with monkeypatch.context() as m:
        for name in KERNELS:
            m.setattr(kernels, name, getattr(kernels, name).py_func)
        ref = rows()
    assert list(got.columns) == summary.PER_ORBIT_COLUMNS
    for col in got.columns:
        if got[col].dtype.kind == "f":
            np.testing.assert_allclose(got[col], ref[col], rtol=1e-12, atol=0, err_msg=col)
        else:
            assert (got[col] == ref[col]).all(), col
    for i in range(n):                                  # orbits numbered per satellite
        np.testing.assert_array_equal(got["orbit"][got["sat"] == f"s{i}"],
                                      np.arange((got["sat"] == f"s{i}").sum()))


def test_longest_shadow():
    rng = np.random.default_rng(3)
    sf = np.clip(rng.uniform(-1, 2, (6, 300)), 0, 1)
    sf[0] = 1.0                                  # never in shadow
    sf[1] = 0.0                                  # always in shadow
    sf[2, -20:] = 0.3                            # a run to the end of the series
    sf[3, :] = 1.0
    sf[3, 10:14] = (0.5, 0.0, 0.0, 0.25)         # 3.25 steps, then a shorter run
    sf[3, 20:22] = 0.0
    got = both(kernels.longest_shadow, sf, 30.0)
    np.testing.assert_array_equal(summary.longest_shadow_s(sf, 30.0), got)
    assert got[0] == 0.0 and got[1] == pytest.approx(300 * 30.0)
    assert got[2] >= 20 * 0.7 * 30.0 - 1e-9
    assert got[3] == pytest.approx(3.25 * 30.0)
