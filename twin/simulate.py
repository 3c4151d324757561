"""The orchestrator: a constellation and a time grid in, labelled results out."""
from __future__ import annotations

import xarray as xr

from ephemeris.geometry import geometry_dataset
from ephemeris.timegrid import make_time_grid
from twin.constellation import Constellation


def _check_constellation(constellation):
    if not isinstance(constellation, Constellation):
        raise TypeError(f"constellation must be a twin.Constellation, got "
                        f"{type(constellation).__name__}")
    if len(constellation) == 0:
        raise ValueError("constellation is empty: add at least one shell with a satellite")


def geometry(constellation, start, duration, step, *, workers=None) -> xr.Dataset:
    """Where every satellite is and how much of the Sun it sees, at every step.

    Parameters
    ----------
    constellation : Constellation
    start : str or datetime
        UTC start, ISO 8601 ("2027-06-21", "2027-06-21T00:00:00Z").
    duration, step : str or timedelta
        Such as "1 day", "90 min", "60 s".
    workers : int, optional
        Processes to use (default: all cores; small runs stay in-process).

    Returns
    -------
    xarray.Dataset with dims ``sat`` and ``time``: ``sunlit_fraction``, ``beta_deg``,
    ``lat_deg``, ``lon_deg``, ``alt_km``, ``position_km`` (GCRS, dim ``xyz``), ``sun_rsw``,
    ``valid`` and ``sun_distance_au`` (per time); each satellite's SGP4 elements as ``sat``
    coordinates, so :func:`twin.eclipse_events` can re-propagate.
    """
    _check_constellation(constellation)
    grid = make_time_grid(start, duration, step)
    elements = constellation.resolved(grid.start)
    return geometry_dataset(elements, grid, workers=workers)
