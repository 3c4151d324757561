"""How much sustained compute does one GB300 satellite design deliver from 400 to 1,400 km,
and what battery and radiator does each altitude need?  (This is `make demo`.)

Dawn-dusk sun-synchronous orbits (LTAN 18:00) over the whole of 2027 at 120 s steps, so every
eclipse season is in the run; all altitudes fly in one vectorised simulation.

    python examples/compare_altitudes.py [--days N] [--plot FILE.png]
"""
import argparse
import time

import pandas as pd

import twin

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--days", type=float, default=365, help="length of the run (default 365)")
ap.add_argument("--plot", default=None, help="save the comparison plot as PNG")
args = ap.parse_args()

design = twin.SatelliteDesign()          # 64 GB300-class GPUs, 400 m2 array, 150 m2 radiator
t0 = time.perf_counter()
df = twin.compare_altitudes([400, 550, 650, 800, 1000, 1200, 1400], ltan="18:00", design=design,
                            start="2027-01-01", duration=f"{args.days} days", step="120 s")
elapsed = time.perf_counter() - t0

pd.set_option("display.width", 200)
show = pd.DataFrame({
    "altitude km": df["altitude_km"],
    "incl deg": df["inclination_deg"].round(2),
    "sunlit": df["sunlit_fraction"].round(4),
    "eclipse h": df["eclipse_hours"].round(1),
    "worst eclipse min": df["worst_eclipse_min"].round(1),
    "array kW": (df["mean_array_power_w"] / 1000).round(1),
    "battery needed kWh": (df["battery_needed_wh"] / 1000).round(1),
    "radiator needed m2": df["radiator_needed_m2"].round(1),
    "GB300-eq per sat": df["sustained_gb300_per_sat"].round(2),
})
print(f"Design: {design.compute.gpus} GPUs x {design.compute.gpu_power_w:.0f} W, "
      f"{design.solar.area_m2:.0f} m2 array, {design.battery.capacity_wh / 1000:.0f} kWh "
      f"battery, {design.radiator.area_m2:.0f} m2 radiator; dawn-dusk SSO, "
      f"{args.days:g} days from 2027-01-01")
print(show.to_string(index=False))
print(f"({elapsed:.1f} s)")
if args.plot:
    from twin.io.plots import plot_altitudes

    plot_altitudes(df, path=args.plot)
    print(f"wrote {args.plot}")
