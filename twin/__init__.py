"""A digital twin of GPU-carrying satellite constellations.

The public API: build a :class:`Constellation` (each shell flies a :class:`SatelliteDesign`),
then :func:`geometry` (where every satellite is and how much Sun it sees) and :func:`simulate`
(what it does with it: power, battery, thermal, compute in GB300-equivalents).
"""
from ephemeris.events import eclipse_events
from ephemeris.propagate import PropagationError, PropagationWarning
from twin import economics, ground
from twin.claims import claims
from twin.compare import compare, compare_altitudes
from twin.constellation import Constellation, Shell
from twin.design import Battery, Bus, ComputePayload, Radiator, SatelliteDesign, SolarArray
from twin.scenario import Scenario
from twin.seasons import eclipse_season
from twin.simulate import SimulationResult, geometry, simulate

__version__ = "0.1.0"

__all__ = [
    "Constellation", "Shell", "SatelliteDesign", "SolarArray", "Battery", "Radiator",
    "ComputePayload", "Bus", "geometry", "simulate", "SimulationResult", "eclipse_events",
    "eclipse_season", "compare_altitudes", "compare", "Scenario", "PropagationError",
    "PropagationWarning", "claims", "economics", "ground", "__version__",
]
