"""Sites and weather for the ground baselines: :class:`Site` (with :data:`MEMPHIS` and the
bundled-TMY3 :data:`GREENSBORO`), :class:`Weather` (a year of irradiance, air temperature and
wind with its provenance), and the two ways to get one offline, :func:`clearsky_year`
(Ineichen-Perez with pvlib's Linke turbidity climatology) and :func:`tmy_year` (pvlib's bundled
TMY3 file), plus :func:`solar_position`.  The first link of the chain described in
:mod:`twin.ground`.
"""
from __future__ import annotations

import contextlib
import csv
import importlib.util
import os
import warnings
import zoneinfo
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ephemeris.validation import field_number

# pvlib is imported lazily inside the functions (its import takes ~1 s), as in twin.power.

__all__ = [
    "Site", "MEMPHIS", "GREENSBORO", "TMY3_GREENSBORO_PATH", "Weather", "WEATHER_COLUMNS",
    "clearsky_year", "tmy_year", "solar_position",
]

#: Columns a :class:`Weather` table must hold.
WEATHER_COLUMNS = ("ghi", "dni", "dhi", "temp_air", "wind_speed")


@contextlib.contextmanager
def _quiet_pvlib():
    """Silence pvlib 0.16's use of ``DatetimeIndex.dayofyear`` (deprecated in pandas 3; a
    pvlib-internal Pandas4Warning, harmless to the results)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*dayofyear is deprecated")
        yield


# --- validation helpers (shared: ephemeris.validation) ------------------------------------------
_field_number = field_number


def _check_year(year):
    if isinstance(year, (bool, np.bool_)) or not isinstance(year, (int, np.integer)):
        raise TypeError(f"year must be a whole number, got {year!r} ({type(year).__name__})")
    if not 1900 <= int(year) <= 2200:
        raise ValueError(f"year={year!r} is out of range; allowed: [1900, 2200]")
    return int(year)


# --- sites -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Site:
    """A place on the ground.

    Attributes
    ----------
    name : str
        Label carried into every result (non-empty).
    latitude_deg : float
        Geodetic latitude [deg], in [-90, 90], north positive.
    longitude_deg : float
        Longitude [deg], in [-180, 180], east positive.
    altitude_m : float
        Elevation above sea level [m], in [-500, 9000] (sets the air pressure of the clear-sky
        model and the solar-position refraction).
    tz : str
        IANA time zone of the local clock, e.g. ``"Etc/GMT+6"`` (= UTC-6, central standard
        time all year: the ``Etc/GMT`` sign is inverted by POSIX convention).  Standard time
        without daylight saving keeps an hourly year at 8760 evenly spaced steps.
    """

    name: str
    latitude_deg: float
    longitude_deg: float
    altitude_m: float = 0.0
    tz: str = "UTC"

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"Site.name={self.name!r} is out of range; allowed: a non-empty "
                             "string")
        _field_number(self, "latitude_deg", -90.0, 90.0, unit="deg")
        _field_number(self, "longitude_deg", -180.0, 180.0, unit="deg")
        _field_number(self, "altitude_m", -500.0, 9000.0, unit="m")
        if not isinstance(self.tz, str):
            raise TypeError(f"Site.tz must be an IANA time-zone string, got {self.tz!r} "
                            f"({type(self.tz).__name__})")
        try:
            zoneinfo.ZoneInfo(self.tz)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"Site.tz={self.tz!r} is not a known time zone; allowed: an IANA "
                             "name such as 'UTC', 'America/Chicago' or 'Etc/GMT+6'") from exc

    def to_location(self):
        """The same site as a :class:`pvlib.location.Location`."""
        from pvlib.location import Location

        return Location(self.latitude_deg, self.longitude_deg, tz=self.tz,
                        altitude=self.altitude_m, name=self.name)


#: Default example site: Memphis, TN (the xAI Colossus data centre), 35.1495 N, 90.0490 W,
#: 84 m, central standard time.
MEMPHIS = Site("Memphis, TN", 35.1495, -90.0490, 84.0, "Etc/GMT+6")


def _pvlib_data_dir():
    """pvlib's bundled data folder, located without importing pvlib."""
    spec = importlib.util.find_spec("pvlib")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("pvlib is not installed; the ground baseline needs its bundled data")
    return os.path.join(list(spec.submodule_search_locations)[0], "data")


#: pvlib's bundled TMY3 file for Greensboro Piedmont Triad International Airport, NC (USAF
#: 723170; NSRDB 1991-2005 TMY3, Wilcox & Marion 2008).
TMY3_GREENSBORO_PATH = os.path.join(_pvlib_data_dir(), "723170TYA.CSV")


def _tmy3_site(path):
    """Site from the metadata line of a TMY3 file: USAF, name, state, UTC offset, lat, lon, alt.

    The same fields :func:`pvlib.iotools.read_tmy3` returns as its metadata dict.
    """
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        row = next(csv.reader(f))
    if len(row) < 7:
        raise ValueError(f"{path!s} does not start with a TMY3 metadata line (USAF, name, "
                         f"state, TZ, latitude, longitude, altitude); got {row!r}")
    usaf, name, state, tz, lat, lon, alt = (c.strip().strip('"') for c in row[:7])
    offset = float(tz)
    if not offset.is_integer():
        raise ValueError(f"TMY3 TZ={offset!r} in {path!s} is not a whole number of hours")
    # Etc/GMT zones invert the sign: UTC-5 is "Etc/GMT+5".
    tz_name = "UTC" if offset == 0 else f"Etc/GMT{-int(offset):+d}"
    return Site(f"{name.title()}, {state} (TMY3 {usaf})", float(lat), float(lon), float(alt),
                tz_name)


#: The TMY3 site pvlib ships (metadata read from ``723170TYA.CSV``): Greensboro Piedmont Triad
#: Int'l, NC, 36.100 N, 79.950 W, 273 m, UTC-5.  The nearest bundled TMY to Memphis.
GREENSBORO = _tmy3_site(TMY3_GREENSBORO_PATH)


# --- weather -----------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Weather:
    """A year of weather at a site, with its provenance.

    Attributes
    ----------
    site : Site
        Where the weather applies (and where the Sun is computed).
    source : str
        What the data are, carried into every result, e.g. ``"clear-sky (Ineichen-Perez, Linke
        turbidity climatology)"`` or ``"TMY3 723170 (NSRDB 1991-2005)"``.
    data : pandas.DataFrame
        One row per time step, indexed by the tz-aware **middle** of each interval, with columns
        ``ghi``, ``dni``, ``dhi`` [W/m^2] (interval means), ``temp_air`` [degC] and
        ``wind_speed`` [m/s]; optional ``apparent_zenith``, ``zenith``, ``azimuth`` [deg]
        (computed by :func:`solar_position` when absent).
    step_s : float
        Length of each interval [s], in [60, 86400].
    """

    site: Site
    source: str
    data: pd.DataFrame
    step_s: float = 3600.0

    def __post_init__(self):
        if not isinstance(self.site, Site):
            raise TypeError(f"Weather.site must be a Site, got {type(self.site).__name__}")
        if not isinstance(self.source, str) or not self.source.strip():
            raise ValueError(f"Weather.source={self.source!r} is out of range; allowed: a "
                             "non-empty string")
        _field_number(self, "step_s", 60.0, 86400.0, unit="s")
        d = self.data
        if not isinstance(d, pd.DataFrame):
            raise TypeError(f"Weather.data must be a pandas.DataFrame, got {type(d).__name__}")
        if not isinstance(d.index, pd.DatetimeIndex) or d.index.tz is None:
            raise ValueError("Weather.data must be indexed by a tz-aware pandas.DatetimeIndex "
                             "(the middle of each interval)")
        if len(d) == 0:
            raise ValueError("Weather.data is empty; allowed: at least one time step")
        missing = [c for c in WEATHER_COLUMNS if c not in d.columns]
        if missing:
            raise ValueError(f"Weather.data lacks columns {missing}; required: "
                             f"{', '.join(WEATHER_COLUMNS)}")
        for c in ("ghi", "dni", "dhi"):
            v = d[c].to_numpy(dtype=float)
            if not np.all(np.isfinite(v)) or np.any(v < 0):
                raise ValueError(f"Weather.data[{c!r}] must be finite and >= 0 W/m^2; found "
                                 f"min {np.nanmin(v):g}, {int(np.sum(~np.isfinite(v)))} "
                                 "non-finite")
        for c in ("temp_air", "wind_speed"):
            if not np.all(np.isfinite(d[c].to_numpy(dtype=float))):
                raise ValueError(f"Weather.data[{c!r}] must be finite")

    @property
    def hours(self) -> float:
        """Length of the record [h] (steps x step_s)."""
        return len(self.data) * self.step_s / 3600.0


def _step_seconds(freq):
    try:
        step = pd.Timedelta(freq)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"freq={freq!r} is not a time step; allowed: a pandas offset such as "
                         "'1h' or '15min', between 1 min and 1 h, dividing a day") from exc
    s = step.total_seconds()
    if not 60.0 <= s <= 3600.0 or 86400.0 % s != 0.0:
        raise ValueError(f"freq={freq!r} is out of range; allowed: [1 min, 1 h] and dividing "
                         "a day evenly")
    return s


def solar_position(times, site, temp_air_c=12.0):
    """Solar position at a site (apparent zenith with refraction, zenith, azimuth).

    Parameters
    ----------
    times : pandas.DatetimeIndex
        tz-aware times (the middle of each averaging interval).
    site : Site
        Where.
    temp_air_c : float or array_like, default 12.0
        Air temperature for the refraction correction [degC] (pvlib's default).

    Returns
    -------
    pandas.DataFrame
        ``apparent_zenith``, ``zenith``, ``apparent_elevation``, ``azimuth`` [deg], indexed by
        ``times``.

    References
    ----------
    .. [1] I. Reda and A. Andreas, "Solar position algorithm for solar radiation
       applications", Solar Energy 76(5), 577-589, 2004 (pvlib.solarposition, NREL SPA).
    """
    from pvlib import atmosphere, solarposition

    return solarposition.get_solarposition(
        times, site.latitude_deg, site.longitude_deg, altitude=site.altitude_m,
        pressure=atmosphere.alt2pres(site.altitude_m), temperature=temp_air_c)


def clearsky_year(site=MEMPHIS, year=2027, freq="1h", temp_air_c=20.0, wind_speed_m_s=3.5):
    """A year of clear-sky weather at a site (Ineichen-Perez with the Linke turbidity climatology).

    Times are the middles of ``freq``-long intervals of the local standard-time year; the
    irradiance at the middle stands for the interval.  The Linke turbidity comes from pvlib's
    bundled ``LinkeTurbidities.h5`` (monthly climatology, interpolated to days), so nothing is
    downloaded.  Clear skies every day: an upper bound on what the site's weather allows.

    Parameters
    ----------
    site : Site, default :data:`MEMPHIS`
        Where.
    year : int, default 2027
        Calendar year [1] (sets the solar geometry; leap years have 8784 hours).
    freq : str, default "1h"
        Time step, between "1min" and "1h", dividing a day.
    temp_air_c : float or array_like, default 20.0
        Air temperature during the year [degC].  An assumption: clear-sky models give no
        weather; 20 C is about the GHI-weighted mean air temperature of the bundled Greensboro
        TMY3 (20.5 C).  +5 K costs about 1 % of the triple-junction energy (-0.22 %/K).
    wind_speed_m_s : float or array_like, default 3.5
        Wind speed at 10 m [m/s] (the GHI-weighted mean of the Greensboro TMY3 is 3.6 m/s; used
        by the SAPM temperature model only).

    Returns
    -------
    Weather
        ``ghi``, ``dni``, ``dhi`` [W/m^2], ``temp_air`` [degC], ``wind_speed`` [m/s] and the
        solar position, with ``source`` naming the model.

    References
    ----------
    .. [1] P. Ineichen and R. Perez, "A new airmass independent formulation for the Linke
       turbidity coefficient", Solar Energy 73(3), 151-157, 2002.
    .. [2] R. Perez et al., "A new operational model for satellite-derived irradiances:
       description and validation", Solar Energy 73(5), 307-317, 2002.
    .. [3] C. Remund, L. Wald, M. Lefevre, T. Ranchin, J. Page, "Worldwide Linke turbidity
       information", ISES Solar World Congress, 2003 (the climatology pvlib ships).
    .. [4] pvlib.location.Location.get_clearsky, pvlib.clearsky.lookup_linke_turbidity,
       https://pvlib-python.readthedocs.io
    """
    if not isinstance(site, Site):
        raise TypeError(f"site must be a Site, got {type(site).__name__}")
    year = _check_year(year)
    step_s = _step_seconds(freq)
    n = int(round((pd.Timestamp(year + 1, 1, 1) - pd.Timestamp(year, 1, 1)).total_seconds()
                  / step_s))
    start = pd.Timestamp(year, 1, 1, tz=site.tz) + pd.Timedelta(seconds=step_s / 2.0)
    times = pd.date_range(start, periods=n, freq=pd.Timedelta(seconds=step_s))
    temp = np.broadcast_to(np.asarray(temp_air_c, dtype=float), (n,))
    wind = np.broadcast_to(np.asarray(wind_speed_m_s, dtype=float), (n,))
    if not np.all(np.isfinite(temp)) or np.any(temp < -90) or np.any(temp > 60):
        raise ValueError(f"temp_air_c={temp_air_c!r} is out of range; allowed: [-90, 60] degC")
    if not np.all(np.isfinite(wind)) or np.any(wind < 0) or np.any(wind > 100):
        raise ValueError(f"wind_speed_m_s={wind_speed_m_s!r} is out of range; allowed: "
                         "[0, 100] m/s")
    sp = solar_position(times, site, temp_air_c=temp)
    with _quiet_pvlib():
        cs = site.to_location().get_clearsky(times, model="ineichen", solar_position=sp)
    data = pd.DataFrame({
        "ghi": cs["ghi"].to_numpy(dtype=float), "dni": cs["dni"].to_numpy(dtype=float),
        "dhi": cs["dhi"].to_numpy(dtype=float), "temp_air": temp, "wind_speed": wind,
        "apparent_zenith": sp["apparent_zenith"].to_numpy(),
        "zenith": sp["zenith"].to_numpy(), "azimuth": sp["azimuth"].to_numpy()}, index=times)
    data[["ghi", "dni", "dhi"]] = data[["ghi", "dni", "dhi"]].fillna(0.0).clip(lower=0.0)
    return Weather(site, "clear-sky (Ineichen-Perez, Linke turbidity climatology)", data, step_s)


def tmy_year(path=None, year=2027):
    """A typical meteorological year from a TMY3 file (default: pvlib's Greensboro, NC).

    TMY3 irradiances are energies over the hour *ending* at the time stamp, in local standard
    time; here each row is re-labelled to the middle of its hour (time stamp - 30 min), where
    the Sun is computed.  The year is coerced to ``year`` (the 12 months come from different
    real years, 1976-2005).  The site is read from the file's metadata line.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A TMY3 CSV file; default :data:`TMY3_GREENSBORO_PATH` (bundled with pvlib, offline).
    year : int, default 2027
        Year to label the data with [1] (only the solar geometry depends on it, negligibly).

    Returns
    -------
    Weather
        ``ghi``, ``dni``, ``dhi`` [W/m^2], ``temp_air`` [degC], ``wind_speed`` [m/s] (at 10 m)
        and the solar position; ``site`` from the file, ``source`` "TMY3 <USAF> (NSRDB
        1991-2005)".

    References
    ----------
    .. [1] S. Wilcox and W. Marion, "Users Manual for TMY3 Data Sets", NREL/TP-581-43156,
       2008, doi:10.2172/928611.
    .. [2] pvlib.iotools.read_tmy3, https://pvlib-python.readthedocs.io
    """
    from pvlib.iotools import read_tmy3

    year = _check_year(year)
    path = TMY3_GREENSBORO_PATH if path is None else os.fspath(path)
    site = _tmy3_site(path)
    raw, meta = read_tmy3(path, coerce_year=year, map_variables=True)
    times = (raw.index - pd.Timedelta(minutes=30)).tz_convert(site.tz)
    temp = raw["temp_air"].to_numpy(dtype=float)
    sp = solar_position(times, site, temp_air_c=temp)
    data = pd.DataFrame({
        "ghi": raw["ghi"].to_numpy(dtype=float), "dni": raw["dni"].to_numpy(dtype=float),
        "dhi": raw["dhi"].to_numpy(dtype=float), "temp_air": temp,
        "wind_speed": raw["wind_speed"].to_numpy(dtype=float),
        "apparent_zenith": sp["apparent_zenith"].to_numpy(),
        "zenith": sp["zenith"].to_numpy(), "azimuth": sp["azimuth"].to_numpy()}, index=times)
    data = data.sort_index()
    return Weather(site, f"TMY3 {meta['USAF']} (NSRDB 1991-2005)", data, 3600.0)
