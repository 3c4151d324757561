"""Satellite design: frozen dataclasses with sourced defaults and validation.

``SatelliteDesign`` = ``SolarArray`` + ``Battery`` + ``Radiator`` + ``ComputePayload`` + ``Bus``.
Every default names its source in the class docstring; where public sources are thin the
default is labelled an assumption and says what it rests on.  See docs/models.md for the
equations that use these numbers.

Validation happens in ``__post_init__``: a wrong type raises ``TypeError``, a value out of range
(or NaN/inf) raises ``ValueError`` naming ``Class.field``, the value and the allowed range,
e.g. ``SolarArray.area_m2=-3.0 is out of range; allowed: > 0 m^2``.

The parts live by job in :mod:`twin.design.power` (array, battery),
:mod:`twin.design.radiator`, :mod:`twin.design.payload` (compute) and
:mod:`twin.design.platform` (bus, propulsion); this module assembles them
(:class:`SatelliteDesign`) and re-exports every public name.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, fields

from twin.design.payload import THROUGHPUT_CURVES, ComputePayload
from twin.design.platform import HOUSEKEEPING_ITEMS, Bus, Propulsion
from twin.design.power import ARRAY_DRIVES, Battery, SolarArray
from twin.design.radiator import Radiator
from twin.models import thermal

__all__ = ["SatelliteDesign", "SolarArray", "Battery", "Radiator", "ComputePayload", "Bus",
           "Propulsion", "ARRAY_DRIVES", "HOUSEKEEPING_ITEMS", "THROUGHPUT_CURVES"]

_PARTS = {"solar": SolarArray, "battery": Battery, "radiator": Radiator,
          "compute": ComputePayload, "bus": Bus, "propulsion": Propulsion}


@dataclass(frozen=True)
class SatelliteDesign:
    """One satellite: solar array, battery, radiator, compute payload and bus.

    The defaults describe a GB300 satellite as a spacecraft engineer would book it (64 GPUs,
    ~115 kW of compute), sized for a LEO orbit with eclipses;
    :func:`twin.studies.sizing.radiator_sizing` checks the thermal numbers and docs/models.md
    section 7 walks through every one.

    Sizing arithmetic of the defaults
    ---------------------------------
    Load at full power: 64 x (1,400 W GPU + 400 W host) = 115.2 kW payload, / 0.97 DC-DC =
    118.8 kW on the bus, + 3.12 kW housekeeping (3.0 kW booked items + 0.12 kW array drives)
    = 121.9 kW delivered; the harness at 300 V and 0.007 ohm adds 1.16 kW: 123.0 kW drawn.

    Array (440 m^2, sun-tracking): 440 x 0.90 packing x 0.30 x 1,361 W/m^2 = 161.7 kW at 28 C
    and 1 au; x 0.941 for wiring, mismatch, UV darkening and pointing error.  The cells run at
    about 44 C with the Sun on the horizon (dawn-dusk) to 73 C with the Sun overhead at 550 km
    (-3.5 % to -9.9 %): 146.8 to 137.0 kW DC, 139.4 to 130.2 kW on the bus at 95 %
    regulation, which carries the 123.0 kW load in any LEO sunlight with 7-16 kW to recharge.

    Radiator (250 m^2, two-sided, edge-on): with a GPU at its 85 C limit at full power, the
    panel root is 85 - 0.03 x 1,400 - 10 K loop drop = 33 C (306.15 K); the fin efficiency there
    is 0.89, so each m^2 emits 2 x 0.89 x 0.88 x sigma x 306.15^4 = 780 W/m^2.  In the hot case
    at 650 km (Earth IR 265 W/m^2, albedo 0.38, perihelion Sun, worst Sun elevation 26 deg) it
    absorbs 266 W/m^2, 50 of them from the back of the array: 514 W/m^2 net, 1.94 m^2 per kW;
    the 121.9 kW that reach the loop need 237 m^2, and 250 m^2 leaves 5.5 % margin.

    Battery (68 kWh, 30 % DoD): 20.4 kWh usable x 0.97 = 19.8 kWh to the bus, which carries
    housekeeping plus a quarter of the payload, 3.1 + 0.25 x 118.8 = 32.8 kW, through a 36 min
    (0.6 h) eclipse, the longest at 400-550 km.  Cell mass 68 kWh / 200 Wh/kg = 340 kg.  In
    the cold case (eclipse, payload off, radiator turned down to 10 %) the loop heaters draw
    about 7.8 kW on top of housekeeping.

    Thermal mass: 250 m^2 x 5 kg/m^2 x 900 J/(kg K) = 1.125 MJ/K panel + 1.0 MJ/K payload and
    coolant = 2.125 MJ/K, a time constant of ~14 min at full load.
    """

    solar: SolarArray = field(default_factory=SolarArray)
    battery: Battery = field(default_factory=Battery)
    radiator: Radiator = field(default_factory=Radiator)
    compute: ComputePayload = field(default_factory=ComputePayload)
    bus: Bus = field(default_factory=Bus)
    propulsion: Propulsion = field(default_factory=Propulsion)

    def __post_init__(self):
        for name, cls in _PARTS.items():
            value = getattr(self, name)
            if not isinstance(value, cls):
                raise TypeError(f"SatelliteDesign.{name} must be a {cls.__name__}, got "
                                f"{value!r} ({type(value).__name__})")

    @property
    def housekeeping_total_w(self) -> float:
        """Housekeeping load on the bus [W]: the bus's booked items (or its
        ``housekeeping_w`` override) + the array drive + average propulsion power."""
        return self.bus.housekeeping_base_w + self.solar.drive_power_booked_w \
            + self.bus.propulsion_w

    @property
    def gpu_path_resistance_k_per_w(self) -> float:
        """GPU junction to radiator root, per watt of one GPU [K/W]:
        ``thermal_resistance_k_per_w + loop_delta_t_k / gpu_power_w``."""
        return (self.compute.thermal_resistance_k_per_w
                + self.radiator.loop_delta_t_k / self.compute.gpu_power_w)

    @property
    def radiator_root_limit_k(self) -> float:
        """Radiator root temperature at which a GPU at rated power sits at its limit [K]."""
        return self.compute.max_gpu_temp_k - self.gpu_path_resistance_k_per_w \
            * self.compute.gpu_power_w

    @property
    def radiator_fin_efficiency(self) -> float:
        """The radiator's fin efficiency at :attr:`radiator_root_limit_k` (the hot design
        point; it rises slightly as the panel cools) [1]."""
        return self.radiator.fin_efficiency(self.radiator_root_limit_k)

    @property
    def radiating_w_per_k4(self) -> float:
        """k = eta_fin eps sigma A sides of the radiator [W/K^4]."""
        r = self.radiator
        return float(thermal.radiating_conductance_w_per_k4(r.area_m2, r.emissivity, r.sides,
                                                            self.radiator_fin_efficiency))

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
