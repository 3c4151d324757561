"""Faults never cost a result (issue 17): output sets appear whole or not at all, two runs into
one --out cannot mix, interrupted Zarr stores never carry the final name, signals exit 130/143
without a traceback and leave no temporaries, a full disk is one line, not a crash.

The fault cases run ``twin`` in a subprocess and interrupt it at a known point: a small hook
(``HOOK``) makes the run pause, after its time series were written into the temporary set,
before the per-orbit table; the test waits for the hook's marker file and then sends the
signal.  Full-disk cases mount a small tmpfs (we run as root in CI) and skip otherwise.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import xarray as xr

import twin
from twin.io import atomic
from twin.io.cli import main

ROOT = Path(__file__).resolve().parents[1]

SCENARIO = """\
[simulation]
start = "2027-06-21T00:00:00Z"
duration = "{duration}"
step = "{step}"

[design.compute]
gpus = {gpus}

[[shells]]
name = "f"
type = "walker"
altitude_km = 550
inclination_deg = 53
planes = 1
sats_per_plane = {sats}
"""

# Pause the CLI where a run has written its time series but not yet its per-orbit table and
# summary (the moment at which the old code left a mixed set behind).
HOOK = """
import os, sys, time
import twin.io.cli as cli
orig = cli.per_orbit_to_csv
def paused(*a, **k):
    open(os.environ["TWIN_TEST_MARKER"], "w").close()
    time.sleep(120)
    return orig(*a, **k)
cli.per_orbit_to_csv = paused
sys.exit(cli.main(sys.argv[1:]))
"""


def scenario(tmp_path, name="s.toml", duration="2 h", gpus=32, sats=2, step="60 s"):
    p = tmp_path / name
    p.write_text(SCENARIO.format(duration=duration, gpus=gpus, sats=sats, step=step))
    return p


def env():
    return {**os.environ, "PYTHONPATH": str(ROOT), "TWIN_TEST_MARKER": ""}


def snapshot(directory):
    return {p.relative_to(directory): p.read_bytes()
            for p in sorted(Path(directory).rglob("*")) if p.is_file()}


def leftovers(parent):
    """Hidden temporaries and locks next to the outputs."""
    return sorted(p.name for p in Path(parent).iterdir() if p.name.startswith("."))


def start_paused(args, marker, tmp_path):
    e = env()
    e["TWIN_TEST_MARKER"] = str(marker)
    proc = subprocess.Popen([sys.executable, "-c", HOOK, *map(str, args)], env=e,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path)
    deadline = time.monotonic() + 240
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the run ended early: {proc.communicate()}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the run never reached the pause")
        time.sleep(0.1)
    return proc


def run_ok(args, capsys):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out


@pytest.fixture()
def old_set(tmp_path, capsys):
    """--out D holding a finished set of run A (parquet, csv)."""
    out = tmp_path / "D"
    run_ok(["run", scenario(tmp_path, "a.toml"), "--out", out, "--quiet", "--format",
            "parquet", "csv"], capsys)
    return out


# ----- an interrupted --force run leaves the previous set whole ----------------------------------
@pytest.mark.parametrize("sig, code", [(signal.SIGKILL, -9), (signal.SIGINT, 130),
                                       (signal.SIGTERM, 143)])
def test_interrupted_force_run_keeps_the_whole_old_set(tmp_path, old_set, capsys, sig, code):
    before = snapshot(old_set)
    marker = tmp_path / "paused"
    b = scenario(tmp_path, "b.toml", gpus=8)
    proc = start_paused(["run", b, "--out", old_set, "--quiet", "--force", "--format",
                         "parquet", "netcdf", "csv"], marker, tmp_path)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code
    assert snapshot(old_set) == before                 # A's set, whole, nothing of B's
    if sig != signal.SIGKILL:
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        assert leftovers(tmp_path) == []               # temporaries and the lock removed
    else:                                              # nothing can clean after SIGKILL ...
        assert any(n.endswith(".tmp") for n in leftovers(tmp_path))
    # ... the next run does: B, whole, and no hidden leftovers
    run_ok(["run", b, "--out", old_set, "--quiet", "--force", "--format", "netcdf"], capsys)
    assert sorted(p.name for p in old_set.iterdir()) == ["per_orbit.csv", "summary.json",
                                                         "timeseries.nc"]
    assert leftovers(tmp_path) == []


def test_interrupted_first_run_leaves_no_directory(tmp_path):
    out = tmp_path / "new"
    marker = tmp_path / "paused"
    proc = start_paused(["run", scenario(tmp_path), "--out", out, "--quiet"], marker, tmp_path)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert not out.exists() and leftovers(tmp_path) == []


def test_two_runs_into_one_out_cannot_mix(tmp_path, capsys):
    """The second run is refused while the first holds the lock; the first then finishes
    and its set is whole (every file carries its run id)."""
    out = tmp_path / "D"
    marker = tmp_path / "paused"
    first = start_paused(["run", scenario(tmp_path, "a.toml"), "--out", out, "--quiet",
                          "--format", "parquet", "netcdf"], marker, tmp_path)
    try:
        code = main(["run", str(scenario(tmp_path, "b.toml", gpus=8)), "--out", str(out),
                     "--quiet", "--force"])
        err = capsys.readouterr().err
        assert code == 2 and "another twin run" in err and str(first.pid) in err
        assert not out.exists()
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=60)
    assert first.returncode == 143 and not out.exists() and leftovers(tmp_path) == []


def test_run_id_ties_the_set_together(tmp_path, capsys):
    out = tmp_path / "D"
    run_ok(["run", scenario(tmp_path), "--out", out, "--quiet", "--format", "parquet",
            "netcdf", "zarr"], capsys)
    run_id = json.loads((out / "summary.json").read_text())["run_id"]
    assert len(run_id) == 32
    assert pq.read_schema(out / "timeseries.parquet").metadata[b"twin.run_id"].decode() == run_id
    with xr.open_dataset(out / "timeseries.nc", engine="h5netcdf") as nc:
        assert nc.attrs["twin.run_id"] == run_id
    assert xr.open_zarr(out / "timeseries.zarr").attrs["twin.run_id"] == run_id
    # other inputs, other id; the same inputs, the same id (runs stay reproducible)
    other = tmp_path / "E"
    run_ok(["run", scenario(tmp_path, "b.toml", gpus=8), "--out", other, "--quiet"], capsys)
    assert json.loads((other / "summary.json").read_text())["run_id"] != run_id


# ----- output paths checked before the run -------------------------------------------------------
def test_force_refuses_to_delete_foreign_files(tmp_path, old_set, capsys):
    (old_set / "notes.txt").write_text("mine")
    before = snapshot(old_set)
    code = main(["run", str(scenario(tmp_path)), "--out", str(old_set), "--quiet", "--force"])
    err = capsys.readouterr().err
    assert code == 2 and "notes.txt" in err and "not a twin output" in err
    assert snapshot(old_set) == before


def test_a_target_name_that_is_a_directory_is_replaced_with_force(tmp_path, capsys):
    out = tmp_path / "D"
    (out / "timeseries.parquet").mkdir(parents=True)
    code = main(["run", str(scenario(tmp_path)), "--out", str(out), "--quiet"])
    assert code == 2 and "exists" in capsys.readouterr().err
    run_ok(["run", scenario(tmp_path), "--out", out, "--quiet", "--force"], capsys)
    assert (out / "timeseries.parquet").is_file()


def test_checks_come_before_the_run(tmp_path, monkeypatch, capsys):
    """A --out that cannot be written is refused before the simulation starts."""
    ran = []
    monkeypatch.setattr(twin.Scenario, "run", lambda self, **kw: ran.append(1))
    scen = scenario(tmp_path)
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["run", str(scen), "--out", str(target), "--quiet"]) == 2
    assert "not a directory" in capsys.readouterr().err
    monkeypatch.setattr(atomic.os, "access", lambda *a: False)   # a read-only parent
    assert main(["run", str(scen), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    assert "not writable" in capsys.readouterr().err
    assert ran == []


def test_failure_after_loading_leaves_no_empty_out(tmp_path, monkeypatch, capsys):
    def boom(self, **kw):
        raise ValueError("the physics broke")

    monkeypatch.setattr(twin.Scenario, "run", boom)
    out = tmp_path / "o"
    assert main(["run", str(scenario(tmp_path)), "--out", str(out), "--quiet"]) == 2
    assert "physics broke" in capsys.readouterr().err
    assert not out.exists() and leftovers(tmp_path) == []


# ----- Zarr stores -------------------------------------------------------------------------------
STORE_HOOK = """
import os, sys, time
import twin
from twin.run import pipeline
orig = pipeline.PhysicsStep._write_store
def paused(self, *a, **k):
    orig(self, *a, **k)
    open(os.environ["TWIN_TEST_MARKER"], "w").close()
    time.sleep(120)
pipeline.PhysicsStep._write_store = paused
c = twin.Constellation.walker(550, 53, 1, 3)
twin.simulate(c, "2027-06-21", "2 h", "60 s", store=sys.argv[1], overwrite=True, workers=1,
              design=twin.SatelliteDesign(compute=twin.ComputePayload(gpus=8)))
"""


def test_interrupted_store_overwrite_keeps_the_old_store(tmp_path):
    store = tmp_path / "st.zarr"
    c = twin.Constellation.walker(550, 53, 1, 3)
    twin.simulate(c, "2027-06-21", "2 h", "60 s", store=store)
    old = xr.open_zarr(store)["gpu_power_w"].values.copy()
    marker = tmp_path / "paused"
    e = env()
    e["TWIN_TEST_MARKER"] = str(marker)
    proc = subprocess.Popen([sys.executable, "-c", STORE_HOOK, str(store)], env=e,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.1)
    proc.kill()
    proc.communicate(timeout=60)
    # the final name still holds the finished old store; the partial one only a .tmp name
    assert (xr.open_zarr(store)["gpu_power_w"].values == old).all()
    partial = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert partial and all(p.name.startswith(".st.zarr.") for p in partial)
    # the next writer of the store removes the killed run's temporary
    twin.simulate(c, "2027-06-21", "1 h", "60 s", store=store, overwrite=True)
    assert xr.open_zarr(store).sizes["time"] == 60
    assert sorted(p.name for p in tmp_path.iterdir()) == ["paused", "st.zarr"]


def test_store_is_not_created_before_the_run_finishes(tmp_path, monkeypatch):
    from twin.run import simulate as sim

    def boom(*a, **k):
        raise RuntimeError("worker lost")

    monkeypatch.setattr(sim, "run_local", boom)
    store = tmp_path / "st.zarr"
    with pytest.raises(RuntimeError, match="worker lost"):
        twin.simulate(twin.Constellation.walker(550, 53, 1, 1), "2027-06-21", "1 h", "60 s",
                      store=store)
    assert list(tmp_path.iterdir()) == []


# ----- full disk ---------------------------------------------------------------------------------
@pytest.fixture()
def small_fs(tmp_path):
    """A 2 MiB tmpfs (root only; skipped elsewhere)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if p.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {p.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_netcdf_on_a_full_disk_is_one_line_and_leaves_nothing(tmp_path, small_fs):
    scen = scenario(tmp_path, duration="1 day", sats=10, step="30 s")   # ~6 MiB of NetCDF
    p = subprocess.run([sys.executable, "-m", "twin", "run", str(scen), "--out",
                        str(small_fs / "out"), "--quiet", "--format", "netcdf"],
                       env=env(), capture_output=True, text=True, timeout=300)
    assert p.returncode == 2, p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and "MiB" in p.stderr, p.stderr
    assert list(small_fs.iterdir()) == []


NC_WITHOUT_CHECK = """
import sys
import twin
from twin.io import export
export.check_free_space = lambda *a: None      # let the disk really fill up
r = twin.simulate(twin.Constellation.walker(550, 53, 2, 5), "2027-06-21", "1 day", "30 s")
try:
    r.to_netcdf(sys.argv[1])
except OSError as exc:
    print("refused:", exc)
print("alive")
"""


def test_netcdf_writer_crash_cannot_take_the_process_down(small_fs):
    """Even when the disk fills during the write (the free-space check bypassed), the caller's
    process survives (HDF5 used to segfault it) and no partial file is left."""
    p = subprocess.run([sys.executable, "-c", NC_WITHOUT_CHECK, str(small_fs / "t.nc")],
                       env=env(), capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    assert "refused: [Errno 28]" in p.stdout and "alive" in p.stdout
    assert "HDF5" not in p.stderr
    assert list(small_fs.iterdir()) == []


def test_swap_without_an_atomic_exchange_still_replaces_whole(tmp_path, monkeypatch):
    """On filesystems without RENAME_EXCHANGE the set moves by two renames: the target ends
    up holding the whole new set and no .old directory is left."""
    monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    target, new = tmp_path / "D", tmp_path / ".D.1.x.tmp"
    target.mkdir()
    (target / "summary.json").write_text("old")
    new.mkdir()
    (new / "summary.json").write_text("new")
    (new / "per_orbit.csv").write_text("new")
    atomic.swap_in(new, target)
    assert snapshot(target) == {Path("summary.json"): b"new", Path("per_orbit.csv"): b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["D"]


def test_exchange_swaps_two_directories(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "x").write_text("b")
    if not atomic._exchange(a, b):
        pytest.skip("this filesystem cannot exchange two paths atomically")
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"


def test_a_read_only_filesystem_is_refused_before_the_run(tmp_path, capsys, monkeypatch):
    """A real read-only mount (root bypasses permission bits, not a read-only filesystem)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a read-only tmpfs needs root")
    mnt = tmp_path / "ro"
    mnt.mkdir()
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if p.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {p.stderr.strip()}")
    try:
        ran = []
        monkeypatch.setattr(twin.Scenario, "run", lambda self, **kw: ran.append(1))
        code = main(["run", str(scenario(tmp_path)), "--out", str(mnt / "o"), "--quiet"])
        assert code == 2 and "not writable" in capsys.readouterr().err and ran == []
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)
