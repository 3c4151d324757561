"""The time grid: start / duration / step -> UTC instants, SGP4 Julian dates, skyfield ``Time``.

A grid is ``n`` instants ``start + k * step`` (k = 0 .. n-1) with ``n = floor(duration / step)``:
each instant stands for the step that follows it, so a quantity integrated over the run is
``sum(x) * step_s``.  Instants are UTC labels (``datetime64[ns]``, no leap seconds, as POSIX);
SGP4 receives them as UTC Julian dates split into whole day and fraction, exactly as skyfield
feeds SGP4 (AIAA 2006-6753 takes the TLE epoch as UTC).
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ephemeris.data import DE421_END, DE421_START, timescale
from ephemeris.validation import is_quantity, quantity_value

_UNIT_SECONDS = {
    "s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
    "m": 60.0, "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
    "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0,
    "d": 86400.0, "day": 86400.0, "days": 86400.0,
    "w": 604800.0, "week": 604800.0, "weeks": 604800.0,
    "y": 365.25 * 86400.0, "yr": 365.25 * 86400.0, "year": 365.25 * 86400.0,
    "years": 365.25 * 86400.0,
}
_DURATION_RE = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([a-zA-Z]*)\s*$")

#: Most steps a time grid may have (a year at 0.3 s; beyond that use several runs).
MAX_STEPS = 100_000_000

#: Unix epoch as a Julian date (UTC).
JD_UNIX_EPOCH = 2440587.5


def parse_duration(value, name: str = "duration") -> float:
    """Seconds from "1 day", "90 min", "60 s", "2h", a timedelta or a number of seconds.

    An ``astropy.units.Quantity`` of time (``90 * u.min``) and an ``astropy.time.TimeDelta``
    are converted.  Raises ``ValueError`` naming ``name`` for anything else, and for
    non-positive or non-finite values.
    """
    if is_quantity(value) or type(value).__name__ == "TimeDelta":
        if np.ndim(value) != 0:
            raise TypeError(f"{name} must be a single duration, got an array {value!r}")
        value = quantity_value(name, value if is_quantity(value) else value.to("s"), "s")
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a duration such as '60 s' or '1 day', got {value!r}")
    if isinstance(value, (_dt.timedelta, np.timedelta64, pd.Timedelta)):
        seconds = pd.Timedelta(value).total_seconds()
    elif isinstance(value, (int, float, np.integer, np.floating)):
        seconds = float(value)
    elif isinstance(value, str):
        m = _DURATION_RE.match(value)
        unit = m.group(2).lower() if m else None
        if not m or (unit and unit not in _UNIT_SECONDS):
            raise ValueError(
                f"{name}={value!r} is not a duration; allowed: a positive number and a unit "
                f"such as '60 s', '90 min', '6 h' or '1 day' (units: s, min, h, day, week, year)"
            )
        seconds = float(m.group(1)) * _UNIT_SECONDS[unit or "s"]
    else:
        raise TypeError(
            f"{name} must be a string such as '60 s', a timedelta or seconds, "
            f"got {type(value).__name__}"
        )
    if not np.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"{name}={value!r} is out of range; allowed: a positive, finite duration")
    return seconds


def parse_time(value, name: str = "start") -> np.datetime64:
    """A UTC instant from an ISO string, datetime, numpy datetime64, pandas Timestamp or
    ``astropy.time.Time`` (any scale: converted to UTC with astropy's leap-second table)."""
    if type(value).__module__.startswith("astropy.time"):
        value = _astropy_utc(value, name)
    if isinstance(value, bool) or value is None or isinstance(value, (int, float)):
        raise TypeError(
            f"{name} must be a date such as '2027-06-21' or '2027-06-21T00:00:00Z', got {value!r}"
        )
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"{name}={value!r} is not a date; use ISO 8601 such as '2027-06-21T00:00:00Z'"
        ) from exc
    if ts is pd.NaT or pd.isna(ts):
        raise ValueError(f"{name}={value!r} is not a date")
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    if not (pd.Timestamp(DE421_START) <= ts <= pd.Timestamp(DE421_END)):
        raise ValueError(
            f"{name}={value!r} lies outside the de421 ephemeris, which covers "
            f"{str(DE421_START)[:10]} to {str(DE421_END)[:10]}; choose a date inside that range")
    return np.datetime64(ts.as_unit("ns").to_datetime64(), "ns")


def _astropy_utc(value, name):
    """An ``astropy.time.Time`` as a UTC ISO string (nanoseconds); inside a leap second (UTC
    23:59:60, which the grid's POSIX labels cannot hold) a ``ValueError``."""
    if np.ndim(value) != 0:
        raise TypeError(f"{name} must be a single instant, got an array Time of shape "
                        f"{np.shape(value)}")
    utc = value.utc.replicate(format="isot")
    utc.precision = 9
    iso = utc.value
    if ":60" in iso[13:19]:
        raise ValueError(f"{name}={iso} UTC falls inside a leap second; start a second later")
    return iso


def check_in_ephemeris(first: np.datetime64, last: np.datetime64, name: str = "start") -> None:
    """Raise ``ValueError`` unless [first, last] lies inside the DE421 coverage."""
    if first < DE421_START or last > DE421_END:
        raise ValueError(
            f"{name}: the run {str(first)[:19]} .. {str(last)[:19]} UTC lies outside the de421 "
            f"ephemeris, which covers {str(DE421_START)[:10]} to {str(DE421_END)[:10]}; "
            f"choose dates inside that range"
        )


@dataclass(frozen=True)
class TimeGrid:
    """A uniform UTC time grid.  Build it with :func:`make_time_grid`."""

    start: np.datetime64
    step_s: float
    n: int
    times: np.ndarray = field(repr=False)  # datetime64[ns], shape (n,)

    @property
    def seconds(self) -> np.ndarray:
        """Seconds since ``start`` of every instant."""
        return np.arange(self.n) * self.step_s

    @property
    def duration_s(self) -> float:
        return self.n * self.step_s

    def jd_utc(self, offsets_s=None):
        """(whole, fraction) UTC Julian dates for SGP4 at ``start + offsets_s`` (default: grid)."""
        off = self.seconds if offsets_s is None else np.asarray(offsets_s, float)
        return jd_from_datetime(self.start, off)

    def skyfield_time(self, offsets_s=None):
        """skyfield ``Time`` (vectorised) at ``start + offsets_s`` seconds (default: the grid)."""
        return skyfield_time(self.start, self.seconds if offsets_s is None else offsets_s)


def jd_from_datetime(start: np.datetime64, offsets_s):
    """Split UTC Julian dates of ``start + offsets_s`` into whole days and fraction."""
    start_s = (np.datetime64(start, "ns") - np.datetime64(0, "ns")) / np.timedelta64(1, "s")
    day0 = np.floor(start_s / 86400.0)
    frac_s = (start_s - day0 * 86400.0) + np.asarray(offsets_s, float)
    whole_days = np.floor(frac_s / 86400.0)
    whole = JD_UNIX_EPOCH + day0 + whole_days
    fraction = (frac_s - whole_days * 86400.0) / 86400.0
    return np.broadcast_to(whole, fraction.shape).astype(float), fraction


def skyfield_time(start: np.datetime64, offsets_s):
    """skyfield ``Time`` for UTC ``start + offsets_s`` (vectorised over ``offsets_s``).

    Each instant is passed to skyfield as its UTC day and second of that day (POSIX
    labels), never as a second count running across midnight: skyfield would count an
    inserted leap second in such a count, while SGP4 receives the same POSIX labels.
    """
    posix_s = ((np.datetime64(start, "ns") - np.datetime64(0, "ns")) / np.timedelta64(1, "s")
               + np.asarray(offsets_s, float))
    days = np.floor(posix_s / 86400.0)
    return timescale().utc(1970, 1, 1 + days.astype(int), 0, 0, posix_s - days * 86400.0)


def make_time_grid(start, duration, step) -> TimeGrid:
    """Validated grid from ``start`` (ISO/datetime), ``duration`` and ``step`` ("60 s", ...)."""
    t0 = parse_time(start, "start")
    duration_s = parse_duration(duration, "duration")
    step_s = parse_duration(step, "step")
    if step_s > duration_s * (1 + 1e-12):
        raise ValueError(
            f"step={step!r} ({step_s:g} s) is longer than duration={duration!r} "
            f"({duration_s:g} s); the step must be at most the duration"
        )
    n_float = np.floor(duration_s / step_s + 1e-9)
    if n_float > MAX_STEPS:
        raise ValueError(
            f"step={step!r}: {n_float:,.0f} steps over duration={duration!r} is more than "
            f"{MAX_STEPS:,}; allowed: a step of at least {duration_s / MAX_STEPS:g} s")
    n = int(n_float)
    times = t0 + (np.arange(n) * np.round(step_s * 1e9)).astype("timedelta64[ns]")
    check_in_ephemeris(times[0], times[-1] + np.timedelta64(int(step_s * 1e9), "ns"))
    return TimeGrid(start=t0, step_s=step_s, n=n, times=times)
