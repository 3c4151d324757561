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
import numpy_financial as npf

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
        Starship projections run from 10 to 200 $/kg: ``twin.decide(...).launch_sweep()``
        sweeps them.
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
      * ``ground_ops_usd_per_gpu_year`` = 3,000: *assumption*: staff, maintenance, insurance
        and property tax at ~4 %/yr of the facility capital (11 $/W x 1.8 kW = 19,800 $:
        ~800 $), plus replacing failed GPUs, which the ground repairs and orbit cannot
        (0.045 hard failures per GPU-year,
        :data:`twin.models.attrition.RANDOM_FAILURE_PER_GPU_YEAR`, x 50,000 $ = 2,250 $).
    Orbit operations and money
      * ``orbit_ops_usd_per_sat_year`` = 100,000: *assumption*: ground segment, network
        operations, spectrum and insurance of a mega-constellation spread over thousands of
        satellites (no public per-satellite figure; ~1 %/yr of the default satellite's cost).
      * ``discount_rate`` = 0.08: cost of capital, applied to both sides (weighted average cost
        of capital of US technology and utility infrastructure firms, 6-9 %; A. Damodaran,
        "Cost of Capital by Sector (US)", NYU Stern, January 2025).
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
    ground_ops_usd_per_gpu_year: float = 3000.0
    orbit_ops_usd_per_sat_year: float = 100_000.0
    discount_rate: float = 0.08

    def __post_init__(self):
        _check_positive(self, allow_zero={"launch_usd_per_kg", "array_usd_per_w",
                                          "radiator_usd_per_m2", "battery_usd_per_kwh",
                                          "bus_usd_per_kg", "facility_usd_per_w",
                                          "electricity_usd_per_kwh", "ground_ops_usd_per_gpu_year",
                                          "orbit_ops_usd_per_sat_year", "discount_rate"})
        field_number(self, "discount_rate", 0.0, 1.0)
        field_number(self, "lifetime_years", 0.0, 30.0, lo_open=True, unit="yr")

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


# --- lifetime (levelised) cost ------------------------------------------------------------------
def life_weights(lifetime_years, n_years=None):
    """Share of each year of service that falls inside the life [1], years 1..n:
    w_t = clip(L - (t - 1), 0, 1) (a 4.5-year life: 1, 1, 1, 1, 0.5).  Vectorised over L
    (leading axis); ``n_years`` defaults to ceil(max L)."""
    life = np.asarray(lifetime_years, float)
    n = int(math.ceil(np.max(life))) if n_years is None else int(n_years)
    t = np.arange(1, n + 1, dtype=float)
    return np.clip(life[..., None] - (t - 1.0), 0.0, 1.0)


def present_value(rate, flows):
    """Present value of yearly flows at the ends of years 1..T, discounted at ``rate`` [1/yr],
    through ``numpy_financial.npv`` (which counts its first value at t = 0, hence the leading
    zero): PV = sum_t F_t / (1 + r)^t.  ``flows`` (..., T) with ``rate`` scalar or (...)."""
    f = np.asarray(flows, float)
    r = np.broadcast_to(np.asarray(rate, float), f.shape[:-1])
    flat, rates = f.reshape(-1, f.shape[-1]), r.reshape(-1)
    out = np.array([npf.npv(rk, np.concatenate(([0.0], fk))) for rk, fk in zip(rates, flat)])
    return out.reshape(f.shape[:-1]) if f.ndim > 1 else float(out[0])


def levelized_usd_per_unit(capex_usd, opex_usd_by_year, output_by_year, rate):
    """Levelised cost [$ per unit of output]: everything spent over everything delivered, both
    discounted to the start of life at the same rate (the LCOE construction):

    LC = (C_0 + sum_t O_t / (1+r)^t) / sum_t Q_t / (1+r)^t,  t = 1..T (ends of years)

    ``capex_usd`` is paid at t = 0.  Vectorised: capex (...), opex and output (..., T).
    Infinite when nothing is delivered.

    References: IEA/NEA, *Projected Costs of Generating Electricity* (2020), levelised cost
    methodology.
    """
    cost = np.asarray(capex_usd, float) + present_value(rate, opex_usd_by_year)
    out = present_value(rate, output_by_year)
    with np.errstate(divide="ignore"):
        return np.where(np.asarray(out) > 0, cost / np.where(np.asarray(out) > 0, out, 1.0),
                        np.inf)


def orbit_lifetime_usd_per_gb300_year(design, gb300_years_by_year, cost=CostModel(),
                                      mass=MassModel()):
    """Orbit's levelised cost per delivered GB300-eq-year [$/GB300-eq-yr].

    Capital at launch (hardware with spare GPUs, propellant and its tank in the launch mass:
    :func:`orbit_cost_usd`); operations ``orbit_ops_usd_per_sat_year`` each year; delivered
    throughput from the lifetime run (degradation, GPU attrition, upsets, decay), year by
    year, cut at ``cost.lifetime_years``; :func:`levelized_usd_per_unit`.

    ``gb300_years_by_year``: GB300-eq-years one satellite delivers in years 1, 2, ... (at
    least ceil(lifetime_years) of them); cost and mass fields may be arrays (one value per
    case, a vectorised evaluation), with ``gb300_years_by_year`` (cases, years).
    """
    w = life_weights(cost.lifetime_years)
    q = np.asarray(gb300_years_by_year, float)
    if q.shape[-1] < w.shape[-1]:
        raise ValueError(f"gb300_years_by_year covers {q.shape[-1]} years; lifetime_years="
                         f"{np.max(cost.lifetime_years)!r} needs {w.shape[-1]}")
    q = q[..., :w.shape[-1]] * w
    capex = orbit_cost_usd(design, cost, mass)["total_usd"]
    opex = np.asarray(cost.orbit_ops_usd_per_sat_year, float)[..., None] * w
    return levelized_usd_per_unit(capex, opex, q, cost.discount_rate)


def ground_lifetime_usd_per_gb300_year(datacenter, cost=CostModel(), pue=None):
    """Ground's levelised cost per GB300-eq-year [$/GB300-eq-yr]: one GPU slot delivering one
    GB300-eq-year a year (failed GPUs are replaced, in ``ground_ops_usd_per_gpu_year``).

    Capital: ``gpu_usd`` + ``facility_usd_per_w`` x IT W per GPU; each year: IT W x PUE x
    8,760 h x ``electricity_usd_per_kwh`` + ``ground_ops_usd_per_gpu_year``; the same
    discounting and life as orbit (:func:`levelized_usd_per_unit`).  ``pue`` overrides the
    data centre's overhead factor (facility / IT power); fields may be arrays.
    """
    it_w = datacenter.it_power_w_per_gpu()
    factor = datacenter.overhead_factor() if pue is None else np.asarray(pue, float)
    w = life_weights(cost.lifetime_years)
    capex = np.asarray(cost.gpu_usd, float) + np.asarray(cost.facility_usd_per_w, float) * it_w
    yearly = it_w * factor / 1000.0 * 8760.0 * np.asarray(cost.electricity_usd_per_kwh, float) \
        + np.asarray(cost.ground_ops_usd_per_gpu_year, float)
    return levelized_usd_per_unit(capex, np.asarray(yearly)[..., None] * w, w,
                                  cost.discount_rate)
