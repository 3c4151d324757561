"""The platform of the satellite design: the bus and its booked housekeeping (:class:`Bus`,
:data:`HOUSEKEEPING_ITEMS`) and electric propulsion (:class:`Propulsion`)."""
from __future__ import annotations

from dataclasses import dataclass

from ephemeris.validation import TableMixin, field_flag, field_number


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
            field_number(self, name, 0.0, 1.0e6, unit="W")
        field_number(self, "propulsion_w", 0.0, 1.0e6, unit="W")
        if self.housekeeping_w is not None:
            field_number(self, "housekeeping_w", 0.0, 1.0e6, unit="W")
        field_number(self, "power_conversion_efficiency", 0.0, 1.0, lo_open=True)
        field_number(self, "payload_dcdc_efficiency", 0.0, 1.0, lo_open=True)
        field_number(self, "bus_voltage_v", 1.0, 1.0e5, unit="V")
        field_number(self, "harness_resistance_ohm", 0.0, 100.0, unit="ohm")
        field_number(self, "heater_setpoint_c", -270.0, 100.0, unit="degC")
        field_number(self, "min_operating_temp_c", -271.0, self.heater_setpoint_c,
                unit=f"degC (at most heater_setpoint_c={self.heater_setpoint_c:g})")
        field_number(self, "min_survival_temp_c", -272.0, self.min_operating_temp_c,
                unit=f"degC (at most min_operating_temp_c={self.min_operating_temp_c:g})")
        field_number(self, "heat_capacity_j_per_k", 0.0, 1.0e12, unit="J/K")

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
        field_flag(self, "enabled")
        field_number(self, "isp_s", 50.0, 10000.0, unit="s")
        field_number(self, "thrust_power_w", 0.0, 1.0e6, lo_open=True, unit="W")
        field_number(self, "efficiency", 0.0, 1.0, lo_open=True)
        field_number(self, "propellant_kg", 0.0, 1.0e6, unit="kg")
        field_number(self, "tank_mass_fraction", 0.0, 2.0, unit="kg/kg")
        field_number(self, "thruster_mass_kg", 0.0, 1.0e5, unit="kg")

    @property
    def tank_kg(self) -> float:
        """Tank mass, propellant_kg * tank_mass_fraction [kg]."""
        return self.propellant_kg * self.tank_mass_fraction
