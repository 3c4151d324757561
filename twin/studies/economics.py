"""Mass and cost of compute in orbit and on the ground, per GB300-equivalent-year.

Everything is a small pure function of a :class:`twin.SatelliteDesign`, a :class:`MassModel`
or :class:`CostModel` (frozen dataclasses whose defaults name their sources) and, for orbit,
the sustained GB300-equivalents per satellite that a simulation delivers.  Defaults marked
*assumption* rest on thin public data; change them and the results follow.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd

from ephemeris.validation import field_number
from twin.models.power import SOLAR_CONSTANT_W_M2


def _check_positive(obj, allow_zero=()):
    """Every field a finite number > 0 (>= 0 for those in ``allow_zero``)."""
    for f in fields(obj):
        field_number(obj, f.name, 0.0, lo_open=f.name not in allow_zero)


@dataclass(frozen=True)
class MassModel:
    """Satellite mass model.

    * ``array_w_per_kg`` = 150: flexible-blanket arrays, state of the art (NASA NTRS
      20150006022; ROSA/iROSA reach ~60-120 W/kg at wing level), on the BOL rating at
      1,361 W/m^2.
    * radiator areal mass: from ``Radiator.areal_mass_kg_per_m2`` (>= 5 kg/m^2, NASA NTRS
      19860036026); battery: ``Battery.specific_energy_wh_per_kg`` (150-250 Wh/kg).
    * ``compute_kg_per_gpu`` = 20: *assumption*: a GB300 NVL72 rack weighs ~1,360 kg for 72
      GPUs (19 kg per GPU with Grace hosts, switches, cold plates and rack); a space payload
      drops the rack steel but adds radiation shielding and its share of the coolant loop.
    * ``structure_fraction`` = 0.25: structure, avionics, propulsion and harness as a share of
      dry mass (Wertz & Larson, Space Mission Analysis and Design, Table 10-9: 20-30 %).
    * ``laser_terminals_kg`` = 60: four optical inter-satellite terminals of ~15 kg
      (Tesat SCOT80 and Mynaric CONDOR Mk3 class LEO terminals); their power is
      ``Bus.laser_terminals_w``.
    * the array drive mechanisms: ``SolarArray.drive_mass_booked_kg`` (by pointing mode).
    * ``shield_area_m2_per_gpu`` = 0.3: *assumption*: enclosure wall per GPU of a compact
      payload box (64 GPUs with hosts in ~2 x 2 x 1.5 m: ~20 m^2), which carries
      ``ComputePayload.shield_mm`` of aluminium (2,699 kg/m^3).
    * propellant, its tank and the thruster (``Propulsion``) are added outside the structure
      fraction: they are not scaled by it.
    """

    array_w_per_kg: float = 150.0
    compute_kg_per_gpu: float = 20.0
    structure_fraction: float = 0.25
    laser_terminals_kg: float = 60.0
    shield_area_m2_per_gpu: float = 0.3

    def __post_init__(self):
        _check_positive(self, allow_zero={"laser_terminals_kg"})
        if self.structure_fraction >= 1:
            raise ValueError(f"MassModel.structure_fraction={self.structure_fraction!r} is out "
                             "of range; allowed: (0, 1)")


@dataclass(frozen=True)
class CostModel:
    """Costs for orbit and ground, in US dollars.

    Orbit
      * ``launch_usd_per_kg`` = 2,700: Falcon 9 list price per kg to LEO (parameters.md);
        Starship projections run from 10 to 200 $/kg: :func:`launch_sweep` sweeps them.
      * ``array_usd_per_w`` = 20: *assumption*: mass-produced LEO arrays (space-grade
        triple-junction panels cost 100-300 $/W; Starlink-class production is far cheaper).
      * ``radiator_usd_per_m2`` = 2,000, ``battery_usd_per_kwh`` = 1,000 (about 10x the
        terrestrial pack price of 115 $/kWh for space qualification): *assumptions*.
      * ``bus_usd_per_kg`` = 1,000: *assumption*, Starlink-class mass-produced satellites.
    Both
      * ``gpu_usd`` = 50,000 per GPU with its host share: *assumption* from reported GB300
        NVL72 rack prices of ~3.5-4 M$ for 72 GPUs.
      * ``lifetime_years`` = 5: hardware depreciation life of data-center GPUs.
    Ground
      * ``facility_usd_per_w`` = 11: *assumption*: hyperscale data-center construction,
        ~10-12 M$ per MW of IT load.
      * ``electricity_usd_per_kwh`` = 0.08: US industrial average, 2023 (EIA; parameters.md).
    """

    launch_usd_per_kg: float = 2700.0
    array_usd_per_w: float = 20.0
    radiator_usd_per_m2: float = 2000.0
    battery_usd_per_kwh: float = 1000.0
    bus_usd_per_kg: float = 1000.0
    gpu_usd: float = 50000.0
    lifetime_years: float = 5.0
    facility_usd_per_w: float = 11.0
    electricity_usd_per_kwh: float = 0.08

    def __post_init__(self):
        _check_positive(self, allow_zero={"launch_usd_per_kg", "array_usd_per_w",
                                          "radiator_usd_per_m2", "battery_usd_per_kwh",
                                          "bus_usd_per_kg", "facility_usd_per_w",
                                          "electricity_usd_per_kwh"})

    def replace(self, **kw) -> "CostModel":
        return CostModel(**{**asdict(self), **kw})


#: Aluminium density [kg/m^3] (2,699; NIST material tables), for the payload shield.
ALUMINIUM_KG_M3 = 2699.0


def array_rating_w(design) -> float:
    """Array rating at 1 au, 28 C, BOL: area x packing x efficiency x 1,361 W/m^2 [W]."""
    s = design.solar
    return s.area_m2 * s.packing_factor * s.efficiency * SOLAR_CONSTANT_W_M2


def satellite_mass_kg(design, mass: MassModel = MassModel()) -> dict:
    """Mass breakdown of one satellite [kg]: array, array drives, radiator, battery, compute
    (spares included), laser terminals, shield, structure, propulsion (thruster and tank) and
    propellant.

    m = (m_array + m_drives + m_radiator + m_battery + m_compute + m_terminals + m_shield)
    / (1 - structure_fraction) + m_thruster + m_tank + m_propellant, with m_shield =
    2,699 kg/m^3 x shield_mm x (gpus + spare_gpus) x shield_area_m2_per_gpu.
    """
    c = design.compute
    parts = {
        "array_kg": array_rating_w(design) / mass.array_w_per_kg,
        "array_drive_kg": design.solar.drive_mass_booked_kg,
        "radiator_kg": design.radiator.mass_kg,
        "battery_kg": design.battery.mass_kg,
        "compute_kg": (c.gpus + c.spare_gpus) * mass.compute_kg_per_gpu,
        "laser_terminals_kg": mass.laser_terminals_kg,
        "shield_kg": ALUMINIUM_KG_M3 * c.shield_mm / 1e3 * (c.gpus + c.spare_gpus)
        * mass.shield_area_m2_per_gpu,
    }
    payload = sum(parts.values())
    dry = payload / (1.0 - mass.structure_fraction)
    parts["structure_kg"] = dry - payload
    p = design.propulsion
    parts["propulsion_kg"] = p.thruster_mass_kg + p.tank_kg
    parts["propellant_kg"] = p.propellant_kg
    parts["total_kg"] = dry + parts["propulsion_kg"] + parts["propellant_kg"]
    return parts


def compute_kw_per_tonne(design, mass: MassModel = MassModel()) -> float:
    """Rated compute power (GPUs and hosts at full power) per tonne launched [kW/t]."""
    return design.compute.full_power_w / 1000.0 / (satellite_mass_kg(design, mass)["total_kg"]
                                                   / 1000.0)


def orbit_cost_usd(design, cost: CostModel = CostModel(), mass: MassModel = MassModel()) -> dict:
    """Cost of one satellite in orbit [$]: launch and hardware, by part."""
    m = satellite_mass_kg(design, mass)
    out = {
        "launch_usd": m["total_kg"] * cost.launch_usd_per_kg,
        "array_usd": array_rating_w(design) * cost.array_usd_per_w,
        "radiator_usd": design.radiator.area_m2 * cost.radiator_usd_per_m2,
        "battery_usd": design.battery.capacity_wh / 1000.0 * cost.battery_usd_per_kwh,
        "gpu_usd": (design.compute.gpus + design.compute.spare_gpus) * cost.gpu_usd,
        "bus_usd": m["structure_kg"] * cost.bus_usd_per_kg,
    }
    out["total_usd"] = sum(out.values())
    return out


def orbit_usd_per_gb300_year(design, sustained_gb300_per_sat, cost: CostModel = CostModel(),
                             mass: MassModel = MassModel()) -> float:
    """Orbit: (launch + hardware) / (sustained GB300-eq per satellite x lifetime) [$/GB300-yr].

    No operations, ground segment, insurance, replacement launches or data downlink cost.
    """
    if sustained_gb300_per_sat <= 0:
        return math.inf
    return orbit_cost_usd(design, cost, mass)["total_usd"] / (
        sustained_gb300_per_sat * cost.lifetime_years)


def ground_usd_per_gb300_year(datacenter, cost: CostModel = CostModel()) -> float:
    """Ground: GPU and facility capital over the lifetime plus electricity [$/GB300-yr].

    = gpu_usd / life + facility_usd_per_w x IT W per GPU / life
      + facility W per GPU x 8,760 h x electricity price; one GPU = one GB300-eq all year.
    """
    it_w = datacenter.it_power_w_per_gpu()
    fac_w = datacenter.facility_power_w_per_gpu()
    return (cost.gpu_usd + cost.facility_usd_per_w * it_w) / cost.lifetime_years \
        + fac_w / 1000.0 * 8760.0 * cost.electricity_usd_per_kwh


def break_even_launch_usd_per_kg(design, sustained_gb300_per_sat, datacenter,
                                 cost: CostModel = CostModel(),
                                 mass: MassModel = MassModel()) -> float:
    """Launch price [$/kg] at which orbit costs the same per GB300-eq-year as the ground.

    Orbit cost is linear in the launch price L: C(L) = H + m L, so
    L* = (ground x sustained x lifetime - H) / m; negative when even free launch loses.
    """
    free = orbit_cost_usd(design, cost.replace(launch_usd_per_kg=0.0), mass)["total_usd"]
    m = satellite_mass_kg(design, mass)["total_kg"]
    target = ground_usd_per_gb300_year(datacenter, cost) * sustained_gb300_per_sat \
        * cost.lifetime_years
    return (target - free) / m


def launch_sweep(design, sustained_gb300_per_sat, datacenter, cost: CostModel = CostModel(),
                 mass: MassModel = MassModel(), launch_usd_per_kg=None) -> pd.DataFrame:
    """Cost per GB300-eq-year in orbit and on the ground against launch price (drawn by
    :func:`twin.io.plots.plot_launch_sweep`)."""
    prices = np.asarray(launch_usd_per_kg if launch_usd_per_kg is not None else
                        [10, 20, 50, 100, 200, 500, 1000, 2700], float)
    ground = ground_usd_per_gb300_year(datacenter, cost)
    rows = [{"launch_usd_per_kg": p,
             "orbit_usd_per_gb300_year": orbit_usd_per_gb300_year(
                 design, sustained_gb300_per_sat, cost.replace(launch_usd_per_kg=float(p)), mass),
             "ground_usd_per_gb300_year": ground} for p in prices]
    df = pd.DataFrame(rows)
    df["orbit_over_ground"] = df["orbit_usd_per_gb300_year"] / df["ground_usd_per_gb300_year"]
    return df
