"""The per-chunk time stepper: power, battery, thermal state and the compute controller for a
chunk of satellites over a time grid.

:func:`run_physics` runs the satellite model of :mod:`twin.models.satellite` (composed from
:mod:`twin.models.power`, :mod:`.thermal`, :mod:`.battery` and :mod:`.compute`) in four named
steps:

1. :func:`prepare_inputs` checks the inputs and fills invalid steps with
   :data:`ephemeris.geometry.INVALID_STEP` (the one convention for an invalid step);
2. :func:`environment_series`: everything that does not depend on the state, for every
   (satellite, step): array pointing, cell temperature and array power, the radiator's
   environmental heat load (:func:`twin.models.satellite.environment`), and
   (``policy="reserve"``) the look-ahead eclipse reserve;
3. :func:`time_loop`: the recurrence (battery energy, radiator temperature), one
   :func:`twin.models.satellite.step` per satellite and step;
4. the outputs, named and described in :data:`VARIABLE_ATTRS`.

Steps 2 and 3 run compiled (the loops of :mod:`twin.run.stepper_kernel`, which call the same
model functions compiled) or as numpy (the model functions on arrays of satellites, one step at
a time: the reference).  Which one is decided in one place, :data:`ephemeris.fastmath.USE_NUMBA`
(``engine="auto"``), or per call by ``engine``.

Time step k covers [t_k, t_k + step_s).  Power outputs are averages over the step; the
battery energy and radiator temperature are the values at the *end* of the step.

Where the orbit state is not valid (SGP4 failed, re-entry) the satellite is dark with zero power
and throughput, its battery and radiator temperature hold their last values and its cell
temperature holds its last valid value: no output is NaN.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ephemeris import fastmath
from ephemeris.geometry import INVALID_STEP
from twin.design import SatelliteDesign
from twin.models import battery, compute, power, satellite, thermal
from twin.models.constants import EARTH_ALBEDO, EARTH_IR_W_M2, EARTH_MEAN_RADIUS_KM, ZERO_C_K
from twin.run import stepper_kernel

#: Battery policies: "reserve" (the default: keep the housekeeping and heater energy of the
#: rest of the current, or all of the next, eclipse) or "greedy" (down to the DoD floor; a
#: study option).
POLICIES = ("reserve", "greedy")

#: Attributes of every output of :func:`run_physics` (CF-style units; "1" = dimensionless).
VARIABLE_ATTRS = {
    "array_power_w": {"units": "W", "long_name": "solar array DC power available at the "
                      "maximum power point (before curtailment and regulation)"},
    "load_power_w": {"units": "W", "long_name": "power drawn from the bus by housekeeping, "
                     "heaters, GPUs and hosts, including the payload's DC-DC loss and the "
                     "harness loss (distribution_loss_w)"},
    "heater_power_w": {"units": "W", "long_name": "heater power holding the cooling loop at "
                       "Bus.heater_setpoint_c (part of load_power_w)"},
    "distribution_loss_w": {"units": "W", "long_name": "payload DC-DC conversion loss plus "
                            "harness I^2 R loss (part of load_power_w)"},
    "curtailed_power_w": {"units": "W", "long_name": "array power not drawn (battery full and "
                          "loads satisfied)"},
    "conversion_loss_w": {"units": "W", "long_name": "array-to-bus regulation loss, "
                          "(1 - power_conversion_efficiency) x array power drawn"},
    "battery_power_w": {"units": "W", "long_name": "battery terminal (bus-side) power, "
                        "+ charging / - discharging"},
    "battery_loss_w": {"units": "W", "long_name": "battery charge/discharge loss"},
    "battery_wh": {"units": "Wh", "long_name": "energy stored in the battery at the end of the "
                   "step"},
    "radiator_temp_k": {"units": "K", "long_name": "radiator / coolant node temperature at the "
                        "end of the step (held at its last value where the orbit state is not "
                        "valid)"},
    "environment_heat_w": {"units": "W", "long_name": "solar, albedo and Earth-IR heat "
                           "absorbed by the radiator"},
    "gpu_temp_c": {"units": "degC", "long_name": "GPU temperature at the end of the step "
                   "(radiator temperature when no GPU is on, e.g. where the orbit state is "
                   "not valid)"},
    "gpu_power_w": {"units": "W", "long_name": "board power of all GPUs that are on"},
    "host_power_w": {"units": "W", "long_name": "host power of the GPUs that are on"},
    "gpus_on": {"units": "1", "long_name": "number of GPUs switched on"},
    "gpu_power_fraction": {"units": "1", "long_name": "per-GPU power cap / rated board power "
                           "(0 when no GPU is on)"},
    "throughput_gb300": {"units": "1", "long_name": "compute throughput in GB300-equivalents "
                         "(one GB300 at rated 1.4 kW = 1)"},
    "cell_temp_c": {"units": "degC", "long_name": "solar cell temperature (steady radiative "
                    "balance; where the orbit state is not valid, the last valid value, or "
                    "before the first valid step the eclipse value at 500 km)"},
    "throttled": {"units": "1", "long_name": "throughput below the installed GPU count because "
                  "of the power or thermal limit"},
    "thermal_limited": {"units": "1", "long_name": "the GPU temperature limit reduced the "
                        "payload this step"},
    "dark": {"units": "1", "long_name": "housekeeping not powered, or no valid orbit state "
             "(nothing served)"},
    "cold": {"units": "1", "long_name": "cooling loop below Bus.min_operating_temp_c at the "
             "end of the step"},
    "frozen": {"units": "1", "long_name": "cooling loop below Bus.min_survival_temp_c at the "
               "end of the step"},
}

#: Elements per block of the numpy environment (keeps temporaries in cache).
_BLOCK_ELEMENTS = 1 << 15

_BOOL_OUTPUTS = ("throttled", "thermal_limited", "dark", "cold", "frozen")

#: The per-step outputs of :func:`twin.models.satellite.step` after the state, in its order
#: (``dark`` is the negation of its last value, ``hk_ok``).
STEP_OUTPUTS = ("load_power_w", "curtailed_power_w", "conversion_loss_w", "battery_power_w",
                "battery_loss_w", "gpu_power_w", "host_power_w", "gpus_on", "gpu_power_fraction",
                "gpu_temp_c", "throughput_gb300", "throttled", "thermal_limited", "dark",
                "heater_power_w", "distribution_loss_w", "cold", "frozen")

#: What the per-orbit summary reads; ``run_physics(outputs=...)`` within these lets the
#: compiled loop skip storing the rest.
SUMMARY_VARIABLES = ("array_power_w", "environment_heat_w", "cell_temp_c", "load_power_w",
                     "curtailed_power_w", "battery_wh", "gpu_temp_c", "throughput_gb300",
                     "throttled", "dark", "heater_power_w", "radiator_temp_k", "cold",
                     "frozen")
_SUMMARY_SET = frozenset(SUMMARY_VARIABLES)

#: Implementations of the loops accepted by ``run_physics(engine=...)``: "auto" follows
#: :data:`ephemeris.fastmath.USE_NUMBA`.
STEPPER_ENGINES = ("auto", "numpy", "numba")


@dataclass(frozen=True)
class PhysicsInputs:
    """The checked inputs of a chunk, satellite-major (n_sat, n_time), invalid steps filled
    with :data:`ephemeris.geometry.INVALID_STEP`."""

    sunlit_fraction: np.ndarray
    solar_w_m2: np.ndarray          # (n_time,) unshadowed irradiance
    sun_rsw: np.ndarray             # (n_sat, n_time, 3)
    alt_km: np.ndarray
    valid: np.ndarray               # bool
    step_s: float

    @property
    def all_valid(self) -> bool:
        return bool(self.valid.all())


def _use_compiled(engine):
    if engine not in STEPPER_ENGINES:
        raise ValueError(f"engine={engine!r} is not supported; allowed: "
                         f"{', '.join(STEPPER_ENGINES)}")
    if engine == "numba" and not fastmath.USE_NUMBA:
        raise ImportError("run_physics(engine='numba') needs numba, which is not in use (not "
                          "importable, or TWIN_NUMBA=0); use engine='numpy' or 'auto'")
    return fastmath.USE_NUMBA if engine == "auto" else engine == "numba"


def _as_array(name, value, shape, dtype=float):
    a = np.asarray(value)
    if a.shape != shape:
        raise ValueError(f"{name} has shape {a.shape}; expected {shape}")
    if dtype is bool:
        if a.dtype != np.bool_:
            raise TypeError(f"{name} must be a boolean array, got dtype {a.dtype}")
        return np.ascontiguousarray(a)
    return np.ascontiguousarray(a, dtype=float)


def _wanted(outputs):
    if outputs is None:
        return set(VARIABLE_ATTRS)
    wanted = {outputs} if isinstance(outputs, str) else set(outputs)
    unknown = sorted(str(x) for x in wanted - set(VARIABLE_ATTRS))
    if unknown:
        raise ValueError(f"outputs={unknown!r} are not variables of run_physics; allowed: "
                         f"{', '.join(VARIABLE_ATTRS)}")
    return wanted


def prepare_inputs(sunlit_fraction, sun_distance_au, sun_rsw, alt_km, valid, step_s):
    """Check the inputs of :func:`run_physics` and fill invalid steps; a :class:`PhysicsInputs`."""
    if isinstance(step_s, bool) or not np.isscalar(step_s) or not np.isfinite(step_s) \
            or step_s <= 0:
        raise ValueError(f"step_s={step_s!r} is out of range; allowed: > 0 s")
    sunlit = np.asarray(sunlit_fraction)
    if sunlit.ndim != 2:
        raise ValueError(f"sunlit_fraction has shape {sunlit.shape}; expected (n_sat, n_time)")
    n_sat, n_t = sunlit.shape
    sunlit = _as_array("sunlit_fraction", sunlit, (n_sat, n_t))
    dist = _as_array("sun_distance_au", sun_distance_au, (n_t,))
    sun = _as_array("sun_rsw", sun_rsw, (n_sat, n_t, 3))
    alt = _as_array("alt_km", alt_km, (n_sat, n_t))
    ok = _as_array("valid", valid, (n_sat, n_t), bool)
    if not np.all(np.isfinite(dist) & (dist > 0)):
        raise ValueError("sun_distance_au must be finite and > 0 au")
    if not ok.all():
        sunlit = np.where(ok, sunlit, INVALID_STEP["sunlit_fraction"])
        alt = np.where(ok, alt, INVALID_STEP["alt_km"])
        sun = np.where(ok[..., None], sun, INVALID_STEP["sun_rsw"])
    for name, a in (("sunlit_fraction", sunlit), ("alt_km", alt), ("sun_rsw", sun)):
        if not np.isfinite(a).all():
            raise ValueError(f"{name} has NaN or infinite values where valid is True")
    if sunlit.min(initial=0.0) < 0.0 or sunlit.max(initial=1.0) > 1.0 + 1e-9:
        raise ValueError("sunlit_fraction must be within [0, 1]")
    if alt.min(initial=1.0) <= 0.0:
        raise ValueError("alt_km must be > 0 km where valid is True")
    return PhysicsInputs(sunlit, power.irradiance_w_m2(1.0, dist), sun, alt, ok, float(step_s))


def environment_params(design: SatelliteDesign) -> satellite.EnvironmentParams:
    """The design's numbers for :func:`twin.models.satellite.environment`."""
    sa, rad = design.solar, design.radiator
    return satellite.EnvironmentParams(
        float(sa.area_m2), float(sa.packing_factor), float(sa.efficiency),
        float(sa.temp_coeff_per_k), float(sa.reference_temp_c), float(sa.degradation_factor),
        float(sa.absorptivity),
        float(sa.emissivity_front), float(sa.emissivity_back),
        thermal.orientation_code(rad.orientation), bool(rad.two_sided), float(rad.area_m2),
        float(rad.absorptivity), float(rad.emissivity), float(rad.array_view_factor),
        float(sa.loss_factor), EARTH_ALBEDO, EARTH_IR_W_M2, EARTH_MEAN_RADIUS_KM)


def step_params(design: SatelliteDesign, step_s, policy="reserve") -> satellite.StepParams:
    """The design's numbers (and the battery policy) for :func:`twin.models.satellite.step`."""
    bat, cmp_, bus = design.battery, design.compute, design.bus
    return satellite.StepParams(
        float(step_s), float(bat.capacity_wh), float(bat.floor_wh),
        float(bus.power_conversion_efficiency), float(bat.charge_efficiency),
        float(bat.discharge_efficiency), float(design.housekeeping_total_w),
        float(bus.payload_dcdc_efficiency),
        float(bus.harness_resistance_ohm / bus.bus_voltage_v ** 2),
        float(bus.heater_setpoint_c + ZERO_C_K), float(design.radiator.min_flow_fraction),
        float(bus.min_operating_temp_c + ZERO_C_K),
        float(bus.min_survival_temp_c + ZERO_C_K), float(design.radiating_w_per_k4),
        float(design.heat_capacity_j_per_k), float(cmp_.gpus), float(cmp_.gpu_power_w),
        float(cmp_.host_power_w_per_gpu), float(cmp_.min_power_fraction),
        float(cmp_.max_gpu_temp_k), float(design.gpu_path_resistance_k_per_w),
        float(cmp_.idle_fraction), float(cmp_.throughput_exponent), policy == "reserve")


def _pointing(design, sun_rsw):
    """cos(incidence), the cell normal's radial component and the cover-glass IAM of a
    non-tracking array (numpy and pvlib); sun-tracking arrays need none (1, s_r, 1)."""
    sa = design.solar
    cos_i = power.cos_incidence(sa.pointing, sun_rsw, sa.normal_rsw)
    normal_r = np.ascontiguousarray(power.array_normal_rsw(sa.pointing, sun_rsw,
                                                           sa.normal_rsw)[..., 0])
    iam = power.incidence_modifier(cos_i) if sa.cover_glass_iam else np.ones_like(cos_i)
    return np.ascontiguousarray(cos_i, dtype=float), normal_r, np.ascontiguousarray(iam, float)


def environment(design: SatelliteDesign, sunlit_fraction, sun_distance_au, sun_rsw, alt_km):
    """State-independent inputs of the time stepper, vectorised over any (...) shape (numpy).

    Parameters
    ----------
    design : SatelliteDesign
        The satellite.
    sunlit_fraction : array_like
        Fraction of the solar disc visible [1].
    sun_distance_au : array_like
        Earth-Sun distance [au], broadcast against ``sunlit_fraction``.
    sun_rsw : array_like, shape (..., 3)
        Unit vector to the Sun in the orbital frame [1].
    alt_km : array_like
        Altitude [km].

    Returns
    -------
    dict of numpy.ndarray
        ``array_power_w`` [W], ``cell_temp_c`` [degC], ``environment_heat_w`` [W] (absorbed by
        the radiator).
    """
    s = np.asarray(sun_rsw, dtype=float)
    f = np.asarray(sunlit_fraction, dtype=float)
    if design.solar.pointing == "sun-tracking":
        cos_i, normal_r, iam = 1.0, s[..., 0], 1.0
    else:
        cos_i, normal_r, iam = _pointing(design, s)
    p_a, cell_c, q_env = satellite.environment(
        f, power.irradiance_w_m2(1.0, sun_distance_au), s[..., 0], cos_i, normal_r, iam,
        np.asarray(alt_km, dtype=float), environment_params(design))
    shape = np.broadcast_shapes(f.shape, s.shape[:-1])
    return {"array_power_w": np.broadcast_to(p_a, shape) + 0.0,
            "cell_temp_c": np.broadcast_to(cell_c, shape) + 0.0,
            "environment_heat_w": np.broadcast_to(q_env, shape) + 0.0}


def environment_series(design: SatelliteDesign, inputs: PhysicsInputs, compiled: bool):
    """Array power, cell temperature and radiator environment heat of every (satellite, step)
    (:func:`twin.models.satellite.environment`); returns the three (n_sat, n_time) arrays."""
    sun = inputs.sun_rsw
    none = np.zeros((0, 0))
    tracking = design.solar.pointing == "sun-tracking"
    cos_i, normal_r, iam = (none, none, none) if tracking else _pointing(design, sun)
    prm = environment_params(design)
    shape = inputs.sunlit_fraction.shape
    p_a, cell_c, q_env = np.empty(shape), np.empty(shape), np.empty(shape)
    if compiled:
        stepper_kernel.environment_rows(inputs.sunlit_fraction, sun, inputs.alt_km,
                                        inputs.solar_w_m2, cos_i, normal_r, iam, prm, p_a,
                                        cell_c, q_env)
        return p_a, cell_c, q_env
    n_cols = min(shape[1], _BLOCK_ELEMENTS)
    n_rows = max(1, _BLOCK_ELEMENTS // max(n_cols, 1))
    for r0 in range(0, shape[0], n_rows):
        for c0 in range(0, shape[1], n_cols):
            b = (slice(r0, r0 + n_rows), slice(c0, c0 + n_cols))
            s_r = sun[b + (0,)]
            pa, cc, qe = satellite.environment(
                inputs.sunlit_fraction[b], inputs.solar_w_m2[b[1]], s_r,
                1.0 if tracking else cos_i[b], s_r if tracking else normal_r[b],
                1.0 if tracking else iam[b], inputs.alt_km[b], prm)
            p_a[b], cell_c[b], q_env[b] = pa, cc, qe
    return p_a, cell_c, q_env


def survival_load_w(prm, environment_heat_w):
    """Bus power that housekeeping and the loop's heaters need with the payload off [W]:
    the heater term is the steady heat that holds the node at the setpoint with the radiator
    turned down to ``f_min``, max(f_min (k T_set^4 - Q_env) - P_hk, 0), and the harness loss
    is added
    (:func:`twin.models.satellite.bus_draw_w`).  What the "reserve" policy keeps for an
    eclipse."""
    t2 = prm.heater_setpoint_k * prm.heater_setpoint_k
    heater = np.maximum(prm.min_flow_fraction * (prm.radiating_w_per_k4 * t2 * t2
                                                 - environment_heat_w)
                        - prm.housekeeping_w, 0.0)
    return satellite.bus_draw_w(prm.housekeeping_w + heater, prm.harness_per_w)


def _hold_last_valid(x, valid):
    """``x`` with each invalid step replaced by the satellite's last valid value (step 0's
    value before the first valid step)."""
    steps = np.arange(x.shape[1])[None, :]
    last = np.maximum.accumulate(np.where(valid, steps, 0), axis=1)
    return np.take_along_axis(x, last, axis=1)


def _initial_state(prm, p_array, q_env, q_env_first, valid, reserve, horizon, initial_battery_wh,
                   initial_radiator_temp_k):
    """Battery energy [Wh] and radiator temperature [K] at t_0: full and the steady state of
    the first step's decision, unless given."""
    n_sat = p_array.shape[0]
    cap = prm.capacity_wh
    if initial_battery_wh is None:
        energy = np.full(n_sat, cap)
    else:
        energy = _as_array("initial_battery_wh", initial_battery_wh, (n_sat,)).copy()
        if np.any(~np.isfinite(energy)) or np.any(energy < 0) or np.any(energy > cap * (1 + 1e-9)):
            raise ValueError(f"initial_battery_wh must be within [0, {cap:g}] Wh")
    if initial_radiator_temp_k is None:
        _, hk0, n0, p0, _, _ = satellite.control(
            p_array[:, 0], q_env[:, 0], valid[:, 0],
            0.0 if reserve is None else reserve[:, 0],
            prm.step_s if horizon is None else horizon[:, 0], energy, np.zeros(n_sat), 0.0, prm)
        heat0 = q_env_first + hk0 + compute.payload_power_w(
            n0, p0, prm.gpu_power_w, prm.host_power_w_per_gpu) / prm.payload_dcdc_efficiency
        temp = thermal.steady_state_temp_k(heat0, prm.radiating_w_per_k4)
        temp = np.where(valid[:, 0], np.maximum(temp, prm.heater_setpoint_k), temp)
    else:
        temp = _as_array("initial_radiator_temp_k", initial_radiator_temp_k, (n_sat,)).copy()
        if np.any(~np.isfinite(temp)) or np.any(temp <= 0):
            raise ValueError("initial_radiator_temp_k must be finite and > 0 K")
    return energy, temp


def _allocate_outputs(shape, wanted, compiled):
    """Output arrays of the loop; the compiled loop may store only the summary's variables."""
    every = not (compiled and wanted <= _SUMMARY_SET)
    return {name: np.empty(shape if every or name in _SUMMARY_SET else (0, 0),
                           dtype=np.int32 if name == "gpus_on" else
                           bool if name in _BOOL_OUTPUTS else float)
            for name in ("battery_wh", "radiator_temp_k") + STEP_OUTPUTS}


def time_loop(prm, p_array, q_env, valid, reserve, horizon, energy, temp, out, compiled):
    """Step every satellite through time (:func:`twin.models.satellite.step`), filling ``out``
    (see :func:`_allocate_outputs`); ``energy`` and ``temp`` (n_sat,) are the state at t_0."""
    if compiled:
        stepper_kernel.run_loop(
            p_array, q_env, valid, np.zeros((0, 0)) if reserve is None else reserve,
            np.zeros((0, 0)) if horizon is None else horizon,
            np.ascontiguousarray(energy, dtype=float), np.ascontiguousarray(temp, dtype=float),
            prm, out["battery_wh"], out["radiator_temp_k"], *(out[k] for k in STEP_OUTPUTS))
        return out
    for k in range(p_array.shape[1]):
        res = satellite.step(p_array[:, k], q_env[:, k], valid[:, k],
                             0.0 if reserve is None else reserve[:, k],
                             prm.step_s if horizon is None else horizon[:, k], energy, temp,
                             prm)
        energy, temp = res[0], res[1]
        out["battery_wh"][:, k] = energy
        out["radiator_temp_k"][:, k] = temp
        for name, value in zip(STEP_OUTPUTS, res[2:]):
            out[name][:, k] = ~value if name == "dark" else value
    return out


def run_physics(design: SatelliteDesign, sunlit_fraction, sun_distance_au, sun_rsw, alt_km,
                valid, step_s, policy="reserve", *, initial_battery_wh=None,
                initial_radiator_temp_k=None, engine="auto", outputs=None) -> dict:
    """Power, battery, thermal and compute time series for a chunk of satellites.

    Parameters
    ----------
    design : SatelliteDesign
        One design for every satellite of the chunk.
    sunlit_fraction : array_like, shape (n_sat, n_time)
        Fraction of the solar disc visible [1].
    sun_distance_au : array_like, shape (n_time,)
        Earth-Sun distance [au].
    sun_rsw : array_like, shape (n_sat, n_time, 3)
        Unit vector to the Sun in the orbital frame (radial out, along-track, orbit normal) [1].
    alt_km : array_like, shape (n_sat, n_time)
        Altitude [km].
    valid : array_like of bool, shape (n_sat, n_time)
        False where SGP4 failed (other inputs may be NaN there): the satellite is dark (no
        power, no load, no throughput), its battery energy and radiator temperature hold
        (the state is frozen), ``gpu_temp_c`` is the held radiator temperature (no GPU on)
        and ``cell_temp_c`` holds its last valid value.  Before a satellite's first valid
        step, the cell temperature and (unless ``initial_radiator_temp_k`` is given) the
        radiator temperature are those of an unpowered satellite in eclipse at 500 km
        (steady state with Earth IR only).  No output is NaN.
    step_s : float
        Time step [s]; step k covers [t_k, t_k + step_s).
    policy : {"reserve", "greedy"}
        Battery use by the payload: "reserve" (default) keeps the energy that housekeeping
        and the loop's heaters need for the rest of the current (or all of the next) eclipse
        in the battery, looking ahead within the chunk; "greedy" lets the payload draw down to
        the depth-of-discharge floor, so housekeeping can lose power late in a long eclipse
        (an option for studies, not a way to fly a satellite).
    initial_battery_wh : array_like, shape (n_sat,), optional
        Stored energy at t_0 [Wh]; default full.  Use the last ``battery_wh`` of the previous
        time chunk to continue a run.
    initial_radiator_temp_k : array_like, shape (n_sat,), optional
        Radiator temperature at t_0 [K]; default the steady state of the first step.
    engine : {"auto", "numba", "numpy"}
        Implementation of the loops: "numba" the compiled kernels of
        :mod:`twin.run.stepper_kernel` (ImportError when numba is not in use), "numpy" the
        model functions on arrays of satellites, one step at a time (the reference; ~0.2 ms per
        step plus ~1 us per satellite-step), "auto" :data:`ephemeris.fastmath.USE_NUMBA`.  Both
        run the same model source and agree to rounding (~1e-12).
    outputs : iterable of str, optional
        The variables to return (default: all of :data:`VARIABLE_ATTRS`).  When they are
        among :data:`SUMMARY_VARIABLES` (what the per-orbit summary reads), the compiled loop
        stores only those.

    Returns
    -------
    dict of str -> numpy.ndarray, each (n_sat, n_time)
        See :data:`VARIABLE_ATTRS` for names, units and meanings.  Energy closes per step:
        ``array_power_w = load_power_w + curtailed_power_w + conversion_loss_w +
        battery_power_w`` and ``battery_power_w - battery_loss_w`` = change of ``battery_wh``
        x 3600 / step_s.
    """
    if not isinstance(design, SatelliteDesign):
        raise TypeError(f"design must be a SatelliteDesign, got {type(design).__name__}")
    if policy not in POLICIES:
        raise ValueError(f"policy={policy!r} is not supported; allowed: {', '.join(POLICIES)}")
    compiled = _use_compiled(engine)
    wanted = _wanted(outputs)
    inputs = prepare_inputs(sunlit_fraction, sun_distance_au, sun_rsw, alt_km, valid, step_s)
    ok = inputs.valid
    p_array, cell_t, q_env = environment_series(design, inputs, compiled)
    q_env_first = q_env[:, 0].copy()    # environment heat of step 0, also where not valid
    if not inputs.all_valid:
        p_array[~ok] = 0.0
        q_env[~ok] = 0.0
        cell_t = _hold_last_valid(cell_t, ok)
    prm = step_params(design, inputs.step_s, policy)
    reserve = horizon = None
    if policy == "reserve":
        deficit = battery.housekeeping_deficit_wh(survival_load_w(prm, q_env), p_array,
                                                  prm.conversion_efficiency,
                                                  prm.discharge_efficiency, prm.step_s)
        deficit = np.where(ok, deficit, 0.0)
        reserve = battery.eclipse_reserve_wh(deficit, axis=1)
        horizon = battery.recharge_horizon_s(deficit, prm.step_s, axis=1)
    energy, temp = _initial_state(prm, p_array, q_env, q_env_first, ok, reserve, horizon,
                                  initial_battery_wh, initial_radiator_temp_k)
    out = _allocate_outputs(p_array.shape, wanted, compiled)
    time_loop(prm, p_array, q_env, ok, reserve, horizon, energy, temp, out, compiled)
    out.update(array_power_w=p_array, environment_heat_w=q_env, cell_temp_c=cell_t)
    return {name: out[name] for name in VARIABLE_ATTRS if name in wanted}


def warm_up():
    """Compile (or load from numba's cache) the loops for the types the pipeline passes, in
    the process that forks the workers."""
    for policy in POLICIES:
        run_physics(SatelliteDesign(), np.ones((1, 2)), np.ones(2),
                    np.tile([0.0, 0.0, 1.0], (1, 2, 1)), np.full((1, 2), 550.0),
                    np.ones((1, 2), bool), 60.0, policy=policy)
