"""The dose-depth method of twin.models.radiation against SHIELDOSE-2 itself, at 500-2,000 km,
sun-synchronous and 30 deg, behind 1-10 mm of aluminium (issue 12, Validation).

No published SPENVIS/SHIELDOSE-2 dose-depth table for circular orbits other than 550 km was
found (docs/lifetime.md, "Dose against SHIELDOSE-2", lists what was searched).  What can be
checked everywhere is the *method*: SHIELDOSE-2 (S. M. Seltzer, NIST, 1994), the code SPENVIS
runs, ships in IRBEM and through it in SpacePy (``spacepy.irbempy.Shieldose2``).  The tests
below give SHIELDOSE-2 the twin's own orbit-averaged AE8/AP8 spectra, bin for bin, so every
difference is the dose-depth method (straight-ahead proton slowing, the sqrt(1 - t/R) electron
rule, no bremsstrahlung), independent of the 550 km tables the electron rule was chosen on.

``python tests/test_dose_validation.py`` prints the comparison table of docs/lifetime.md.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from spacepy import irbempy  # SHIELDOSE-2 (IRBEM) as shipped by SpacePy: the reference code

from ephemeris.orbits import sun_synchronous_inclination_deg
from twin.models import radiation
from twin.models.constants import J_PER_MEV, S_PER_YEAR

DATA = Path(__file__).parent / "data"
ALTITUDES_KM = (500, 800, 1000, 1400, 2000)
SHIELDS_MM = (1.0, 2.0, 3.0, 5.0, 10.0)
#: IRBEM shieldose2.f, format 1350: the sphere column is "1/2 DOSE AT CENTER OF ALUMINUM
#: SPHERES" (all three geometries per unit fluence on a plane); the 4 pi dose is twice it.
SPHERE_4PI = 2.0
#: Bound of the method against SHIELDOSE-2 (docs/lifetime.md): observed 0.78-1.00 (total),
#: 0.77-1.16 (each of protons, electrons where it is >= 1 % of the total).
FACTOR = 1.35


def inclinations_deg(altitude_km):
    """Sun-synchronous (from the twin's own SSO inclination) and 30 deg."""
    return (round(float(sun_synchronous_inclination_deg(altitude_km)), 1), 30.0)


def shieldose2_rad_per_year(altitude_km, inclination_deg, shields_mm):
    """SHIELDOSE-2 4 pi dose in Si at the centre of Al spheres [rad/yr] on the twin's spectra
    (AP8-MIN protons, AE8-MAX electrons), no nuclear attenuation (nucmeth 1, as the twin).

    Returns a dict of arrays over ``shields_mm``: protons, electrons, bremsstrahlung, total.
    """
    model = irbempy.Shieldose2()
    model.set_shielding(depths=[float(x) for x in shields_mm], units="mm")
    spectra = {}
    for particle, solar, grid in (("e", "max", radiation.ELECTRON_ENERGIES_MEV),
                                  ("p", "min", radiation.PROTON_ENERGIES_MEV)):
        centres, per_bin = radiation._differential(
            grid, radiation.orbit_integral_spectrum(altitude_km, inclination_deg, particle, solar))
        # the same particles per bin as the twin's method, as a differential flux [1/cm2/s/MeV]
        spectra[particle] = (centres, np.maximum(per_bin / np.diff(grid), 1e-30))
    model.set_flux(spectra["e"][1], spectra["e"][0], "e", tau=S_PER_YEAR)
    # SpacePy sizes the trapped-proton grid from the untrapped one: give both the same grid
    model.set_flux(np.full_like(spectra["p"][1], 1e-30), spectra["p"][0], "p_un", tau=S_PER_YEAR)
    model.set_flux(spectra["p"][1], spectra["p"][0], "p_tr", tau=S_PER_YEAR)
    model.get_dose(detector=3, nucmeth=1)

    def sphere(key):
        return np.asarray(model.results[key], float)[:, 2] * SPHERE_4PI

    out = {"protons": sphere("dose_proton_trapped"), "electrons": sphere("dose_electron"),
           "bremsstrahlung": sphere("dose_bremsstrahlung")}
    out["total"] = out["protons"] + out["electrons"] + out["bremsstrahlung"]
    return out


def twin_rad_per_year(altitude_km, inclination_deg, shield_mm):
    """The twin's dose with the SPENVIS convention: AP8-MIN protons + AE8-MAX electrons."""
    p = radiation.dose_rad_per_year(altitude_km, inclination_deg, shield_mm, "min")["protons"]
    e = radiation.dose_rad_per_year(altitude_km, inclination_deg, shield_mm, "max")["electrons"]
    return {"protons": p, "electrons": e, "total": p + e}


def comparison_table():
    """One row per (altitude, inclination, shield): SHIELDOSE-2 and twin doses and ratios."""
    rows = []
    for alt in ALTITUDES_KM:
        for inc in inclinations_deg(alt):
            ref = shieldose2_rad_per_year(alt, inc, SHIELDS_MM)
            for k, mm in enumerate(SHIELDS_MM):
                ours = twin_rad_per_year(alt, inc, mm)
                rows.append({
                    "altitude_km": alt, "inclination_deg": inc, "al_mm": mm,
                    "sd2_protons": ref["protons"][k], "sd2_electrons": ref["electrons"][k],
                    "sd2_brems": ref["bremsstrahlung"][k], "sd2_total": ref["total"][k],
                    "twin_protons": ours["protons"], "twin_electrons": ours["electrons"],
                    "twin_total": ours["total"]})
    t = pd.DataFrame(rows)
    for part in ("protons", "electrons", "total"):
        t[f"ratio_{part}"] = t[f"twin_{part}"] / t[f"sd2_{part}"].clip(lower=1e-30)
    return t


@pytest.fixture(scope="module")
def table():
    return comparison_table()


def test_sphere_convention_and_proton_transport_on_a_power_law():
    """On a smooth E^-1 proton spectrum (fine grid, so discretisation does not count) the
    twin's straight-ahead proton dose at the centre of a sphere equals SHIELDOSE-2's sphere
    column times 2 within 6 %; times 1 it would be off by 2x (the convention matters)."""
    e = np.geomspace(0.1, 400.0, 48)
    model = irbempy.Shieldose2()
    model.set_shielding(depths=list(SHIELDS_MM), units="mm")
    model.set_flux(np.full_like(radiation.ELECTRON_ENERGIES_MEV, 1e-30),
                   radiation.ELECTRON_ENERGIES_MEV, "e")
    model.set_flux(np.full_like(e, 1e-30), e, "p_un")
    model.set_flux(1.0 / e, e, "p_tr")
    model.get_dose(detector=3, nucmeth=1)
    sd2 = np.asarray(model.results["dose_proton_trapped"], float)[:, 2] * SPHERE_4PI
    fine = np.geomspace(0.1, 400.0, 20001)
    centres, per_bin = np.sqrt(fine[1:] * fine[:-1]), np.diff(np.log(fine))  # integral of 1/E
    rad_per_mev_g = J_PER_MEV * 1e3 * 100.0
    for k, mm in enumerate(SHIELDS_MM):
        e_out = radiation.proton_exit_energy_mev(centres, mm * radiation.ALUMINIUM_G_CM3 / 10.0)
        s = np.where(e_out > 0, radiation.proton_stopping_mev_cm2_g(np.maximum(e_out, 1e-3), "Si"),
                     0.0)
        ours = float((per_bin * s).sum()) * rad_per_mev_g
        assert ours == pytest.approx(sd2[k], rel=0.06), (mm, ours, sd2[k])


def test_sphere_convention_reproduces_spenvis_electron_dose_at_550km():
    """SHIELDOSE-2 (x2) on the twin's 550 km spectra against SPENVIS's published SHIELDOSE-2
    electron dose (tests/data/spenvis_shieldose2_550km.csv, 55 and 95 deg, 1-5 mm): within
    25 % (the twin's AE8 orbit averages are 7-10 % below SPENVIS's, docs/lifetime.md)."""
    ref = pd.read_csv(DATA / "spenvis_shieldose2_550km.csv", comment="#")
    ref = ref[ref.inclination_deg.isin([55, 95]) & (ref.al_mm <= 5.0)]
    for inc, rows in ref.groupby("inclination_deg"):
        sd2 = shieldose2_rad_per_year(550.0, float(inc), rows.al_mm.to_numpy())
        ratio = sd2["electrons"] / (rows.electrons_rad.to_numpy() / 5.0)
        assert np.all((ratio > 0.75) & (ratio < 1.25)), (inc, ratio)


def test_dose_method_within_a_factor_of_shieldose2_500_to_2000_km(table):
    """500-2,000 km, sun-synchronous and 30 deg, 1-10 mm: the twin's total, and each part
    (protons; electrons where they are >= 1 % of the total), within a factor 1.35 of
    SHIELDOSE-2 on the same spectra -- the electron rule holds where electrons dominate."""
    assert len(table) == len(ALTITUDES_KM) * 2 * len(SHIELDS_MM)
    r = table["ratio_total"]
    assert np.all((r > 1 / FACTOR) & (r < FACTOR)), table[["altitude_km",
                                                                      "inclination_deg",
                                                                      "al_mm", "ratio_total"]]
    for part in ("protons", "electrons"):
        big = table[table[f"sd2_{part}"] >= 0.01 * table["sd2_total"]]
        r = big[f"ratio_{part}"]
        assert np.all((r > 1 / FACTOR) & (r < FACTOR)), big[
            ["altitude_km", "inclination_deg", "al_mm", f"ratio_{part}"]]
    # electrons dominate thin shields above ~800 km: the check covers the electron rule there
    sso = table[(table.inclination_deg > 90) & (table.al_mm == 1.0) & (table.altitude_km >= 800)]
    assert np.all(sso.sd2_electrons > sso.sd2_protons)


def main():  # pragma: no cover - prints the docs table
    t = comparison_table()
    print("| altitude | incl. | Al | SHIELDOSE-2 p / e / brems [rad/yr] | twin p / e [rad/yr] "
          "| ratio p / e / total |")
    print("|---|---|---|---|---|---|")
    for r in t.itertuples():
        e_ratio = f"{r.ratio_electrons:.2f}" if r.sd2_electrons >= 0.01 * r.sd2_total else "–"
        print(f"| {r.altitude_km} km | {r.inclination_deg:g}° | {r.al_mm:g} mm | "
              f"{r.sd2_protons:,.3g} / {r.sd2_electrons:,.3g} / {r.sd2_brems:,.2g} | "
              f"{r.twin_protons:,.3g} / {r.twin_electrons:,.3g} | "
              f"{r.ratio_protons:.2f} / {e_ratio} / {r.ratio_total:.2f} |")
    print("total ratio range", t.ratio_total.min(), t.ratio_total.max())


if __name__ == "__main__":
    main()
