"""Ground stations: a small bundled list and readers for the user's CSV or TOML.

A station table is a ``pandas.DataFrame`` with columns :data:`STATION_COLUMNS`: ``name``,
``lat_deg`` [-90, 90], ``lon_deg`` [-180, 360), ``alt_m`` (metres above the WGS84 ellipsoid,
-500 to 9000) and ``min_elevation_deg`` (the elevation mask, [0, 90]).

The bundled sites (:data:`BUNDLED_STATIONS`) are well-known commercial and agency ground
stations that serve polar and sun-synchronous orbits; coordinates rounded to 0.01 deg from the
operators' public site descriptions (KSAT, SSC, NASA Near Space Network, ESA ESTRACK), heights
approximate, and a 5 deg mask (assumption; operators use 0-10 deg).
"""
from __future__ import annotations

import os
import tomllib

import pandas as pd

from ephemeris.validation import check_number

STATION_COLUMNS = ["name", "lat_deg", "lon_deg", "alt_m", "min_elevation_deg"]

#: (name, lat, lon, alt_m, mask): see the module docstring for sources.
BUNDLED_STATIONS = [
    ("Svalbard", 78.23, 15.41, 500.0, 5.0),        # KSAT SvalSat
    ("TrollSat", -72.01, 2.53, 1270.0, 5.0),       # KSAT, Antarctica
    ("Kiruna", 67.86, 20.96, 400.0, 5.0),          # SSC Esrange / ESA
    ("Inuvik", 68.32, -133.55, 100.0, 5.0),        # SSC / Canada
    ("Fairbanks", 64.86, -147.85, 300.0, 5.0),     # NASA NSN / SSC
    ("Wallops", 37.94, -75.46, 10.0, 5.0),         # NASA NSN
    ("Matera", 40.65, 16.70, 540.0, 5.0),          # ASI
    ("Hartebeesthoek", -25.89, 27.69, 1550.0, 5.0),  # SANSA / KSAT
    ("Santiago", -33.15, -70.67, 700.0, 5.0),      # SSC
    ("Awarua", -46.53, 168.38, 10.0, 5.0),         # KSAT / Kordia, New Zealand
    ("Singapore", 1.40, 103.83, 20.0, 5.0),        # KSAT
    ("Hawaii", 19.01, -155.66, 370.0, 5.0),        # SSC South Point
]


def bundled_stations() -> pd.DataFrame:
    """The bundled station table (:data:`BUNDLED_STATIONS`)."""
    return pd.DataFrame(BUNDLED_STATIONS, columns=STATION_COLUMNS)


def check_stations(stations) -> pd.DataFrame:
    """A validated station table from a DataFrame or a list of dicts.

    Raises ``ValueError`` naming the station, the field, its value and the allowed range.
    """
    if isinstance(stations, pd.DataFrame):
        df = stations.copy()
    elif isinstance(stations, (list, tuple)):
        if not all(isinstance(s, dict) for s in stations):
            raise TypeError("stations must be a DataFrame or a list of dicts with keys "
                            f"{', '.join(STATION_COLUMNS)}")
        df = pd.DataFrame(list(stations))
    else:
        raise TypeError(f"stations must be a DataFrame or a list of dicts, got "
                        f"{type(stations).__name__}")
    if len(df) == 0:
        raise ValueError("stations: the table is empty; give at least one station")
    if "min_elevation_deg" not in df:
        df["min_elevation_deg"] = 5.0
    if "alt_m" not in df:
        df["alt_m"] = 0.0
    missing = [c for c in STATION_COLUMNS if c not in df]
    if missing:
        raise ValueError(f"stations: missing column(s) {', '.join(missing)}; required: "
                         f"{', '.join(STATION_COLUMNS)}")
    extra = [c for c in df.columns if c not in STATION_COLUMNS]
    if extra:
        raise ValueError(f"stations: unknown column(s) {', '.join(map(str, extra))}; allowed: "
                         f"{', '.join(STATION_COLUMNS)}")
    limits = {"lat_deg": (-90.0, 90.0, "[-90, 90] deg"),
              "lon_deg": (-180.0, 360.0, "[-180, 360) deg"),
              "alt_m": (-500.0, 9000.0, "[-500, 9000] m"),
              "min_elevation_deg": (0.0, 90.0, "[0, 90] deg")}
    for row in df.itertuples(index=False):
        for col, (lo, hi, txt) in limits.items():
            v = getattr(row, col)
            check_number(f"stations[{row.name!r}].{col}", v, lo, hi,
                         hi_open=(col == "lon_deg"), allowed=txt)
    names = df["name"].astype(str)
    if names.duplicated().any():
        raise ValueError(f"stations: duplicate name(s) {', '.join(names[names.duplicated()])}")
    df["name"] = names
    for col in STATION_COLUMNS[1:]:
        df[col] = df[col].astype(float)
    return df[STATION_COLUMNS].reset_index(drop=True)


def read_stations(path) -> pd.DataFrame:
    """Stations from a CSV file (header with :data:`STATION_COLUMNS`) or a TOML file with
    ``[[ground_stations]]`` (or ``[[stations]]``) tables."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"stations file {path!r} does not exist")
    if path.lower().endswith(".toml"):
        with open(path, "rb") as f:
            doc = tomllib.load(f)
        rows = doc.get("ground_stations", doc.get("stations"))
        if not isinstance(rows, list):
            raise ValueError(f"{path}: expected [[ground_stations]] tables with keys "
                             f"{', '.join(STATION_COLUMNS)}")
        return check_stations(rows)
    return check_stations(pd.read_csv(path))


def resolve_stations(stations=None) -> pd.DataFrame:
    """``None`` -> bundled list; a path -> :func:`read_stations`; else :func:`check_stations`."""
    if stations is None:
        return bundled_stations()
    if isinstance(stations, (str, os.PathLike)):
        return read_stations(stations)
    return check_stations(stations)


__all__ = ["STATION_COLUMNS", "BUNDLED_STATIONS", "bundled_stations", "check_stations",
           "read_stations", "resolve_stations"]
