"""The ``twin`` command: run, compare, --help, --version and bad input (exit code 2, one line
on stderr, never a traceback).  Mostly in-process (``twin.cli.main``) for speed, plus real
subprocess runs of the console script."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import twin
from twin.io.cli import FORMATS, main
from twin.run.summary import PER_ORBIT_COLUMNS
from twin.studies.compare import COMPARE_COLUMNS

TWIN = Path(sys.executable).with_name("twin")

TINY = """\
[simulation]
start = "2027-06-21T00:00:00Z"
duration = "2 h"
step = "60 s"

[design.compute]
gpus = 32

[[shells]]
name = "tiny"
type = "walker"
altitude_km = 550
inclination_deg = 53
planes = 1
sats_per_plane = 2
"""

SUMMARY_KEYS = {
    "satellites", "sustained_gb300", "sustained_pflops_fp4", "sustained_pflops_fp8",
    "sustained_pflops_bf16", "sustained_gb300_per_sat", "worst_orbit_sat", "worst_orbit_start",
    "worst_orbit_gb300", "complete_orbits", "mean_sunlit_fraction", "worst_eclipse_min",
    "energy_generated_mwh", "energy_used_mwh", "energy_curtailed_mwh", "throttled_hours",
    "dark_hours", "heater_kwh", "min_loop_temp_c", "cold_hours", "frozen_hours",
}


def run(argv, capsys):
    """``main(argv)`` -> (exit code, stdout, stderr); argparse exits via SystemExit."""
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def assert_bad_input(code, err):
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    assert err.startswith("twin")


def snapshot(directory):
    return {p.relative_to(directory): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture()
def tiny(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY)
    return path


# ----- twin run --------------------------------------------------------------------------------
def test_run_writes_default_outputs_and_prints_a_summary(tiny, tmp_path, capsys):
    out = tmp_path / "results"
    code, stdout, err = run(["run", tiny, "--out", out, "--quiet"], capsys)
    assert code == 0, err
    assert err == ""
    assert sorted(p.name for p in out.iterdir()) == ["per_orbit.csv", "summary.json",
                                                     "timeseries.parquet"]
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary) == SUMMARY_KEYS | {"run_id"} and summary["satellites"] == 2
    header = (out / "per_orbit.csv").read_text().splitlines()[0]
    assert header.split(",") == PER_ORBIT_COLUMNS
    table = pq.read_table(out / "timeseries.parquet")
    assert table.num_rows == 2 * 120
    # the scenario travels with the data
    meta = table.schema.metadata
    assert b"twin.scenario" in meta and b'name = "tiny"' in meta[b"twin.scenario"]
    assert json.loads(meta[b"twin.summary"]) == summary
    # the summary table on stdout
    assert "sustained GB300-equivalents" in stdout
    assert "satellites" in stdout and "worst eclipse" in stdout
    assert "wrote " in stdout and "timeseries.parquet" in stdout
    assert summary["sustained_gb300"] <= 2 * 32 + 1e-9


def test_run_all_formats(tiny, tmp_path, capsys):
    out = tmp_path / "all"
    code, _, err = run(["run", tiny, "--out", out, "--quiet",
                        "--format", "parquet", "netcdf", "csv", "czml"], capsys)
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["timeseries.parquet", "timeseries.nc", "timeseries.csv", "constellation.czml",
         "per_orbit.csv", "summary.json"])
    doc = json.loads((out / "constellation.czml").read_text())
    assert doc[0]["id"] == "document" and len(doc) == 3
    assert len((out / "timeseries.csv").read_text().splitlines()) == 1 + 2 * 120


def test_run_summary_only(tiny, tmp_path, capsys):
    out = tmp_path / "s"
    code, stdout, err = run(["run", tiny, "--out", out, "--quiet", "--summary-only",
                             "--format", "netcdf"], capsys)
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["per_orbit.csv", "summary.json"]
    assert json.loads((out / "summary.json").read_text())["satellites"] == 2
    assert "sustained GB300-equivalents" in stdout


def test_run_timeseries_false_in_the_scenario(tmp_path, capsys):
    path = tmp_path / "nots.toml"
    path.write_text(TINY.replace('step = "60 s"', 'step = "60 s"\ntimeseries = false'))
    code, _, err = run(["run", path, "--out", tmp_path / "o", "--quiet"], capsys)
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["per_orbit.csv",
                                                                  "summary.json"]


def test_run_zarr(tiny, tmp_path, capsys):
    out = tmp_path / "z"
    code, _, err = run(["run", tiny, "--out", out, "--quiet", "--format", "zarr"], capsys)
    assert code == 0, err
    assert (out / FORMATS["zarr"]).is_dir()


def test_rerun_without_force_refuses_and_leaves_outputs(tiny, tmp_path, capsys):
    out = tmp_path / "r"
    assert run(["run", tiny, "--out", out, "--quiet", "--format", "parquet", "csv"],
               capsys)[0] == 0
    before = snapshot(out)
    code, stdout, err = run(["run", tiny, "--out", out, "--quiet", "--format", "parquet", "csv"],
                            capsys)
    assert_bad_input(code, err)
    assert "--force" in err and "exists" in err
    assert stdout == ""
    assert snapshot(out) == before
    # a new format next to old outputs is refused too (per_orbit.csv and summary.json exist)
    code, _, err = run(["run", tiny, "--out", out, "--quiet", "--format", "netcdf"], capsys)
    assert_bad_input(code, err)
    assert snapshot(out) == before
    # --force replaces them
    code, stdout, err = run(["run", tiny, "--out", out, "--quiet", "--force",
                             "--format", "parquet", "csv"], capsys)
    assert code == 0, err
    after = snapshot(out)
    assert set(after) == set(before)
    assert all(after[k][0] >= before[k][0] for k in after)
    assert after[Path("summary.json")][1] == before[Path("summary.json")][1]


def test_quiet_prints_no_progress_bar(tiny, tmp_path, capsys):
    code, _, err = run(["run", tiny, "--out", tmp_path / "q", "--quiet"], capsys)
    assert code == 0 and err == ""


def test_progress_bar_without_quiet(tiny, tmp_path, capsys):
    code, stdout, err = run(["run", tiny, "--out", tmp_path / "p"], capsys)
    assert code == 0
    assert "simulate" in err                 # tqdm bar on stderr, never on stdout
    assert "simulate" not in stdout.split("\n")[0]


def test_run_out_creates_missing_parents(tiny, tmp_path, capsys):
    # the quickstart's 'twin run ... --out results/dd' on a fresh clone (issue 16)
    code, _, err = run(["run", tiny, "--out", tmp_path / "a" / "b", "--quiet"], capsys)
    assert code == 0, err
    assert (tmp_path / "a" / "b" / "summary.json").is_file()


def test_run_out_under_a_file_is_refused(tiny, tmp_path, capsys):
    (tmp_path / "f").write_text("x")
    code, _, err = run(["run", tiny, "--out", tmp_path / "f" / "b"], capsys)
    assert_bad_input(code, err)
    assert "not a directory" in err


def test_run_out_must_be_a_directory(tiny, capsys):
    code, _, err = run(["run", tiny, "--out", tiny], capsys)
    assert_bad_input(code, err)
    assert "not a directory" in err


@pytest.mark.parametrize("text, needle", [
    (TINY.replace('step = "60 s"\n', ""), "'step'"),
    (TINY.replace("planes = 1", "planes = 1.5"), "planes"),
    (TINY.replace('"walker"', '"ring"'), "'ring'"),
    (TINY + "colour = 1\n", "'colour'"),
    (TINY.replace("[[shells]]", "[[shells]"), "not valid TOML"),
    (TINY.replace('"2 h"', '"2 parsecs"'), "duration"),
    (TINY.replace("altitude_km = 550", "altitude_km = 100"), "altitude_km"),
    (TINY + 'epoch = "yesterday"\n', "epoch"),
    (TINY.replace('step = "60 s"', 'step = "60 s"\npolicy = "yolo"'), "policy"),
    (("[[shells]]\ntype = 'tle'\npath = 'missing.tle'\n[simulation]\nstart = '2027-01-01'\n"
     "duration = '1 h'\nstep = '60 s'\n"), "missing.tle"),
    ("shells = [1]\n" + TINY.split("[design.compute]")[0], ""),  # message: test_scenario
])
def test_malformed_scenario(tmp_path, capsys, text, needle):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    code, _stdout, err = run(["run", path, "--out", tmp_path / "o", "--quiet"], capsys)
    assert_bad_input(code, err)
    assert needle in err
    assert not (tmp_path / "o" / "summary.json").exists()


def test_missing_scenario_file(tmp_path, capsys):
    code, _, err = run(["run", tmp_path / "nope.toml", "--out", tmp_path / "o"], capsys)
    assert_bad_input(code, err)
    assert "nope.toml" in err and "does not exist" in err


def test_unknown_format(tiny, tmp_path, capsys):
    code, _, err = run(["run", tiny, "--out", tmp_path / "o", "--format", "xml"], capsys)
    assert_bad_input(code, err)
    assert "xml" in err


# ----- twin compare ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def compare_sso():
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["compare", "--altitudes", "400", "1400", "--ltan", "18:00",
                     "--duration", "1 day", "--json", "--quiet"])
    return code, out.getvalue(), err.getvalue()


def test_compare_json(compare_sso):
    code, out, err = compare_sso
    assert code == 0 and err == ""
    assert len(out.strip().splitlines()) == 1
    rows = json.loads(out)
    assert isinstance(rows, list) and len(rows) == 2
    for row, alt in zip(rows, (400.0, 1400.0)):
        assert list(row) == COMPARE_COLUMNS
        assert row["altitude_km"] == alt
        assert 96 < row["inclination_deg"] < 102            # sun-synchronous
        assert 0.0 <= row["sunlit_fraction"] <= 1.0
        assert 0 < row["sustained_gb300_per_sat"] <= 64.0 + 1e-9
    assert rows[0]["period_min"] < rows[1]["period_min"]


def test_compare_inclination_table(capsys):
    code, out, err = run(["compare", "--altitudes", "550", "--inclination", "53",
                          "--duration", "3 h", "--quiet"], capsys)
    assert code == 0 and err == ""
    lines = out.strip().splitlines()
    assert len(lines) == 2
    assert "altitude_km" in lines[0] and "battery_needed_kwh" in lines[0]
    assert "mean_array_power_kw" in lines[0] and "sustained_gb300_per_sat" in lines[0]
    assert lines[1].split()[0] == "550.00" and lines[1].split()[1] == "53.00"


def test_compare_design_file_changes_the_result(tmp_path, capsys):
    design = tmp_path / "d.toml"
    design.write_text("[design.compute]\ngpus = 8\n\n[design.solar]\narea_m2 = 400\n")
    base = ["compare", "--altitudes", "550", "--inclination", "53", "--duration", "3 h",
            "--json", "--quiet"]
    code, out, err = run(base, capsys)
    assert code == 0, err
    default = json.loads(out)[0]
    code, out, err = run(base + ["--design", design], capsys)
    assert code == 0, err
    few = json.loads(out)[0]
    assert few["sustained_gb300_per_sat"] <= 8.0 + 1e-9
    assert few["sustained_gb300_per_sat"] < default["sustained_gb300_per_sat"]
    assert few["battery_needed_wh"] < default["battery_needed_wh"]
    assert few["altitude_km"] == default["altitude_km"]


@pytest.mark.parametrize("text, needle", [
    ("name = 'x'\n[design.compute]\ngpus = 8\n", "'name'"),
    ("[simulation]\nstart = '2027-01-01'\n", "'simulation'"),
    ("[design.compute]\ngpu = 8\n", "'gpu'"),
    ("[design.compute]\ngpus = 'eight'\n", "gpus"),
    ("[design.compute\n", "not valid TOML"),
])
def test_compare_bad_design_file(tmp_path, capsys, text, needle):
    design = tmp_path / "d.toml"
    design.write_text(text)
    code, out, err = run(["compare", "--altitudes", "550", "--inclination", "53",
                          "--duration", "1 h", "--quiet", "--design", design], capsys)
    assert_bad_input(code, err)
    assert needle in err and out == ""


@pytest.mark.parametrize("argv, needle", [
    (["--altitudes", "100", "--ltan", "18:00"], "altitude_km"),
    (["--altitudes", "550", "--ltan", "25:00"], "ltan"),
    (["--altitudes", "550"], "--ltan"),
    (["--altitudes", "550", "--ltan", "18:00", "--inclination", "53"], "not allowed"),
    (["--altitudes", "abc", "--ltan", "18:00"], "abc"),
    (["--altitudes", "550", "--inclination", "200"], "inclination"),
    (["--altitudes", "550", "--ltan", "18:00", "--step", "fast"], "step"),
    (["--altitudes", "550", "--ltan", "18:00", "--start", "1800-01-01"], "de421"),
    (["--altitudes", "550", "--ltan", "18:00", "--design", "nope.toml"], "nope.toml"),
    (["--altitudes", "550", "--ltan", "18:00", "--policy", "yolo"], "yolo"),
])
def test_compare_bad_input(capsys, argv, needle):
    code, out, err = run(["compare", "--duration", "1 h", "--quiet"] + argv, capsys)
    assert_bad_input(code, err)
    assert needle in err and out == ""


def test_compare_refuses_to_overwrite_a_plot(tmp_path, capsys):
    plot = tmp_path / "alt.png"
    plot.write_bytes(b"old")
    code, _, err = run(["compare", "--altitudes", "550", "--ltan", "18:00", "--duration", "1 h",
                        "--quiet", "--plot", plot], capsys)
    assert_bad_input(code, err)
    assert "--force" in err and plot.read_bytes() == b"old"


def test_compare_plot(tmp_path, capsys):
    plots = pytest.importorskip("twin.plots")
    if not hasattr(plots, "plot_altitudes"):
        pytest.skip("twin.plots.plot_altitudes not available yet")
    plot = tmp_path / "alt.png"
    code, out, err = run(["compare", "--altitudes", "550", "800", "--ltan", "18:00",
                          "--duration", "3 h", "--quiet", "--plot", plot], capsys)
    assert code == 0, err
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote {plot}" in out


def test_eclipse_season_plot(tmp_path, capsys):
    plots = pytest.importorskip("twin.plots")
    if not hasattr(plots, "plot_eclipse_season"):
        pytest.skip("twin.plots.plot_eclipse_season not available yet")
    plot = tmp_path / "season.png"
    code, _out, err = run(["eclipse-season", "--altitude", "650", "--ltan", "18:00",
                          "--year", "2027", "--step", "600", "--plot", plot], capsys)
    assert code == 0, err
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ----- help, version, no command ---------------------------------------------------------------
def _commands():
    import argparse

    from twin.io.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)


def test_the_documented_commands_exist():
    assert {"run", "compare", "eclipse-season"} <= set(_commands())


@pytest.mark.parametrize("command", _commands())
def test_subcommand_help_has_examples(command, capsys):
    code, out, err = run([command, "--help"], capsys)
    assert code == 0 and err == ""
    assert "examples:" in out and f"twin {command}" in out
    assert "usage: twin " + command in out


def test_top_level_help(capsys):
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    for command in ("run", "compare", "eclipse-season"):
        assert command in out


def test_version(capsys):
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and out.strip() == f"twin {twin.__version__}"


def test_no_command(capsys):
    code, _out, err = run([], capsys)
    assert_bad_input(code, err)
    assert "give a command" in err


def test_unknown_command(capsys):
    code, _, err = run(["fly"], capsys)
    assert_bad_input(code, err)


# ----- the real console script -----------------------------------------------------------------
def _script():
    if TWIN.exists():
        return [str(TWIN)]
    return [sys.executable, "-m", "twin"]  # pragma: no cover


def test_console_script_run_and_refuse(tiny, tmp_path):
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    out = tmp_path / "sub"
    p = subprocess.run(_script() + ["run", str(tiny), "--out", str(out), "--quiet"],
                       check=False, capture_output=True, text=True, timeout=120, env=env,
                       cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    assert "sustained GB300-equivalents" in p.stdout
    assert (out / "timeseries.parquet").exists()
    again = subprocess.run(_script() + ["run", str(tiny), "--out", str(out), "--quiet"],
                           check=False, capture_output=True, text=True, timeout=120, env=env,
                           cwd=tmp_path)
    assert again.returncode == 2 and again.stdout == ""
    assert len(again.stderr.strip().splitlines()) == 1 and "Traceback" not in again.stderr


def test_module_entry_point(tmp_path):
    p = subprocess.run([sys.executable, "-m", "twin", "eclipse-season", "--altitude", "650",
                        "--ltan", "25:00", "--year", "2027"],
                       check=False, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
