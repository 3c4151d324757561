"""What each realistic item of the default satellite costs in sustained compute.

From the ideal satellite the twin used to fly by default to today's defaults, one item at a
time, on a 650 km dawn-dusk orbit over 2027 (twin.studies.realism.realism_table); prints the
markdown table that docs/models.md shows.

    python examples/idealisations.py            # the full year, about a minute
    python examples/idealisations.py --days 3   # a quick look (no eclipse season in January)
"""
import argparse

from twin.studies.realism import realism_table

if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=float, default=365.0, help="days from 2027-01-01")
    ap.add_argument("--altitude", type=float, default=650.0, help="altitude [km]")
    args = ap.parse_args()
    df = realism_table(altitude_km=args.altitude, duration=f"{args.days:g} days")
    print("| step | policy | sustained GB300-eq | change | heaters [kWh] | radiator margin "
          "(hot case) | mass [kg] |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in df.itertuples():
        print(f"| {r.step} | {r.policy} | {r.sustained_gb300:.2f} | {r.change:+.2f} "
              f"({r.change_pct:+.1f} %) | {r.heater_kwh:,.0f} | {r.radiator_margin:+.1%} | "
              f"{r.mass_kg:,.0f} |")
