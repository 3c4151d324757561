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

from ephemeris.validation import (
    NUMBER_TYPES,
    TableMixin,
    field_choice,
    field_count,
    field_flag,
    field_number,
)
from twin.models import thermal
from twin.models.power import POINTING_MODES
from twin.models.thermal import RADIATOR_ORIENTATIONS, ZERO_C_K

_number, _choice, _count, _flag = field_number, field_choice, field_count, field_flag


# --- parts -------------------------------------------------------------------------------------
#: The workload's power-to-throughput curves (:attr:`ComputePayload.throughput_curve`).
THROUGHPUT_CURVES = ("dvfs", "linear")

@dataclass(frozen=True)
class SolarArray(TableMixin):
    """Solar array (triple-junction cells on a blanket).

    Attributes
    ----------
    area_m2 : float, default 440.0
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
    wiring_loss : float, default 0.02
        Resistive loss in the array's string wiring, blocking diodes and slip rings, as a
        fraction of the cells' power [1] (M. R. Patel, *Spacecraft Power Systems*, CRC 2005,
        ch. 4: 1-3 % booked; SMAD 3rd ed. Table 11-34 design factors).
    mismatch_loss : float, default 0.02
        Cell-to-cell and string mismatch loss [1] (Patel 2005: 1-3 %).
    uv_darkening_loss : float, default 0.02
        Darkening of cover glass and adhesive by ultraviolet light, early in life [1] (Patel
        2005 and SMAD Table 11-34: 1-3 %; non-radiation, so it is booked here and not by the
        lifetime's radiation damage).
    pointing_error_deg : float, default 2.0
        Sun-pointing error of the array [deg]; the power falls by cos(error) (assumption:
        1-3 deg for large flexible arrays; small for sun-tracking, a real term for body-fixed).
    radiation_factor : float, default 1.0
        Remaining power fraction after radiation displacement damage [1] (1 = beginning of
        life; :func:`twin.lifetime` sets it from the fluence it computes).

    drive_power_w : float or None, default None
        Average power of the array drive mechanisms [W], booked into housekeeping; None takes
        the value for the pointing mode from :data:`ARRAY_DRIVES` (120 W sun-tracking, 60 W
        single-axis, 0 body-fixed).
    drive_mass_kg : float or None, default None
        Mass of the drive mechanisms [kg], booked into the mass model; None takes it from
        :data:`ARRAY_DRIVES` (160, 90, 0 kg).
    """

    area_m2: float = 440.0
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
    wiring_loss: float = 0.02
    mismatch_loss: float = 0.02
    uv_darkening_loss: float = 0.02
    pointing_error_deg: float = 2.0
    radiation_factor: float = 1.0
    drive_power_w: float | None = None
    drive_mass_kg: float | None = None

    def __post_init__(self):
        _number(self, "area_m2", 0.0, 1.0e6, lo_open=True, unit="m^2")
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
        for name in ("wiring_loss", "mismatch_loss", "uv_darkening_loss"):
            _number(self, name, 0.0, 0.5)
        _number(self, "pointing_error_deg", 0.0, 45.0, unit="deg")
        _number(self, "radiation_factor", 0.0, 1.0, lo_open=True)
        if self.drive_power_w is not None:
            _number(self, "drive_power_w", 0.0, 1.0e5, unit="W")
        if self.drive_mass_kg is not None:
            _number(self, "drive_mass_kg", 0.0, 1.0e5, unit="kg")
        n = self.normal_rsw
        if isinstance(n, (str, bytes)) or not hasattr(n, "__len__") or len(n) != 3:
            raise TypeError(f"SolarArray.normal_rsw must be a sequence of 3 numbers, got {n!r}")
        comps = []
        for i, c in enumerate(n):
            if isinstance(c, (bool, np.bool_)) or not isinstance(c, NUMBER_TYPES):
                raise TypeError(f"SolarArray.normal_rsw[{i}] must be a number, got {c!r} "
                                f"({type(c).__name__})")
            if not math.isfinite(float(c)):
                raise ValueError(f"SolarArray.normal_rsw[{i}]={c!r} is out of range; "
                                 "allowed: finite")
            comps.append(float(c))
        big = max(abs(c) for c in comps)          # scaled: 1e308 components must not overflow
        if big == 0.0:
            raise ValueError(f"SolarArray.normal_rsw={tuple(n)!r} is out of range; allowed: a "
                             "non-zero 3-vector (radial, along-track, orbit normal)")
        norm = math.sqrt(sum((c / big) ** 2 for c in comps))
        object.__setattr__(self, "normal_rsw", tuple(c / big / norm for c in comps))
        if self.packing_factor * self.efficiency >= self.absorptivity:
            raise ValueError(
                f"SolarArray.absorptivity={self.absorptivity!r} is out of range; allowed: > "
                f"packing_factor x efficiency = {self.packing_factor * self.efficiency:g} (the "
                "array cannot deliver more power than it absorbs)")

    @property
    def degradation_factor(self) -> float:
        """Remaining efficiency fraction with age: (1 - degradation_per_year) **
        years_in_orbit x radiation_factor [1]."""
        return (1.0 - self.degradation_per_year) ** self.years_in_orbit * self.radiation_factor

    @property
    def loss_factor(self) -> float:
        """Non-radiation losses between the cells and the array's output [1]:
        (1 - wiring) (1 - mismatch) (1 - UV darkening) cos(pointing error)."""
        return ((1.0 - self.wiring_loss) * (1.0 - self.mismatch_loss)
                * (1.0 - self.uv_darkening_loss) * math.cos(math.radians(self.pointing_error_deg)))

    @property
    def drive_power_booked_w(self) -> float:
        """Array drive power booked [W]: ``drive_power_w``, or :data:`ARRAY_DRIVES` for the
        pointing mode."""
        if self.drive_power_w is not None:
            return float(self.drive_power_w)
        return ARRAY_DRIVES[self.pointing][0]

    @property
    def drive_mass_booked_kg(self) -> float:
        """Array drive mass booked [kg]: ``drive_mass_kg``, or :data:`ARRAY_DRIVES`."""
        if self.drive_mass_kg is not None:
            return float(self.drive_mass_kg)
        return ARRAY_DRIVES[self.pointing][1]


#: Array drive mechanisms booked per pointing mode: (average power [W], mass [kg]) for two
#: wings of a ~150 kW array.  Assumption scaled from published solar-array drive assemblies:
#: a SADM for 10-20 kW GEO arrays weighs 8-15 kg and draws 10-20 W while stepping (Airbus
#: SADM, Moog Type 33/Type 5 data sheets); a ~75 kW wing needs a larger one (ISS beta gimbal
#: assemblies carry ~30 kW each).  Sun-tracking needs two axes per wing (a second, smaller
#: drive for the beta angle), single-axis one per wing, body-fixed none.
ARRAY_DRIVES = {"sun-tracking": (120.0, 160.0), "single-axis": (60.0, 90.0),
                "body-fixed": (0.0, 0.0)}


@dataclass(frozen=True)
class Battery(TableMixin):
    """Li-ion battery.

    Attributes
    ----------
    capacity_wh : float, default 68000.0
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

    capacity_wh: float = 68000.0
    max_depth_of_discharge: float = 0.30
    charge_efficiency: float = 0.97
    discharge_efficiency: float = 0.97
    specific_energy_wh_per_kg: float = 200.0

    def __post_init__(self):
        _number(self, "capacity_wh", 0.0, 1.0e9, unit="Wh")
        _number(self, "max_depth_of_discharge", 0.0, 1.0, lo_open=True)
        _number(self, "charge_efficiency", 0.0, 1.0, lo_open=True)
        _number(self, "discharge_efficiency", 0.0, 1.0, lo_open=True)
        _number(self, "specific_energy_wh_per_kg", 0.0, 1000.0, lo_open=True, unit="Wh/kg")

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
class Radiator(TableMixin):
    """Deployable radiator panel on the payload's pumped cooling loop.

    Attributes
    ----------
    area_m2 : float, default 250.0
        Panel area, one side [m^2]; sized in :class:`SatelliteDesign`.
    emissivity : float, default 0.88
        IR emissivity at end of life: white silicate paint 0.90 at beginning of life
        (Fortescue et al., *Spacecraft Systems Engineering*, Table 11.3); white paints lose
        0.01-0.03 in LEO (Gilmore 2002, ch. 4), so 0.88 is booked.
    absorptivity : float, default 0.25
        Solar absorptivity at end of life: white silicate paint is 0.12-0.17 new (same table)
        and degrades under UV and atomic oxygen to about 0.2-0.3 after 5-7 years in LEO (Gilmore
        2002, ch. 4, degradation of white paints; LDEF results for Z-93 and S13G-LO), so 0.25 is
        booked; optical solar reflectors go from ~0.07 to ~0.10-0.15.  An edge-on radiator
        absorbs only albedo, so this matters mostly for the "zenith" orientation.
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
    fin_half_width_m : float, default 0.075
        Half the pitch of the coolant tubes or heat pipes in the panel: the fin length [m]
        (assumption: 0.1-0.2 m pitch is usual for pumped-loop and heat-pipe panels; Gilmore
        2002, ch. 6).
    fin_thickness_m : float, default 0.001
        Conducting thickness of the panel's face sheets [m] (assumption: two 0.5 mm aluminium
        face sheets on a honeycomb core).
    fin_conductivity_w_per_m_k : float, default 170.0
        Conductivity of the face sheets [W/(m K)] (aluminium 6061-T6, 167 W/(m K)).
        With the two fields above, the fin efficiency is 0.88 at 306 K
        (:func:`twin.models.thermal.fin_efficiency`).
    loop_delta_t_k : float, default 10.0
        Temperature drop at full GPU power from the coolant at the cold plates, through the
        loop and an interface heat exchanger, to the radiator panel's root [K] (assumption:
        the coolant's rise across the cold plates plus a heat-exchanger approach of 5-10 K;
        ISS runs its internal water loop ~12-15 K above its external ammonia loop).  It scales
        with the GPU's power, so it is added to ``ComputePayload.thermal_resistance_k_per_w``
        as ``loop_delta_t_k / gpu_power_w``.
    array_view_factor : float, default 0.10
        View factor from the radiator to the back of the solar array, summed over its
        radiating faces [1].  An edge-on radiator in a dawn-dusk attitude stands perpendicular
        to the array: a 15 x 10 m panel sharing a 15 m edge with a 13 m half-wing would see
        0.25 per face (Howell C-14,
        :func:`twin.models.thermal.perpendicular_plates_view_factor`); standing the radiator
        off on a boom so it sees the array near grazing brings that down; 0.05 per face is an
        assumption.  The array back radiates at the cell temperature.
    min_flow_fraction : float, default 0.10
        Turn-down of the radiator when the loop runs cold: a bypass valve (or
        variable-conductance heat pipes) takes the radiator down to this fraction of its
        effective area before heaters are needed [1] (assumption: bypass and flow-control
        valves as on the ISS external loops; variable-conductance heat pipes reach about 10:1
        turn-down, Gilmore 2002, ch. 13-14).  1 means no turn-down: the heaters must then hold
        the whole panel warm.
    """

    area_m2: float = 250.0
    emissivity: float = 0.88
    absorptivity: float = 0.25
    two_sided: bool = True
    orientation: str = "edge-on"
    areal_mass_kg_per_m2: float = 5.0
    specific_heat_j_per_kg_k: float = 900.0
    fin_half_width_m: float = 0.075
    fin_thickness_m: float = 0.001
    fin_conductivity_w_per_m_k: float = 170.0
    loop_delta_t_k: float = 10.0
    array_view_factor: float = 0.10
    min_flow_fraction: float = 0.10

    def __post_init__(self):
        _number(self, "area_m2", 0.01, 1.0e6, unit="m^2")
        _number(self, "emissivity", 0.0, 1.0, lo_open=True)
        _number(self, "absorptivity", 0.0, 1.0)
        _flag(self, "two_sided")
        _choice(self, "orientation", RADIATOR_ORIENTATIONS)
        _number(self, "areal_mass_kg_per_m2", 0.0, 100.0, unit="kg/m^2")
        _number(self, "specific_heat_j_per_kg_k", 0.0, 1.0e4, unit="J/(kg K)")
        _number(self, "fin_half_width_m", 0.0, 2.0, unit="m")
        _number(self, "fin_thickness_m", 1e-5, 0.05, unit="m")
        _number(self, "fin_conductivity_w_per_m_k", 1.0, 5000.0, unit="W/(m K)")
        _number(self, "loop_delta_t_k", 0.0, 100.0, unit="K")
        _number(self, "min_flow_fraction", 0.0, 1.0, lo_open=True)
        _number(self, "array_view_factor", 0.0, float(self.sides),
                unit=f"(at most one per radiating face, sides={self.sides})")

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

    def fin_efficiency(self, root_temp_k: float) -> float:
        """Fin efficiency of the panel at a root temperature [1]
        (:func:`twin.models.thermal.fin_efficiency`)."""
        return float(thermal.fin_efficiency(self.fin_half_width_m, self.fin_thickness_m,
                                            self.fin_conductivity_w_per_m_k, self.emissivity,
                                            self.sides, float(root_temp_k)))


@dataclass(frozen=True)
class ComputePayload(TableMixin):
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
    throughput_curve : str, default "dvfs"
        The workload's power-to-throughput curve: "dvfs" (compute-bound work such as dense
        training: the DVFS curve with ``dvfs_exponent``; 20 % less power costs ~7 % of
        throughput) or "linear" (memory- or interconnect-bound work, whose throughput does
        not recover what a lower clock saves: throughput falls in proportion to the power
        above idle, i.e. the same curve with exponent 1; 20 % less power costs ~23 %).
    shield_mm : float, default 2.0
        Aluminium-equivalent shield around the compute payload [mm], for the ionising dose
        (:mod:`twin.models.radiation`) and the shield mass (assumption: 2 mm is the usual
        equipment-box reference, e.g. the ESA SWE total-dose indicator uses 0.5 + 1.5 mm).
    spare_gpus : int, default 0
        Cold-spare GPUs carried beyond ``gpus`` that replace failed ones (no repair in orbit;
        :mod:`twin.models.attrition`); they add mass and cost.  0: a design choice to make.
    """

    gpus: int = 64
    gpu_power_w: float = 1400.0
    host_power_w_per_gpu: float = 400.0
    idle_fraction: float = 0.12
    min_power_fraction: float = 0.50
    max_gpu_temp_c: float = 85.0
    thermal_resistance_k_per_w: float = 0.03
    dvfs_exponent: float = 3.0
    throughput_curve: str = "dvfs"
    shield_mm: float = 2.0
    spare_gpus: int = 0

    def __post_init__(self):
        _count(self, "gpus", 0, 1_000_000)
        _number(self, "gpu_power_w", 0.0, 1.0e5, lo_open=True, unit="W")
        _number(self, "host_power_w_per_gpu", 0.0, 1.0e5, unit="W")
        _number(self, "shield_mm", 0.0, 100.0, unit="mm")
        _count(self, "spare_gpus", 0, 1_000_000)
        _number(self, "idle_fraction", 0.0, 1.0, hi_open=True)
        _number(self, "min_power_fraction", self.idle_fraction, 1.0, lo_open=True,
                unit=f"(above idle_fraction={self.idle_fraction:g})")
        _number(self, "max_gpu_temp_c", -50.0, 150.0, unit="degC")
        _number(self, "thermal_resistance_k_per_w", 0.0, 1.0, lo_open=True, unit="K/W")
        _number(self, "dvfs_exponent", 1.0, 10.0, unit="(1 = linear, 3 = cubic)")
        _choice(self, "throughput_curve", THROUGHPUT_CURVES)
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
    def throughput_exponent(self) -> float:
        """Exponent of the power-to-throughput curve in use: ``dvfs_exponent`` for "dvfs",
        1 for "linear"."""
        return 1.0 if self.throughput_curve == "linear" else self.dvfs_exponent

    @property
    def full_power_w(self) -> float:
        """Payload power with every GPU at rated power, gpus * (gpu + host) [W]."""
        return self.gpus * (self.gpu_power_w + self.host_power_w_per_gpu)


@dataclass(frozen=True)
class Bus(TableMixin):
    """Spacecraft bus: housekeeping loads, power regulation and distribution, and the lumped
    thermal mass.

    The housekeeping load is booked item by item for a ~10 t, ~120 kW compute satellite
    (a multi-tonne bus with momentum devices, pumped cooling loops and optical crosslinks);
    every item is a field, the total (3.0 kW by default) is :attr:`housekeeping_total_w`.

    Attributes
    ----------
    adcs_w : float, default 600.0
        Attitude control with momentum devices: reaction wheels or control-moment gyros
        sized for a ~10 t spacecraft with a 400 m^2 array, star trackers, gyros, magnetic
        torquers [W] (assumption: large reaction wheels draw 50-150 W each in steady state,
        CMGs 100-300 W each; Wertz & Larson, *Space Mission Analysis and Design*, 3rd ed.,
        Table 11-13).
    avionics_w : float, default 300.0
        Command and data handling, TT&C transponders and payload control computers [W]
        (SMAD Table 10-9 gives 100-300 W for large buses; upper end for a data-centre
        payload's management network).
    pumps_w : float, default 1000.0
        Pumps of the pumped fluid loops that carry ~120 kW to the radiators [W]: about 1 % of
        the heat carried (assumption, from ISS external active thermal control: a ~1 kW pump
        module per ~35 kW loop, NASA ISS EATCS fact sheets; modern pumps are more
        efficient, hence 1 % rather than 3 %).
    laser_terminals_w : float, default 600.0
        Optical inter-satellite link terminals: 4 terminals x 150 W [W] (Tesat LCT-135:
        ~160 W; SDA Tranche-1 optical terminals 100-150 W; see docs/models.md).
    thermal_control_w : float, default 300.0
        Bus (not payload-loop) survival and operational heaters, always on in the budget [W]
        (assumption: 2-5 % of a large bus's housekeeping load; the payload loop's eclipse
        heaters are computed, see :attr:`heater_setpoint_c`).
    power_electronics_w : float, default 200.0
        Quiescent draw of the power control and distribution unit [W] (assumption: ~0.2 % of
        the power handled).
    propulsion_w : float, default 0.0
        Average electric-propulsion power drawn for station keeping [W] (thrust power x duty
        cycle).  0 for a single-orbit run; :func:`twin.lifetime` sets it from the drag it
        computes.
    housekeeping_w : float or None, default None
        Total housekeeping override [W]: None (default) books the items above; a number
        replaces the sum of ``adcs_w`` .. ``power_electronics_w`` (the array drive and
        ``propulsion_w`` are still added).
    power_conversion_efficiency : float, default 0.95
        Array-to-bus regulation efficiency [1] (shunt/MPPT regulators 0.93-0.97;
        SMAD ch. 11).
    payload_dcdc_efficiency : float, default 0.97
        DC-DC conversion from the bus to the payload's voltage (e.g. a high-voltage bus down
        to the 48-54 V rack bus) [1] (data-centre 800 V / 48 V converters reach 97-98 %;
        Vicor and NVIDIA 800 VDC architecture notes, 2025); applied to payload power only.
    bus_voltage_v : float, default 300.0
        Main bus voltage [V] (assumption: a 100 kW-class bus needs a high-voltage bus; ISS
        runs 160 V primary / 124.5 V secondary; 300 V is in the range studied for high-power
        spacecraft by NASA Glenn).
    harness_resistance_ohm : float, default 0.007
        Round-trip resistance of the main distribution harness [ohm]; the loss is
        I^2 R with I = P / V: 0.007 ohm at 300 V gives 1.0 % at the 117 kW design load
        (assumption: harness losses are booked at 1-2 % of the power carried; SMAD ch. 11).
    heater_setpoint_c : float, default 5.0
        Temperature the payload cooling loop (the radiator node) is held above by heaters
        drawn from the bus [degC] (assumption: a propylene-glycol/water loop, which freezes
        near -10 C for a 25 % mix, kept above the GPUs' minimum operating temperature with
        margin; ASHRAE TC 9.9 liquid-cooling guidelines give 2-45 C coolant supply).
    min_operating_temp_c : float, default 0.0
        Lowest loop temperature at which the payload may run [degC] (assumption: commercial
        electronics are rated 0-70 C operating); time below it is reported.
    min_survival_temp_c : float, default -10.0
        Lowest survival temperature of the loop [degC]: freezing of a 25 % propylene-glycol
        coolant (ASHRAE Handbook - Fundamentals, ch. 31); time below it is reported.
    heat_capacity_j_per_k : float, default 1.0e6
        Heat capacity of the payload hardware, cold plates and coolant that share the
        radiator's temperature [J/K], added to the radiator panel's own (assumption: e.g.
        ~150 kg of coolant at ~4 kJ/(kg K) plus ~400 kg of aluminium-equivalent hardware).
    """

    adcs_w: float = 600.0
    avionics_w: float = 300.0
    pumps_w: float = 1000.0
    laser_terminals_w: float = 600.0
    thermal_control_w: float = 300.0
    power_electronics_w: float = 200.0
    propulsion_w: float = 0.0
    housekeeping_w: float | None = None
    power_conversion_efficiency: float = 0.95
    payload_dcdc_efficiency: float = 0.97
    bus_voltage_v: float = 300.0
    harness_resistance_ohm: float = 0.007
    heater_setpoint_c: float = 5.0
    min_operating_temp_c: float = 0.0
    min_survival_temp_c: float = -10.0
    heat_capacity_j_per_k: float = 1.0e6

    def __post_init__(self):
        for name in HOUSEKEEPING_ITEMS:
            _number(self, name, 0.0, 1.0e6, unit="W")
        _number(self, "propulsion_w", 0.0, 1.0e6, unit="W")
        if self.housekeeping_w is not None:
            _number(self, "housekeeping_w", 0.0, 1.0e6, unit="W")
        _number(self, "power_conversion_efficiency", 0.0, 1.0, lo_open=True)
        _number(self, "payload_dcdc_efficiency", 0.0, 1.0, lo_open=True)
        _number(self, "bus_voltage_v", 1.0, 1.0e5, unit="V")
        _number(self, "harness_resistance_ohm", 0.0, 100.0, unit="ohm")
        _number(self, "heater_setpoint_c", -270.0, 100.0, unit="degC")
        _number(self, "min_operating_temp_c", -271.0, self.heater_setpoint_c,
                unit=f"degC (at most heater_setpoint_c={self.heater_setpoint_c:g})")
        _number(self, "min_survival_temp_c", -272.0, self.min_operating_temp_c,
                unit=f"degC (at most min_operating_temp_c={self.min_operating_temp_c:g})")
        _number(self, "heat_capacity_j_per_k", 0.0, 1.0e12, unit="J/K")

    @property
    def housekeeping_items_w(self) -> dict:
        """The booked housekeeping items {field: W} (without array drive and propulsion)."""
        return {name: getattr(self, name) for name in HOUSEKEEPING_ITEMS}

    @property
    def housekeeping_base_w(self) -> float:
        """``housekeeping_w`` if given, else the sum of the booked items [W]."""
        if self.housekeeping_w is not None:
            return float(self.housekeeping_w)
        return float(sum(self.housekeeping_items_w.values()))


#: The booked housekeeping items of :class:`Bus`, in the order of its breakdown.
HOUSEKEEPING_ITEMS = ("adcs_w", "avionics_w", "pumps_w", "laser_terminals_w",
                      "thermal_control_w", "power_electronics_w")


@dataclass(frozen=True)
class Propulsion(TableMixin):
    """Electric propulsion for station keeping (:mod:`twin.models.propulsion`).

    Attributes
    ----------
    enabled : bool, default True
        Hold the altitude against drag while propellant lasts; False lets the orbit decay.
    isp_s : float, default 2500.0
        Specific impulse [s]: Starlink V2-mini argon Hall thruster, 2,500 s (SpaceX technical
        update, Feb 2023); Hall thrusters 1,200-3,000 s (Goebel & Katz 2008).
    thrust_power_w : float, default 4200.0
        Electric power while firing [W] (same source: 4.2 kW, 170 mN).
    efficiency : float, default 0.50
        Thruster efficiency F g0 Isp / (2 P) [1]: 0.50 for the source's 170 mN at 4.2 kW and
        2,500 s; SPT-100 0.48 (Goebel & Katz 2008, Table 7-1).
    propellant_kg : float, default 100.0
        Propellant loaded [kg] (assumption: five years at 500-550 km under moderate solar
        activity, ~10 kg/yr for the default satellite, with a 2x margin).
    tank_mass_fraction : float, default 0.15
        Tank mass per kg of propellant [1] (assumption: composite-overwrapped xenon/krypton
        tanks 0.1-0.2).
    thruster_mass_kg : float, default 25.0
        Thruster, power-processing unit and feed system [kg] (assumption: ~6 kg/kW for a 4 kW
        Hall system).
    """

    enabled: bool = True
    isp_s: float = 2500.0
    thrust_power_w: float = 4200.0
    efficiency: float = 0.50
    propellant_kg: float = 100.0
    tank_mass_fraction: float = 0.15
    thruster_mass_kg: float = 25.0

    def __post_init__(self):
        _flag(self, "enabled")
        _number(self, "isp_s", 50.0, 10000.0, unit="s")
        _number(self, "thrust_power_w", 0.0, 1.0e6, lo_open=True, unit="W")
        _number(self, "efficiency", 0.0, 1.0, lo_open=True)
        _number(self, "propellant_kg", 0.0, 1.0e6, unit="kg")
        _number(self, "tank_mass_fraction", 0.0, 2.0, unit="kg/kg")
        _number(self, "thruster_mass_kg", 0.0, 1.0e5, unit="kg")

    @property
    def tank_kg(self) -> float:
        """Tank mass, propellant_kg * tank_mass_fraction [kg]."""
        return self.propellant_kg * self.tank_mass_fraction


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
