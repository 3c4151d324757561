"""Offline data: de421 and Earth orientation, never downloaded.

* The JPL DE421 ephemeris (Sun, Earth, Moon; valid 1899-07-29 to 2053-10-09) comes from the
  ``skyfield-data`` package, opened with :func:`skyfield.api.load_file`.
* The timescale (leap seconds, Delta T, UT1) comes from skyfield's builtin tables
  (``Loader.timescale(builtin=True)``), which skyfield ships and which extend by predictions
  past their last measured day.
* astropy is configured never to download: ``iers.conf.auto_download = False`` and
  ``iers_degraded_accuracy = "warn"``, so past the bundled tables of ``astropy-iers-data``
  it uses its predictions with a warning instead of raising or fetching.
"""
from __future__ import annotations

import functools
import os
import warnings

import numpy as np
from astropy.utils import data as adata
from astropy.utils import iers
from skyfield_data import get_skyfield_data_path

#: DE421 coverage (JPL, "de421.bsp" header), as UTC calendar dates.
DE421_START = np.datetime64("1899-07-29T00:00:00")
DE421_END = np.datetime64("2053-10-09T00:00:00")


def configure_astropy_offline() -> None:
    """Forbid astropy from reaching the network (IERS tables and the data cache)."""
    iers.conf.auto_download = False
    iers.conf.auto_max_age = None
    iers.conf.iers_degraded_accuracy = "warn"
    adata.conf.allow_internet = False


@functools.lru_cache(maxsize=1)
def _data_dir() -> str:
    with warnings.catch_warnings():
        # skyfield-data warns that its finals2000A.all has "expired"; that file is not used
        # (the timescale is skyfield's builtin one), de421.bsp never expires.
        warnings.simplefilter("ignore", RuntimeWarning)
        return get_skyfield_data_path()


@functools.lru_cache(maxsize=1)
def timescale():
    """The skyfield timescale from skyfield's builtin tables (no file written, no download)."""
    from skyfield.iokit import Loader  # lazy: skyfield costs ~0.2 s to import, on first use

    return Loader(_data_dir(), verbose=False).timescale(builtin=True)


@functools.lru_cache(maxsize=1)
def planets():
    """The DE421 kernel bundled by ``skyfield-data``."""
    from skyfield.api import load_file  # lazy: skyfield costs ~0.2 s to import, on first use

    return load_file(os.path.join(_data_dir(), "de421.bsp"))


configure_astropy_offline()
