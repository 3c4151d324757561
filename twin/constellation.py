"""Constellations: shells of orbits, each with the satellite design it flies.

A :class:`Constellation` is an ordered list of shells.  A shell is a block of satellites from
one builder (Walker, sun-synchronous, explicit elements, a TLE or OMM catalog) and carries one
design.  Designed shells built with ``epoch=None`` are *anchored at the start of each run*: their
epoch is the run's start and, for sun-synchronous shells, the RAAN is solved from the LTAN at that
instant, so one design can be flown on any date.  ``c.elements`` shows such epochs as NaT (and
sun-synchronous RAANs as NaN) until :meth:`Constellation.with_epoch` pins them.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ephemeris import formation, orbits
from ephemeris.catalogs import read_omm, read_tle
from ephemeris.orbits import ELEMENT_COLUMNS, RE_WGS72_KM
from ephemeris.timegrid import parse_time
from twin.design import SatelliteDesign

#: Largest distance [days] between a catalogued satellite's epoch and the run.
MAX_EPOCH_GAP_DAYS = 30.0


@dataclass(frozen=True)
class Shell:
    """One block of satellites with a common design.

    ``elements`` is the shell's element table (epoch NaT when anchored); for sun-synchronous
    shells ``ltan_h`` holds each satellite's ascending-node local time [h], from which the RAAN
    is solved at whatever epoch the shell is flown.
    """

    name: str
    kind: str
    elements: pd.DataFrame = field(repr=False)
    design: Any = None
    ltan_h: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self):
        if self.design is not None:
            if not isinstance(self.design, SatelliteDesign):
                raise TypeError(f"shell {self.name!r}: design must be a twin.SatelliteDesign "
                                f"or None, got {self.design!r} ({type(self.design).__name__})")

    @property
    def anchored(self) -> bool:
        return bool(self.elements["epoch"].isna().all())

    def resolved(self, epoch=None) -> pd.DataFrame:
        """Element table with epoch (and SSO RAAN) fixed; ``epoch`` applies to anchored shells."""
        el = self.elements.copy()
        if self.anchored:
            if epoch is None:
                raise ValueError(f"shell {self.name!r} has no epoch; give the run start or "
                                 "call with_epoch()")
            ep = pd.Timestamp(epoch)
            el["epoch"] = pd.Series([ep] * len(el), dtype="datetime64[ns]", index=el.index)
        if self.ltan_h is not None and el["raan_deg"].isna().any():
            el["raan_deg"] = orbits.raan_from_ltan_deg(self.ltan_h, el["epoch"].to_numpy())
        return el


def _shell_name(name, default):
    if name is None:
        return default
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"name={name!r} must be a non-empty string")
    return name.strip()


def _epoch(epoch):
    if epoch is None:
        return None
    return parse_time(epoch, "epoch")


class Constellation:
    """Shells of satellites.  Build with the classmethods, combine with ``+``."""

    def __init__(self, shells=()):
        self.shells: tuple[Shell, ...] = tuple(shells)

    # ----- builders -------------------------------------------------------------------------
    @classmethod
    def walker(cls, altitude_km, inclination_deg, planes, sats_per_plane, phasing=0,
               pattern="delta", epoch=None, design=None, name=None, bstar=0.0):
        """A Walker delta (RAAN over 360 deg) or star (over 180 deg) shell, t/p/f notation.

        ``planes`` = p, ``sats_per_plane`` = t/p, ``phasing`` = f (0 <= f < p): satellites of
        adjacent planes are offset in mean anomaly by f * 360 deg / t (Walker 1984).
        """
        shell = _shell_name(name, f"walker-{float(orbits.check_altitude_km(altitude_km)):g}km-"
                                  f"{float(orbits.check_inclination_deg(inclination_deg)):g}deg")
        el = orbits.walker(altitude_km, inclination_deg, planes, sats_per_plane, phasing, pattern,
                           shell=shell, epoch=_epoch(epoch), bstar=orbits._real("bstar", bstar))
        return cls([Shell(shell, "walker", el, design)])

    @classmethod
    def sun_synchronous(cls, altitude_km, ltan, planes=1, sats_per_plane=1, epoch=None,
                        design=None, name=None, phasing=0, raan_spread_deg=360.0, bstar=0.0):
        """Sun-synchronous planes whose ascending node is at mean local solar time ``ltan``.

        The inclination makes SGP4's node precess 360 deg per tropical year
        (:func:`ephemeris.orbits.sun_synchronous_inclination_deg`).  ``ltan`` is "HH:MM" or
        hours; with several planes, plane j's node is ``j * raan_spread_deg / planes`` further
        east (LTAN later by that / 15 deg/h), so the default spreads planes evenly around the
        clock as a Walker delta does; give ``ltan`` as a list (one per plane) to place them
        yourself.  Satellites are spaced evenly in each plane and offset between planes by
        ``phasing * 360 / (planes * sats_per_plane)`` deg.
        """
        alt = orbits.check_altitude_km(altitude_km)
        p = orbits._count("planes", planes)
        s = orbits._count("sats_per_plane", sats_per_plane)
        f = orbits._count("phasing", phasing, lo=0)
        if f >= p:
            raise ValueError(f"phasing={phasing!r} is out of range; allowed: 0 to planes-1 = "
                             f"{p - 1}")
        bstar = orbits._real("bstar", bstar)
        if isinstance(ltan, (list, tuple, np.ndarray)):
            if len(ltan) != p:
                raise ValueError(f"ltan: {len(ltan)} values given for planes={p}; give one per "
                                 "plane or a single time")
            plane_ltan = np.array([orbits.parse_ltan(x, f"ltan[{i}]") for i, x in enumerate(ltan)])
        else:
            spread = orbits._real("raan_spread_deg", raan_spread_deg, 0.0, 360.0)
            plane_ltan = np.mod(orbits.parse_ltan(ltan) + np.arange(p) * spread / p / 15.0, 24.0)
        inc = float(orbits.sun_synchronous_inclination_deg(alt))
        h0 = plane_ltan[0]
        shell = _shell_name(name, f"sso-{alt:g}km-{int(h0):02d}{int(round(h0 % 1 * 60)) % 60:02d}")
        el = orbits.walker(alt, inc, p, s, phasing if p > 1 else 0, "delta", shell=shell,
                           epoch=_epoch(epoch), bstar=bstar)
        ltan_h = np.repeat(plane_ltan, s)
        el["raan_deg"] = np.nan
        sh = Shell(shell, "sun-synchronous", el, design, ltan_h)
        if epoch is not None:
            sh = replace(sh, elements=sh.resolved())
        return cls([sh])

    @classmethod
    def cluster(cls, n=81, radius_km=1.0, altitude_km=650.0, ltan="18:00", epoch=None,
                design=None, name=None, safety_distance_m=formation.SAFETY_DISTANCE_M,
                arg_latitude_deg=0.0, bstar=0.0):
        """A close formation: ``n`` satellites within ``radius_km`` of a sun-synchronous chief.

        Relative orbits from the Hill-Clohessy-Wiltshire solution in relative orbital elements
        with J2-matched mean elements (equal semi-major axis and inclination; offsets in
        eccentricity vector and node only), arranged as a lattice that never degenerates
        (:mod:`ephemeris.formation`; Schaub & Alfriend 2001, D'Amico & Montenbruck 2006).  The
        default is the Suncatcher cluster (Google 2025: 81 satellites, 1 km, 650 km dawn-dusk).
        Satellite 0 is the chief.  Raises ``ValueError`` if the closest satellites would come
        nearer than ``safety_distance_m``.  Check it flown by SGP4 with
        :func:`twin.formation_report`.
        """
        alt = orbits.check_altitude_km(altitude_km)
        h = orbits.parse_ltan(ltan)
        inc = float(orbits.sun_synchronous_inclination_deg(alt))
        shell = _shell_name(name, f"cluster-{alt:g}km")
        el, _ = formation.cluster_table(n, radius_km, alt, inc, shell=shell, epoch=_epoch(epoch),
                                        arg_latitude_deg=orbits._real("arg_latitude_deg",
                                                                      arg_latitude_deg),
                                        safety_distance_m=safety_distance_m,
                                        bstar=orbits._real("bstar", bstar))
        ltan_h = np.mod(h + el["raan_deg"].to_numpy() / 15.0, 24.0)
        el["raan_deg"] = np.nan
        sh = Shell(shell, "cluster", el, design, ltan_h)
        if epoch is not None:
            sh = replace(sh, elements=sh.resolved())
        return cls([sh])

    @classmethod
    def from_elements(cls, altitude_km=None, inclination_deg=None, eccentricity=0.0, raan_deg=0.0,
                      arg_perigee_deg=0.0, mean_anomaly_deg=0.0, semi_major_axis_km=None,
                      epoch=None, name=None, design=None, bstar=0.0):
        """One satellite from SGP4 mean elements (give ``altitude_km`` or ``semi_major_axis_km``).

        ``altitude_km`` is the mean semi-major axis minus 6378.135 km (WGS72).
        """
        if (altitude_km is None) == (semi_major_axis_km is None):
            raise ValueError("from_elements: give exactly one of altitude_km or semi_major_axis_km")
        if inclination_deg is None:
            raise ValueError("from_elements: inclination_deg is required, allowed [0, 180] deg")
        if semi_major_axis_km is not None:
            a = orbits._real("semi_major_axis_km", semi_major_axis_km, 0.0, lo_open=True)
            altitude_km = a - RE_WGS72_KM
            orbits.check_altitude_km(altitude_km, f"semi_major_axis_km={a:g} (altitude_km")
        alt = orbits.check_altitude_km(altitude_km)
        inc = orbits.check_inclination_deg(inclination_deg)
        ecc = orbits._real("eccentricity", eccentricity, 0.0, 1.0, hi_open=True,
                           allowed="[0, 1) (closed orbits)")
        raan_deg, arg_perigee_deg, mean_anomaly_deg = (   # Quantities become degrees here
            orbits._real(nm, val, allowed="any finite angle in degrees")
            for nm, val in (("raan_deg", raan_deg), ("arg_perigee_deg", arg_perigee_deg),
                            ("mean_anomaly_deg", mean_anomaly_deg)))
        label = _shell_name(name, "sat")
        perigee = (RE_WGS72_KM + alt) * (1.0 - ecc) - RE_WGS72_KM
        if perigee < orbits.MIN_ALTITUDE_KM:
            import warnings

            warnings.warn(
                f"{label}: perigee at {perigee:.0f} km (altitude_km={alt:g}, eccentricity="
                f"{ecc:g}) dips below {orbits.MIN_ALTITUDE_KM:g} km into the atmosphere; such an "
                "orbit decays within days (SGP4 models that only through bstar). The dataset's "
                "perigee_km coordinate flags it.", orbits.LowPerigeeWarning, stacklevel=2)
        el = orbits.element_table(name=[label], shell=label, source="elements", altitude_km=alt,
                                  inclination_deg=inc, raan_deg=raan_deg, eccentricity=ecc,
                                  arg_perigee_deg=arg_perigee_deg,
                                  mean_anomaly_deg=mean_anomaly_deg, epoch=_epoch(epoch),
                                  bstar=orbits._real("bstar", bstar))
        return cls([Shell(label, "elements", el, design)])

    @classmethod
    def from_tle(cls, path, design=None, name=None, duplicates="refuse"):
        """Satellites from a two- or three-line TLE file (checksums verified); a catalog
        number appearing twice is refused unless ``duplicates`` is "keep" or "latest"."""
        el = read_tle(path, duplicates=duplicates)
        return cls._catalog(el, "tle", design, name)

    @classmethod
    def from_omm(cls, path, design=None, name=None, format=None, duplicates="refuse"):
        """Satellites from a CelesTrak OMM file (CSV, JSON or XML); ``duplicates`` as for
        :meth:`from_tle`."""
        el = read_omm(path, format=format, duplicates=duplicates)
        return cls._catalog(el, "omm", design, name)

    @classmethod
    def _catalog(cls, el, kind, design, name):
        shell = _shell_name(name, el["shell"].iloc[0] if len(el) else kind)
        el = el.copy()
        el["shell"] = shell
        return cls([Shell(shell, kind, el[ELEMENT_COLUMNS].reset_index(drop=True), design)])

    # ----- container behaviour --------------------------------------------------------------
    def __add__(self, other):
        if not isinstance(other, Constellation):
            return NotImplemented
        return Constellation(self.shells + other.shells)

    def __len__(self):
        return sum(len(s.elements) for s in self.shells)

    def __repr__(self):
        parts = ", ".join(f"{s.name}: {len(s.elements)} {s.kind}" for s in self.shells)
        return f"<Constellation {len(self)} satellites in {len(self.shells)} shell(s): {parts}>"

    @property
    def elements(self) -> pd.DataFrame:
        """One row per satellite (see :data:`ephemeris.orbits.ELEMENT_COLUMNS`)."""
        if not self.shells:
            return pd.DataFrame(columns=ELEMENT_COLUMNS)
        df = pd.concat([s.elements for s in self.shells], ignore_index=True)
        df["name"] = _unique(df["name"].to_numpy())
        return df

    def with_epoch(self, epoch) -> Constellation:
        """Pin anchored shells to ``epoch`` (sun-synchronous RAANs solved there)."""
        ep = _epoch(epoch)
        return Constellation([replace(s, elements=s.resolved(ep)) if s.anchored else s
                              for s in self.shells])

    def resolved(self, start, end=None, max_epoch_gap_days=MAX_EPOCH_GAP_DAYS) -> pd.DataFrame:
        """Element table for a run starting at ``start`` (anchored shells get that epoch).

        Catalogued satellites whose epoch lies more than ``max_epoch_gap_days`` from the run
        (``start`` .. ``end``) are refused: SGP4's error grows by a few km per day from the
        epoch, so a stale TLE gives plausible-looking but wrong eclipses.  ``None`` allows any.
        """
        if not self.shells or len(self) == 0:
            raise ValueError("constellation is empty: add at least one shell with a satellite")
        df = pd.concat([s.resolved(start) for s in self.shells], ignore_index=True)
        df["name"] = _unique(df["name"].to_numpy())
        if max_epoch_gap_days is not None:
            check_epoch_gap(df, start, end if end is not None else start, max_epoch_gap_days)
        return df

    def shell_index(self) -> np.ndarray:
        """Index of each satellite's shell, in ``elements`` order."""
        return np.repeat(np.arange(len(self.shells)), [len(s.elements) for s in self.shells])

    def designs(self, default=None) -> list:
        """The design of each shell (``default`` where a shell has none)."""
        return [s.design if s.design is not None else default for s in self.shells]


def check_epoch_gap(elements, start, end, max_days):
    """Raise ``ValueError`` naming the catalogued satellites whose epoch is far from the run."""
    orbits._real("max_epoch_gap_days", max_days, 0.0,
                 allowed=">= 0 days, or None to accept any epoch")
    cat = elements[elements["source"].isin(["tle", "omm"])]
    if cat.empty:
        return
    ep = pd.to_datetime(cat["epoch"])
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    gap = np.maximum((s - ep).dt.total_seconds(), (ep - e).dt.total_seconds()) / 86400.0
    gap = np.maximum(gap, 0.0)
    bad = gap > max_days
    if bad.any():
        worst = cat.loc[bad].assign(gap=gap[bad]).sort_values("gap", ascending=False)
        names = ", ".join(f"{r.name} (epoch {str(r.epoch)[:10]}, {r.gap:.0f} days away)"
                          for r in worst.head(5).itertuples())
        more = f" and {bad.sum() - 5} more" if bad.sum() > 5 else ""
        raise ValueError(
            f"epoch: {int(bad.sum())} catalogued satellite(s) have elements more than "
            f"{max_days:g} days from the run: {names}{more}; SGP4 errors grow by kilometres per "
            "day from the epoch. Use fresher elements, move the run closer to their epoch, or "
            "pass max_epoch_gap_days=None to accept them")


def _unique(names) -> np.ndarray:
    """Make names unique by suffixing repeats with ' #2', ' #3', ..."""
    names = [str(n) for n in names]
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0) + 1
        seen[n] = k
        out.append(n if k == 1 else f"{n} #{k}")
    if len(set(out)) != len(out):  # a suffixed name collided with an original one
        return _unique([f"{n}" if i == out.index(n) else f"{n}." for i, n in enumerate(out)])
    return np.array(out, dtype=object)
