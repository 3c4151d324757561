"""The compiled loops of :func:`twin.run.stepper.run_physics`.

Loops only: the physics they call is the satellite model of :mod:`twin.models.satellite`
(:func:`~twin.models.satellite.environment`, :func:`~twin.models.satellite.step`), compiled for
one satellite and step and inlined here (:mod:`ephemeris.fastmath`).  What the loops own is the
memory layout that makes them fast:

* :func:`environment_rows` copies blocks of :data:`BLOCK` steps of one satellite into scratch
  rows at fixed offsets and runs the environment over the block in one loop with no libm call
  and no branch LLVM cannot if-convert (the arctangents are fdlibm's, branch-free), so the
  loop is vectorised (SIMD over steps);
* :func:`run_loop` goes through time with two satellites at once: their recurrences are
  independent, so the processor overlaps one's chain of dependent divisions with the other's.

``tests/test_physics_kernel.py`` compares both with the same model functions run as numpy.
"""
from __future__ import annotations

import numpy as np

from ephemeris.fastmath import kernel
from twin.models.satellite import environment, step

# ------------------------------------------------------------------------------------------
# The state-independent inputs, vectorised over blocks of steps
# ------------------------------------------------------------------------------------------
#: Steps per block of :func:`environment_rows`.
BLOCK = 128
# scratch rows of one block: inputs, then outputs
_R_F, _R_SR, _R_COS, _R_NR, _R_ALT, _R_IAM, _R_SOLAR = range(7)
_R_PA, _R_CELL, _R_QENV = 7, 8, 9
_ENV_ROWS = 10


@kernel
def _environment_block(w, prm):  # pragma: no cover - compiled
    """:func:`twin.models.satellite.environment` over one block: rows 0-6 of ``w`` in, rows
    7-9 out."""
    bl = BLOCK
    for k in range(bl):
        p_a, cell_c, q_env = environment(
            w[_R_F * bl + k], w[_R_SOLAR * bl + k], w[_R_SR * bl + k], w[_R_COS * bl + k],
            w[_R_NR * bl + k], w[_R_IAM * bl + k], w[_R_ALT * bl + k], prm)
        w[_R_PA * bl + k] = p_a
        w[_R_CELL * bl + k] = cell_c
        w[_R_QENV * bl + k] = q_env


@kernel
def environment_rows(sunlit, sun_rsw, alt_km, solar_w_m2, cos_incidence, normal_r, iam, prm,
                     array_power_w, cell_temp_c, environment_heat_w):  # pragma: no cover
    """:func:`twin.models.satellite.environment` for a chunk, satellite-major (n_sat, n_time).

    ``sunlit``, ``alt_km`` (n_sat, n_time); ``sun_rsw`` (n_sat, n_time, 3); ``solar_w_m2``
    (n_time,) the unshadowed irradiance; ``cos_incidence``, ``normal_r`` and ``iam``
    (n_sat, n_time) the array's cos(incidence), cell-face normal's radial component and
    cover-glass modifier, or (0, 0) arrays for a sun-tracking array (1, s_r and 1); ``prm`` the
    :class:`~twin.models.satellite.EnvironmentParams`.  Writes the three outputs in place.
    """
    n, nt = sunlit.shape
    bl = BLOCK
    w = np.empty(_ENV_ROWS * bl)
    fixed = cos_incidence.shape[0] > 0
    for i in range(n):
        for j0 in range(0, nt, bl):
            nb = min(bl, nt - j0)
            for k in range(bl):
                j = j0 + k if k < nb else nt - 1          # pad with the last step
                w[_R_F * bl + k] = sunlit[i, j]
                s_r = sun_rsw[i, j, 0]
                w[_R_SR * bl + k] = s_r
                w[_R_COS * bl + k] = cos_incidence[i, j] if fixed else 1.0
                w[_R_NR * bl + k] = normal_r[i, j] if fixed else s_r
                w[_R_ALT * bl + k] = alt_km[i, j]
                w[_R_IAM * bl + k] = iam[i, j] if fixed else 1.0
                w[_R_SOLAR * bl + k] = solar_w_m2[j]
            _environment_block(w, prm)
            for k in range(nb):
                array_power_w[i, j0 + k] = w[_R_PA * bl + k]
                cell_temp_c[i, j0 + k] = w[_R_CELL * bl + k]
                environment_heat_w[i, j0 + k] = w[_R_QENV * bl + k]


# ------------------------------------------------------------------------------------------
# The time loop
# ------------------------------------------------------------------------------------------
@kernel
def run_loop(array_power_w, environment_heat_w, valid, reserve_wh, horizon_s, energy_wh, temp_k,
             prm,
             battery_wh, radiator_temp_k, load_power_w, curtailed_power_w, conversion_loss_w,
             battery_power_w, battery_loss_w, gpu_power_w, host_power_w, gpus_on,
             gpu_power_fraction, gpu_temp_c, throughput_gb300, throttled, thermal_limited,
             dark, heater_power_w, distribution_loss_w, cold,
             frozen):  # pragma: no cover - compiled
    """The time loop of :func:`twin.run.stepper.run_physics` for every satellite of a chunk:
    :func:`twin.models.satellite.step` per satellite and step.

    Arrays are satellite-major (n_sat, n_time) and C-contiguous, so each satellite's series is
    read and written contiguously and its state stays in registers.  ``reserve_wh`` and
    ``horizon_s`` are the eclipse reserve and recharge horizon of the "reserve" policy
    (``prm.reserve_policy``), else (0, 0) arrays.
    ``energy_wh`` and ``temp_k`` (n_sat,) hold the state at the start.  ``prm`` is the
    :class:`~twin.models.satellite.StepParams`.  Outputs (n_sat, n_time) are filled in place:
    float64, except ``gpus_on`` (int32) and the flags (bool).  When ``conversion_loss_w``
    is a (0, 0) array only the summary's outputs are written (see
    :data:`twin.run.stepper.SUMMARY_VARIABLES`; the others may all be (0, 0)).
    """
    n_sat, n_t = array_power_w.shape
    use_reserve = prm.reserve_policy
    every = conversion_loss_w.shape[0] > 0
    # Two satellites per pass over time (the second lane repeats the last satellite when their
    # number is odd, writing the same values twice).
    for a in range(0, n_sat, 2):
        b = min(a + 1, n_sat - 1)
        ea, ta = energy_wh[a], temp_k[a]
        eb, tb = energy_wh[b], temp_k[b]
        for k in range(n_t):
            ra = step(array_power_w[a, k], environment_heat_w[a, k], valid[a, k],
                      reserve_wh[a, k] if use_reserve else 0.0,
                      horizon_s[a, k] if use_reserve else prm.step_s, ea, ta, prm)
            rb = step(array_power_w[b, k], environment_heat_w[b, k], valid[b, k],
                      reserve_wh[b, k] if use_reserve else 0.0,
                      horizon_s[b, k] if use_reserve else prm.step_s, eb, tb, prm)
            ea, ta = ra[0], ra[1]
            eb, tb = rb[0], rb[1]
            for i, res in ((a, ra), (b, rb)):           # the step's values, in STEP_OUTPUTS
                battery_wh[i, k] = res[0]
                load_power_w[i, k] = res[2]
                curtailed_power_w[i, k] = res[3]
                gpu_temp_c[i, k] = res[11]
                throughput_gb300[i, k] = res[12]
                throttled[i, k] = res[13]
                dark[i, k] = not res[15]
                radiator_temp_k[i, k] = res[1]
                heater_power_w[i, k] = res[16]
                cold[i, k] = res[18]
                frozen[i, k] = res[19]
                if every:
                    distribution_loss_w[i, k] = res[17]
                    conversion_loss_w[i, k] = res[4]
                    battery_power_w[i, k] = res[5]
                    battery_loss_w[i, k] = res[6]
                    gpu_power_w[i, k] = res[7]
                    host_power_w[i, k] = res[8]
                    gpus_on[i, k] = np.int32(res[9])
                    gpu_power_fraction[i, k] = res[10]
                    thermal_limited[i, k] = res[14]
        energy_wh[a], temp_k[a] = ea, ta
        energy_wh[b], temp_k[b] = eb, tb
