"""Tests for ephemeris.catalogs: TLE and OMM readers, the element table, sgp4init round trip."""
from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sgp4 import omm
from sgp4.api import Satrec
from sgp4.io import fix_checksum

import twin
from ephemeris.catalogs import COLUMNS, elements_from_satrecs, read_omm, read_tle
from ephemeris.satrec import _check_roundtrip, satrec_from_row, satrecs_from_table

DATA = Path(__file__).parent / "data"
SAMPLE = Path(__file__).parent.parent / "examples" / "data" / "sample.tle"
STATION_NAMES = ["ISS (ZARYA)", "FLOCK 2E-1", "MARIO", "VANGUARD 1", "MOLNIYA 2-14"]
STATION_SATNUMS = [25544, 41483, 55123, 5, 8195]
FLOAT_COLUMNS = [c for c in COLUMNS if c not in ("name", "shell", "source", "satnum", "epoch")]


# --- independent references: sgp4 alone, no code from ephemeris.catalogs ----------------

def tle_satrecs(path):
    lines = [s.rstrip() for s in Path(path).read_text().splitlines()]
    ones = [s for s in lines if s.startswith("1 ")]
    twos = [s for s in lines if s.startswith("2 ")]
    return [Satrec.twoline2rv(a, b) for a, b in zip(ones, twos, strict=True)]


def omm_satrecs(path):
    path = Path(path)
    if path.suffix == ".json":
        records = [{k: str(v) for k, v in r.items()} for r in json.loads(path.read_text())]
    elif path.suffix == ".xml":
        records = list(omm.parse_xml(str(path)))
    else:
        records = list(omm.parse_csv(io.StringIO(path.read_text())))
    sats = []
    for fields in records:
        sat = Satrec()
        omm.initialize(sat, fields)
        sats.append(sat)
    return sats


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def tle_lines():
    return (DATA / "stations.tle").read_text().splitlines()


def edited_tle(tmp_path, lineno, edit, fix=True, name="bad.tle"):
    """stations.tle with 1-based line ``lineno`` passed through ``edit`` (checksum redone)."""
    lines = tle_lines()
    line = edit(lines[lineno - 1])
    lines[lineno - 1] = fix_checksum(line) if fix else line
    return write(tmp_path, name, "\n".join(lines) + "\n")


# --- the table -----------------------------------------------------------------------------

def test_three_line_tle_table():
    df = read_tle(DATA / "stations.tle")
    assert tuple(df.columns) == COLUMNS
    assert list(df["name"]) == STATION_NAMES
    assert list(df["satnum"]) == STATION_SATNUMS
    assert (df["shell"] == "stations").all() and (df["source"] == "tle").all()
    assert df["satnum"].dtype == np.int64
    assert df["epoch"].dtype == np.dtype("datetime64[ns]")
    assert all(df[c].dtype == np.float64 for c in FLOAT_COLUMNS)
    assert df["name"].map(type).eq(str).all()
    # ISS (ZARYA) of the skyfield documentation: 2014 day 20.93268519 = 22:23:04.000416 UTC
    iss = df.iloc[0]
    assert iss["epoch"] == pd.Timestamp("2014-01-20T22:23:04.000416")
    assert iss["inclination_deg"] == pytest.approx(51.6498, abs=1e-12)
    assert iss["eccentricity"] == pytest.approx(0.0003572, abs=1e-15)
    assert iss["mean_motion_rev_per_day"] == pytest.approx(15.49815350, abs=1e-12)
    assert iss["bstar"] == pytest.approx(0.182e-3, rel=1e-12)
    assert 400 < iss["altitude_km"] < 430
    # every column is the Satrec's own number
    for (_, row), sat in zip(df.iterrows(), tle_satrecs(DATA / "stations.tle")):
        assert row["altitude_km"] == sat.a * 6378.135 - 6378.135
        assert row["raan_deg"] == pytest.approx(math.degrees(sat.nodeo), abs=1e-12)
        assert row["ndot"] == sat.ndot and row["nddot"] == sat.nddot
        assert row["mean_motion_rev_per_day"] * 2 * math.pi / 1440 == pytest.approx(
            sat.no_kozai, rel=1e-15)


def test_two_line_and_mixed_files():
    three = read_tle(DATA / "stations.tle")
    two = read_tle(DATA / "twoline.tle")
    assert list(two["name"]) == [f"NORAD {n}" for n in STATION_SATNUMS]
    assert (two["shell"] == "twoline").all()
    pd.testing.assert_frame_equal(two[list(COLUMNS[3:])], three[list(COLUMNS[3:])])
    # CRLF, blank and whitespace-only lines, "0 " names, 2- and 3-line sets interleaved,
    # Space-Track's '+' signs and zero-padded fields
    mixed = read_tle(DATA / "mixed.tle")
    assert list(mixed["name"]) == ["ISS (ZARYA)", "NORAD 29273", "MOLNIYA 2-14", "NORAD 29274"]
    assert list(mixed["satnum"]) == [25544, 29273, 8195, 29274]
    assert mixed["epoch"].iloc[1] == pd.Timestamp("2018-03-22T07:09:40.545216")


def test_example_sample_file():
    df = read_tle(SAMPLE)
    assert list(df["name"]) == [f"DEMO-{k}" for k in range(1, 6)]
    assert (df["epoch"] == pd.Timestamp("2026-11-20")).all()
    assert df["altitude_km"].between(400, 1300).all()
    assert df["satnum"].is_unique


def test_elements_from_satrecs_checks_names():
    sats = tle_satrecs(DATA / "twoline.tle")
    df = elements_from_satrecs(sats, [f"S{k}" for k in range(5)], "tle", shell="x")
    assert list(df["shell"]) == ["x"] * 5
    with pytest.raises(ValueError, match="5 satellites but 2 names"):
        elements_from_satrecs(sats, ["a", "b"], "tle")
    empty = elements_from_satrecs([], [], "tle")
    assert tuple(empty.columns) == COLUMNS and len(empty) == 0


# --- OMM -----------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", ["csv", "json", "xml"])
def test_omm_matches_sgp4_own_omm_path(suffix):
    path = DATA / f"stations.{suffix}"
    df = read_omm(path)
    assert list(df["name"]) == STATION_NAMES
    assert (df["source"] == "omm").all() and (df["shell"] == "stations").all()
    reference = elements_from_satrecs(omm_satrecs(path), STATION_NAMES, "omm", "stations")
    pd.testing.assert_frame_equal(df, reference, check_exact=True)


@pytest.mark.parametrize("suffix", ["csv", "json", "xml"])
def test_omm_agrees_with_tle_to_tle_precision(suffix):
    tle = read_tle(DATA / "stations.tle")
    om = read_omm(DATA / f"stations.{suffix}")
    assert list(om["satnum"]) == list(tle["satnum"])
    # half a unit of the last TLE digit (epoch: 1e-8 day = 864 us)
    assert (om["epoch"] - tle["epoch"]).abs().max() <= pd.Timedelta("1us")
    for column, tol in [("inclination_deg", 5e-5), ("raan_deg", 5e-5), ("eccentricity", 5e-8),
                        ("arg_perigee_deg", 5e-5), ("mean_anomaly_deg", 5e-5),
                        ("mean_motion_rev_per_day", 5e-9)]:
        np.testing.assert_allclose(om[column], tle[column], rtol=0, atol=tol, err_msg=column)
    for column in ("bstar", "ndot", "nddot"):
        np.testing.assert_allclose(om[column], tle[column], rtol=1e-5, atol=0, err_msg=column)
    np.testing.assert_allclose(om["altitude_km"], tle["altitude_km"], rtol=0, atol=1e-3)


def test_omm_format_selection_and_variants(tmp_path):
    reference = read_omm(DATA / "stations.csv")
    cols = list(COLUMNS[3:])
    for fmt in ("csv", "json", "xml"):
        text = (DATA / f"stations.{fmt}").read_text()
        sniffed = read_omm(write(tmp_path, f"sniffed_{fmt}.txt", "\n" + text))
        pd.testing.assert_frame_equal(sniffed[cols], reference[cols])
        forced = read_omm(write(tmp_path, f"forced_{fmt}.dat", text), format=fmt.upper())
        pd.testing.assert_frame_equal(forced[cols], reference[cols])
    # a single JSON object; EPOCH without fractional seconds or with a trailing Z
    record = json.loads((DATA / "stations.json").read_text())[0]
    record["EPOCH"] = "2014-01-20T22:23:04"
    # (sgp4's OMM path turns the epoch into float days since 1949: ~0.1 us of rounding)
    one = read_omm(write(tmp_path, "one.json", json.dumps(record)))
    assert len(one) == 1
    assert abs(one["epoch"].iloc[0] - pd.Timestamp("2014-01-20T22:23:04")) < pd.Timedelta("1us")
    record["EPOCH"] = "2014-01-20T22:23:04.5Z"
    zulu = read_omm(write(tmp_path, "z.json", json.dumps([record])))["epoch"].iloc[0]
    assert abs(zulu - pd.Timestamp("2014-01-20T22:23:04.5")) < pd.Timedelta("1us")
    # OBJECT_NAME is optional
    del record["OBJECT_NAME"]
    assert read_omm(write(tmp_path, "anon.json", json.dumps(record)))["name"].iloc[0] == \
        "NORAD 25544"
    with pytest.raises(ValueError, match="'yaml'; expected 'csv', 'json' or 'xml'"):
        read_omm(DATA / "stations.csv", format="yaml")


# --- sgp4init round trip -------------------------------------------------------------------

@pytest.mark.parametrize("name", ["stations.tle", "mixed.tle", "stations.csv", "stations.json",
                                  "stations.xml"])
def test_table_rebuilds_identical_satrec(name):
    path = DATA / name
    if path.suffix == ".tle":
        df, sats = read_tle(path), tle_satrecs(path)
    else:
        df, sats = read_omm(path), omm_satrecs(path)
    assert _check_roundtrip(df, sats) < 1e-6
    for row, sat in zip(df.itertuples(index=False), sats):
        new = satrec_from_row(row)
        assert (new.jdsatepoch, new.jdsatepochF) == (sat.jdsatepoch, sat.jdsatepochF)
        assert new.satnum == sat.satnum and new.method == sat.method


def test_roundtrip_of_example_sample():
    assert _check_roundtrip(read_tle(SAMPLE), tle_satrecs(SAMPLE)) < 1e-6


# --- bad TLE input -------------------------------------------------------------------------

def test_bad_checksum_names_the_line(tmp_path):
    path = edited_tle(tmp_path, 5, lambda s: s.replace("18135.38689952", "18135.38689953"),
                      fix=False)
    with pytest.raises(ValueError) as exc:
        read_tle(path)
    message = str(exc.value)
    assert "bad.tle line 5: TLE checksum is 1 but the line's last digit says 0" in message
    assert "corrupted or was edited" in message


def test_bad_tle_lines(tmp_path):
    cases = [
        # (1-based line, edit, fix checksum, expected fragments)
        (8, lambda s: s[:60], False, ["line 8", "only 60 characters", "69 columns"]),
        (2, lambda s: "3" + s[1:], True, ["line 2", "found '3 25544U", "starting '1 '"]),
        (3, lambda s: "3" + s[1:], True, ["line 3", "after TLE line 1 on line 2",
                                          "starting '2 '"]),
        (6, lambda s: s[:2] + "41484" + s[7:], True, ["line 6", "catalog number '41484'",
                                                       "'41483' on line 5"]),
        (3, lambda s: s.replace("51.6498", "51.6x98"), True,
         ["line 3", "columns 9-16 (inclination)", "' 51.6x98'"]),
        (2, lambda s: s.replace("14020.93268519", "14020:93268519"), True,
         ["line 2", "column 24", "'.'"]),
        (5, lambda s: s.replace(" 14684-4", " 14684x4"), True,
         ["line 5", "second derivative of mean motion"]),
        (9, lambda s: s[:68] + "x", False, ["line 9", "column 69 holds 'x'"]),
        (3, lambda s: s.replace("15.49815350", "00.00000000"), True,
         ["line 3", "mean motion is 0.0"]),
        (2, lambda s: s.replace("98067A  ", "98067Ä  "), False, ["line 2", "non-ASCII"]),
    ]
    for lineno, edit, fix, fragments in cases:
        with pytest.raises(ValueError) as exc:
            read_tle(edited_tle(tmp_path, lineno, edit, fix))
        for fragment in fragments:
            assert fragment in str(exc.value), (fragment, str(exc.value))


def test_bad_tle_structure(tmp_path):
    two = (DATA / "twoline.tle").read_text().splitlines()
    # a two-line file whose first line has the wrong leading digit
    path = write(tmp_path, "two.tle", "\n".join([fix_checksum("4" + two[0][1:])] + two[1:]))
    with pytest.raises(ValueError, match=r"two\.tle line 1: TLE line starts with '4 '"):
        read_tle(path)
    path = write(tmp_path, "orphan.tle", "\n".join(two[1:]))
    with pytest.raises(ValueError, match=r"orphan\.tle line 1: found TLE line 2 with no line 1"):
        read_tle(path)
    path = write(tmp_path, "cut.tle", "\n".join(tle_lines()[:-1]))
    with pytest.raises(ValueError, match=r"cut\.tle line 14: the file ends after TLE line 1"):
        read_tle(path)
    path = write(tmp_path, "name.tle", "\n".join(tle_lines() + ["", "LONELY NAME"]))
    with pytest.raises(ValueError, match=r"name\.tle line 17: name line 'LONELY NAME' ends"):
        read_tle(path)


@pytest.mark.parametrize("text", ["", "\n\n  \r\n"])
def test_empty_tle_file(tmp_path, text):
    with pytest.raises(ValueError, match=r"empty\.tle: no satellites found"):
        read_tle(write(tmp_path, "empty.tle", text))


# --- bad OMM input -------------------------------------------------------------------------

def json_records():
    return json.loads((DATA / "stations.json").read_text())


def test_omm_missing_key(tmp_path):
    records = json_records()
    del records[1]["MEAN_MOTION"]
    with pytest.raises(ValueError) as exc:
        read_omm(write(tmp_path, "bad.json", json.dumps(records)))
    assert "bad.json record 2 (FLOCK 2E-1): key MEAN_MOTION is missing" in str(exc.value)
    # a CSV without a column
    rows = list(csv.reader(io.StringIO((DATA / "stations.csv").read_text())))
    k = rows[0].index("BSTAR")
    text = "\n".join(",".join(r[:k] + r[k + 1:]) for r in rows)
    with pytest.raises(ValueError, match=r"record 1 \(ISS \(ZARYA\)\): key BSTAR is missing"):
        read_omm(write(tmp_path, "bad.csv", text))
    # an XML record without a tag, and one with an empty tag
    xml = (DATA / "stations.xml").read_text()
    with pytest.raises(ValueError, match=r"record 1 \(ISS \(ZARYA\)\): key REV_AT_EPOCH"):
        read_omm(write(tmp_path, "bad.xml", xml.replace("<REV_AT_EPOCH>86847</REV_AT_EPOCH>",
                                                        "")))
    with pytest.raises(ValueError, match=r"record 1 \(ISS \(ZARYA\)\): key BSTAR"):
        read_omm(write(tmp_path, "bad.xml", xml.replace("<BSTAR>.182E-3</BSTAR>", "<BSTAR/>")))


@pytest.mark.parametrize("key, value, expected", [
    ("INCLINATION", "abc", "INCLINATION is 'abc'; expected a finite decimal number"),
    ("BSTAR", "nan", "BSTAR is 'nan'"),
    ("ECCENTRICITY", 1.2, "ECCENTRICITY is '1.2'; expected 0 <= eccentricity < 1"),
    ("ECCENTRICITY", -0.1, "ECCENTRICITY is '-0.1'"),
    ("MEAN_MOTION", 0, "MEAN_MOTION is '0'; expected a positive"),
    ("NORAD_CAT_ID", "25544.5", "NORAD_CAT_ID is '25544.5'; expected an integer"),
    ("NORAD_CAT_ID", 400000, "NORAD_CAT_ID is '400000'"),
    ("ELEMENT_SET_NO", True, "ELEMENT_SET_NO is True"),
    ("EPOCH", "2014-01-20 22:23", "EPOCH is '2014-01-20 22:23'"),
    ("CLASSIFICATION_TYPE", "UU", "CLASSIFICATION_TYPE is 'UU'"),
    ("MEAN_ANOMALY", None, "key MEAN_ANOMALY is missing or empty"),
])
def test_omm_bad_values(tmp_path, key, value, expected):
    records = json_records()
    records[2][key] = value
    with pytest.raises(ValueError) as exc:
        read_omm(write(tmp_path, "bad.json", json.dumps(records)))
    assert f"bad.json record 3 (MARIO): {expected}" in str(exc.value)


def test_omm_bad_files(tmp_path):
    with pytest.raises(ValueError, match=r"bad\.json: not valid JSON \(.* line 2 column"):
        read_omm(write(tmp_path, "bad.json", '[{"OBJECT_NAME": "X",\n "EPOCH": }]'))
    with pytest.raises(ValueError, match=r"top level is str"):
        read_omm(write(tmp_path, "str.json", '"hello"'))
    with pytest.raises(ValueError, match=r"record 2: is list"):
        read_omm(write(tmp_path, "list.json", json.dumps([json_records()[0], [1, 2]])))
    header = (DATA / "stations.csv").read_text().splitlines()[0]
    with pytest.raises(ValueError, match=r"header\.csv: no satellites found"):
        read_omm(write(tmp_path, "header.csv", header + "\n"))
    with pytest.raises(ValueError, match=r"empty\.json: no satellites found"):
        read_omm(write(tmp_path, "empty.json", "[]"))
    with pytest.raises(ValueError, match=r"not UTF-8"):
        path = tmp_path / "latin.csv"
        path.write_bytes(b"OBJECT_NAME\n\xe9\n")
        read_omm(path)


def test_omm_xml_refuses_doctype_and_bad_xml(tmp_path):
    xml = (DATA / "stations.xml").read_text()
    laughs = xml.replace(
        "<ndm ", '<!DOCTYPE ndm [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>\n<ndm ', 1,
    ).replace("<ORIGINATOR/>", "<ORIGINATOR>&lol2;</ORIGINATOR>", 1)
    with pytest.raises(ValueError, match=r"doctype\.xml: XML with a DOCTYPE or ENTITY"):
        read_omm(write(tmp_path, "doctype.xml", laughs))
    with pytest.raises(ValueError, match=r"broken\.xml: not well-formed XML \(line \d+"):
        read_omm(write(tmp_path, "broken.xml", xml[:-20]))
    with pytest.raises(ValueError, match=r"nothing\.xml: no <segment> elements"):
        read_omm(write(tmp_path, "nothing.xml", "<ndm><omm/></ndm>"))
    with pytest.raises(ValueError, match=r"record 1: OMM <segment> lacks"):
        read_omm(write(tmp_path, "hollow.xml", "<ndm><segment><data/></segment></ndm>"))


def test_satrecs_from_table_equals_row_by_row():
    # the column-wise builder used by the pipeline makes exactly the row-by-row Satrecs
    c = twin.Constellation.from_tle(Path(__file__).parent.parent / "examples/data/sample.tle") \
        + twin.Constellation.walker(550, 53, 3, 4, 1).with_epoch("2027-06-21T01:02:03.456789Z")
    el = c.elements
    assert el["epoch"].notna().all() and len(el) > 12
    attrs = ("jdsatepoch", "jdsatepochF", "no_kozai", "ecco", "inclo", "nodeo", "argpo", "mo",
             "bstar", "ndot", "nddot", "satnum", "mdot", "nodedot", "argpdot")
    for a, b in zip(satrecs_from_table(el), (satrec_from_row(r) for r in
                                            el.itertuples(index=False)), strict=True):
        for k in attrs:
            assert getattr(a, k) == getattr(b, k), k
