"""Shared fixtures for the validation tests: offline ephemeris, timescale and sample TLEs."""
from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
STATIONS_TLE = DATA / "stations.tle"


@pytest.fixture(scope="session")
def eph():
    """JPL DE421 from skyfield-data (offline; never skyfield's downloading ``load()``)."""
    from ephemeris.data import planets

    return planets()


@pytest.fixture(scope="session")
def ts():
    """skyfield timescale from skyfield's builtin tables (offline)."""
    from ephemeris.data import timescale

    return timescale()


@pytest.fixture(scope="session")
def iss_lines():
    """(name, line1, line2) of the ISS in tests/data/stations.tle (epoch 2014-01-20 22:23 UTC)."""
    lines = STATIONS_TLE.read_text().splitlines()
    return lines[0].strip(), lines[1].rstrip(), lines[2].rstrip()


@pytest.fixture()
def iss_tle_file(tmp_path, iss_lines):
    """A one-satellite TLE file holding only the ISS."""
    path = tmp_path / "iss.tle"
    path.write_text("\n".join(iss_lines) + "\n")
    return path
