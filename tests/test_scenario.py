"""TOML scenarios: the examples load, round trips are exact, every error names the key, its
table and what was expected, design overrides merge, relative paths resolve, nothing is
evaluated."""
from __future__ import annotations

import datetime as dt
import shutil
import tomllib
from pathlib import Path

import pytest

import twin
from twin.design import SatelliteDesign
from twin.scenario import SHELL_KEYS, SIMULATION_KEYS, Scenario

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SAMPLE_TLE = EXAMPLES / "data" / "sample.tle"

SIM = """\
[simulation]
start = "2027-06-21T00:00:00Z"
duration = "2 h"
step = "60 s"
"""

WALKER = """\
[[shells]]
name = "w"
type = "walker"
altitude_km = 550
inclination_deg = 53
planes = 1
sats_per_plane = 2
"""


def load(tmp_path, text, name="scenario.toml"):
    p = tmp_path / name
    p.write_text(text)
    return Scenario.from_toml(p)


def error_of(tmp_path, text):
    with pytest.raises((ValueError, TypeError)) as info:
        load(tmp_path, text)
    return str(info.value)


# ----- loading and round trips ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["dawn_dusk_650.toml", "walker_550_53.toml"])
def test_example_files_load_and_round_trip(name, tmp_path):
    path = EXAMPLES / name
    s = Scenario.from_toml(path)
    raw = tomllib.loads(path.read_text())
    assert s.to_dict() == raw
    text = s.to_toml()
    again = Scenario.from_dict(tomllib.loads(text))
    assert again == s and again.to_dict() == raw
    # written atomically to a file and read back
    s.to_toml(tmp_path / name)
    assert Scenario.from_toml(tmp_path / name).to_dict() == raw


def test_example_constellations():
    dd = Scenario.from_toml(EXAMPLES / "dawn_dusk_650.toml")
    assert len(dd.constellation()) == 8
    assert dd.simulation["policy"] == "reserve"
    wk = Scenario.from_toml(EXAMPLES / "walker_550_53.toml")
    assert len(wk.constellation()) == 24 * 22
    assert wk.shell_design(0).battery.capacity_wh == 150000.0


FULL = """\
[simulation]
start = 2027-06-21T00:00:00Z
duration = 7200
step = 60
policy = "reserve"

[design.solar]
area_m2 = 300.5
normal_rsw = [0, 0, 1]
cover_glass_iam = false

[design.compute]
gpus = 32

[[shells]]
name = "dd"
type = "sun-synchronous"
altitude_km = 650
ltan = ["06:00", 18.5]
planes = 2
sats_per_plane = 1
epoch = 2027-06-20T12:00:00+02:00

[shells.design.compute]
gpus = 16

[shells.design.battery]
capacity_wh = 1e5

[[shells]]
type = "elements"
semi_major_axis_km = 7000.0
inclination_deg = 97
epoch = 2027-06-20

[[shells]]
name = "local"
type = "walker"
altitude_km = 560.5
inclination_deg = 53
planes = 1
sats_per_plane = 1
epoch = 2027-06-20T23:00:00
"""


def test_round_trip_is_exact_including_toml_datetimes(tmp_path):
    s = load(tmp_path, FULL)
    raw = tomllib.loads(FULL)
    assert s.to_dict() == raw
    assert isinstance(s.simulation["start"], dt.datetime)
    assert s.simulation["start"].tzinfo is not None
    assert isinstance(s.shells[1]["epoch"], dt.date)
    assert s.shells[2]["epoch"].tzinfo is None          # a TOML local datetime stays local
    text = s.to_toml()
    back = tomllib.loads(text)
    assert back == raw
    for k in ("start",):
        assert type(back["simulation"][k]) is type(raw["simulation"][k])
    assert type(back["shells"][1]["epoch"]) is dt.date
    assert Scenario.from_dict(back) == s
    # and through a file
    s.to_toml(tmp_path / "copy.toml")
    assert Scenario.from_toml(tmp_path / "copy.toml") == s


def test_python_built_scenario_round_trips(tmp_path):
    s = Scenario(
        simulation={"start": "2027-03-20", "duration": "3 h", "step": "120 s"},
        design={"compute": {"gpus": 8}, "radiator": {"two_sided": False, "area_m2": 200.0}},
        shells=[{"name": "p", "type": "walker", "altitude_km": 550.0, "inclination_deg": 53.0,
                 "planes": 2, "sats_per_plane": 1, "phasing": 1, "pattern": "star",
                 "design": {"solar": {"area_m2": 500.0}}},
                {"type": "sun-synchronous", "altitude_km": 700, "ltan": 6.5}],
    )
    path = tmp_path / "built.toml"
    s.to_toml(path)
    back = Scenario.from_toml(path)
    assert back == s
    assert back.to_dict() == s.to_dict()
    assert Scenario.from_dict(s.to_dict()) == s
    assert len(back.constellation()) == 3


def test_to_dict_is_a_copy():
    s = Scenario.from_toml(EXAMPLES / "dawn_dusk_650.toml")
    d = s.to_dict()
    d["shells"][0]["altitude_km"] = 1
    d["design"]["solar"]["area_m2"] = 1
    assert s.shells[0]["altitude_km"] == 650 and s.design["solar"]["area_m2"] == 400


def test_run_arguments_convert_toml_datetimes(tmp_path):
    s = load(tmp_path, FULL)
    kw = s.run_arguments()
    assert kw["start"] == "2027-06-21T00:00:00+00:00"
    assert kw["duration"] == 7200 and kw["step"] == 60 and kw["policy"] == "reserve"


def test_run_a_tiny_scenario(tmp_path):
    s = load(tmp_path, SIM + WALKER)
    result = s.run()
    assert result.scenario is s
    assert result.summary()["satellites"] == 2
    assert result.dataset.sizes["time"] == 120


def test_key_lists_are_documented_shapes():
    assert {"start", "duration", "step", "policy"} <= set(SIMULATION_KEYS)
    assert {k for k, (_, req) in SIMULATION_KEYS.items() if req} == {"start", "duration", "step"}
    assert set(SHELL_KEYS) == {"sun-synchronous", "walker", "elements", "tle", "omm", "cluster"}
    for keys in SHELL_KEYS.values():
        assert {"name", "type", "design"} <= set(keys)
        assert keys["type"][1] is True


def test_optional_simulation_switches(tmp_path):
    if "timeseries" in SIMULATION_KEYS:
        s = load(tmp_path, SIM + "timeseries = false\n" + WALKER)
        assert s.run_arguments()["timeseries"] is False
        res = s.run()
        assert res.summary()["satellites"] == 2
        with pytest.raises(TypeError, match="timeseries"):
            load(tmp_path, SIM + 'timeseries = "no"\n' + WALKER)
    if "propagator" in SIMULATION_KEYS:
        s = load(tmp_path, SIM + 'propagator = "j2"\n' + WALKER)
        assert s.run().summary()["satellites"] == 2


# ----- errors: every one names the key, its table and what was expected -------------------
def test_unknown_top_level_key(tmp_path):
    msg = error_of(tmp_path, "colour = 'red'\n" + SIM + WALKER)
    assert "'colour'" in msg and "top level" in msg
    for k in ("simulation", "design", "shells"):
        assert k in msg


def test_unknown_simulation_key(tmp_path):
    msg = error_of(tmp_path, SIM + "stepp = 3\n" + WALKER)
    assert "'stepp'" in msg and "[simulation]" in msg
    for k in SIMULATION_KEYS:
        assert k in msg


def test_unknown_shell_key(tmp_path):
    msg = error_of(tmp_path, SIM + WALKER + "colour = 'red'\n")
    assert "'colour'" in msg and "[[shells]] #1" in msg and "walker" in msg
    for k in SHELL_KEYS["walker"]:
        assert k in msg


def test_unknown_key_in_second_shell_names_that_shell(tmp_path):
    msg = error_of(tmp_path, SIM + WALKER + WALKER.replace('"w"', '"v"') + "altitude = 3\n")
    assert "'altitude'" in msg and "[[shells]] #2" in msg


def test_unknown_key_in_design_solar(tmp_path):
    msg = error_of(tmp_path, SIM + "[design.solar]\naera_m2 = 300\n" + WALKER)
    assert "'aera_m2'" in msg and "solar" in msg
    for k in ("area_m2", "efficiency", "pointing", "packing_factor"):
        assert k in msg


def test_unknown_design_table(tmp_path):
    msg = error_of(tmp_path, SIM + "[design.solr]\narea_m2 = 300\n" + WALKER)
    assert "'solr'" in msg and "[design]" in msg
    for k in ("solar", "battery", "radiator", "compute", "bus"):
        assert k in msg


def test_unknown_key_in_a_shell_design_override(tmp_path):
    msg = error_of(tmp_path, SIM + WALKER + "[shells.design.compute]\ngpu = 3\n")
    assert "'gpu'" in msg and "compute" in msg and "gpus" in msg


@pytest.mark.parametrize("text, key, where", [
    (SIM + WALKER.replace("altitude_km = 550\n", ""), "altitude_km", "[[shells]] #1"),
    (SIM.replace('step = "60 s"\n', "") + WALKER, "step", "[simulation]"),
    (SIM.replace('start = "2027-06-21T00:00:00Z"\n', "") + WALKER, "start", "[simulation]"),
    (SIM + WALKER.replace("planes = 1\n", ""), "planes", "[[shells]] #1"),
    (SIM + '[[shells]]\ntype = "tle"\n', "path", "[[shells]] #1"),
    (WALKER, "simulation", "top level"),
    (SIM, "shells", "top level"),
])
def test_missing_required_key(tmp_path, text, key, where):
    msg = error_of(tmp_path, text)
    assert "missing" in msg and f"'{key}'" in msg and where in msg


@pytest.mark.parametrize("old, new, key, expected", [
    ("altitude_km = 550", 'altitude_km = "550"', "altitude_km", "number"),
    ("planes = 1", "planes = 1.0", "planes", "integer"),
    ("altitude_km = 550", "altitude_km = true", "altitude_km", "number"),
    ("sats_per_plane = 2", "sats_per_plane = false", "sats_per_plane", "integer"),
    ('name = "w"', "name = 5", "name", "string"),
    ('name = "w"', 'name = "w"\ndesign = 3', "design", "table"),
])
def test_wrong_type_in_a_shell(tmp_path, old, new, key, expected):
    with pytest.raises(TypeError) as info:
        load(tmp_path, SIM + WALKER.replace(old, new))
    msg = str(info.value)
    assert f".{key} =" in msg and "[[shells]] #1" in msg and "expected" in msg and expected in msg


@pytest.mark.parametrize("old, new, key", [
    ('step = "60 s"', "step = true", "step"),
    ('start = "2027-06-21T00:00:00Z"', "start = 07:00:00", "start"),
    ('duration = "2 h"', "duration = [2]", "duration"),
])
def test_wrong_type_in_simulation(tmp_path, old, new, key):
    with pytest.raises(TypeError) as info:
        load(tmp_path, SIM.replace(old, new) + WALKER)
    msg = str(info.value)
    assert f"[simulation].{key}" in msg and "expected" in msg


def test_wrong_type_in_design(tmp_path):
    with pytest.raises(TypeError) as info:
        load(tmp_path, SIM + '[design.compute]\ngpus = "many"\n' + WALKER)
    assert "gpus" in str(info.value) and "whole number" in str(info.value)
    with pytest.raises(TypeError) as info:
        load(tmp_path, SIM + "[design.radiator]\ntwo_sided = 1\n" + WALKER)
    assert "two_sided" in str(info.value)
    with pytest.raises(TypeError) as info:
        load(tmp_path, SIM + "[design]\nsolar = 3\n" + WALKER)
    assert "solar" in str(info.value) and "table" in str(info.value)


def test_out_of_range_design_value(tmp_path):
    with pytest.raises(ValueError) as info:
        load(tmp_path, SIM + WALKER + "[shells.design.solar]\narea_m2 = -3\n")
    assert "area_m2" in str(info.value) and "allowed" in str(info.value)


def test_unknown_shell_type(tmp_path):
    msg = error_of(tmp_path, SIM + WALKER.replace('"walker"', '"ring"'))
    assert "'ring'" in msg and "[[shells]] #1" in msg
    for kind in SHELL_KEYS:
        assert kind in msg


def test_shell_without_type(tmp_path):
    msg = error_of(tmp_path, SIM + WALKER.replace('type = "walker"\n', ""))
    assert "type" in msg and "[[shells]] #1" in msg and "walker" in msg


def test_empty_shells(tmp_path):
    msg = error_of(tmp_path, "shells = []\n" + SIM)
    assert "shells" in msg and "at least one" in msg


def test_shells_of_wrong_type(tmp_path):
    msg = error_of(tmp_path, 'shells = "walker"\n' + SIM)
    assert "shells" in msg and "array" in msg


def test_shells_entries_must_be_tables(tmp_path):
    """A non-table entry in ``shells`` is named like every other error.

    BUG: Scenario.from_dict runs ``dict(s)`` on each entry before validating, so
    ``shells = [1]`` raises ``TypeError: 'int' object is not iterable``.
    """
    msg = error_of(tmp_path, "shells = [1]\n" + SIM)
    assert "shells" in msg and "table" in msg


def test_simulation_must_be_a_table(tmp_path):
    msg = error_of(tmp_path, "simulation = 3\n" + WALKER)
    assert "simulation" in msg and "table" in msg


def test_invalid_toml(tmp_path):
    with pytest.raises(ValueError) as info:
        load(tmp_path, SIM + "[[shells]\n", name="broken.toml")
    msg = str(info.value)
    assert "broken.toml" in msg and "not valid TOML" in msg and "line" in msg


def test_missing_file(tmp_path):
    with pytest.raises(ValueError) as info:
        Scenario.from_toml(tmp_path / "nope.toml")
    assert "nope.toml" in str(info.value) and "does not exist" in str(info.value)


def test_python_errors_name_keys_too():
    with pytest.raises(ValueError, match="'durration'.*\\[simulation\\]"):
        Scenario(simulation={"start": "2027-01-01", "durration": "1 h", "step": "60 s"},
                 shells=[{"type": "walker"}])
    with pytest.raises(ValueError, match="at least one shell"):
        Scenario(simulation={"start": "2027-01-01", "duration": "1 h", "step": "60 s"},
                 shells=[])


# ----- designs ----------------------------------------------------------------------------------
def test_shell_design_overrides_merge_over_the_default(tmp_path):
    text = (SIM + "[design.solar]\narea_m2 = 300\nefficiency = 0.28\n"
            "[design.compute]\ngpus = 32\n[design.battery]\ncapacity_wh = 80000\n"
            + WALKER + "[shells.design.solar]\narea_m2 = 500\n"
            "[shells.design.compute]\ngpus = 16\n"
            + WALKER.replace('"w"', '"plain"'))
    s = load(tmp_path, text)
    d0, d1 = s.shell_design(0), s.shell_design(1)
    defaults = SatelliteDesign()
    # shell 1: its overrides, then the scenario default, then the library defaults
    assert d0.solar.area_m2 == 500.0
    assert d0.solar.efficiency == 0.28
    assert d0.compute.gpus == 16
    assert d0.battery.capacity_wh == 80000.0
    assert d0.radiator == defaults.radiator and d0.bus == defaults.bus
    assert d0.compute.gpu_power_w == defaults.compute.gpu_power_w
    # shell 2: the scenario default only
    assert d1.solar.area_m2 == 300.0 and d1.compute.gpus == 32
    # the constellation carries them; the default is untouched
    c = s.constellation()
    assert c.shells[0].design == d0 and c.shells[1].design == d1
    assert s.design == {"solar": {"area_m2": 300, "efficiency": 0.28}, "compute": {"gpus": 32},
                        "battery": {"capacity_wh": 80000}}


def test_no_design_means_library_defaults(tmp_path):
    s = load(tmp_path, SIM + WALKER)
    assert s.shell_design(0) == SatelliteDesign()
    assert "design" not in s.to_dict()


def test_shell_design_changes_the_result(tmp_path):
    few = load(tmp_path, SIM + WALKER + "[shells.design.compute]\ngpus = 4\n").run()
    assert few.dataset["throughput_gb300"].max() <= 4.0 + 1e-9


# ----- paths ------------------------------------------------------------------------------------
@pytest.mark.parametrize("rel", ["sample.tle", "data/sample.tle"])
def test_tle_path_resolves_against_the_scenario_directory(tmp_path, monkeypatch, rel):
    target = tmp_path / "study" / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLE_TLE, target)
    (tmp_path / "study" / "sc.toml").write_text(
        SIM + f'[[shells]]\nname = "cat"\ntype = "tle"\npath = "{rel}"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)                    # not the scenario's directory
    s = Scenario.from_toml(Path("..") / "study" / "sc.toml")
    c = s.constellation()
    assert len(c) == len(twin.Constellation.from_tle(SAMPLE_TLE))
    assert c.shells[0].name == "cat"


def test_absolute_tle_path(tmp_path):
    s = load(tmp_path, SIM + f'[[shells]]\ntype = "tle"\npath = "{SAMPLE_TLE.as_posix()}"\n')
    assert len(s.constellation()) == len(twin.Constellation.from_tle(SAMPLE_TLE))


def test_omm_path_resolves_against_the_scenario_directory(tmp_path, monkeypatch):
    omm = Path(__file__).parent / "data" / "stations.csv"
    (tmp_path / "cat").mkdir()
    shutil.copy(omm, tmp_path / "cat" / "stations.csv")
    (tmp_path / "sc.toml").write_text(
        SIM + '[[shells]]\ntype = "omm"\npath = "cat/stations.csv"\nformat = "csv"\n')
    monkeypatch.chdir(tmp_path / "cat")
    s = Scenario.from_toml(tmp_path / "sc.toml")
    assert len(s.constellation()) == len(twin.Constellation.from_omm(omm))


# ----- loading never evaluates code ------------------------------------------------------------
PAYLOAD = "__import__('os').system('touch pwned')"


@pytest.mark.parametrize("field", ["name", "type", "start", "ltan", "path"])
def test_strings_are_never_evaluated(tmp_path, monkeypatch, field):
    monkeypatch.chdir(tmp_path)
    if field == "start":
        text = SIM.replace('"2027-06-21T00:00:00Z"', f"'{PAYLOAD}'") + WALKER
    elif field == "ltan":
        text = SIM + ('[[shells]]\ntype = "sun-synchronous"\naltitude_km = 650\n'
                      f"ltan = '{PAYLOAD}'\n")
    elif field == "path":
        text = SIM + f"[[shells]]\ntype = \"tle\"\npath = '{PAYLOAD}'\n"
    else:
        text = SIM + WALKER.replace(f'{field} = "', f"{field} = '{PAYLOAD}' #\"", 1)
    try:
        s = load(tmp_path, text)
    except (ValueError, TypeError):
        s = None                                   # a clean error is fine
    if s is not None:
        try:
            s.run()
        except (ValueError, TypeError, OSError):
            pass
        if field == "name":
            assert s.shells[0]["name"] == PAYLOAD
    assert not (tmp_path / "pwned").exists()
    assert not Path("pwned").exists()


def test_error_in_a_shell_design_override_names_the_shell(tmp_path):
    """With several shells, an error inside one shell's [shells.design.*] override must say
    which shell it is in, as every other shell error does.

    BUG: Scenario.__post_init__ calls SatelliteDesign.from_dict(...) on the merged design
    without context, so the message is "unknown key 'gpu' in table [compute]; ..." with no
    shell (and "[compute]" rather than "[shells.design.compute]").
    """
    text = SIM + WALKER + WALKER.replace('"w"', '"second"') + "[shells.design.compute]\ngpu = 3\n"
    msg = error_of(tmp_path, text)
    assert "'gpu'" in msg and "gpus" in msg
    assert "[[shells]] #2" in msg or "second" in msg
