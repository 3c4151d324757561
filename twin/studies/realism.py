"""What each realistic item of the default satellite costs: from the ideal satellite of the
project's first releases to today's defaults, one item at a time.

:func:`idealisation_steps` lists the designs (each step adds one item to the one before) and
:func:`realism_table` flies every one of them through the same orbit and year, in one run, and
tabulates the sustained GB300-equivalents per satellite after each step.  docs/models.md shows
the table for the 650 km dawn-dusk orbit of 2027 (``examples/idealisations.py`` prints it).
"""
from __future__ import annotations

import pandas as pd

from twin.constellation import Constellation
from twin.design import SatelliteDesign
from twin.run.simulate import simulate
from twin.studies.economics import satellite_mass_kg
from twin.studies.sizing import radiator_sizing

#: The ideal satellite the twin used to fly by default: no array losses or drives, 2.0 kW of
#: housekeeping, no DC-DC stage or harness loss, a radiator wholly at the coolant temperature
#: (no fin loss, no loop drop, no view of the array, new coatings), no heaters, the greedy
#: battery policy, and the earlier sizes (400 m^2 array, 150 m^2 radiator, 64 kWh battery).
IDEAL = {
    "solar": {"area_m2": 400.0, "wiring_loss": 0.0, "mismatch_loss": 0.0,
              "uv_darkening_loss": 0.0, "pointing_error_deg": 0.0, "drive_power_w": 0.0,
              "drive_mass_kg": 0.0},
    "battery": {"capacity_wh": 64000.0},
    "radiator": {"area_m2": 150.0, "emissivity": 0.90, "absorptivity": 0.12,
                 "fin_half_width_m": 0.0, "loop_delta_t_k": 0.0, "array_view_factor": 0.0,
                 "min_flow_fraction": 1.0},
    "bus": {"housekeeping_w": 2000.0, "payload_dcdc_efficiency": 1.0,
            "harness_resistance_ohm": 0.0, "heater_setpoint_c": -270.0,
            "min_operating_temp_c": -271.0, "min_survival_temp_c": -272.0},
}


def _part(design, part, keys):
    """The fields ``keys`` of ``part`` of ``design`` as a dict (to restore them)."""
    p = getattr(design, part)
    return {part: {k: getattr(p, k) for k in keys}}


def idealisation_steps(design: SatelliteDesign = None) -> list:
    """(label, design, policy) from the ideal satellite to ``design`` (default: today's
    defaults), each step restoring one group of ``design``'s fields."""
    real = SatelliteDesign() if design is None else design
    ideal = real.replace(**IDEAL)
    groups = [
        ("array losses: wiring, mismatch, UV darkening, pointing error",
         [("solar", ("wiring_loss", "mismatch_loss", "uv_darkening_loss",
                     "pointing_error_deg"))]),
        ("bus housekeeping booked item by item, and the array drives",
         [("bus", ("housekeeping_w",)), ("solar", ("drive_power_w", "drive_mass_kg"))]),
        ("payload DC-DC stage and harness I^2 R loss",
         [("bus", ("payload_dcdc_efficiency", "harness_resistance_ohm"))]),
        ("end-of-life radiator coating", [("radiator", ("emissivity", "absorptivity"))]),
        ("radiator fin efficiency", [("radiator", ("fin_half_width_m",))]),
        ("coolant loop temperature drop", [("radiator", ("loop_delta_t_k",))]),
        ("radiator's view of the array back", [("radiator", ("array_view_factor",))]),
        ("loop heaters and radiator turn-down",
         [("radiator", ("min_flow_fraction",)),
          ("bus", ("heater_setpoint_c", "min_operating_temp_c", "min_survival_temp_c"))]),
    ]
    steps = [("ideal (the earlier defaults)", ideal, "greedy")]
    current = ideal
    for label, fields in groups:
        for part, keys in fields:
            current = current.replace(**_part(real, part, keys))
        steps.append((label, current, "greedy"))
    steps.append(("reserve battery policy (the default)", current, "reserve"))
    resized = current.replace(**_part(real, "solar", ("area_m2",)),
                              **_part(real, "radiator", ("area_m2",)),
                              **_part(real, "battery", ("capacity_wh",)))
    steps.append(("sized for the new loads: array, radiator, battery (today's defaults)",
                  resized, "reserve"))
    return steps


def realism_table(design: SatelliteDesign = None, altitude_km=650.0, ltan="18:00",
                  start="2027-01-01", duration="365 days", step="120 s") -> pd.DataFrame:
    """Sustained GB300-equivalents per satellite after each of :func:`idealisation_steps`.

    Every step flies one satellite (a shell of its own) on the same sun-synchronous orbit;
    the greedy and reserve steps run as two simulations (the policy is per run).

    Returns
    -------
    pandas.DataFrame
        One row per step: ``step``, ``policy``, ``sustained_gb300`` (per satellite),
        ``change`` (from the step before), ``change_pct``, ``heater_kwh`` over the run,
        ``radiator_margin`` (hot case, :func:`twin.studies.sizing.radiator_sizing`) and
        ``mass_kg`` (:func:`twin.studies.economics.satellite_mass_kg`).
    """
    steps = idealisation_steps(design)
    values = {}
    for policy in ("greedy", "reserve"):
        idx = [i for i, s in enumerate(steps) if s[2] == policy]
        const = Constellation()
        for i in idx:
            const = const + Constellation.sun_synchronous(altitude_km, ltan, design=steps[i][1],
                                                          name=f"step{i}")
        res = simulate(const, start, duration, step, policy=policy, timeseries=False,
                       workers=1)
        po = res.per_orbit()
        shell = po["sat"].astype(str).str.split("-").str[0]
        for i in idx:
            rows = po[shell == f"step{i}"]
            comp = rows[rows["complete"]]
            rows = comp if len(comp) else rows
            w = rows["duration_min"]
            values[i] = ((rows["sustained_gb300"] * w).sum() / w.sum(),
                         rows["heater_wh"].sum() / 1e3)
    out = []
    prev = None
    for i, (label, d, policy) in enumerate(steps):
        gb, heat = values[i]
        out.append({"step": label, "policy": policy, "sustained_gb300": gb,
                    "change": 0.0 if prev is None else gb - prev,
                    "change_pct": 0.0 if prev is None else 100.0 * (gb - prev) / prev,
                    "heater_kwh": heat,
                    "radiator_margin": float(radiator_sizing(d, altitude_km)["margin"]),
                    "mass_kg": satellite_mass_kg(d)["total_kg"]})
        prev = gb
    return pd.DataFrame(out)


def pointing_table(design: SatelliteDesign = None, altitude_km=650.0, ltan="18:00",
                   start="2027-01-01", duration="365 days", step="120 s") -> pd.DataFrame:
    """The array pointing modes compared on one orbit, with their drives booked.

    Each mode of :data:`twin.models.power.POINTING_MODES` flies ``design`` (default: today's
    defaults) with only ``SolarArray.pointing`` changed, so each books its own drive power
    (housekeeping) and mass (:data:`twin.design.ARRAY_DRIVES`); "body-fixed" keeps the
    design's ``normal_rsw`` (default the orbit normal, which faces the Sun in a dawn-dusk
    orbit).

    Returns
    -------
    pandas.DataFrame
        One row per mode: ``pointing``, ``drive_power_w``, ``drive_mass_kg``,
        ``array_power_kw`` (mean over the run), ``sustained_gb300`` (per satellite),
        ``mass_kg``.
    """
    real = SatelliteDesign() if design is None else design
    modes = ("sun-tracking", "single-axis", "body-fixed")
    const = Constellation()
    for i, mode in enumerate(modes):
        const = const + Constellation.sun_synchronous(
            altitude_km, ltan, design=real.replace(solar={"pointing": mode}), name=f"mode{i}")
    po = simulate(const, start, duration, step, timeseries=False, workers=1).per_orbit()
    shell = po["sat"].astype(str).str.split("-").str[0]
    out = []
    for i, mode in enumerate(modes):
        d = real.replace(solar={"pointing": mode})
        rows = po[shell == f"mode{i}"]
        w = rows["duration_min"]
        out.append({"pointing": mode, "drive_power_w": d.solar.drive_power_booked_w,
                    "drive_mass_kg": d.solar.drive_mass_booked_kg,
                    "array_power_kw": rows["energy_generated_wh"].sum() / (w.sum() / 60.0)
                    / 1e3,
                    "sustained_gb300": (rows["sustained_gb300"] * w).sum() / w.sum(),
                    "mass_kg": satellite_mass_kg(d)["total_kg"]})
    return pd.DataFrame(out)
