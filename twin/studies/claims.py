"""The public claims about compute in orbit, recomputed by the twin's own models.

Every number here comes from running a model: the orbital simulation (:func:`twin.simulate`,
:func:`twin.compare_altitudes`, :func:`twin.geometry`), the pvlib ground baseline
(:mod:`twin.ground`) and the mass and cost model (:mod:`twin.economics`).  The table states
each claim, the twin's number, the inputs and assumptions, and a verdict with its margin.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from twin import ground
from twin.constellation import Constellation
from twin.design import SatelliteDesign
from twin.run.simulate import geometry
from twin.studies import economics
from twin.studies.compare import compare_altitudes

CLAIM_COLUMNS = ["id", "claim", "stated", "twin", "unit", "verdict", "margin", "assumptions"]


@dataclass(frozen=True)
class ClaimInputs:
    """What the claims are computed from (every field can be changed)."""

    design: SatelliteDesign = field(default_factory=SatelliteDesign)
    altitude_km: float = 650.0           # Suncatcher's dawn-dusk orbit
    ltan: str = "18:00"
    year: int = 2027
    step: str = "120 s"
    altitudes_km: tuple = (400, 550, 650, 800, 1000, 1200, 1400)
    site: object = None                  # twin.ground.MEMPHIS by default
    datacenter: object = None            # twin.ground.GroundDataCenter() by default
    cost: economics.CostModel = field(default_factory=economics.CostModel)
    mass: economics.MassModel = field(default_factory=economics.MassModel)
    projected_launch_usd_per_kg: float = 200.0   # upper end of Starship projections, ~2030
    days: float = 365.0                  # shorten for quick looks (seasons need the full year)


def _verdict(ratio, tolerance=0.15):
    """'supported' within +-tolerance of the stated value, else 'overstated'/'understated'."""
    if not np.isfinite(ratio):
        return "not supported"
    if abs(ratio - 1.0) <= tolerance:
        return "supported"
    return "overstated" if ratio < 1.0 else "understated"


def eclipse_free_altitudes(ltan, year, step="300 s", altitudes_km=None, days=365.0, start=None):
    """Lowest dawn-dusk altitudes [km] with no umbra, and with no penumbra, over the year.

    One geometry run flies a sun-synchronous satellite at every altitude of the grid
    (default 1,000-2,200 km every 10 km); the answer is the lowest grid altitude above which
    no satellite of the grid ever sees umbra (sunlit fraction 0), respectively any shadow
    (sunlit fraction < 1).  Resolution: the grid spacing.
    """
    alts = np.arange(1000.0, 2201.0, 10.0) if altitudes_km is None else np.asarray(
        altitudes_km, float)
    c = None
    for h in alts:
        s = Constellation.sun_synchronous(float(h), ltan, name=f"{h:g}")
        c = s if c is None else c + s
    ds = geometry(c, start or f"{year}-01-01", f"{days} days", step)
    sf = ds["sunlit_fraction"].values
    umbra = (sf <= 0.0).any(axis=1)
    shadow = (sf < 1.0).any(axis=1)

    def lowest_free(flag):
        bad = np.flatnonzero(flag)
        if len(bad) == 0:
            return float(alts[0])
        if bad[-1] == len(alts) - 1:
            return float("inf")
        return float(alts[bad[-1] + 1])

    return lowest_free(umbra), lowest_free(shadow)


def claims(inputs: ClaimInputs | None = None) -> pd.DataFrame:
    """The claims table (see :data:`CLAIM_COLUMNS`), computed from ``inputs``."""
    inp = ClaimInputs() if inputs is None else inputs
    site = inp.site if inp.site is not None else ground.MEMPHIS
    dc = inp.datacenter if inp.datacenter is not None else ground.GroundDataCenter()
    d = inp.design
    start, duration = f"{inp.year}-01-01", f"{inp.days} days"
    rows = []

    # --- the orbital year: dawn-dusk satellites at every altitude, one run ---------------------
    alts = sorted(set(inp.altitudes_km) | {inp.altitude_km})
    comp = compare_altitudes(alts, ltan=inp.ltan, design=d, start=start, duration=duration,
                             step=inp.step)
    main = comp[comp["altitude_km"] == inp.altitude_km].iloc[0]
    cells_m2 = d.solar.area_m2 * d.solar.packing_factor
    hours = inp.days * 24.0
    orbit_kwh_m2 = main["mean_array_power_w"] / cells_m2 * hours / 1000.0

    # 1. a solar cell in orbit yields ~5x one on the ground
    base = ground.ground_baseline(site, inp.year)
    ratios = orbit_kwh_m2 / base["energy_kwh_per_m2_yr"] * (8760.0 / hours)
    for (_, g), r in zip(base.iterrows(), ratios):
        rows.append({
            "id": f"solar-vs-ground/{g['weather'].split(' ')[0].lower()}/{g['mounting']}",
            "claim": "A solar cell in orbit yields ~5x one on the ground",
            "stated": 5.0, "twin": float(r), "unit": "x (energy per m2 of cell per year)",
            "verdict": _verdict(r / 5.0), "margin": float(r / 5.0 - 1.0),
            "assumptions": (f"same cell ({d.solar.efficiency:.0%} triple-junction, sun-tracking "
                            f"in orbit); orbit: dawn-dusk {inp.altitude_km:g} km LTAN {inp.ltan}, "
                            f"{inp.year}, {orbit_kwh_m2 * 8760 / hours:,.0f} kWh/m2/yr; ground: "
                            f"{g['site']} {g['weather']}, {g['mounting']}, "
                            f"{g['energy_kwh_per_m2_yr']:,.0f} kWh/m2/yr, DC, no soiling"),
        })

    # 2. in orbit you need no batteries
    no_umbra_km, no_penumbra_km = eclipse_free_altitudes(inp.ltan, inp.year, days=inp.days)
    for _, r in comp.iterrows():
        rows.append({
            "id": f"no-batteries/{r['altitude_km']:g}km",
            "claim": "In orbit you need no batteries",
            "stated": 0.0, "twin": float(r["battery_needed_wh"] / 1000.0),
            "unit": "kWh battery needed (full load through the worst eclipse)",
            "verdict": "supported" if r["worst_eclipse_min"] == 0 else "not supported",
            "margin": float(r["worst_eclipse_min"]),
            "assumptions": (f"dawn-dusk LTAN {inp.ltan}, {r['altitude_km']:g} km, {inp.year}: "
                            f"{r['eclipse_hours']:.1f} h of eclipse, worst "
                            f"{r['worst_eclipse_min']:.1f} min (margin column: worst eclipse "
                            f"min); {d.battery.max_depth_of_discharge:.0%} DoD"),
        })
    rows.append({
        "id": "no-batteries/umbra-free-altitude",
        "claim": "In orbit you need no batteries",
        "stated": np.nan, "twin": no_umbra_km, "unit": "km: lowest dawn-dusk altitude with "
        "no umbra all year", "verdict": "supported above this altitude", "margin": np.nan,
        "assumptions": f"LTAN {inp.ltan}, {inp.year}, 10 km grid 1,000-2,200 km; spherical Earth",
    })
    rows.append({
        "id": "no-batteries/shadow-free-altitude",
        "claim": "In orbit you need no batteries",
        "stated": np.nan, "twin": no_penumbra_km, "unit": "km: lowest dawn-dusk altitude with "
        "no shadow at all (no penumbra) all year", "verdict": "supported above this altitude",
        "margin": np.nan, "assumptions": f"LTAN {inp.ltan}, {inp.year}, 10 km grid",
    })

    # 3. 1 GW feeds ~330,000 GB300 with cooling (+40 %) and power equipment (+20-25 %)
    per_gw = dc.gb300_per_gw()
    rows.append({
        "id": "gb300-per-gw/ground",
        "claim": "1 GW feeds about 330,000 GB300 GPUs once cooling and power equipment count",
        "stated": 330000.0, "twin": float(per_gw), "unit": "GB300 per GW (ground)",
        "verdict": _verdict(per_gw / 330000.0, 0.10), "margin": float(per_gw / 330000 - 1),
        "assumptions": (f"{dc.it_power_w_per_gpu():,.0f} W IT per GPU (GPU + host), cooling "
                        f"+{dc.cooling_overhead:.0%}, power equipment "
                        f"+{dc.power_equipment_overhead:.1%}: "
                        f"{dc.facility_power_w_per_gpu():,.0f} W per GPU at the facility"),
    })
    rating_w = economics.array_rating_w(d)
    per_gw_orbit = main["sustained_gb300_per_sat"] / rating_w * 1e9
    rows.append({
        "id": "gb300-per-gw/orbit-array",
        "claim": "1 GW feeds about 330,000 GB300 GPUs once cooling and power equipment count",
        "stated": 330000.0, "twin": float(per_gw_orbit),
        "unit": "sustained GB300-eq per GW of array rating (orbit)",
        "verdict": _verdict(per_gw_orbit / 330000.0, 0.10),
        "margin": float(per_gw_orbit / 330000 - 1),
        "assumptions": (f"array rated {rating_w / 1000:,.0f} kW (1,361 W/m2, 28 C); "
                        f"{main['sustained_gb300_per_sat']:.1f} sustained GB300-eq per "
                        f"satellite at {inp.altitude_km:g} km dawn-dusk over {inp.year}"),
    })

    # 4. about 100 kW of compute per tonne launched
    kwt = economics.compute_kw_per_tonne(d, inp.mass)
    m = economics.satellite_mass_kg(d, inp.mass)
    rows.append({
        "id": "kw-per-tonne",
        "claim": "About 100 kW of compute per tonne launched (FCC filing)",
        "stated": 100.0, "twin": float(kwt), "unit": "kW of rated compute (GPU + host) per t",
        "verdict": _verdict(kwt / 100.0, 0.25), "margin": float(kwt / 100 - 1),
        "assumptions": (f"{m['total_kg']:,.0f} kg satellite: array {m['array_kg']:,.0f} "
                        f"({inp.mass.array_w_per_kg:g} W/kg), radiator {m['radiator_kg']:,.0f}, "
                        f"battery {m['battery_kg']:,.0f}, compute {m['compute_kg']:,.0f} "
                        f"({inp.mass.compute_kg_per_gpu:g} kg/GPU), structure "
                        f"{inp.mass.structure_fraction:.0%}"),
    })

    # 5. within 36 months space is the cheapest place for AI
    sustained = float(main["sustained_gb300_per_sat"])
    ground_cost = economics.ground_usd_per_gb300_year(dc, inp.cost)
    for label, price in (("today", inp.cost.launch_usd_per_kg),
                         ("projected", inp.projected_launch_usd_per_kg)):
        c = inp.cost.replace(launch_usd_per_kg=float(price))
        orbit_cost = economics.orbit_usd_per_gb300_year(d, sustained, c, inp.mass)
        ratio = orbit_cost / ground_cost
        rows.append({
            "id": f"cheapest/{label}",
            "claim": "Within 36 months space is the cheapest place for AI",
            "stated": 1.0, "twin": float(ratio), "unit": "orbit / ground cost per GB300-eq-year",
            "verdict": "supported" if ratio <= 1.0 else "not supported",
            "margin": float(ratio - 1.0),
            "assumptions": (f"launch {price:,.0f} $/kg; orbit {orbit_cost:,.0f} vs ground "
                            f"{ground_cost:,.0f} $/GB300-eq-yr; {inp.cost.lifetime_years:g}-yr "
                            f"life, GPU {inp.cost.gpu_usd:,.0f} $, electricity "
                            f"{inp.cost.electricity_usd_per_kwh:.2f} $/kWh; no operations cost"),
        })
    be = economics.break_even_launch_usd_per_kg(d, sustained, dc, inp.cost, inp.mass)
    rows.append({
        "id": "cheapest/break-even-launch",
        "claim": "Within 36 months space is the cheapest place for AI",
        "stated": np.nan, "twin": float(be), "unit": "$/kg launch price at break-even",
        "verdict": ("break-even needs launch below this price" if be > 0
                    else "orbit loses even with free launch"), "margin": np.nan,
        "assumptions": "same cost model as the rows above",
    })
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def to_markdown(df: pd.DataFrame) -> str:
    """The claims table as Markdown."""
    lines = ["| claim | stated | twin | unit | verdict | margin |", "|---|---|---|---|---|---|"]
    for r in df.itertuples():
        st = "" if pd.isna(r.stated) else f"{r.stated:,.4g}"
        mg = "" if pd.isna(r.margin) else f"{r.margin:+.2f}"
        lines.append(f"| {r.claim} (`{r.id}`) | {st} | {r.twin:,.4g} | {r.unit} | {r.verdict} | "
                     f"{mg} |")
    lines.append("")
    lines.append("Assumptions:")
    for r in df.itertuples():
        lines.append(f"- `{r.id}`: {r.assumptions}")
    return "\n".join(lines) + "\n"
