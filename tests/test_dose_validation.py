"""The payload dose through SHIELDOSE-2 (IRBEM via SpacePy): the wrapper's conventions and
units, its interpolation in shield thickness, and that it never reaches for the network
(issue 12).

The end-to-end check against SPENVIS's published SHIELDOSE-2 tables (AE8/AP8 fluxes and the
dose code together) is ``test_dose_within_a_factor_of_spenvis_shieldose2_at_550km`` in
tests/test_lifetime_models.py.  Here:

* the 4 pi convention, rad and the per-year scaling together, against an independent
  straight-ahead calculation on a smooth proton spectrum (doubling, MeV/g -> rad and the
  exposure time are each a factor that would show);
* the species mapping: electrons stopped in the shield leave only their bremsstrahlung,
  protons alone give no electron dose;
* the dose-depth curve interpolated at the shield against SHIELDOSE-2 asked at the shield;
* no socket opened and no leap-second prompt, from a fresh SpacePy directory.

``python tests/test_dose_validation.py`` prints the dose table of docs/lifetime.md.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from twin.models import radiation
from twin.models.constants import J_PER_MEV, S_PER_YEAR

ROOT = Path(__file__).resolve().parents[1]
SHIELDS_MM = (1.0, 2.0, 3.0, 5.0, 10.0)
RAD_PER_MEV_G = J_PER_MEV * 1e3 * 100.0   # MeV/g -> J/kg (Gy) -> rad


def _no_electrons():
    e = radiation.DOSE_ELECTRON_ENERGIES_MEV
    return e, np.zeros_like(e)


def test_sphere_convention_rad_and_per_year_on_a_power_law():
    """Isotropic E^-1 protons [1/(cm^2 s MeV)] for one year: the straight-ahead dose at the
    centre of a sphere, D = t_yr sum j dE S_Si(E') (Bethe stopping, CSDA exit energy; protons
    scatter little), equals the wrapper's 4 pi dose within 5 % behind 1-10 mm (observed within
    2 %).  Without the doubling it would be 2x off, in krad 1000x, per second 3e7x."""
    e = radiation.DOSE_PROTON_ENERGIES_MEV
    sd2 = radiation.shieldose2_rad(e, 1.0 / e, *_no_electrons(), SHIELDS_MM, S_PER_YEAR)
    fine = np.geomspace(0.1, 400.0, 20001)
    centres, per_bin = np.sqrt(fine[1:] * fine[:-1]), np.diff(np.log(fine))  # integral of 1/E
    for k, mm in enumerate(SHIELDS_MM):
        e_out = radiation.proton_exit_energy_mev(centres, mm * radiation.ALUMINIUM_G_CM3 / 10.0)
        s = np.where(e_out > 0,
                     radiation.proton_stopping_mev_cm2_g(np.maximum(e_out, 1e-3), "Si"), 0.0)
        ours = float((per_bin * s).sum()) * RAD_PER_MEV_G * S_PER_YEAR
        assert sd2["protons"][k] == pytest.approx(ours, rel=0.05), (mm, sd2["protons"][k], ours)
    assert np.all(sd2["electrons"] < 1e-12 * sd2["protons"])
    assert np.all(sd2["bremsstrahlung"] < 1e-12 * sd2["protons"])
    # the exposure scales the dose linearly: one second is 1 / S_PER_YEAR of a year
    one_s = radiation.shieldose2_rad(e, 1.0 / e, *_no_electrons(), SHIELDS_MM, 1.0)
    np.testing.assert_allclose(one_s["total"] * S_PER_YEAR, sd2["total"], rtol=1e-9)


def test_electrons_stopped_by_the_shield_leave_only_bremsstrahlung():
    """Electrons below 1 MeV (CSDA range 0.55 g/cm^2 = 2.1 mm of Al) behind 5 and 10 mm: no
    electron dose, a bremsstrahlung dose, and the total is that bremsstrahlung.  Behind
    0.5 mm the same electrons dominate their bremsstrahlung by > 30x (the keys are not
    swapped)."""
    ee = np.geomspace(0.04, 1.0, 201)
    je = 1e6 * np.exp(-ee / 0.2)
    ep = radiation.DOSE_PROTON_ENERGIES_MEV
    d = radiation.shieldose2_rad(ep, np.zeros_like(ep), ee, je, (0.5, 1.0, 2.0, 5.0, 10.0),
                                 S_PER_YEAR)
    assert radiation.electron_range_g_cm2(1.0) / radiation.ALUMINIUM_G_CM3 * 10 < 2.2
    for k in (3, 4):
        assert d["bremsstrahlung"][k] > 0
        assert d["electrons"][k] < 1e-3 * d["bremsstrahlung"][k]
        assert d["total"][k] == pytest.approx(d["bremsstrahlung"][k], rel=1e-3)
    assert d["electrons"][0] > 30 * d["bremsstrahlung"][0]
    assert d["protons"].max() < 1e-12 * d["total"][0]
    # bremsstrahlung is weakly attenuated: behind 10 mm still > 1/4 of that behind 2 mm
    assert d["bremsstrahlung"][4] > 0.25 * d["bremsstrahlung"][2]


@pytest.mark.parametrize("alt, inc", [(550.0, 97.6), (1400.0, 30.0)])
def test_interpolated_dose_matches_shieldose2_at_the_shield(alt, inc):
    """dose_rad_per_year interpolates the dose-depth curve computed once per orbit; asked at
    the shield itself (a depth grid of the same spacing centred on it) SHIELDOSE-2 agrees
    within 1.5 % on the total (observed 0.992-1.003 at 500-2,000 km, 0.5-20 mm)."""
    step = np.log(radiation.DOSE_DEPTHS_MM[1] / radiation.DOSE_DEPTHS_MM[0])
    for mm in (0.7, 2.0, 3.7, 12.0):
        depths = mm * np.exp(step * np.arange(-5, 6))
        ref = radiation.shieldose2_rad(
            radiation.DOSE_PROTON_ENERGIES_MEV,
            radiation.orbit_differential_spectrum(alt, inc, "p", "min"),
            radiation.DOSE_ELECTRON_ENERGIES_MEV,
            radiation.orbit_differential_spectrum(alt, inc, "e", "min"), depths, S_PER_YEAR)
        ours = radiation.dose_rad_per_year(alt, inc, mm, "min")
        assert ours["total"] == pytest.approx(ref["total"][5], rel=0.015), mm
        assert ours["total"] == pytest.approx(
            ours["protons"] + ours["electrons"] + ours["bremsstrahlung"], rel=1e-12)


def test_orbit_spectrum_integrates_back_to_the_integral_flux():
    """The differential spectrum given to SHIELDOSE-2 carries the AE8/AP8 particles: its
    integral above 1 MeV (protons) / 0.5 MeV (electrons) matches the orbit-averaged integral
    flux within 2 %."""
    for particle, grid, e0 in (("p", radiation.DOSE_PROTON_ENERGIES_MEV, 1.0),
                               ("e", radiation.DOSE_ELECTRON_ENERGIES_MEV, 0.5)):
        j = radiation.orbit_differential_spectrum(1000.0, 99.5, particle, "max")
        above = grid >= e0
        integral = np.trapezoid(j[above], grid[above])
        direct = radiation._orbit_flux(1000.0, 99.5, grid[above][0], particle, "max").mean()
        assert integral == pytest.approx(direct, rel=0.02), particle


def test_bad_input_names_the_field():
    e = radiation.DOSE_PROTON_ENERGIES_MEV
    with pytest.raises(ValueError, match=r"shield_mm=-1.0 is out of range; allowed: \[0, 200\]"):
        radiation.dose_rad_per_year(550.0, 97.6, -1.0)
    with pytest.raises(ValueError, match="solar='med'"):
        radiation.dose_rad_per_year(550.0, 97.6, 2.0, "med")
    with pytest.raises(ValueError, match="proton spectrum"):
        radiation.shieldose2_rad(e, 1.0 / e[:-1], *_no_electrons(), SHIELDS_MM)
    with pytest.raises(ValueError, match="electron spectrum: fluxes must be finite"):
        ee = radiation.DOSE_ELECTRON_ENERGIES_MEV
        radiation.shieldose2_rad(e, 1.0 / e, ee, np.full_like(ee, np.nan), SHIELDS_MM)
    with pytest.raises(ValueError, match="depths_mm"):
        radiation.shieldose2_rad(e, 1.0 / e, *_no_electrons(), (3.0, 2.0, 1.0))


_OFFLINE = """
import socket, sys, warnings
attempts = []
def refuse(*args, **kwargs):
    attempts.append(args)
    raise OSError("network blocked by the test")
socket.socket.connect = socket.socket.connect_ex = refuse
socket.create_connection = socket.getaddrinfo = refuse
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    if sys.argv[1] == "control":
        import spacepy.time
    else:
        from twin.models import radiation
        assert "spacepy" not in sys.modules, "import twin.models.radiation imported SpacePy"
        d = radiation.dose_rad_per_year(733.0, 98.4, 2.0)
        assert d["total"] > 0, d
print("attempts", len(attempts))
print("leap-second prompts", sum("Leapseconds" in str(w.message) for w in caught))
"""


def test_spacepy_never_reaches_for_the_network(tmp_path):
    """From a fresh SpacePy directory whose leap-second table looks stale (mtime 2020), with
    every socket refused: SpacePy alone prompts to download leap seconds (the control, so the
    check can fail); the twin's dose opens no socket and prompts nothing."""
    import spacepy  # lazy: only to find the table SpacePy ships (this test's own setup)
    data = tmp_path / ".spacepy" / "data"
    data.mkdir(parents=True)
    table = data / "tai-utc.dat"
    shutil.copy(Path(spacepy.__file__).parent / "data" / "tai-utc.dat", table)
    os.utime(table, (1.58e9, 1.58e9))
    env = dict(os.environ, SPACEPY=str(tmp_path), PYTHONPATH=str(ROOT), TWIN_NUMBA="0")
    out = {}
    for mode in ("control", "twin"):
        r = subprocess.run([sys.executable, "-c", _OFFLINE, mode], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr[-2000:]
        out[mode] = r.stdout
    assert "leap-second prompts 1" in out["control"], out["control"]
    assert "attempts 0" in out["twin"] and "leap-second prompts 0" in out["twin"], out["twin"]


def _two_digits(x):
    return f"{x:.2g}" if x < 100 else f"{round(x, 1 - int(np.floor(np.log10(x)))):,.0f}"


def main():  # pragma: no cover - prints the docs table
    alts = (500, 650, 800, 1000, 1200, 1500, 2000)
    print("| altitude | " + " | ".join(f"{s:g} mm" for s in SHIELDS_MM)
          + " | > 30 MeV p [/cm²/s] |")
    print("|---" * (len(SHIELDS_MM) + 2) + "|")
    for h in alts:
        cells = []
        for s in SHIELDS_MM:
            lo = radiation.dose_rad_per_year(h, 97.8, s, "min")["total"] / 1e3
            hi = radiation.dose_rad_per_year(h, 97.8, s, "max")["total"] / 1e3
            cells.append(f"{_two_digits(lo)} / {_two_digits(hi)}")
        p30 = radiation.proton_flux_above_30mev(h, 97.8)
        print(f"| {h} km | " + " | ".join(cells) + f" | {p30:,.0f} |")


if __name__ == "__main__":
    main()
