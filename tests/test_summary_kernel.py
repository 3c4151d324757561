"""The compiled per-orbit bookkeeping (twin.summary_kernel) against the numpy reference of
twin.summary."""
import numpy as np
import pytest

from twin.run import summary

pytest.importorskip("numba")


def orbits(n_t=400, step_s=60.0, period_s=5700.0, inc_deg=(53.0, 0.0, 180.0, 97.6, 0.05),
           phase_deg=(0.0, 10.0, 200.0, 90.0, 330.0), noise=0.0, seed=0):
    """Circular-ish orbits (n, T, 3) with the given inclinations and phases at t = 0."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_t) * step_s
    out = []
    for inc, ph in zip(inc_deg, phase_deg):
        u = np.radians(ph) + 2 * np.pi * t / period_s
        i = np.radians(inc)
        r = 6928.0 * (1 + noise * rng.standard_normal(n_t))
        out.append(np.stack([r * np.cos(u), r * np.sin(u) * np.cos(i), r * np.sin(u) * np.sin(i)],
                            axis=-1))
    return np.array(out), np.asarray(inc_deg, float)


def segments_both(pos, inc, step_s):
    return (summary.orbit_segments(pos, inc, step_s, compiled=True),
            summary.orbit_segments(pos, inc, step_s, compiled=False))


@pytest.mark.parametrize("step_s", [10.0, 60.0, 600.0])
def test_orbit_segments_match_the_reference(step_s):
    pos, inc = orbits(n_t=int(86400 / step_s), step_s=step_s)
    got, ref = segments_both(pos, inc, step_s)
    assert got[0].dtype == np.int64 and got[3].dtype == bool
    np.testing.assert_array_equal(got[0], ref[0])
    np.testing.assert_allclose(got[1], ref[1], rtol=0, atol=1e-9)
    np.testing.assert_allclose(got[2], ref[2], rtol=0, atol=1e-9)
    np.testing.assert_array_equal(got[3], ref[3])
    # every satellite covers the run exactly once, in order
    for i in range(len(inc)):
        m = got[0] == i
        assert got[1][m][0] == 0.0 and got[2][m][-1] == pos.shape[1] * step_s
        np.testing.assert_array_equal(got[1][m][1:], got[2][m][:-1])


def test_orbit_segments_start_at_a_node_and_without_crossings():
    step_s = 60.0
    pos, inc = orbits(n_t=120, step_s=step_s, inc_deg=(53.0, 53.0), phase_deg=(0.0, 180.0))
    pos[0, 0, 2] = -1e-9          # the run starts at the node (within a step's 1e-6)
    got, ref = segments_both(pos, inc, step_s)
    for g, r in zip(got, ref):
        np.testing.assert_allclose(g, r, rtol=0, atol=1e-9)
    assert got[3][got[0] == 0][0]                       # complete first orbit
    short, _ = orbits(n_t=5, step_s=step_s, inc_deg=(53.0,), phase_deg=(100.0,))
    got, ref = segments_both(short, np.array([53.0]), step_s)
    assert len(got[0]) == 1 and not got[3][0] and got[2][0] == 5 * step_s
    for g, r in zip(got, ref):
        np.testing.assert_allclose(g, r, rtol=0, atol=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_integrals_and_extremes_match_the_reference(seed):
    rng = np.random.default_rng(seed)
    step_s = 60.0
    pos, inc = orbits(n_t=700, step_s=step_s, noise=1e-4, seed=seed)
    seg = summary.orbit_segments(pos, inc, step_s)
    sat, t0, t1, _ = seg
    n, n_t = pos.shape[:2]
    x = rng.normal(size=(n, n_t)) * 1e3
    flags = rng.uniform(size=(n, n_t)) < 0.3
    for series in (x, flags):
        got = summary._integrals(series, sat, t0, t1, step_s, compiled=True)
        ref = summary._integrals(series, sat, t0, t1, step_s, compiled=False)
        np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-6)
    # brute force on a fine grid for one segment: the integral of a step function
    j = len(sat) // 2
    fine = np.arange(t0[j], t1[j], 0.25) + 0.125
    brute = x[sat[j], (fine // step_s).astype(int)].sum() * 0.25
    exact = summary._integrals(x, sat, t0, t1, step_s)[j]
    assert abs(exact - brute) <= 0.25 * 2 * np.abs(x).max()
    for u in (np.minimum, np.maximum):
        got = summary._extreme(u, x, sat, t0, t1, step_s, compiled=True)
        ref = summary._extreme(u, x, sat, t0, t1, step_s, compiled=False)
        np.testing.assert_array_equal(got, ref)


def test_per_orbit_rows_match_the_reference():
    rng = np.random.default_rng(5)
    step_s = 60.0
    pos, inc = orbits(n_t=500, step_s=step_s)
    n, n_t = pos.shape[:2]
    times = np.datetime64("2027-01-01T00:00:00", "ns") + np.arange(n_t) * np.timedelta64(60, "s")
    series = {k: rng.uniform(0, 100, (n, n_t)) for k in (
        "array_power_w", "load_power_w", "curtailed_power_w", "battery_wh", "gpu_temp_c",
        "throughput_gb300")}
    series["sunlit_fraction"] = np.clip(rng.uniform(-0.5, 1.5, (n, n_t)), 0, 1)
    series["throttled"] = rng.uniform(size=(n, n_t)) < 0.2
    series["dark"] = rng.uniform(size=(n, n_t)) < 0.1
    names = [f"s{i}" for i in range(n)]
    got = summary.per_orbit_rows(names, times, step_s,
                                 summary.orbit_segments(pos, inc, step_s), series)
    ref = summary.per_orbit_rows(names, times, step_s,
                                 summary.orbit_segments(pos, inc, step_s, compiled=False),
                                 series, compiled=False)
    assert list(got.columns) == summary.PER_ORBIT_COLUMNS
    for col in got.columns:
        if got[col].dtype.kind == "f":
            np.testing.assert_allclose(got[col], ref[col], rtol=1e-9, atol=1e-9, err_msg=col)
        else:
            assert (got[col] == ref[col]).all(), col


def test_longest_shadow_matches_the_reference():
    rng = np.random.default_rng(3)
    sf = np.clip(rng.uniform(-1, 2, (6, 300)), 0, 1)
    sf[0] = 1.0                                  # never in shadow
    sf[1] = 0.0                                  # always in shadow
    sf[2, -20:] = 0.3                            # a run to the end of the series
    got = summary.longest_shadow_s(sf, 30.0)
    ref = summary.longest_shadow_s(sf, 30.0, compiled=False)
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    assert got[0] == 0.0 and got[1] == pytest.approx(300 * 30.0)
