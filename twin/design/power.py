"""Power parts of the satellite design: the solar array (:class:`SolarArray`, with the array
drives it books, :data:`ARRAY_DRIVES`) and the battery (:class:`Battery`)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ephemeris.validation import (
    NUMBER_TYPES,
    TableMixin,
    field_choice,
    field_flag,
    field_number,
)
from twin.models.power import POINTING_MODES


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
        field_number(self, "area_m2", 0.0, 1.0e6, lo_open=True, unit="m^2")
        field_number(self, "efficiency", 0.0, 1.0, lo_open=True, hi_open=True)
        field_number(self, "temp_coeff_per_k", -0.02, 0.0, unit="1/K")
        field_number(self, "reference_temp_c", -150.0, 150.0, unit="degC")
        field_number(self, "degradation_per_year", 0.0, 1.0, hi_open=True, unit="1/yr")
        field_number(self, "years_in_orbit", 0.0, 100.0, unit="yr")
        field_choice(self, "pointing", POINTING_MODES)
        field_number(self, "absorptivity", 0.0, 1.0, lo_open=True)
        field_number(self, "emissivity_front", 0.0, 1.0, lo_open=True)
        field_number(self, "emissivity_back", 0.0, 1.0, lo_open=True)
        field_number(self, "packing_factor", 0.0, 1.0, lo_open=True)
        field_flag(self, "cover_glass_iam")
        for name in ("wiring_loss", "mismatch_loss", "uv_darkening_loss"):
            field_number(self, name, 0.0, 0.5)
        field_number(self, "pointing_error_deg", 0.0, 45.0, unit="deg")
        field_number(self, "radiation_factor", 0.0, 1.0, lo_open=True)
        if self.drive_power_w is not None:
            field_number(self, "drive_power_w", 0.0, 1.0e5, unit="W")
        if self.drive_mass_kg is not None:
            field_number(self, "drive_mass_kg", 0.0, 1.0e5, unit="kg")
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
        field_number(self, "capacity_wh", 0.0, 1.0e9, unit="Wh")
        field_number(self, "max_depth_of_discharge", 0.0, 1.0, lo_open=True)
        field_number(self, "charge_efficiency", 0.0, 1.0, lo_open=True)
        field_number(self, "discharge_efficiency", 0.0, 1.0, lo_open=True)
        field_number(self, "specific_energy_wh_per_kg", 0.0, 1000.0, lo_open=True, unit="Wh/kg")

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
