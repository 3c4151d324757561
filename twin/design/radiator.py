"""The radiator of the satellite design (:class:`Radiator`): panel, coating, fins and coolant
loop."""
from __future__ import annotations

from dataclasses import dataclass

from ephemeris.validation import (
    TableMixin,
    field_choice,
    field_flag,
    field_number,
)
from twin.models import thermal
from twin.models.thermal import RADIATOR_ORIENTATIONS


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
        field_number(self, "area_m2", 0.01, 1.0e6, unit="m^2")
        field_number(self, "emissivity", 0.0, 1.0, lo_open=True)
        field_number(self, "absorptivity", 0.0, 1.0)
        field_flag(self, "two_sided")
        field_choice(self, "orientation", RADIATOR_ORIENTATIONS)
        field_number(self, "areal_mass_kg_per_m2", 0.0, 100.0, unit="kg/m^2")
        field_number(self, "specific_heat_j_per_kg_k", 0.0, 1.0e4, unit="J/(kg K)")
        field_number(self, "fin_half_width_m", 0.0, 2.0, unit="m")
        field_number(self, "fin_thickness_m", 1e-5, 0.05, unit="m")
        field_number(self, "fin_conductivity_w_per_m_k", 1.0, 5000.0, unit="W/(m K)")
        field_number(self, "loop_delta_t_k", 0.0, 100.0, unit="K")
        field_number(self, "min_flow_fraction", 0.0, 1.0, lo_open=True)
        field_number(self, "array_view_factor", 0.0, float(self.sides),
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
