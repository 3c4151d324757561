"""Input checks shared by every package: a bad value raises an error that names the field,
the value and the allowed range."""
from __future__ import annotations

import math
from dataclasses import fields

import numpy as np

NUMBER_TYPES = (int, float, np.integer, np.floating)

#: The unit a field's name ends in -> the astropy unit string it is stored in.
SUFFIX_UNITS = {
    "km": "km", "m": "m", "m2": "m2", "deg": "deg", "rad": "rad", "s": "s", "min": "min",
    "h": "h", "hours": "h", "days": "day", "years": "yr", "w": "W", "kw": "kW", "wh": "W h",
    "kwh": "kW h", "mwh": "MW h", "kg": "kg", "k": "K", "c": "deg_C", "au": "AU",
}
_UNIT_TEXT = {"m^2": "m2", "degC": "deg_C", "Wh": "W h", "Wh/kg": "W h / kg", "1/K": "1 / K",
              "1/yr": "1 / yr"}


def is_quantity(value) -> bool:
    """True for an ``astropy.units.Quantity`` (checked without importing astropy)."""
    return type(value).__module__.startswith("astropy.units") and hasattr(value, "unit")


def unit_of_label(label: str, unit: str = "") -> str | None:
    """The astropy unit a number labelled ``label`` is in: ``unit`` when given, else the suffix
    of the field name (``altitude_km`` -> km, ``capacity_wh`` -> W h); None for a plain number
    (dimensionless)."""
    if unit:
        return _UNIT_TEXT.get(unit, unit)
    field = label.split(".")[-1].split("[")[0].split("=")[0].strip().lower()
    for key in sorted(SUFFIX_UNITS, key=len, reverse=True):
        if field.endswith("_" + key):
            return SUFFIX_UNITS[key]
    return None


def quantity_value(label, value, unit: str = ""):
    """The number of an ``astropy.units.Quantity`` in the unit of ``label`` (see
    :func:`unit_of_label`): a ``ValueError`` naming the field, the given unit and the one
    expected when they do not convert.  Arrays come back as float arrays, scalars as floats."""
    from astropy import units as u  # lazy: only when a Quantity is given

    target = unit_of_label(label, unit)
    want = u.dimensionless_unscaled if target is None else u.Unit(target)
    try:
        v = value.to_value(want, equivalencies=u.temperature())
    except u.UnitConversionError as exc:
        raise ValueError(f"{label}={value!r}: the unit {value.unit} does not convert to "
                        f"{want if target else 'a plain number (dimensionless)'}") from exc
    return float(v) if np.ndim(v) == 0 else np.asarray(v, float)


def range_text(lo, hi, lo_open=False, hi_open=False, unit=""):
    """'[0, 1)', '> 0 m^2', '<= 180 deg' ..."""
    u = f" {unit}" if unit else ""
    if hi is None and lo is None:
        return f"any finite number{u}"
    if hi is None:
        return f"{'>' if lo_open else '>='} {lo:g}{u}"
    if lo is None:
        return f"{'<' if hi_open else '<='} {hi:g}{u}"
    return f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}{u}"


def check_number(label, value, lo=None, hi=None, lo_open=False, hi_open=False, unit="",
                 allowed=None) -> float:
    """``value`` as a float after checking it is a finite real in the range.

    ``TypeError`` for a non-number (bools included), ``ValueError`` naming ``label``, the value
    and the allowed range (``allowed`` overrides the generated text) otherwise.  An
    ``astropy.units.Quantity`` is converted to the unit of ``label`` first (``quantity_value``).
    """
    if is_quantity(value):
        if np.ndim(value) != 0:
            raise TypeError(f"{label} must be a single number, got an array {value!r}")
        value = quantity_value(label, value, unit)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, NUMBER_TYPES):
        raise TypeError(f"{label} must be a number, got {value!r} ({type(value).__name__})")
    v = float(value)
    bad = not math.isfinite(v)
    if lo is not None and (v < lo or (lo_open and v == lo)):
        bad = True
    if hi is not None and (v > hi or (hi_open and v == hi)):
        bad = True
    if bad:
        raise ValueError(f"{label}={value!r} is out of range; allowed: "
                         f"{allowed or range_text(lo, hi, lo_open, hi_open, unit)}")
    return v


def field_number(obj, name, lo=None, hi=None, lo_open=False, hi_open=False, unit=""):
    """Check dataclass field ``obj.name`` (labelled ``Class.name``); store it as float."""
    v = check_number(f"{type(obj).__name__}.{name}", getattr(obj, name), lo, hi, lo_open,
                     hi_open, unit)
    object.__setattr__(obj, name, v)
    return v


def field_choice(obj, name, allowed):
    """Check that dataclass field ``obj.name`` is one of the strings ``allowed``."""
    value = getattr(obj, name)
    label = f"{type(obj).__name__}.{name}"
    if not isinstance(value, str):
        raise TypeError(f"{label} must be a string, got {value!r} ({type(value).__name__})")
    if value not in allowed:
        raise ValueError(f"{label}={value!r} is not supported; allowed: "
                         f"{', '.join(repr(a) for a in allowed)}")
    return value


def field_count(obj, name, lo=0, hi=None):
    """Check that dataclass field ``obj.name`` is a whole number in [lo, hi] (a float that is
    a whole number is accepted); store it as int."""
    value = getattr(obj, name)
    label = f"{type(obj).__name__}.{name}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        if isinstance(value, (float, np.floating)) and math.isfinite(value) \
                and float(value).is_integer():
            value = int(value)
        else:
            raise TypeError(f"{label} must be a whole number, got {value!r} "
                            f"({type(value).__name__})")
    if value < lo or (hi is not None and value > hi):
        rng = f">= {lo}" if hi is None else f"[{lo}, {hi}]"
        raise ValueError(f"{label}={value!r} is out of range; allowed: {rng}")
    object.__setattr__(obj, name, int(value))
    return int(value)


def field_flag(obj, name):
    """Check that dataclass field ``obj.name`` is True or False."""
    value = getattr(obj, name)
    if not isinstance(value, bool):
        raise TypeError(f"{type(obj).__name__}.{name} must be True or False, got {value!r} "
                        f"({type(value).__name__})")
    return value


class TableMixin:
    """Mixin: plain-dict round trip of a frozen dataclass read from a TOML table (a design
    part, a terminal, ...): unknown keys are refused naming the table and the valid keys."""

    def to_dict(self) -> dict:
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = list(v) if isinstance(v, tuple) else v
        return out

    @classmethod
    def from_dict(cls, d, table=None):
        table = table or cls.__name__
        if not isinstance(d, dict):
            raise TypeError(f"[{table}] must be a table (dict), got {type(d).__name__}")
        valid = [f.name for f in fields(cls)]
        for key in d:
            if key not in valid:
                raise ValueError(f"unknown key {key!r} in table [{table}]; valid keys: "
                                 f"{', '.join(valid)}")
        return cls(**d)
