"""SGP4 propagation of an element table: N satellites x T times -> TEME position and velocity.

Every satellite, designed or catalogued, becomes an ``sgp4.api.Satrec`` through ``sgp4init``
(WGS72, improved mode "i") from its element-table row (:mod:`ephemeris.satrec`, whose builders
are re-exported here), and a chunk of satellites is propagated at all times in one
``SatrecArray.sgp4`` call (C++; Vallado et al. 2006, AIAA 2006-6753).
SGP4 error codes are kept per satellite and time and reported by name with their meaning.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sgp4.api import SGP4_ERRORS, SatrecArray

from ephemeris.satrec import (  # noqa: F401 - re-exported for existing importers
    satrec_from_row,
    satrecs_from_elements,
    satrecs_from_table,
)

#: Radius [km] of the stand-in position of a satellite SGP4 never propagated.
RE_STANDIN_KM = 7000.0
#: Below this geodetic height [km] a satellite has re-entered: its steps are invalid.
REENTRY_ALTITUDE_KM = 100.0
#: Error code (beside SGP4's 1-6) for a step below :data:`REENTRY_ALTITUDE_KM`.
REENTRY_CODE = 100
ERROR_REASONS = {**SGP4_ERRORS, REENTRY_CODE: f"below {REENTRY_ALTITUDE_KM:g} km: the "
                 "satellite has decayed into the atmosphere"}


class PropagationError(ValueError):
    """SGP4 could not propagate one or more satellites.

    ``failures`` is a DataFrame with ``name``, ``code``, ``reason`` and ``first_time``.
    """

    def __init__(self, message, failures=None):
        super().__init__(message)
        self.failures = failures


class PropagationWarning(UserWarning):
    """Some satellites stopped propagating during the run (decay or an SGP4 error code)."""


def propagate(satrecs, jd, fr):
    """TEME position [km], velocity [km/s] (shape (n_sat, n_time, 3)) and SGP4 error codes.

    Steps where SGP4 fails (code != 0) get the last good state of that satellite held (or the
    first good one if it fails from the start), so no NaN leaves this function; ``error``
    (uint8, (n_sat, n_time)) says where.  Callers report errors with :func:`describe_errors`.
    """
    err, r, v = SatrecArray(list(satrecs)).sgp4(np.ascontiguousarray(jd), np.ascontiguousarray(fr))
    if err.any():
        _hold_last_good(err, r, v)
    return r, v, err


def _hold_last_good(err, r, v):
    bad = err != 0
    for i in np.flatnonzero(bad.any(axis=1)):
        good = ~bad[i]
        if not good.any():
            # never propagated: a finite stand-in state (flagged invalid by the caller), so no
            # downstream division by |r| or |r x v| produces NaN
            r[i] = (RE_STANDIN_KM, 0.0, 0.0)
            v[i] = (0.0, 7.5, 0.0)
            continue
        idx = np.where(good, np.arange(err.shape[1]), -1)
        idx = np.maximum.accumulate(idx)
        idx[idx < 0] = np.flatnonzero(good)[0]
        r[i] = r[i, idx]
        v[i] = v[i, idx]


def describe_errors(err, names, times) -> pd.DataFrame:
    """One row per failing satellite: ``name``, ``code``, ``reason``, ``first_time``."""
    rows = []
    for i in np.flatnonzero((err != 0).any(axis=1)):
        k = int(np.flatnonzero(err[i])[0])
        code = int(err[i, k])
        rows.append({"name": names[i], "code": code, "reason": ERROR_REASONS.get(code, "unknown"),
                     "first_time": times[k]})
    return pd.DataFrame(rows, columns=["name", "code", "reason", "first_time"])


def warn_errors(failures: pd.DataFrame) -> None:
    if len(failures):
        lines = "; ".join(f"{r.name}: {r.reason} (SGP4 code {r.code}) from {str(r.first_time)[:19]}"
                          for r in failures.head(10).itertuples())
        more = f" and {len(failures) - 10} more" if len(failures) > 10 else ""
        warnings.warn(
            f"SGP4 stopped propagating {len(failures)} satellite(s): {lines}{more}. Their steps "
            "from then on have valid=False and deliver nothing; check their elements or epoch.",
            PropagationWarning, stacklevel=3)
