"""The per-chunk time stepper: power, battery, thermal state and the compute controller for a
chunk of satellites over a time grid.

:func:`run_physics` composes the pure models of :mod:`twin.power`, :mod:`twin.thermal`,
:mod:`twin.battery` and :mod:`twin.compute`:

1. Everything that does not depend on the state is computed first, vectorised over the whole
   (time, satellite) array: irradiance, array pointing, cell temperature and array power, the
   radiator's environmental heat load, and (``policy="reserve"``) the look-ahead eclipse
   reserve.
2. A loop over time steps (the recurrence), vectorised over satellites, carries the battery
   energy and the radiator temperature and makes the control decision each step:

   * housekeeping is served first, from the array and then the battery down to the
     depth-of-discharge floor; a satellite that cannot power it is *dark* for the step
     (nothing is served; any array power charges the battery);
   * the payload gets what remains of the array plus the battery down to the policy floor
     (``"greedy"``: the DoD floor; ``"reserve"``: the DoD floor plus the housekeeping energy
     of the rest of the current, or all of the next, eclipse), turned into GPUs on and a
     per-GPU power cap by :func:`twin.compute.throttle`;
   * then no more than keeps the GPUs at or below ``max_gpu_temp_c`` at the start and end of
     the step (:func:`twin.compute.thermal_cap`);
   * the bus dispatch (:func:`twin.battery.dispatch`) and one backward-Euler step of the
     radiator node (:func:`twin.thermal.end_temp_k`) update the state.

   The loop, and the state-independent step 1 with it, runs either compiled
   (:mod:`twin.physics_kernel`, numba, transcriptions of the same functions; the default when
   numba imports) or in numpy (the reference implementation); see ``engine`` of
   :func:`run_physics`.

Time step k covers [t_k, t_k + step_s).  Power outputs are averages over the step; the
battery energy and radiator temperature are the values at the *end* of the step.

Where the orbit state is not valid (SGP4 failed) the satellite is dark with zero power and
throughput, its battery and radiator temperature hold their last values and its cell
temperature holds its last valid value: no output is NaN.
"""
from __future__ import annotations

import numpy as np

from twin.design import SatelliteDesign
from twin.models import battery as _battery
from twin.models import compute as _compute
from twin.models import power as _power
from twin.models import thermal as _thermal
from twin.models.battery import HK_TOLERANCE

POLICIES = ("greedy", "reserve")

#: Attributes of every output of :func:`run_physics` (CF-style units; "1" = dimensionless).
VARIABLE_ATTRS = {
    "array_power_w": {"units": "W", "long_name": "solar array DC power available at the "
                      "maximum power point (before curtailment and regulation)"},
    "load_power_w": {"units": "W", "long_name": "power consumed by housekeeping, GPUs and "
                     "hosts (bus side)"},
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
}

#: Elements per block of the state-independent precomputation (keeps temporaries in cache).
_BLOCK_ELEMENTS = 1 << 15

_BOOL_OUTPUTS = ("throttled", "thermal_limited", "dark")

#: Outputs written by :func:`twin.physics_kernel.run_loop`, in its argument order.
_KERNEL_OUTPUTS = ("load_power_w", "curtailed_power_w", "conversion_loss_w", "battery_power_w",
                   "battery_loss_w", "battery_wh", "radiator_temp_k", "gpu_temp_c",
                   "gpu_power_w", "host_power_w", "gpus_on", "gpu_power_fraction",
                   "throughput_gb300", "throttled", "thermal_limited", "dark")

#: What the per-orbit summary reads; ``run_physics(outputs=...)`` within these lets the
#: compiled loop skip storing the rest.
SUMMARY_VARIABLES = ("array_power_w", "environment_heat_w", "cell_temp_c", "load_power_w",
                     "curtailed_power_w", "battery_wh", "gpu_temp_c", "throughput_gb300",
                     "throttled", "dark")
_SUMMARY_SET = frozenset(SUMMARY_VARIABLES)

#: Loop implementations accepted by ``run_physics(engine=...)``.
ENGINES = ("auto", "numpy", "numba")

#: Stand-in inputs where the orbit state is not valid: eclipse (sunlit 0) at 500 km with the
#: Sun along the orbit normal.  They only give a finite cell temperature and radiator
#: environment heat before a satellite's first valid step (used for its initial state).
_INVALID_FILL = {"sunlit_fraction": 0.0, "alt_km": 500.0, "s_r": 0.0, "s_a": 0.0, "s_w": 1.0}

_KERNEL = None          # twin.physics_kernel once imported; False if numba failed to import
_KERNEL_ERROR = [""]


def _kernel():
    """:mod:`twin.physics_kernel`, imported on first use (ImportError if numba is missing)."""
    global _KERNEL
    if _KERNEL is None:
        try:
            from twin.run import stepper_kernel as physics_kernel
        except ImportError as exc:
            _KERNEL, _KERNEL_ERROR[0] = False, f"{type(exc).__name__}: {exc}"
        else:
            _KERNEL = physics_kernel
    if _KERNEL is False:
        raise ImportError(f"run_physics(engine='numba') needs numba, which did not import "
                          f"({_KERNEL_ERROR[0]}); use engine='numpy' or 'auto'")
    return _KERNEL


def _numba_available():
    try:
        _kernel()
    except ImportError:
        return False
    return True


def _as_array(name, value, shape, dtype=float):
    a = np.asarray(value)
    if a.shape != shape:
        raise ValueError(f"{name} has shape {a.shape}; expected {shape}")
    if dtype is bool:
        if a.dtype != np.bool_:
            raise TypeError(f"{name} must be a boolean array, got dtype {a.dtype}")
        return a
    return a.astype(float, copy=False)


def environment(design: SatelliteDesign, sunlit_fraction, sun_distance_au, sun_rsw, alt_km):
    """State-independent inputs of the time stepper, vectorised over any (...) shape.

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
    return _environment(design, np.asarray(sunlit_fraction, dtype=float),
                        _power.irradiance_w_m2(1.0, sun_distance_au), s[..., 0], s[..., 1],
                        s[..., 2], np.asarray(alt_km, dtype=float))


def _environment(design, sunlit, solar_w_m2, s_r, s_a, s_w, alt):
    """:func:`environment` on components of the Sun vector (``s_a``, ``s_w`` may be None for a
    sun-tracking array)."""
    sa, rad = design.solar, design.radiator
    g = solar_w_m2 * sunlit
    if sa.pointing == "sun-tracking":
        cos_i, normal_r = 1.0, s_r
    else:
        s = np.stack([s_r, s_a, s_w], axis=-1)
        if sa.pointing == "single-axis":
            cos_i = _power.cos_incidence("single-axis", s)
            normal_r = _power.array_normal_rsw("single-axis", s)[..., 0]
        else:
            n = np.asarray(sa.normal_rsw)
            cos_i = np.clip(s @ n, 0.0, 1.0)
            normal_r = n[0]
    iam = 1.0
    if sa.cover_glass_iam and sa.pointing != "sun-tracking":
        iam = _power.incidence_modifier(cos_i)
    q_earth = _power.array_earth_flux_w_m2(normal_r, alt, solar_w_m2, s_r, sa.absorptivity,
                                           sa.emissivity_front, sa.emissivity_back)
    cell_c = _power.cell_temp_c(g, cos_i, sa.efficiency, sa.temp_coeff_per_k,
                                sa.reference_temp_c, sa.degradation_factor, sa.packing_factor,
                                sa.absorptivity, sa.emissivity_front, sa.emissivity_back,
                                q_earth, iam)
    eff = _power.cell_efficiency(sa.efficiency, sa.temp_coeff_per_k, cell_c,
                                 sa.reference_temp_c, sa.degradation_per_year,
                                 sa.years_in_orbit)
    p_a = _power.array_power_w(g, cos_i, sa.area_m2, eff, sa.packing_factor, iam)
    q_env = _thermal.radiator_environment_heat_w(rad.orientation, rad.two_sided, rad.area_m2,
                                                 rad.absorptivity, rad.emissivity, s_r, alt,
                                                 sunlit, solar_w_m2)
    return {"array_power_w": p_a, "cell_temp_c": cell_c, "environment_heat_w": q_env}


def _environment_compiled(kernel, design, sunlit, sun_rsw, alt, solar_w_m2):
    """:func:`_environment` by the compiled :func:`twin.physics_kernel.environment_rows`:
    satellite-major (n_sat, n_time) inputs, ``sun_rsw`` (n_sat, n_time, 3), ``solar_w_m2``
    (n_time,).  The same equations in the same order (agreement to a few ulp; the kernel's
    arctangents are fdlibm's, branch-free, so that LLVM vectorises the loop).  The array's
    incidence and normal and the cover-glass modifier (pvlib) of a non-tracking array are
    evaluated here in numpy and passed in."""
    sa, rad = design.solar, design.radiator
    prm = np.array([sa.area_m2, sa.packing_factor, sa.efficiency, sa.temp_coeff_per_k,
                    sa.reference_temp_c, sa.degradation_factor, sa.absorptivity,
                    sa.emissivity_front, sa.emissivity_back,
                    kernel.ORIENTATION_CODES[rad.orientation], float(rad.two_sided),
                    rad.area_m2, rad.absorptivity, rad.emissivity, _thermal.EARTH_ALBEDO,
                    _thermal.EARTH_IR_W_M2, _thermal.EARTH_RADIUS_KM,
                    _thermal.STEFAN_BOLTZMANN_W_M2_K4], dtype=float)
    none = np.zeros((0, 0))
    cos_i, normal_r, iam = none, none, none
    if sa.pointing != "sun-tracking":
        cos_i = np.ascontiguousarray(_power.cos_incidence(sa.pointing, sun_rsw, sa.normal_rsw))
        normal_r = np.ascontiguousarray(
            _power.array_normal_rsw(sa.pointing, sun_rsw, sa.normal_rsw)[..., 0])
        if sa.cover_glass_iam:
            iam = np.ascontiguousarray(_power.incidence_modifier(cos_i), dtype=float)
    shape = sunlit.shape
    p_a, cell_c, q_env = np.empty(shape), np.empty(shape), np.empty(shape)
    kernel.environment_rows(sunlit, sun_rsw, alt, np.ascontiguousarray(solar_w_m2, float),
                            cos_i, normal_r, iam, prm, p_a, cell_c, q_env)
    return {"array_power_w": p_a, "cell_temp_c": cell_c, "environment_heat_w": q_env}


def _time_major(a, tile=256):
    """(n_sat, n_time) -> C-contiguous (n_time, n_sat), copied in cache-sized tiles."""
    n, t = a.shape
    out = np.empty((t, n), dtype=a.dtype)
    for i in range(0, n, tile):
        for j in range(0, t, tile):
            out[j:j + tile, i:i + tile] = a[i:i + tile, j:j + tile].T
    return out


def run_physics(design: SatelliteDesign, sunlit_fraction, sun_distance_au, sun_rsw, alt_km,
                valid, step_s, policy="greedy", *, initial_battery_wh=None,
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
    policy : {"greedy", "reserve"}
        Battery use by the payload: "greedy" down to the depth-of-discharge floor;
        "reserve" keeps the housekeeping energy of the rest of the current (or all of the
        next) eclipse in the battery, looking ahead within the chunk.
    initial_battery_wh : array_like, shape (n_sat,), optional
        Stored energy at t_0 [Wh]; default full.  Use the last ``battery_wh`` of the previous
        time chunk to continue a run.
    initial_radiator_temp_k : array_like, shape (n_sat,), optional
        Radiator temperature at t_0 [K]; default the steady state of the first step.
    engine : {"auto", "numba", "numpy"}
        Implementation of the time loop: "numba" the compiled kernel of
        :mod:`twin.physics_kernel` (ImportError without numba), "numpy" the vectorised
        reference loop (~0.14 ms per step plus ~0.3 us per satellite-step), "auto" numba
        when it imports, else numpy.  Both give the same results to rounding (~1e-12).
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
    if isinstance(step_s, bool) or not np.isscalar(step_s) or not np.isfinite(step_s) \
            or step_s <= 0:
        raise ValueError(f"step_s={step_s!r} is out of range; allowed: > 0 s")
    step_s = float(step_s)
    if engine not in ENGINES:
        raise ValueError(f"engine={engine!r} is not supported; allowed: {', '.join(ENGINES)}")
    use_numba = _numba_available() if engine == "auto" else engine == "numba"
    if outputs is None:
        wanted = set(VARIABLE_ATTRS)
    else:
        wanted = {outputs} if isinstance(outputs, str) else set(outputs)
        unknown = sorted(str(x) for x in wanted - set(VARIABLE_ATTRS))
        if unknown:
            raise ValueError(f"outputs={unknown!r} are not variables of run_physics; allowed: "
                             f"{', '.join(VARIABLE_ATTRS)}")
    if use_numba:
        kernel = _kernel()
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

    # --- layout ------------------------------------------------------------------------------
    # numpy loop: time-major (n_time, n_sat), so that each step reads contiguous rows.
    # compiled loop: satellite-major (n_sat, n_time) as given, so that each satellite's series
    # is contiguous; no transposes in, and C-contiguous outputs.
    time_major = not use_numba
    t_axis = 0 if time_major else 1
    lay = _time_major if time_major else (lambda a: a)     # views are fine for numpy
    ok_l = _time_major(ok) if time_major else np.ascontiguousarray(ok)
    all_ok = bool(ok_l.all())
    need_all = design.solar.pointing != "sun-tracking"
    f_l, alt_l, s_r = lay(sunlit), lay(alt), lay(sun[..., 0])
    s_a = lay(sun[..., 1]) if need_all else None
    s_w = lay(sun[..., 2]) if need_all else None
    if not all_ok:
        fill = _INVALID_FILL
        f_l = np.where(ok_l, f_l, fill["sunlit_fraction"])
        alt_l = np.where(ok_l, alt_l, fill["alt_km"])
        s_r = np.where(ok_l, s_r, fill["s_r"])
        if need_all:
            s_a = np.where(ok_l, s_a, fill["s_a"])
            s_w = np.where(ok_l, s_w, fill["s_w"])
    for name, a in (("sunlit_fraction", f_l), ("alt_km", alt_l), ("sun_rsw", s_r),
                    ("sun_rsw", s_a), ("sun_rsw", s_w)):
        if a is not None and not np.isfinite(a).all():
            raise ValueError(f"{name} has NaN or infinite values where valid is True")
    if f_l.min(initial=0.0) < 0.0 or f_l.max(initial=1.0) > 1.0 + 1e-9:
        raise ValueError("sunlit_fraction must be within [0, 1]")
    if alt_l.min(initial=1.0) <= 0.0:
        raise ValueError("alt_km must be > 0 km where valid is True")
    solar = _power.irradiance_w_m2(1.0, dist)
    if use_numba:
        sun_l = sun if all_ok else np.where(
            ok_l[..., None], sun, [_INVALID_FILL[k] for k in ("s_r", "s_a", "s_w")])
        env = _environment_compiled(kernel, design, f_l, sun_l, alt_l, solar)
        p_array, q_env = env["array_power_w"], env["environment_heat_w"]
        cell_t = env["cell_temp_c"]
    else:
        solar = solar[:, None]
        shape = f_l.shape
        p_array, q_env, cell_t = np.empty(shape), np.empty(shape), np.empty(shape)
        n_cols = min(shape[1], _BLOCK_ELEMENTS)
        n_rows = max(1, _BLOCK_ELEMENTS // max(n_cols, 1))
        for r0 in range(0, shape[0], n_rows):
            for c0 in range(0, shape[1], n_cols):
                b = (slice(r0, r0 + n_rows), slice(c0, c0 + n_cols))
                env = _environment(design, f_l[b], solar[b[0]], s_r[b],
                                   None if s_a is None else s_a[b],
                                   None if s_w is None else s_w[b], alt_l[b])
                p_array[b] = env["array_power_w"]
                q_env[b] = env["environment_heat_w"]
                cell_t[b] = env["cell_temp_c"]
    shape = f_l.shape

    def at(a, k):
        """Values of all satellites at step k."""
        return a[k] if time_major else a[:, k]

    q_env_first = at(q_env, 0).copy()   # environment heat of step 0, also where not valid
    if not all_ok:
        p_array[~ok_l] = 0.0
        q_env[~ok_l] = 0.0
        # cell temperature: last valid value (step 0's stand-in value before the first valid)
        steps = np.arange(n_t)[:, None] if time_major else np.arange(n_t)[None, :]
        last = np.maximum.accumulate(np.where(ok_l, steps, 0), axis=t_axis)
        cell_t = np.take_along_axis(cell_t, last, axis=t_axis)

    # --- constants ---------------------------------------------------------------------------
    bat, cmp_, bus, rad = design.battery, design.compute, design.bus, design.radiator
    cap = bat.capacity_wh
    e_floor = bat.floor_wh
    eta_c, eta_ch, eta_dis = bus.power_conversion_efficiency, bat.charge_efficiency, \
        bat.discharge_efficiency
    p_hk = bus.housekeeping_w
    k_rad = _thermal.radiating_conductance_w_per_k4(rad.area_m2, rad.emissivity, rad.sides)
    heat_cap = design.heat_capacity_j_per_k
    n_gpu = cmp_.gpus
    gpu_kw = dict(gpu_power_w=cmp_.gpu_power_w, host_power_w_per_gpu=cmp_.host_power_w_per_gpu,
                  min_power_fraction=cmp_.min_power_fraction,
                  max_gpu_temp_k=cmp_.max_gpu_temp_k,
                  thermal_resistance_k_per_w=cmp_.thermal_resistance_k_per_w,
                  radiating_w_per_k4=k_rad)

    reserve = None
    if policy == "reserve" and use_numba:
        reserve = kernel.eclipse_reserve_rows(p_array, ok_l, float(p_hk), float(eta_c),
                                              float(eta_dis), step_s)
    elif policy == "reserve":
        deficit_wh = np.maximum(p_hk - eta_c * p_array, 0.0) / eta_dis * (step_s / 3600.0)
        reserve = _battery.eclipse_reserve_wh(np.where(ok_l, deficit_wh, 0.0), axis=t_axis)

    def control(k, energy, temp, heat_capacity):
        """Decision for step k: (hk_ok, housekeeping, gpus on, power fraction, limited)."""
        bus_from_array = eta_c * at(p_array, k)
        avail = _battery.available_power_w(energy, e_floor, step_s, eta_ch, eta_dis)
        hk_ok = bus_from_array + np.maximum(avail, 0.0) >= p_hk * (1.0 - HK_TOLERANCE)
        if not all_ok:
            hk_ok &= at(ok_l, k)
        if reserve is not None:
            avail = _battery.available_power_w(energy, e_floor + at(reserve, k), step_s, eta_ch,
                                               eta_dis)
        budget = np.where(hk_ok, np.maximum(bus_from_array + avail - p_hk, 0.0), 0.0)
        hk = np.where(hk_ok, p_hk, 0.0)
        if n_gpu == 0:
            zero = np.zeros(n_sat)
            return hk_ok, hk, zero, zero, np.zeros(n_sat, bool)
        n_on, frac = _compute.throttle(budget, n_gpu, cmp_.gpu_power_w,
                                       cmp_.host_power_w_per_gpu, cmp_.min_power_fraction)
        n_on, frac, limited = _compute.thermal_cap(n_on, frac, temp, at(q_env, k) + hk, step_s,
                                                   heat_capacity_j_per_k=heat_capacity,
                                                   **gpu_kw)
        return hk_ok, hk, n_on, frac, limited

    # --- initial state -----------------------------------------------------------------------
    if initial_battery_wh is None:
        energy = np.full(n_sat, cap)
    else:
        energy = _as_array("initial_battery_wh", initial_battery_wh, (n_sat,)).copy()
        if np.any(~np.isfinite(energy)) or np.any(energy < 0) or np.any(energy > cap * (1 + 1e-9)):
            raise ValueError(f"initial_battery_wh must be within [0, {cap:g}] Wh")
    if initial_radiator_temp_k is None:
        _, hk0, n0, p0, _ = control(0, energy, np.zeros(n_sat), 0.0)
        heat0 = q_env_first + hk0 + _compute.payload_power_w(n0, p0, cmp_.gpu_power_w,
                                                             cmp_.host_power_w_per_gpu)
        temp = _thermal.steady_state_temp_k(heat0, k_rad)
    else:
        temp = _as_array("initial_radiator_temp_k", initial_radiator_temp_k, (n_sat,)).copy()
        if np.any(~np.isfinite(temp)) or np.any(temp <= 0):
            raise ValueError("initial_radiator_temp_k must be finite and > 0 K")

    # --- time loop -----------------------------------------------------------------------
    # the compiled loop may store only the summary's variables; the numpy loop stores all
    every = not (use_numba and wanted <= _SUMMARY_SET)
    out = {name: np.empty(shape if every or name in _SUMMARY_SET else (0, 0),
                          dtype=np.int32 if name == "gpus_on" and use_numba else
                          bool if name in _BOOL_OUTPUTS else float)
           for name in VARIABLE_ATTRS}
    out["array_power_w"] = p_array
    out["environment_heat_w"] = q_env
    out["cell_temp_c"] = cell_t
    if use_numba:
        rp = cmp_.thermal_resistance_k_per_w * cmp_.gpu_power_w
        tl_min = cmp_.max_gpu_temp_k - rp * cmp_.min_power_fraction   # as in thermal_cap
        f = float
        kernel.run_loop(
            p_array, q_env, ok_l,
            np.zeros((0, 0)) if reserve is None else np.ascontiguousarray(reserve, dtype=float),
            np.ascontiguousarray(energy, dtype=float), np.ascontiguousarray(temp, dtype=float),
            step_s, f(cap), f(e_floor), f(eta_c), f(eta_ch), f(eta_dis), f(p_hk), f(k_rad),
            f(heat_cap), f(n_gpu), f(cmp_.gpu_power_w), f(cmp_.host_power_w_per_gpu),
            f(cmp_.min_power_fraction), f(cmp_.max_gpu_temp_k),
            f(cmp_.thermal_resistance_k_per_w), f(k_rad * tl_min ** 4), f(cmp_.idle_fraction),
            f(cmp_.dvfs_exponent), *(out[name] for name in _KERNEL_OUTPUTS))
        return {name: out[name] for name in VARIABLE_ATTRS if name in wanted}
    rp = cmp_.thermal_resistance_k_per_w * cmp_.gpu_power_w
    for k in range(n_t):
        hk_ok, hk, n_on, frac, limited = control(k, energy, temp, heat_cap)
        gpu_w = n_on * frac * cmp_.gpu_power_w
        host_w = n_on * cmp_.host_power_w_per_gpu
        load = hk + gpu_w + host_w
        flows = _battery.dispatch(load, p_array[k], energy, cap, step_s, eta_c, eta_ch, eta_dis)
        t_end = _thermal.end_temp_k(temp, q_env[k] + load, k_rad, heat_cap, step_s)
        temp = t_end if all_ok else np.where(ok_l[k], t_end, temp)   # frozen where not valid
        energy = flows["energy_wh"]
        thr = n_on * _compute.throughput_fraction(frac, cmp_.idle_fraction, cmp_.dvfs_exponent)
        out["load_power_w"][k] = load
        out["curtailed_power_w"][k] = flows["curtailed_w"]
        out["conversion_loss_w"][k] = flows["conversion_loss_w"]
        out["battery_power_w"][k] = flows["battery_power_w"]
        out["battery_loss_w"][k] = flows["battery_loss_w"]
        out["battery_wh"][k] = energy
        out["radiator_temp_k"][k] = temp
        out["gpu_temp_c"][k] = temp + rp * frac - _thermal.ZERO_C_K
        out["gpu_power_w"][k] = gpu_w
        out["host_power_w"][k] = host_w
        out["gpus_on"][k] = n_on
        out["gpu_power_fraction"][k] = frac
        out["throughput_gb300"][k] = thr
        out["thermal_limited"][k] = limited
        out["dark"][k] = ~hk_ok
    out["throttled"][:] = out["throughput_gb300"] < n_gpu * (1.0 - 1e-12)
    if not all_ok:
        out["throttled"] &= ok_l
    out["gpus_on"] = out["gpus_on"].astype(np.int32)
    return {name: a.T for name, a in out.items() if name in wanted}
