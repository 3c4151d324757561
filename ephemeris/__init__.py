"""Where things are: time grids, orbits, propagation, the Sun, the Earth's shadow.

This package never imports :mod:`twin`.
"""
from ephemeris.data import timescale, planets
from ephemeris.timegrid import TimeGrid, make_time_grid, parse_duration
from ephemeris.orbits import (
    ELEMENT_COLUMNS,
    element_table,
    walker,
    sun_synchronous_inclination_deg,
    sun_synchronous_inclination_j2_deg,
    raan_from_ltan_deg,
    ltan_hours,
    parse_ltan,
)
from ephemeris.propagate import propagate, PropagationError, PropagationWarning
from ephemeris.sun import sun_vectors
from ephemeris.shadow import sunlit_fraction, beta_angle_deg, eclipse_fraction_cylindrical
from ephemeris.geometry import geometry_dataset

__all__ = [
    "timescale", "planets", "TimeGrid", "make_time_grid", "parse_duration", "walker", "sun_synchronous_inclination_deg", "raan_from_ltan_deg", "ltan_hours",
    "parse_ltan", "propagate", "PropagationError", "sun_vectors", "sunlit_fraction",
    "beta_angle_deg", "eclipse_fraction_cylindrical",
]
