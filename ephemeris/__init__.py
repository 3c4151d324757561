"""Where things are: time grids, orbits, propagation, the Sun, the Earth's shadow.

This package never depends on the :mod:`twin` package.
"""
from ephemeris.data import planets, timescale
from ephemeris.orbits import (
    ELEMENT_COLUMNS,
    element_table,
    ltan_hours,
    parse_ltan,
    raan_from_ltan_deg,
    sun_synchronous_inclination_deg,
    sun_synchronous_inclination_j2_deg,
    walker,
)
from ephemeris.propagate import PropagationError, PropagationWarning, propagate
from ephemeris.shadow import beta_angle_deg, eclipse_fraction_cylindrical, sunlit_fraction
from ephemeris.sun import sun_vectors
from ephemeris.timegrid import TimeGrid, make_time_grid, parse_duration

__all__ = [
    "ELEMENT_COLUMNS",
    "PropagationError",
    "PropagationWarning",
    "TimeGrid",
    "beta_angle_deg",
    "eclipse_fraction_cylindrical",
    "element_table",
    "ltan_hours",
    "make_time_grid",
    "parse_duration",
    "parse_ltan",
    "planets",
    "propagate",
    "raan_from_ltan_deg",
    "sun_synchronous_inclination_deg",
    "sun_synchronous_inclination_j2_deg",
    "sun_vectors",
    "sunlit_fraction",
    "timescale",
    "walker",
]
