"""Input checks shared by every package: a bad value raises an error that names the field,
the value and the allowed range."""
from __future__ import annotations

import math

import numpy as np

NUMBER_TYPES = (int, float, np.integer, np.floating)


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
    and the allowed range (``allowed`` overrides the generated text) otherwise.
    """
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
