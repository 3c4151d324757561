"""TOML scenarios: a whole study (run settings, a default design, shells) in one file.

```toml
[simulation]
start = "2027-06-21T00:00:00Z"
duration = "1 day"
step = "60 s"

[design.solar]          # the default design; each [shells.design] may override parts of it
area_m2 = 400
[design.compute]
gpus = 64

[[shells]]
name = "dawn-dusk"
type = "sun-synchronous"   # or "walker", "elements", "tle", "omm"
altitude_km = 650
ltan = "18:00"
planes = 1
sats_per_plane = 8
```

Loading never evaluates code: TOML is parsed by :mod:`tomllib` into plain values and every key
is checked against the lists below; an unknown key, a missing required key or a value of the
wrong type raises ``ValueError``/``TypeError`` naming the key, its table and what was expected.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as _dt
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ephemeris.catalogs import MAX_NESTING, check_nesting, read_input
from ephemeris.geometry import PROPAGATORS
from ephemeris.timegrid import make_time_grid
from twin.constellation import Constellation
from twin.design import SatelliteDesign
from twin.ground.stations import check_stations
from twin.io.atomic import atomic_write_text
from twin.run.lifetime import LifetimeSettings, lifetime, solar_activity_at
from twin.run.simulate import POLICIES, simulate
from twin.terminals import Downlink, OpticalTerminal

NUM = (int, float)
STR = (str,)
TIME = (str, _dt.datetime, _dt.date)
LTAN = (str, int, float)

#: [simulation] keys: name -> (allowed types, required)
SIMULATION_KEYS = {
    "start": (TIME, True),
    "duration": (STR + NUM, True),
    "step": (STR + NUM, True),
    "policy": (STR, False),
    "propagator": (STR, False),
    "timeseries": (bool, False),
}

_COMMON = {"name": (STR, False), "type": (STR, True), "design": (dict, False)}
#: [[shells]] keys per shell type: name -> (allowed types, required)
SHELL_KEYS = {
    "sun-synchronous": {**_COMMON, "altitude_km": (NUM, True), "ltan": (LTAN + (list,), True),
                        "planes": (int, False), "sats_per_plane": (int, False),
                        "phasing": (int, False), "raan_spread_deg": (NUM, False),
                        "epoch": (TIME, False), "bstar": (NUM, False)},
    "walker": {**_COMMON, "altitude_km": (NUM, True), "inclination_deg": (NUM, True),
               "planes": (int, True), "sats_per_plane": (int, True), "phasing": (int, False),
               "pattern": (STR, False), "epoch": (TIME, False), "bstar": (NUM, False)},
    "elements": {**_COMMON, "altitude_km": (NUM, False), "semi_major_axis_km": (NUM, False),
                 "inclination_deg": (NUM, True), "eccentricity": (NUM, False),
                 "raan_deg": (NUM, False), "arg_perigee_deg": (NUM, False),
                 "mean_anomaly_deg": (NUM, False), "epoch": (TIME, False),
                 "bstar": (NUM, False)},
    "tle": {**_COMMON, "path": (STR, True), "duplicates": (STR, False)},
    "omm": {**_COMMON, "path": (STR, True), "format": (STR, False), "duplicates": (STR, False)},
    "cluster": {**_COMMON, "n": (int, False), "radius_km": (NUM, False),
                "altitude_km": (NUM, False), "ltan": (LTAN, False), "epoch": (TIME, False),
                "safety_distance_m": (NUM, False), "arg_latitude_deg": (NUM, False),
                "bstar": (NUM, False)},
}
TOP_KEYS = {"simulation": (dict, True), "design": (dict, False), "shells": (list, True),
            "links": (dict, False), "ground_stations": (list, False),
            "lifetime": (dict, False), "environment": (dict, False)}
#: [links] keys (twin links / twin contacts; see docs/links.md)
LINKS_KEYS = {"topology": (STR, False), "k": (int, False), "step": (STR + NUM, False),
              "duration": (STR + NUM, False), "terminal": (dict, False),
              "downlink": (dict, False), "allreduce_gb": (NUM, False),
              "compute_s": (NUM, False), "efficiency": (NUM, False),
              "gpus_per_sat": (int, False), "stations": (STR, False)}
#: [lifetime] keys (for ``twin lifetime``): the run's length and sampling, then the
#: :class:`twin.LifetimeSettings` fields.
LIFETIME_KEYS = {"years": (NUM, False), "samples_per_year": (int, False),
                 "step": (STR + NUM, False),
                 **{f.name: (NUM, False) for f in dataclasses.fields(LifetimeSettings)}}
#: [environment] keys: a named solar-activity level, or the three indices themselves.
ENVIRONMENT_KEYS = {"solar_activity": (STR, False), "f107": (NUM, False),
                    "f107a": (NUM, False), "ap": (NUM, False)}


def _type_name(types):
    names = {int: "integer", float: "number", str: "string", dict: "table", list: "array",
             _dt.datetime: "datetime", _dt.date: "date"}
    return " or ".join(dict.fromkeys(names.get(t, t.__name__) for t in types))


def check_table(table: dict, keys: dict, where: str) -> None:
    """Unknown keys, missing required keys and wrong types, each named with its table."""
    if not isinstance(table, dict):
        raise TypeError(f"{where} must be a table, got {type(table).__name__}")
    for k in table:
        if k not in keys:
            raise ValueError(f"unknown key {k!r} in {where}; valid keys: {', '.join(keys)}")
    for k, (types, required) in keys.items():
        if k not in table:
            if required:
                raise ValueError(f"missing required key {k!r} in {where}")
            continue
        v = table[k]
        types = types if isinstance(types, tuple) else (types,)
        if (isinstance(v, bool) and bool not in types) or not isinstance(v, types) or (
                types == (int,) and isinstance(v, float)):
            raise TypeError(f"{where}.{k} = {v!r}: expected {_type_name(types)}, got "
                            f"{type(v).__name__}")


def read_toml(path, what="TOML file") -> dict:
    """Parse a TOML file into plain values; a missing or malformed file is a ``ValueError``."""
    p = Path(path)
    raw = read_input(p, what)   # a regular file within the input size limit (ephemeris.catalogs)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except RecursionError:
        raise ValueError(f"{p}: nested too deeply (more than {MAX_NESTING} levels of arrays "
                         "or tables); expected a scenario's flat tables") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{p}: not valid TOML: {exc}") from None
    check_nesting(data, str(p))
    return data


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


@dataclass(frozen=True)
class Scenario:
    """A study: ``simulation`` settings, a default ``design`` and ``shells`` (plain dicts)."""

    simulation: dict
    shells: list
    design: dict = field(default_factory=dict)
    base_dir: str = field(default=".", compare=False)
    links: dict = field(default_factory=dict)
    ground_stations: list | None = None
    lifetime: dict = field(default_factory=dict)
    environment: dict = field(default_factory=dict)

    def __post_init__(self):
        check_table(self.simulation, SIMULATION_KEYS, "[simulation]")
        if not isinstance(self.shells, list) or not self.shells:
            raise ValueError("[[shells]]: a scenario needs at least one shell")
        SatelliteDesign.from_dict(self.design)  # validates [design]
        for i, sh in enumerate(self.shells):
            where = f"[[shells]] #{i + 1}"
            if not isinstance(sh, dict):
                raise TypeError(f"{where} must be a table")
            kind = sh.get("type")
            if kind not in SHELL_KEYS:
                raise ValueError(f"{where}: type = {kind!r} is not a shell type; allowed: "
                                 f"{', '.join(SHELL_KEYS)}")
            check_table(sh, SHELL_KEYS[kind], f"{where} ({kind})")
            try:
                SatelliteDesign.from_dict(_merge(self.design, sh.get("design", {})))
            except (ValueError, TypeError) as exc:
                raise type(exc)(f"{where} ({sh.get('name', kind)}): its design (the default "
                                f"[design] merged with [shells.design]): {exc}") from None
        self._check_life()
        self._check_values()
        self._check_links()

    def _check_links(self):
        """[links] and [[ground_stations]] (checked at load, like the shells)."""
        check_table(self.links, LINKS_KEYS, "[links]")
        OpticalTerminal.from_dict(self.links.get("terminal", {}), "links.terminal")
        Downlink.from_dict(self.links.get("downlink", {}), "links.downlink")
        if self.ground_stations is not None:
            check_stations(self.ground_stations)

    def _check_life(self):
        """[lifetime] and [environment]: keys, then values through the lifetime run's own
        checks (so a bad value fails at load time, naming its table)."""
        check_table(self.lifetime, LIFETIME_KEYS, "[lifetime]")
        check_table(self.environment, ENVIRONMENT_KEYS, "[environment]")
        try:
            self.lifetime_settings()
            solar_activity_at(self.solar_activity(), [self.run_arguments()["start"]])
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"[lifetime]/[environment]: {exc}") from None

    def lifetime_settings(self) -> LifetimeSettings:
        """The :class:`twin.LifetimeSettings` of the [lifetime] table."""
        names = {f.name for f in dataclasses.fields(LifetimeSettings)}
        return LifetimeSettings(**{k: v for k, v in self.lifetime.items() if k in names})

    def solar_activity(self):
        """[environment]: the named level (default "moderate") or a dict of f107, f107a, ap."""
        env = self.environment
        idx = {k: env[k] for k in ("f107", "f107a", "ap") if k in env}
        if idx and "solar_activity" in env:
            raise ValueError("[environment]: give solar_activity or f107, f107a and ap, not both")
        return idx if idx else env.get("solar_activity", "moderate")

    def _check_values(self):
        """Values, not just keys: the time grid, the options and every shell, at load time
        (so a bad scenario fails before a run starts or an output directory is made)."""
        kw = self.run_arguments()
        try:
            make_time_grid(kw["start"], kw["duration"], kw["step"])
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"[simulation]: {exc}") from None
        for key, allowed in (("policy", POLICIES), ("propagator", PROPAGATORS)):
            if key in kw and kw[key] not in allowed:
                raise ValueError(f"[simulation] {key}={kw[key]!r} is not allowed; allowed: "
                                 f"{', '.join(allowed)}")
        object.__setattr__(self, "_built", self._build())

    # ----- TOML -----------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: dict, base_dir=".") -> Scenario:
        check_table(data, TOP_KEYS, "the scenario (top level)")
        return cls(simulation=data["simulation"],
                   shells=[dict(s) if isinstance(s, dict) else s for s in data["shells"]],
                   design=data.get("design", {}), base_dir=str(base_dir),
                   links=data.get("links", {}), ground_stations=data.get("ground_stations"),
                   lifetime=data.get("lifetime", {}), environment=data.get("environment", {}))

    @classmethod
    def from_toml(cls, path) -> Scenario:
        """Read and validate a scenario file (never evaluates anything in it)."""
        return cls.from_dict(read_toml(path, "scenario file"), base_dir=Path(path).parent)

    def to_dict(self) -> dict:
        out = {"simulation": copy.deepcopy(self.simulation)}
        if self.design:
            out["design"] = copy.deepcopy(self.design)
        out["shells"] = copy.deepcopy(self.shells)
        if self.links:
            out["links"] = copy.deepcopy(self.links)
        if self.ground_stations is not None:
            out["ground_stations"] = copy.deepcopy(self.ground_stations)
        for key in ("lifetime", "environment"):
            if getattr(self, key):
                out[key] = copy.deepcopy(getattr(self, key))
        return out

    def to_toml(self, path=None, overwrite=False) -> str:
        """The scenario as TOML text; written atomically to ``path`` when given (an existing
        file is replaced only with ``overwrite=True``)."""
        import tomli_w

        text = tomli_w.dumps(self.to_dict())
        if path is not None:
            atomic_write_text(path, text, overwrite=overwrite)
        return text

    # ----- running --------------------------------------------------------------------------
    def shell_design(self, i):
        return SatelliteDesign.from_dict(_merge(self.design, self.shells[i].get("design", {})))

    def constellation(self):
        """The :class:`twin.Constellation` the shells describe (built and checked at load)."""
        return self._built

    def _build(self):
        total = None
        for i, sh in enumerate(self.shells):
            kw = {k: v for k, v in sh.items() if k not in ("type", "design")}
            kw["design"] = self.shell_design(i)
            try:
                c = self._build_shell(sh["type"], kw)
            except (ValueError, TypeError, OSError) as exc:
                raise self._shell_error(i, exc) from None
            total = c if total is None else total + c
        return total

    def _build_shell(self, kind, kw):
        """One shell's :class:`twin.Constellation` from its keys (``design`` included)."""
        if isinstance(kw.get("epoch"), (_dt.datetime, _dt.date)):
            kw["epoch"] = kw["epoch"].isoformat()
        if kind == "sun-synchronous":
            return Constellation.sun_synchronous(**kw)
        if kind == "walker":
            return Constellation.walker(**kw)
        if kind == "elements":
            return Constellation.from_elements(**kw)
        if kind == "cluster":
            return Constellation.cluster(**kw)
        path = kw.pop("path")
        full = path if os.path.isabs(path) else os.path.join(self.base_dir, path)
        builder = Constellation.from_tle if kind == "tle" else Constellation.from_omm
        return builder(full, **kw)

    def _shell_error(self, i, exc):
        sh = self.shells[i]
        kind = type(exc) if isinstance(exc, (ValueError, TypeError)) else ValueError
        return kind(f"[[shells]] #{i + 1} ({sh.get('name', sh['type'])}): {exc}")

    def run_arguments(self) -> dict:
        sim = self.simulation
        start = sim["start"]
        if isinstance(start, (_dt.datetime, _dt.date)):
            start = start.isoformat()
        kw = {"start": start, "duration": sim["duration"], "step": sim["step"]}
        for k in ("policy", "propagator", "timeseries"):
            if k in sim:
                kw[k] = sim[k]
        return kw

    def run(self, **options):
        """Simulate the scenario (options go to :func:`twin.simulate`)."""
        kw = {**self.run_arguments(), **options}
        result = simulate(self.constellation(), **kw)
        result.scenario = self
        return result

    def run_lifetime(self, **options):
        """Fly the scenario through its life (:func:`twin.lifetime`): [simulation] start, step
        and policy, [lifetime] years (default 5), samples_per_year (12), step and settings,
        [environment] solar activity; ``options`` override them."""
        sim = self.run_arguments()
        kw = {"years": self.lifetime.get("years", 5),
              "samples_per_year": self.lifetime.get("samples_per_year", 12),
              "step": self.lifetime.get("step", sim["step"]),
              "solar_activity": self.solar_activity(), "settings": self.lifetime_settings()}
        if "policy" in sim:
            kw["policy"] = sim["policy"]
        if "propagator" in sim:
            kw["propagator"] = sim["propagator"]
        kw.update(options)
        return lifetime(self.constellation(), sim["start"], **kw)
