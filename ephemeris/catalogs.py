"""Read real satellite catalogs -- TLE and OMM files -- into one element table.

Accepted inputs
---------------
* **TLE** (:func:`read_tle`): NORAD two-line element sets as CelesTrak and Space-Track
  serve them, with or without a name line ("3LE"; CelesTrak's 3LE names start with ``"0 "``);
  2- and 3-line sets may be mixed, blank lines, trailing blanks and CRLF are ignored.  Each
  line has fixed columns (Space-Track "Basic Description of the Two Line Element Set Format";
  T.S. Kelso, "FAQs: Two-Line Element Set Format", https://celestrak.org/columns/v04n03/):
  line 1 starts ``"1 "``, line 2 ``"2 "``, both carry the catalog number in columns 3-7 and
  end in column 69 with a checksum: the sum of all digits in columns 1-68, each ``'-'``
  counting 1, modulo 10.  Every line is checked before ``Satrec.twoline2rv`` parses it,
  because sgp4's parser silently accepts garbage.
* **OMM** (:func:`read_omm`): CCSDS Orbit Mean-Elements Messages (CCSDS 502.0-B-2, "Orbit
  Data Messages", 2009) with the SGP4/TLE keywords, in the three encodings of CelesTrak's GP
  data (https://celestrak.org/NORAD/documentation/gp-data-formats.php): ``FORMAT=CSV`` (a
  header row of keywords), ``FORMAT=JSON`` (a list of objects, numbers as JSON numbers) and
  ``FORMAT=XML`` (``<ndm><omm>...<segment><metadata>``/``<data><meanElements>``/
  ``<tleParameters>``).  Records go through ``sgp4.omm.initialize``, so the numbers are the
  ones sgp4's own OMM path (and, for CelesTrak data, its TLE path) produces.  XML carrying a
  DOCTYPE or ENTITY declaration is refused (entity-expansion attacks).

Every problem is a ``ValueError`` naming the file, the line (TLE) or record (OMM), what is
wrong and what was expected.

Bounded input
-------------
Files are read by :func:`read_input`: only regular files (``/dev/zero``, a FIFO or a
directory is refused before it is opened), at most :data:`MAX_INPUT_BYTES` (256 MiB; the
environment variable ``TWIN_MAX_INPUT_MB`` overrides it, for catalogs, scenarios and design
files alike).  Names are at most :data:`MAX_NAME_CHARS` characters.  JSON nested deeper than
:data:`MAX_NESTING` levels is refused.  A catalog number appearing twice is refused unless
``duplicates="keep"`` (both kept, as two satellites) or ``"latest"`` (the set with the latest
epoch kept).

The element table
-----------------
One row per satellite, columns :data:`COLUMNS`: ``name``, ``shell`` (the file's stem),
``source`` (``"tle"``/``"omm"``), ``satnum``, ``epoch`` (UTC, ``datetime64[ns]``),
``altitude_km`` (SGP4's Brouwer mean semi-major axis minus the WGS72 radius), the mean
elements in degrees, ``mean_motion_rev_per_day`` (Kozai), ``bstar`` (1/earth radii) and
``ndot`` / ``nddot`` in sgp4's internal units (rad/min^2, rad/min^3) as stored on the
``Satrec``.  They rebuild the identical ``Satrec`` with ``sgp4init`` (WGS72, opsmode "i");
see :func:`ephemeris.satrec.satrec_from_row` (the builders of ``Satrec`` objects live in
:mod:`ephemeris.satrec`) for the one subtle point, the split epoch.
"""
from __future__ import annotations

import io
import json
import math
import os
import re
import stat
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sgp4 import omm as _omm
from sgp4.api import SGP4_ERRORS, WGS72, Satrec
from sgp4.io import compute_checksum

from ephemeris.orbits import ELEMENT_COLUMNS, RE_WGS72_KM
from ephemeris.satrec import (  # noqa: F401 - satrec_from_row, satrecs_from_table re-exported
    MAX_SATNUM,
    NS_PER_DAY,
    XPDOTP,
    satrec_from_row,
    satrecs_from_table,
)

__all__ = ["COLUMNS", "elements_from_satrecs", "read_input", "read_omm", "read_tle",
           "check_nesting", "MAX_INPUT_BYTES", "MAX_NAME_CHARS", "MAX_NESTING"]

#: Largest input file read [bytes], unless ``TWIN_MAX_INPUT_MB`` says otherwise.  Assumption:
#: CelesTrak's whole active catalog (~12,000 objects in 2025) is ~2 MB as TLE and ~10 MB as
#: OMM XML, so 256 MiB leaves room for twenty times that while a runaway read stays bounded.
MAX_INPUT_BYTES = 256 * 2**20
#: Longest satellite name [characters].  Assumption: TLE name lines are 24 characters
#: (CelesTrak, "FAQs: Two-Line Element Set Format"); OMM OBJECT_NAME is free text, 200 keeps
#: any real name while a 10 MB "name" (copied into every row of every output) is refused.
MAX_NAME_CHARS = 200
#: Deepest nesting of JSON arrays/objects or TOML tables accepted.  Assumption: OMM JSON is 2
#: levels deep and scenarios 4; 64 is far beyond both and far below Python's recursion limit.
MAX_NESTING = 64
DUPLICATES = ("refuse", "keep", "latest")


def max_input_bytes() -> int:
    """The input size limit: ``TWIN_MAX_INPUT_MB`` (MiB) when set, else MAX_INPUT_BYTES."""
    env = os.environ.get("TWIN_MAX_INPUT_MB")
    if env is None:
        return MAX_INPUT_BYTES
    try:
        mb = float(env)
    except ValueError:
        mb = math.nan
    if not (math.isfinite(mb) and mb > 0):
        raise ValueError(f"TWIN_MAX_INPUT_MB={env!r} is not allowed; expected a positive "
                         "number of MiB")
    return int(mb * 2**20)


def read_input(path, what="file") -> bytes:
    """The bytes of the regular file ``path``, refusing devices, FIFOs, sockets and
    directories (before opening: a FIFO would block, /dev/zero never ends) and files larger
    than :func:`max_input_bytes` (a ``ValueError`` naming the file and the limit)."""
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise ValueError(f"{what} {str(p)!r} does not exist") from None
    if not stat.S_ISREG(st.st_mode):
        kind = ("a directory" if stat.S_ISDIR(st.st_mode) else "a FIFO (named pipe)"
                if stat.S_ISFIFO(st.st_mode) else "a device" if stat.S_ISCHR(st.st_mode)
                or stat.S_ISBLK(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
                else "not a regular file")
        raise ValueError(f"{what} {str(p)!r} is {kind}; expected a regular file")
    limit = max_input_bytes()
    with open(p, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{what} {str(p)!r} is larger than {limit / 2**20:g} MiB, the input "
                         "limit; set TWIN_MAX_INPUT_MB to raise it if the file is genuine")
    return data


def check_nesting(value, label: str, limit: int = MAX_NESTING) -> None:
    """Refuse ``value`` (parsed JSON/TOML) nested deeper than ``limit`` levels (iteratively,
    so the check itself cannot overflow the stack)."""
    stack = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        if isinstance(v, dict):
            items = v.values()
        elif isinstance(v, list):
            items = v
        else:
            continue
        if depth > limit:
            raise ValueError(f"{label}: nested more than {limit} levels deep; expected a "
                             "flat structure")
        stack.extend((x, depth + 1) for x in items)


def _check_name(name: str, where: str) -> str:
    if len(name) > MAX_NAME_CHARS:
        raise ValueError(f"{where}: the satellite name is {len(name):,} characters long; "
                         f"expected at most {MAX_NAME_CHARS}")
    return name


def _resolve_duplicates(satrecs, names, places, label, duplicates):
    """Apply ``duplicates`` to sets sharing a catalog number (``places``: where each set is,
    such as "line 4" or "record 2")."""
    if duplicates not in DUPLICATES:
        raise ValueError(f"duplicates={duplicates!r} is not allowed; allowed: "
                         f"{', '.join(map(repr, DUPLICATES))}")
    first, dup = {}, []
    for k, s in enumerate(satrecs):
        if s.satnum in first:
            dup.append((first[s.satnum], k))
        else:
            first[s.satnum] = k
    if not dup or duplicates == "keep":
        return satrecs, names
    if duplicates == "refuse":
        a, b = dup[0]
        raise ValueError(f"{label}: catalog number {satrecs[a].satnum} appears twice ({places[a]}"
                         f" and {places[b]}; {len(dup)} duplicate set(s) in all); expected one "
                         "element set per satellite (duplicates='keep' keeps both as two "
                         "satellites, 'latest' keeps the latest epoch; scenario key "
                         "duplicates)")
    best = {}
    for k, s in enumerate(satrecs):
        epoch = s.jdsatepoch + s.jdsatepochF
        if s.satnum not in best or epoch > best[s.satnum][0]:
            best[s.satnum] = (epoch, k)
    keep = sorted(k for _, k in best.values())
    return [satrecs[k] for k in keep], [names[k] for k in keep]

#: Columns of the element table, in order (shared with designed orbits).
COLUMNS = tuple(ELEMENT_COLUMNS)

#: WGS72 equatorial radius (km), the one SGP4 uses with ``WGS72``.
WGS72_RADIUS_KM = RE_WGS72_KM
_JD_UNIX = 2440587.5          # 1970-01-01T00:00 UTC

# ----------------------------------------------------------------------------------------
# The element table


def elements_from_satrecs(satrecs, names, source: str, shell: str = "") -> pd.DataFrame:
    """The element table (columns :data:`COLUMNS`) of already-initialised ``Satrec`` objects.

    ``names`` gives one name per satellite; ``source`` and ``shell`` fill those columns.
    """
    satrecs = list(satrecs)
    names = [str(n) for n in names]
    if len(names) != len(satrecs):
        raise ValueError(f"got {len(satrecs)} satellites but {len(names)} names; "
                         "expected one name per satellite")
    n = len(satrecs)

    def attr(key, dtype=float):
        return np.fromiter((getattr(s, key) for s in satrecs), dtype=dtype, count=n)

    return pd.DataFrame({
        "name": pd.Series(names, dtype=str),
        "shell": pd.Series([str(shell)] * n, dtype=str),
        "source": pd.Series([str(source)] * n, dtype=str),
        "satnum": attr("satnum", np.int64),
        "epoch": _jd_to_datetime64(attr("jdsatepoch"), attr("jdsatepochF")),
        "altitude_km": attr("a") * WGS72_RADIUS_KM - WGS72_RADIUS_KM,
        "inclination_deg": np.degrees(attr("inclo")),
        "raan_deg": np.degrees(attr("nodeo")),
        "eccentricity": attr("ecco"),
        "arg_perigee_deg": np.degrees(attr("argpo")),
        "mean_anomaly_deg": np.degrees(attr("mo")),
        "mean_motion_rev_per_day": attr("no_kozai") * XPDOTP,
        "bstar": attr("bstar"),
        "ndot": attr("ndot"),
        "nddot": attr("nddot"),
    }, columns=list(COLUMNS))


def _jd_to_datetime64(jd, fr) -> np.ndarray:
    """Split UTC Julian dates (``jd + fr``) -> ``datetime64[ns]``, exact to the nanosecond.

    ``jd - 2440587.5`` is exact for the half-integer ``jdsatepoch``; the fraction is added
    separately so no sub-millisecond digit is lost to a 2.4e6-sized sum.
    """
    d = np.asarray(jd, dtype=float) - _JD_UNIX
    whole = np.floor(d)
    frac = (d - whole) + np.asarray(fr, dtype=float)
    ns = whole.astype(np.int64) * NS_PER_DAY + np.rint(frac * NS_PER_DAY).astype(np.int64)
    return ns.view("datetime64[ns]")


# ----------------------------------------------------------------------------------------
# TLE

# Fields checked before parsing: (start, stop) 0-based slice, description, pattern.
_SATNUM = r"(?:[ 0-9]{4}[0-9]|[A-HJ-NP-Z][0-9]{4})"   # 5 digits or Alpha-5
_DECIMAL = r" *[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)"
_EXP = r"[ +-][0-9]{5}[ +-][0-9]"                    # assumed decimal point + exponent
_OPTINT = r" *[0-9]*"
_LINE_FIELDS = {
    1: (
        (2, 7, "catalog number", _SATNUM, "5 digits or an Alpha-5 number"),
        (18, 20, "epoch year", r"[0-9]{2}", "2 digits"),
        (20, 32, "epoch day of year", _DECIMAL, "a decimal day of year like 014.93268519"),
        (33, 43, "first derivative of mean motion", _DECIMAL, "a decimal like -.00002182"),
        (44, 52, "second derivative of mean motion", _EXP, "a field like ' 00000-0'"),
        (53, 61, "BSTAR drag term", _EXP, "a field like ' 18200-3'"),
        (62, 63, "ephemeris type", r"[0-9 ]", "a digit"),
        (64, 68, "element set number", _OPTINT, "a right-aligned integer"),
    ),
    2: (
        (2, 7, "catalog number", _SATNUM, "5 digits or an Alpha-5 number"),
        (8, 16, "inclination", _DECIMAL, "a decimal number of degrees"),
        (17, 25, "right ascension of the ascending node", _DECIMAL,
         "a decimal number of degrees"),
        (26, 33, "eccentricity", r"[0-9 ]{7}", "7 digits (decimal point assumed)"),
        (34, 42, "argument of perigee", _DECIMAL, "a decimal number of degrees"),
        (43, 51, "mean anomaly", _DECIMAL, "a decimal number of degrees"),
        (52, 63, "mean motion", _DECIMAL, "a decimal number of revolutions per day"),
        (63, 68, "revolution number at epoch", _OPTINT, "a right-aligned integer"),
    ),
}
_LINE_FIELDS = {k: tuple((a, b, what, re.compile(p + r"\Z"), exp) for a, b, what, p, exp in v)
                for k, v in _LINE_FIELDS.items()}
# Fixed separators that sgp4's own parser relies on: 0-based column -> character.
_LINE_SEPARATORS = {
    1: ((8, " "), (23, "."), (32, " "), (34, "."), (43, " "), (52, " "), (61, " "), (63, " ")),
    2: ((7, " "), (11, "."), (16, " "), (20, "."), (25, " "), (33, " "), (37, "."), (42, " "),
        (46, "."), (51, " ")),
}
_LOOKS_LIKE_TLE = re.compile(r"[0-9] .{67}")


def read_tle(path, duplicates="refuse") -> pd.DataFrame:
    """The element table of a TLE file (2-line and/or 3-line sets; see the module docstring).

    Raises ``ValueError`` naming the 1-based line for any malformed line, and for a file
    without satellites.  ``duplicates``: "refuse" (default), "keep" or "latest" for a catalog
    number appearing twice (see "Bounded input" above).
    """
    path = Path(path)
    label = os.fspath(path)
    lines = _text_lines(path)
    satrecs, names, places = [], [], []
    i = 0
    while i < len(lines):
        no, text = lines[i]
        name = None
        if not text.startswith("1 "):
            if text.startswith("2 "):
                raise _line_error(label, no, "found TLE line 2 with no line 1 before it",
                                  "line 1 (starting '1 ') then line 2 (starting '2 ')")
            if _LOOKS_LIKE_TLE.match(text):
                raise _line_error(label, no, f"TLE line starts with {text[:2]!r}",
                                  "'1 ' for line 1 or '2 ' for line 2")
            name = _check_name(text.strip(), f"{label} line {no}")
            if name.startswith("0 "):
                name = name[2:].strip()
            i += 1
            if i == len(lines):
                raise _line_error(label, no, f"name line {text.strip()!r} ends the file",
                                  "TLE lines 1 and 2 after a name line")
            no, text = lines[i]
            if not text.startswith("1 "):
                raise _line_error(label, no, f"found {text[:20]!r} after the name on line "
                                  f"{lines[i - 1][0]}", "TLE line 1, starting '1 '")
        no1, line1 = no, text
        i += 1
        if i == len(lines) or not lines[i][1].startswith("2 "):
            where, found = (no1, "the file ends") if i == len(lines) else (
                lines[i][0], f"found {lines[i][1][:20]!r}")
            raise _line_error(label, where, f"{found} after TLE line 1 on line {no1}",
                              "TLE line 2, starting '2 '")
        no2, line2 = lines[i]
        i += 1
        _check_tle_line(label, no1, line1, 1)
        _check_tle_line(label, no2, line2, 2)
        if line1[2:7] != line2[2:7]:
            raise _line_error(label, no2, f"catalog number {line2[2:7]!r} differs from "
                              f"{line1[2:7]!r} on line {no1}",
                              "both lines of a TLE to carry the same catalog number")
        sat = Satrec.twoline2rv(line1[:69], line2[:69], WGS72)
        if sat.error:
            raise _line_error(label, no1, f"SGP4 rejects this element set: "
                              f"{SGP4_ERRORS.get(sat.error, sat.error)}",
                              "elements SGP4 can propagate")
        satrecs.append(sat)
        names.append(name if name else f"NORAD {sat.satnum}")
        places.append(f"line {no1}")
    if not satrecs:
        raise ValueError(f"{label}: no satellites found; expected TLE sets (optional name "
                         "line, then lines starting '1 ' and '2 ')")
    satrecs, names = _resolve_duplicates(satrecs, names, places, label, duplicates)
    return elements_from_satrecs(satrecs, names, "tle", path.stem)


def _text_lines(path: Path) -> list[tuple[int, str]]:
    """(1-based line number, right-stripped text) of the non-blank lines of a text file."""
    text = read_input(path, "catalog").decode("utf-8-sig", errors="replace")
    if "\n" not in text and "\r" in text:           # old Mac line ends
        text = text.replace("\r", "\n")
    return [(k, s) for k, s in enumerate((t.rstrip() for t in text.split("\n")), 1) if s]


def _line_error(label: str, no: int, what: str, expected: str) -> ValueError:
    return ValueError(f"{label} line {no}: {what}; expected {expected}")


def _check_tle_line(label: str, no: int, line: str, kind: int) -> None:
    """Raise ``ValueError`` unless ``line`` is a well-formed TLE line ``kind`` (1 or 2)."""
    if not line.isascii():
        raise _line_error(label, no, "TLE line contains non-ASCII characters",
                          "ASCII text only")
    if len(line) < 69:
        raise _line_error(label, no, f"TLE line {kind} is only {len(line)} characters long",
                          "69 columns (data in 1-68, checksum in 69)")
    last = line[68]
    if not last.isdigit():
        raise _line_error(label, no, f"column 69 holds {last!r}, not a checksum digit",
                          "the modulo-10 checksum of columns 1-68")
    computed = compute_checksum(line)
    if computed != int(last):
        raise ValueError(f"{label} line {no}: TLE checksum is {computed} but the line's last "
                         f"digit says {last}; the line is corrupted or was edited")
    for col, char in _LINE_SEPARATORS[kind]:
        if line[col] != char:
            raise _line_error(label, no, f"column {col + 1} of TLE line {kind} holds "
                              f"{line[col]!r}; the fields are misaligned",
                              f"{char!r} there (TLE fields sit in fixed columns)")
    for a, b, what, pattern, expected in _LINE_FIELDS[kind]:
        if not pattern.match(line[a:b]):
            raise _line_error(label, no, f"columns {a + 1}-{b} ({what}) read {line[a:b]!r}",
                              expected)
    if kind == 1:
        day = float(line[20:32])
        if not 1.0 <= day < 367.0:
            raise _line_error(label, no, f"epoch day of year is {day}", "1 <= day < 367")
    else:
        inclination, mean_motion = float(line[8:16]), float(line[52:63])
        if not 0.0 <= inclination <= 180.0:
            raise _line_error(label, no, f"inclination is {inclination} degrees",
                              "0 to 180 degrees")
        if mean_motion <= 0.0:
            raise _line_error(label, no, f"mean motion is {mean_motion} rev/day",
                              "a positive mean motion")


# ----------------------------------------------------------------------------------------
# OMM

_OMM_FLOATS = ("MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE",
               "ARG_OF_PERICENTER", "MEAN_ANOMALY", "BSTAR", "MEAN_MOTION_DOT",
               "MEAN_MOTION_DDOT")
_OMM_INTS = ("EPHEMERIS_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO", "REV_AT_EPOCH")
_OMM_REQUIRED = ("OBJECT_ID", "EPOCH", *_OMM_FLOATS, *_OMM_INTS, "CLASSIFICATION_TYPE")
_OMM_EPOCH_FORMATS = ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S")
_XML_DECLARATIONS = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def read_omm(path, format: str | None = None, duplicates="refuse") -> pd.DataFrame:
    """The element table of a CelesTrak-style OMM file in CSV, JSON or XML.

    ``format`` ("csv", "json" or "xml") overrides the file extension; with neither, the
    first non-blank character decides (``[``/``{`` JSON, ``<`` XML, anything else CSV).
    ``OBJECT_NAME`` is optional (the name then is ``"NORAD <id>"``); the other CelesTrak
    keys are required.  Raises ``ValueError`` naming the record (1-based) and the key.
    ``duplicates`` as for :func:`read_tle`.
    """
    path = Path(path)
    label = os.fspath(path)
    raw = read_input(path, "catalog")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{label}: not UTF-8 text ({exc.reason} at byte {exc.start}); "
                         "expected an OMM file in CSV, JSON or XML") from None
    fmt = _omm_format(text, path, format)
    if fmt == "json":
        records = _json_records(text, label)
    elif fmt == "xml":
        records = _xml_records(text, raw, label)
    else:
        records = list(_omm.parse_csv(io.StringIO(text.lstrip("\r\n\t "), newline="")))
    satrecs, names = [], []
    for k, record in enumerate(records, 1):
        fields, name = _omm_fields(record, label, k)
        sat = Satrec()
        _omm.initialize(sat, fields, WGS72)
        if sat.error:
            raise ValueError(f"{label} record {k} ({name}): SGP4 rejects these elements: "
                             f"{SGP4_ERRORS.get(sat.error, sat.error)}; expected elements "
                             "SGP4 can propagate")
        satrecs.append(sat)
        names.append(name)
    if not satrecs:
        raise ValueError(f"{label}: no satellites found; expected OMM records in {fmt.upper()}"
                         " as CelesTrak serves them")
    satrecs, names = _resolve_duplicates(satrecs, names, [f"record {k}" for k in
                                                          range(1, len(satrecs) + 1)],
                                         label, duplicates)
    return elements_from_satrecs(satrecs, names, "omm", path.stem)


def _omm_format(text: str, path: Path, format: str | None) -> str:
    if format is not None:
        fmt = str(format).lower().lstrip(".")
        if fmt not in ("csv", "json", "xml"):
            raise ValueError(f"{path}: format={format!r}; expected 'csv', 'json' or 'xml'")
        return fmt
    ext = path.suffix.lower().lstrip(".")
    if ext in ("csv", "json", "xml"):
        return ext
    first = text.lstrip()[:1]
    return "json" if first in ("[", "{") else "xml" if first == "<" else "csv"


def _json_records(text: str, label: str) -> list:
    try:
        data = json.loads(text)
    except RecursionError:
        raise ValueError(f"{label}: JSON nested too deeply (more than {MAX_NESTING} levels); "
                         "expected a list of OMM objects") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{label}: not valid JSON ({exc.msg} at line {exc.lineno} column "
                         f"{exc.colno}); expected a list of OMM objects as CelesTrak serves "
                         "(FORMAT=JSON)") from None
    check_nesting(data, label)
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ValueError(f"{label}: JSON top level is {type(data).__name__}; expected a list "
                         "of OMM objects (or one object)")
    for k, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise ValueError(f"{label} record {k}: is {type(item).__name__}; expected a JSON "
                             "object of OMM keywords")
    return data


def _xml_records(text: str, raw: bytes, label: str) -> list:
    if _XML_DECLARATIONS.search(text):
        raise ValueError(f"{label}: XML with a DOCTYPE or ENTITY declaration is refused "
                         "(entity expansion); expected plain CCSDS OMM XML as CelesTrak serves")
    records = []
    segments = _omm.parse_xml(io.BytesIO(raw.removeprefix(b"\xef\xbb\xbf").lstrip()))
    while True:
        try:
            record = next(segments)
        except StopIteration:
            break
        except ET.ParseError as exc:
            line, col = exc.position
            raise ValueError(f"{label}: not well-formed XML (line {line}, column {col + 1}); "
                             "expected CCSDS OMM XML") from None
        except (AttributeError, TypeError):
            raise ValueError(f"{label} record {len(records) + 1}: OMM <segment> lacks "
                             "<metadata>, <data>, <meanElements> or <tleParameters>; "
                             "expected CCSDS OMM layout") from None
        records.append(record)
    if not records:
        raise ValueError(f"{label}: no <segment> elements found; expected CCSDS OMM XML "
                         "<ndm><omm><body><segment> without an XML namespace")
    return records


def _omm_fields(record: dict, label: str, k: int) -> tuple[dict, str]:
    """Validated string fields for ``sgp4.omm.initialize`` and the satellite's name."""

    def text(key):
        value = record.get(key)
        if value is None or isinstance(value, (dict, list)):
            return None
        return str(value).strip()

    name = text("OBJECT_NAME") or (f"NORAD {text('NORAD_CAT_ID')}"
                                   if text("NORAD_CAT_ID") else "")
    _check_name(name, f"{label} record {k}")
    where = f"{label} record {k}" + (f" ({name})" if name else "")

    def bad(key, value, expected):
        return ValueError(f"{where}: {key} is {value!r}; expected {expected}")

    fields = {}
    for key in _OMM_REQUIRED:
        value = text(key)
        if not value:
            raise ValueError(f"{where}: key {key} is missing or empty; expected every "
                             f"CelesTrak OMM key ({', '.join(_OMM_REQUIRED)})")
        if isinstance(record[key], bool):
            raise bad(key, record[key], "a number")
        fields[key] = value
    for key in _OMM_FLOATS:
        try:
            number = float(fields[key])
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise bad(key, fields[key], "a finite decimal number")
    for key in _OMM_INTS:
        try:
            int(fields[key])
        except ValueError:
            raise bad(key, fields[key], "an integer") from None
    satnum = int(fields["NORAD_CAT_ID"])
    if not 0 <= satnum <= MAX_SATNUM:
        raise bad("NORAD_CAT_ID", fields["NORAD_CAT_ID"], f"0 to {MAX_SATNUM} (Alpha-5)")
    ecc = float(fields["ECCENTRICITY"])
    if not 0.0 <= ecc < 1.0:
        raise bad("ECCENTRICITY", fields["ECCENTRICITY"], "0 <= eccentricity < 1")
    if not 0.0 <= float(fields["INCLINATION"]) <= 180.0:
        raise bad("INCLINATION", fields["INCLINATION"], "0 to 180 degrees")
    if float(fields["MEAN_MOTION"]) <= 0.0:
        raise bad("MEAN_MOTION", fields["MEAN_MOTION"], "a positive number of rev/day")
    if len(fields["CLASSIFICATION_TYPE"]) != 1:
        raise bad("CLASSIFICATION_TYPE", fields["CLASSIFICATION_TYPE"],
                  "one character such as 'U'")
    epoch = fields["EPOCH"].removesuffix("Z")
    for fmt in _OMM_EPOCH_FORMATS:
        try:
            parsed = datetime.strptime(epoch, fmt)
            break
        except ValueError:
            continue
    else:
        raise bad("EPOCH", fields["EPOCH"], "a UTC time like 2024-02-01T12:00:40.563168")
    fields["EPOCH"] = parsed.strftime(_OMM_EPOCH_FORMATS[0])
    return fields, name or f"NORAD {satnum}"
