"""The time grid: parsing, grid construction, the UTC <-> SGP4 / skyfield time bridges, and the
messages for bad input."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sgp4.api import jday

import twin
from ephemeris.timegrid import (
    jd_from_datetime,
    make_time_grid,
    parse_duration,
    parse_time,
    skyfield_time,
)
from twin import Constellation


@pytest.mark.parametrize("text,seconds", [("60 s", 60), ("90 min", 5400), ("2h", 7200),
                                          ("1 day", 86400), ("1.5 days", 129600),
                                          ("1 week", 604800), (30, 30), (2.5, 2.5),
                                          (dt.timedelta(minutes=3), 180),
                                          (np.timedelta64(4, "s"), 4), ("1e3 s", 1000)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


def test_grid_instants():
    g = make_time_grid("2027-06-21T00:00:00Z", "1 h", "7 min")
    assert g.n == 8 and g.step_s == 420.0  # floor(60 / 7): the end is not a grid point
    assert g.times[0] == np.datetime64("2027-06-21T00:00:00")
    assert g.times[-1] == np.datetime64("2027-06-21T00:49:00")
    np.testing.assert_allclose(g.seconds, np.arange(8) * 420.0)
    assert make_time_grid("2027-01-01", "1 h", "1 h").n == 1
    # a time zone is converted to UTC
    assert parse_time("2027-06-21T02:00:00+02:00") == np.datetime64("2027-06-21T00:00:00")


def test_jd_split_matches_sgp4_jday():
    whole, frac = jd_from_datetime(np.datetime64("2027-06-21T13:37:12.5"), [0.0, 3600.0, 86400.0])
    jd, fr = jday(2027, 6, 21, 13, 37, 12.5)
    assert whole[0] + frac[0] == pytest.approx(jd + fr, abs=1e-9)
    assert frac[0] == pytest.approx(fr, abs=1e-11) and whole[0] == jd
    assert (whole[2] - whole[0]) + (frac[2] - frac[0]) == pytest.approx(1.0, abs=1e-11)


def test_skyfield_time_matches_the_utc_labels(ts):
    """skyfield Time of the grid = the grid's UTC labels (to 1 us), on an ordinary day."""
    start = np.datetime64("2027-06-21T23:00")
    off = np.arange(0, 4 * 3600, 600.0)
    t = skyfield_time(start, off)
    labels = pd.to_datetime(start + (off * 1e9).astype("timedelta64[ns]")).tz_localize("UTC")
    ref = ts.from_datetimes(labels.to_pydatetime())
    np.testing.assert_allclose((t.tt - ref.tt) * 86400.0, 0.0, atol=1e-6)


def test_skyfield_time_across_a_leap_second(ts):
    """The grid's labels are POSIX UTC (no 23:59:60) and SGP4 is fed those, so the skyfield
    Time (Sun, Earth rotation) must be the same instants.  Across the leap second at the end
    of 2016-12-31, ``start + offset`` must not count the inserted second."""
    start = np.datetime64("2016-12-31T23:00")
    off = np.array([0.0, 3599.0, 3600.0, 3601.0, 7200.0])
    t = skyfield_time(start, off)
    labels = pd.to_datetime(start + (off * 1e9).astype("timedelta64[ns]")).tz_localize("UTC")
    ref = ts.from_datetimes(labels.to_pydatetime())
    assert t.utc_strftime("%Y-%m-%dT%H:%M:%S")[2] == "2017-01-01T00:00:00"
    np.testing.assert_allclose((t.tt - ref.tt) * 86400.0, 0.0, atol=1e-6)


# ---------------------------------------------------------------------------------------------
# 7. Bad input
# ---------------------------------------------------------------------------------------------
def _geo(start="2027-01-01", duration="1 day", step="60 s"):
    return twin.geometry(Constellation.walker(550, 53, 1, 1), start, duration, step)


BAD_TIMES = [
    ("step longer than duration", lambda: _geo(duration="1 h", step="2 h"), "step", "duration"),
    ("step 0 s", lambda: _geo(step="0 s"), "step", "positive"),
    ("step 0", lambda: _geo(step=0), "step", "positive"),
    ("duration -1 day", lambda: _geo(duration="-1 day"), "duration", "duration"),
    ("duration -3600", lambda: _geo(duration=-3600), "duration", "positive"),
    ("unknown unit", lambda: _geo(duration="1 fortnight"), "duration", "units"),
    ("step nan", lambda: _geo(step=float("nan")), "step", "finite"),
    ("step bool", lambda: _geo(step=True), "step", "duration"),
    ("start 1850", lambda: _geo(start="1850-01-01"), "start", "1899-07-29"),
    ("start 2060", lambda: _geo(start="2060-01-01"), "start", "2053-10-09"),
    ("run ends past de421", lambda: _geo(start="2053-10-08", duration="2 days"),
     "start", "2053-10-09"),
    ("start not a date", lambda: _geo(start="2027-13-01"), "start", "ISO 8601"),
    ("start a number", lambda: _geo(start=2027), "start", "2027-06-21"),
    ("epoch not a date", lambda: Constellation.walker(550, 53, 1, 1, epoch="yesterday"),
     "epoch", "ISO 8601"),
]


@pytest.mark.parametrize("make,field,allowed", [c[1:] for c in BAD_TIMES],
                         ids=[c[0] for c in BAD_TIMES])
def test_bad_time_input(make, field, allowed):
    with pytest.raises((ValueError, TypeError)) as exc:
        make()
    msg = str(exc.value)
    assert field in msg and allowed in msg, msg


@pytest.mark.parametrize("start", ["1600-01-01", "2300-01-01"])
def test_dates_beyond_the_nanosecond_range_name_the_field(start):
    """Dates outside pandas' nanosecond range (1677-2262) are outside de421 too and must get
    the same message as 1850 or 2060, not pandas' OutOfBoundsDatetime text."""
    with pytest.raises(ValueError) as exc:
        _geo(start=start)
    msg = str(exc.value)
    assert "start" in msg and "de421" in msg, msg
