"""Satellite design: frozen dataclasses with sourced defaults and validation.

``SatelliteDesign`` = ``SolarArray`` + ``Battery`` + ``Radiator`` + ``ComputePayload`` + ``Bus``.
Every default names its source in the class docstring; where public sources are thin the
default is labelled an assumption and says what it rests on.  See docs/models.md for the
equations that use these numbers.

Validation happens in ``__post_init__``: a wrong type raises ``TypeError``, a value out of range
(or NaN/inf) raises ``ValueError`` naming ``Class.field``, the value and the allowed range,
e.g. ``SolarArray.area_m2=-3.0 is out of range; allowed: > 0 m^2``.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field, fields

import numpy as np

from ephemeris.validation import field_choice, field_number
from twin.models.power import POINTING_MODES
from twin.models.thermal import RADIATOR_ORIENTATIONS, ZERO_C_K

_NUMBER_TYPES = (int, float, np.integer, np.floating)


# --- validation helpers ------------------------------------------------------------------------
_number = field_number


def _count(obj, name, lo=0, hi=None):
    value = getattr(obj, name)
    label = f"{type(obj).__name__}.{name}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        if isinstance(value, (float, np.floating)) and math.isfinite(value) \
                and float(value).is_integer():
            value = int(value)
        else:
            raise TypeError(f"{label} must be a whole number, got {value!r} "
                            f"({type(value).__name__})")
    if value < lo or (hi is not None and value > hi):
        rng = f">= {lo}" if hi is None else f"[{lo}, {hi}]"
        raise ValueError(f"{label}={value!r} is out of range; allowed: {rng}")
    object.__setattr__(obj, name, int(value))
    return int(value)


def _flag(obj, name):
    value = getattr(obj, name)
    if not isinstance(value, bool):
        raise TypeError(f"{type(obj).__name__}.{name} must be True or False, got {value!r} "
                        f"({type(value).__name__})")
    return value


_choice = field_choice


class _Part:
    """Mixin: plain-dict round trip for one design part."""

    def to_dict(self) -> dict:
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = list(v) if isinstance(v, tuple) else v
        return out

    @classmethod
    def from_dict(cls, d, table=None):
        table = table or cls.__name__
        if not isinstance(d, dict):
            raise TypeError(f"[{table}] must be a table (dict), got {type(d).__name__}")
        valid = [f.name for f in fields(cls)]
        for key in d:
            if key not in valid:
                raise ValueError(f"unknown key {key!r} in table [{table}]; valid keys: "
                                 f"{', '.join(valid)}")
        return cls(**d)


# --- parts -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SolarArray(_Part):
    """Solar array (triple-junction cells on a blanket).

    Attributes
    ----------
    area_m2 : float, default 400.0
        Array area [m^2]; sized in :class:`SatelliteDesign`.
    efficiency : float, default 0.30
        Cell efficiency at ``reference_temp_c``, beginning of life, AM0 [1]: triple-junction
        29.8-30.7 % (Spectrolab XTJ, Azur Space 3G30C datasheets).
    temp_coeff_per_k : float, default -0.0022
        Relative efficiency temperature coefficient [1/K]: triple-junction about -0.2 to
        -0.3 %/K (from dVoc/dT; EPJ Photovoltaics 2013); -0.22 %/K is an assumption in range.
    reference_temp_c : float, default 28.0
        Rating temperature of ``efficiency`` [degC] (AM0 standard, 28 C).
    degradation_per_year : float, default 0.005
        Relative efficiency loss per year [1/yr]: 0.2-0.5 %/yr measured on ISS arrays (NASA
        NTRS 20030068268); the upper end is taken.
    years_in_orbit : float, default 0.0
        Age of the array [yr] (0 = beginning of life).
    pointing : str, default "sun-tracking"
        "sun-tracking" (two-axis, incidence 0), "single-axis" (drive axis = orbit normal,
        cos(incidence) = cos(beta)) or "body-fixed" (fixed ``normal_rsw`` on a nadir-pointing
        bus).
    normal_rsw : tuple of 3 floats, default (0, 0, 1)
        Cell-face normal in the orbital frame (radial, along-track, orbit normal) for
        "body-fixed"; normalised on construction; must be non-zero.
    absorptivity : float, default 0.88
        Solar absorptivity of the array (GaAs cells 0.88; project reference table, after
        Fortescue et al., *Spacecraft Systems Engineering*, Table 11.3).
    emissivity_front : float, default 0.80
        IR emissivity of the cell face (GaAs cells 0.80, same source).
    emissivity_back : float, default 0.85
        IR emissivity of the back (assumption: carbon-composite/Kapton substrates 0.8-0.9).
    packing_factor : float, default 0.90
        Active-cell fraction of the area (assumption: 0.85-0.92 is usual for rigid and
        flexible blankets).
    cover_glass_iam : bool, default True
        Apply the cover-glass incidence-angle modifier (pvlib.iam.physical); 1 for
        sun-tracking.
    """

    area_m2: float = 400.0
    efficiency: float = 0.30
    temp_coeff_per_k: float = -0.0022
    reference_temp_c: float = 28.0
    degradation_per_year: float = 0.005
    years_in_orbit: float = 0.0
    pointing: str = "sun-tracking"
    normal_rsw: tuple = (0.0, 0.0, 1.0)
    absorptivity: float = 0.88
    emissivity_front: float = 0.80
    emissivity_back: float = 0.85
    packing_factor: float = 0.90
    cover_glass_iam: bool = True

    def __post_init__(self):
        _number(self, "area_m2", 0.0, lo_open=True, unit="m^2")
        _number(self, "efficiency", 0.0, 1.0, lo_open=True, hi_open=True)
        _number(self, "temp_coeff_per_k", -0.02, 0.0, unit="1/K")
        _number(self, "reference_temp_c", -150.0, 150.0, unit="degC")
        _number(self, "degradation_per_year", 0.0, 1.0, hi_open=True, unit="1/yr")
        _number(self, "years_in_orbit", 0.0, 100.0, unit="yr")
        _choice(self, "pointing", POINTING_MODES)
        _number(self, "absorptivity", 0.0, 1.0, lo_open=True)
        _number(self, "emissivity_front", 0.0, 1.0, lo_open=True)
        _number(self, "emissivity_back", 0.0, 1.0, lo_open=True)
        _number(self, "packing_factor", 0.0, 1.0, lo_open=True)
        _flag(self, "cover_glass_iam")
        n = self.normal_rsw
        if isinstance(n, (str, bytes)) or not hasattr(n, "__len__") or len(n) != 3:
            raise TypeError(f"SolarArray.normal_rsw must be a sequence of 3 numbers, got {n!r}")
        comps = []
        for i, c in enumerate(n):
            if isinstance(c, (bool, np.bool_)) or not isinstance(c, _NUMBER_TYPES):
                raise TypeError(f"SolarArray.normal_rsw[{i}] must be a number, got {c!r} "
                                f"({type(c).__name__})")
            if not math.isfinite(float(c)):
                raise ValueError(f"SolarArray.normal_rsw[{i}]={c!r} is out of range; "
                                 "allowed: finite")
            comps.append(float(c))
        norm = math.sqrt(sum(c * c for c in comps))
        if norm == 0.0:
            raise ValueError(f"SolarArray.normal_rsw={tuple(n)!r} is out of range; allowed: a "
                             "non-zero 3-vector (radial, along-track, orbit normal)")
        object.__setattr__(self, "normal_rsw", tuple(c / norm for c in comps))
        if self.packing_factor * self.efficiency >= self.absorptivity:
            raise ValueError(
                f"SolarArray.absorptivity={self.absorptivity!r} is out of range; allowed: > "
                f"packing_factor x efficiency = {self.packing_factor * self.efficiency:g} (the "
                "array cannot deliver more power than it absorbs)")

    @property
    def degradation_factor(self) -> float:
        """(1 - degradation_per_year) ** years_in_orbit [1]."""
        return (1.0 - self.degradation_per_year) ** self.years_in_orbit


@dataclass(frozen=True)
class Battery(_Part):
    """Li-ion battery.

    Attributes
    ----------
    capacity_wh : float, default 64000.0
        Nameplate capacity [Wh]; 0 means no battery.  Sized in :class:`SatelliteDesign`.
    max_depth_of_discharge : float, default 0.30
        Largest depth of discharge [1], in (0, 1]: 20-40 % per cycle for multi-year LEO life
        (~5,000 cycles a year; spacecraft battery practice).
    charge_efficiency : float, default 0.97
        Bus-to-storage efficiency including the charge regulator [1] (assumption: Li-ion
        round trip ~94 %).
    discharge_efficiency : float, default 0.97
        Storage-to-bus efficiency including the discharge regulator [1] (assumption, as above).
    specific_energy_wh_per_kg : float, default 200.0
        Cell-level specific energy [Wh/kg] (space Li-ion 150-250 Wh/kg); used for mass only.
    """

    capacity_wh: float = 64000.0
    max_depth_of_discharge: float = 0.30
    charge_efficiency: float = 0.97
    discharge_efficiency: float = 0.97
    specific_energy_wh_per_kg: float = 200.0

    def __post_init__(self):
        _number(self, "capacity_wh", 0.0, unit="Wh")
        _number(self, "max_depth_of_discharge", 0.0, 1.0, lo_open=True)
        _number(self, "charge_efficiency", 0.0, 1.0, lo_open=True)
        _number(self, "discharge_efficiency", 0.0, 1.0, lo_open=True)
        _number(self, "specific_energy_wh_per_kg", 0.0, lo_open=True, unit="Wh/kg")

    @property
    def floor_wh(self) -> float:
        """Lowest allowed stored energy, capacity * (1 - max_depth_of_discharge) [Wh]."""
        return self.capacity_wh * (1.0 - self.max_depth_of_discharge)

    @property
    def usable_wh(self) -> float:
        """Energy between full and the floor [Wh]."""
        return self.capacity_wh - self.floor_wh

    @property
    def mass_kg(self) -> float:
        """Cell mass, capacity / specific energy [kg]."""
        return self.capacity_wh / self.specific_energy_wh_per_kg


@dataclass(frozen=True)
class Radiator(_Part):
    """Deployable radiator panel on the payload's pumped cooling loop.

    Attributes
    ----------
    area_m2 : float, default 150.0
        Panel area, one side [m^2]; sized in :class:`SatelliteDesign`.
    emissivity : float, default 0.90
        IR emissivity: white silicate paint 0.90 (Fortescue et al., *Spacecraft Systems
        Engineering*, Table 11.3).
    absorptivity : float, default 0.12
        Solar absorptivity: white silicate paint 0.12 (same table; beginning of life).
    two_sided : bool, default True
        Both faces radiate (a deployed panel).
    orientation : str, default "edge-on"
        "edge-on": the panel's plane contains the Sun direction (no direct sunlight on either
        face) and it is rolled so one face looks as close to nadir as that allows: the most
        Earth IR and albedo an edge-on panel can see, i.e. the conservative hot case.
        "edge-on-vertical": plane contains the Sun and the local vertical (least Earth view).
        "zenith": face 1 faces zenith (use ``two_sided=False`` for a body-mounted radiator).
        See :func:`twin.thermal.radiator_face_geometry`.
    areal_mass_kg_per_m2 : float, default 5.0
        Panel mass per area [kg/m^2]: at least 5 kg/m^2 for heat-pipe or pumped-loop panels
        (NASA NTRS 19860036026); 5-10 typical.
    specific_heat_j_per_kg_k : float, default 900.0
        Specific heat of the panel [J/(kg K)] (aluminium, 0.90 kJ/(kg K)).
    """

    area_m2: float = 150.0
    emissivity: float = 0.90
    absorptivity: float = 0.12
    two_sided: bool = True
    orientation: str = "edge-on"
    areal_mass_kg_per_m2: float = 5.0
    specific_heat_j_per_kg_k: float = 900.0

    def __post_init__(self):
        _number(self, "area_m2", 0.0, lo_open=True, unit="m^2")
        _number(self, "emissivity", 0.0, 1.0, lo_open=True)
        _number(self, "absorptivity", 0.0, 1.0)
        _flag(self, "two_sided")
        _choice(self, "orientation", RADIATOR_ORIENTATIONS)
        _number(self, "areal_mass_kg_per_m2", 0.0, unit="kg/m^2")
        _number(self, "specific_heat_j_per_kg_k", 0.0, unit="J/(kg K)")

    @property
    def sides(self) -> int:
        """Number of radiating faces."""
        return 2 if self.two_sided else 1

    @property
    def mass_kg(self) -> float:
        """Panel mass [kg]."""
        return self.area_m2 * self.areal_mass_kg_per_m2

    @property
    def heat_capacity_j_per_k(self) -> float:
        """Panel heat capacity [J/K]."""
        return self.mass_kg * self.specific_heat_j_per_kg_k


@dataclass(frozen=True)
class ComputePayload(_Part):
    """GPU payload: GB300-class GPUs with their hosts on a liquid cooling loop.

    Attributes
    ----------
    gpus : int, default 64
        GPUs installed (0 allowed: a power-only satellite).
    gpu_power_w : float, default 1400.0
        Rated board power per GPU [W]: GB300 (Blackwell Ultra) 1,400 W (NVIDIA developer blog
        "Inside NVIDIA Blackwell Ultra").  At this power one GPU is one GB300-equivalent.
    host_power_w_per_gpu : float, default 400.0
        Host share per GPU: Grace CPU, NICs, switches, storage [W] (assumption: 0.3-0.5 kW from
        a GB300 NVL72 rack's 120-140 kW for 72 GPUs minus 72 x 1.4 kW).
    idle_fraction : float, default 0.12
        GPU idle power / rated power [1] (assumption: typical data-centre GPU idle 10-15 %).
    min_power_fraction : float, default 0.50
        Lowest per-GPU power cap before whole GPUs are switched off [1] (operating-policy
        assumption; throughput falls faster below ~50 %).  Must be in [idle_fraction, 1].
    max_gpu_temp_c : float, default 85.0
        GPU temperature limit [degC] (throttling begins around 85-90 C junction; vendor
        thermal specifications); the lower end is taken.
    thermal_resistance_k_per_w : float, default 0.03
        GPU junction-to-coolant resistance [K/W] (assumption: liquid cold plate and loop
        0.02-0.04 K/W for a 1-1.4 kW GPU, a 42 K rise at 1.4 kW).
    dvfs_exponent : float, default 3.0
        Exponent of dynamic power in the clock (P_dyn ~ f^3 with V ~ f); see
        :func:`twin.compute.throughput_fraction`, calibrated to ~80-90 % throughput at 60-70 %
        power (McDonald et al. 2022, arXiv:2205.09646; Zhao et al., SoCC 2023).
    """

    gpus: int = 64
    gpu_power_w: float = 1400.0
    host_power_w_per_gpu: float = 400.0
    idle_fraction: float = 0.12
    min_power_fraction: float = 0.50
    max_gpu_temp_c: float = 85.0
    thermal_resistance_k_per_w: float = 0.03
    dvfs_exponent: float = 3.0

    def __post_init__(self):
        _count(self, "gpus", 0)
        _number(self, "gpu_power_w", 0.0, lo_open=True, unit="W")
        _number(self, "host_power_w_per_gpu", 0.0, unit="W")
        _number(self, "idle_fraction", 0.0, 1.0, hi_open=True)
        _number(self, "min_power_fraction", self.idle_fraction, 1.0, lo_open=True,
                unit=f"(above idle_fraction={self.idle_fraction:g})")
        _number(self, "max_gpu_temp_c", -50.0, 150.0, unit="degC")
        _number(self, "thermal_resistance_k_per_w", 0.0, 1.0, lo_open=True, unit="K/W")
        _number(self, "dvfs_exponent", 1.0, 10.0, unit="(1 = linear, 3 = cubic)")
        coolant_k = self.max_gpu_temp_c + ZERO_C_K - self.thermal_resistance_k_per_w \
            * self.gpu_power_w
        if coolant_k <= 100.0:
            r_max = (self.max_gpu_temp_c + ZERO_C_K - 100.0) / self.gpu_power_w
            raise ValueError(
                f"ComputePayload.thermal_resistance_k_per_w={self.thermal_resistance_k_per_w!r}"
                f" is out of range; allowed: < {r_max:g} K/W (with gpu_power_w="
                f"{self.gpu_power_w:g} W and max_gpu_temp_c={self.max_gpu_temp_c:g} C the "
                "coolant would have to be below 100 K)")

    @property
    def max_gpu_temp_k(self) -> float:
        """GPU temperature limit [K]."""
        return self.max_gpu_temp_c + ZERO_C_K

    @property
    def full_power_w(self) -> float:
        """Payload power with every GPU at rated power, gpus * (gpu + host) [W]."""
        return self.gpus * (self.gpu_power_w + self.host_power_w_per_gpu)


@dataclass(frozen=True)
class Bus(_Part):
    """Spacecraft bus: housekeeping load, power regulation and the lumped thermal mass.

    Attributes
    ----------
    housekeeping_w : float, default 2000.0
        Housekeeping load (avionics, ADCS, comms, heaters, pumps) [W], served first
        (assumption: ~2 kW for a multi-tonne bus with a pumped loop).
    power_conversion_efficiency : float, default 0.95
        Array-to-bus regulation efficiency [1] (assumption: shunt/MPPT regulators 0.93-0.97).
    heat_capacity_j_per_k : float, default 1.0e6
        Heat capacity of the payload hardware, cold plates and coolant that share the
        radiator's temperature [J/K], added to the radiator panel's own (assumption: e.g.
        ~150 kg of coolant at ~4 kJ/(kg K) plus ~400 kg of aluminium-equivalent hardware).
    """

    housekeeping_w: float = 2000.0
    power_conversion_efficiency: float = 0.95
    heat_capacity_j_per_k: float = 1.0e6

    def __post_init__(self):
        _number(self, "housekeeping_w", 0.0, unit="W")
        _number(self, "power_conversion_efficiency", 0.0, 1.0, lo_open=True)
        _number(self, "heat_capacity_j_per_k", 0.0, unit="J/K")


_PARTS = {"solar": SolarArray, "battery": Battery, "radiator": Radiator,
          "compute": ComputePayload, "bus": Bus}


@dataclass(frozen=True)
class SatelliteDesign:
    """One satellite: solar array, battery, radiator, compute payload and bus.

    The defaults describe a plausible GB300 satellite sized like the public proposals
    (64 GPUs, ~100 kW of compute, a 400 m^2 array), for a LEO orbit with eclipses.

    Sizing arithmetic of the defaults
    ---------------------------------
    Load at full power: 64 x (1,400 W GPU + 400 W host) = 115.2 kW payload + 2.0 kW
    housekeeping = 117.2 kW on the bus.

    Array (400 m^2, sun-tracking): 400 m^2 x 0.90 packing x 0.30 x 1,361 W/m^2 = 147.0 kW DC
    at 28 C and 1 au.  In orbit the cells run hotter (radiative balance with alpha = 0.88,
    eps = 0.80 + 0.85, plus Earth IR and albedo on the back): about 44 C with the Sun on the
    horizon (e.g. dawn-dusk orbits) to 73 C with the Sun overhead at 550 km, i.e. -3.5 % to
    -9.9 %: 141.9 to 132.5 kW DC, 134.8 to 125.9 kW on the bus at 95 % regulation (2.7 % less
    at aphelion, early July).  That carries the 117.2 kW load in sunlight with 9-18 kW to spare
    for recharging the battery.

    Radiator (150 m^2, two-sided, edge-on): at the GPU limit, 85 C - 0.03 K/W x 1,400 W = 43 C
    = 316.15 K coolant, each m^2 of panel emits 2 x 0.90 x 5.670e-8 x 316.15^4 = 1,020 W.  The
    hot case of an edge-on panel at 500 km is the Sun 12 deg above the horizon (s_r = 0.21),
    where Earth IR and albedo on the near-nadir face add up to 188 W/m^2 (Earth IR alone with
    a nadir face: 0.90 x 237 x 0.862 = 184 W/m^2), leaving 832 W/m^2 net: 117.2 kW / 832 =
    141 m^2; 150 m^2 gives ~6 % margin and still suffices at 350 km (142 m^2 needed).

    Battery (64 kWh, 30 % DoD): 19.2 kWh usable x 0.97 = 18.6 kWh to the bus, which carries
    housekeeping plus a quarter of the payload, 2.0 + 0.25 x 115.2 = 30.8 kW, through a 36 min
    (0.6 h) eclipse, the longest at 400-550 km.  Cell mass 64 kWh / 200 Wh/kg = 320 kg.

    Thermal mass: 150 m^2 x 5 kg/m^2 x 900 J/(kg K) = 0.675 MJ/K panel + 1.0 MJ/K payload and
    coolant = 1.675 MJ/K, a time constant of ~15 min at full load.
    """

    solar: SolarArray = field(default_factory=SolarArray)
    battery: Battery = field(default_factory=Battery)
    radiator: Radiator = field(default_factory=Radiator)
    compute: ComputePayload = field(default_factory=ComputePayload)
    bus: Bus = field(default_factory=Bus)

    def __post_init__(self):
        for name, cls in _PARTS.items():
            value = getattr(self, name)
            if not isinstance(value, cls):
                raise TypeError(f"SatelliteDesign.{name} must be a {cls.__name__}, got "
                                f"{value!r} ({type(value).__name__})")

    @property
    def heat_capacity_j_per_k(self) -> float:
        """Lumped heat capacity of the radiator node: panel + bus payload hardware [J/K]."""
        return self.radiator.heat_capacity_j_per_k + self.bus.heat_capacity_j_per_k

    def replace(self, **parts) -> "SatelliteDesign":
        """A copy with some parts replaced.

        Each keyword is a part name (solar, battery, radiator, compute, bus) and its value either
        a new part object or a dict of that part's fields to change, e.g.
        ``design.replace(solar={"area_m2": 300.0}, compute=ComputePayload(gpus=32))``.
        """
        new = {}
        for name, value in parts.items():
            if name not in _PARTS:
                raise ValueError(f"unknown part {name!r}; valid parts: {', '.join(_PARTS)}")
            if isinstance(value, dict):
                current = getattr(self, name)
                valid = [f.name for f in fields(current)]
                for key in value:
                    if key not in valid:
                        raise ValueError(f"unknown key {key!r} in table [{name}]; valid keys: "
                                         f"{', '.join(valid)}")
                value = dataclasses.replace(current, **value)
            new[name] = value
        return dataclasses.replace(self, **new)

    def to_dict(self) -> dict:
        """Nested plain dicts {part: {field: value}} (tuples as lists), e.g. for TOML."""
        return {name: getattr(self, name).to_dict() for name in _PARTS}

    @classmethod
    def from_dict(cls, d: dict) -> "SatelliteDesign":
        """Build from nested dicts as written by :meth:`to_dict`; missing tables and keys take
        their defaults; an unknown table or key raises ``ValueError`` naming it, its table and
        the valid keys."""
        if not isinstance(d, dict):
            raise TypeError(f"design must be a dict of tables, got {type(d).__name__}")
        for key in d:
            if key not in _PARTS:
                raise ValueError(f"unknown key {key!r} in table [design]; valid keys: "
                                 f"{', '.join(_PARTS)}")
        parts = {}
        for name, part_cls in _PARTS.items():
            if name in d:
                sub = dict(d[name]) if isinstance(d[name], dict) else d[name]
                if isinstance(sub, dict) and isinstance(sub.get("normal_rsw"), list):
                    sub["normal_rsw"] = tuple(sub["normal_rsw"])
                parts[name] = part_cls.from_dict(sub, table=f"design.{name}")
        return cls(**parts)
