"""The ``twin eclipse-season`` command: its numbers against the dawn-dusk reference values, and
its handling of bad input (exit code 2, one line on stderr, no traceback)."""
from __future__ import annotations

import json
import math
import re
import subprocess
import sys

import pytest

import twin
from ephemeris.orbits import RE_WGS72_KM, sun_synchronous_inclination_deg
from ephemeris.shadow import eclipse_fraction_cylindrical
from twin.io.cli import main

JSON_KEYS = {"eclipse_hours", "days_with_eclipse", "first_day", "last_day", "worst_eclipse_min",
             "sunlit_fraction"}
JUNE_SOLSTICE_DOY0 = 171  # 2027-06-21, 0-based day of year
OBLIQUITY_DEG = 23.436  # mean obliquity in 2027 (IAU 2006: 23.4393 - 0.013 deg per century)


def _run(argv, capsys):
    """``main(argv)`` -> (exit code, stdout, stderr); argparse errors exit via SystemExit."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def season_650():
    """One full-year run, 650 km dawn-dusk (LTAN 18:00), 2027, 120 s steps (~4 s)."""
    import contextlib
    import io

    buf, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(err):
        code = main(["eclipse-season", "--altitude", "650", "--ltan", "18:00", "--year", "2027",
                     "--step", "120", "--json"])
    return code, buf.getvalue(), err.getvalue()


def test_season_json_keys(season_650):
    code, out, err = season_650
    assert code == 0 and err == ""
    lines = out.strip().splitlines()
    assert len(lines) == 1
    stats = json.loads(lines[0])
    assert set(stats) == JSON_KEYS


def test_season_650km_dawn_dusk(season_650):
    stats = json.loads(season_650[1])
    # reference (parameters.md): roughly 20 min worst eclipse at 650 km, around one solstice
    assert 15.0 <= stats["worst_eclipse_min"] <= 22.0
    assert stats["first_day"] < JUNE_SOLSTICE_DOY0 < stats["last_day"]
    # the season is symmetric about the solstice (beta depends on the Sun's declination)
    assert abs(0.5 * (stats["first_day"] + stats["last_day"]) - JUNE_SOLSTICE_DOY0) <= 3
    # one contiguous season
    assert stats["days_with_eclipse"] == stats["last_day"] - stats["first_day"] + 1
    # eclipse hours and the mean sunlit fraction are the same integral
    assert stats["eclipse_hours"] == pytest.approx((1 - stats["sunlit_fraction"]) * 8760,
                                                   rel=1e-9)


def test_season_650km_worst_against_cylinder(season_650):
    """Worst eclipse = the cylindrical eclipse at the solstice beta.

    LTAN 18:00 puts the orbit normal at the mean Sun's RA, declination 90 - i; at the June
    solstice beta = 90 - (i - 90) - obliquity = 58.55 deg.  Tolerance 0.6 min (3 %): the
    osculating radius varies +/-8 km (0.22 min at this beta), time vs angle on the
    osculating ellipse 2e/pi (0.07 min), nodal vs Keplerian period 0.1 % (0.02 min), beta
    (equation of time, short-period inclination) < 0.02 deg (0.03 min).  Measured 0.2 min.
    """
    stats = json.loads(season_650[1])
    inc = float(sun_synchronous_inclination_deg(650))
    beta = 90.0 - (inc - 90.0) - OBLIQUITY_DEG
    a = RE_WGS72_KM + 650.0
    period_min = 2 * math.pi * math.sqrt(a**3 / 398600.8) / 60.0
    expected = float(eclipse_fraction_cylindrical(650.0, beta)) * period_min
    assert stats["worst_eclipse_min"] == pytest.approx(expected, abs=0.6)


def test_season_1400km_has_almost_no_eclipse(capsys):
    """Near 1,400 km the solstice beta (55.5 deg) exceeds asin(R/(R+h)) = 55.1 deg: only
    grazing penumbra is left.  Text output, parsed."""
    code, out, err = _run(["eclipse-season", "--altitude", "1400", "--ltan", "18:00",
                           "--year", "2027", "--step", "120"], capsys)
    assert code == 0 and err == ""
    worst = float(re.search(r"worst single eclipse\s+([0-9.]+) min", out).group(1))
    assert worst < 2.0
    assert "inclination 101.45" in out


def test_dawn_dusk_1000km_reference():
    """About 13 min worst eclipse at 1,000 km (parameters.md), from ten days around the June
    solstice with the API (not a whole year)."""
    c = twin.Constellation.sun_synchronous(1000, "18:00")
    ds = twin.geometry(c, "2027-06-16", "10 day", "60 s")
    ev = twin.eclipse_events(ds)
    worst = ev[ev["kind"] == "penumbra"]["shadow_equivalent_s"].max() / 60.0
    assert 12.0 < worst < 14.0


# ---------------------------------------------------------------------------------------------
# 7. Bad input through the CLI
# ---------------------------------------------------------------------------------------------
GOOD = ["--altitude", "650", "--ltan", "18:00", "--year", "2027"]


def _with(**kw):
    args = dict(zip(GOOD[::2], GOOD[1::2]))
    for k, v in kw.items():
        key = "--" + k
        if v is None:
            args.pop(key)
        else:
            args[key] = v
    return ["eclipse-season"] + [x for kv in args.items() for x in kv]


BAD_CLI = [
    ("altitude 100", _with(altitude="100"), "altitude"),
    ("altitude 60000", _with(altitude="60000"), "altitude"),
    ("altitude 7000 (no SSO)", _with(altitude="7000"), "altitude"),
    ("altitude text", _with(altitude="high"), "altitude"),
    ("ltan 25:00", _with(ltan="25:00"), "ltan"),
    ("ltan noon", _with(ltan="noon"), "ltan"),
    ("year 1850", _with(year="1850"), "year"),
    ("year 2060", _with(year="2060"), "year"),
    ("year text", _with(year="20x7"), "year"),
    ("step 0", _with(step="0"), "step"),
    ("step text", _with(step="abc"), "step"),
    ("step longer than a year", _with(step="2 years"), "step"),
    ("missing ltan", _with(ltan=None), "ltan"),
    ("unknown command", ["frobnicate"], "frobnicate"),
]


@pytest.mark.parametrize("argv,word", [c[1:] for c in BAD_CLI], ids=[c[0] for c in BAD_CLI])
def test_cli_bad_input(argv, word, capsys):
    code, out, err = _run(argv, capsys)
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    assert err.startswith("twin") and word in err


def test_cli_bad_input_real_process():
    proc = subprocess.run([sys.executable, "-m", "twin", "eclipse-season", "--altitude", "100",
                           "--ltan", "18:00", "--year", "2027"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "altitude" in lines[0] and "150" in lines[0]


def test_cli_version(capsys):
    code, out, _ = _run(["--version"], capsys)
    assert code == 0 and out.strip() == f"twin {twin.__version__}"
