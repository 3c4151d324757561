"""Simulate a small Walker shell and export its throughput time series in every format.

    python examples/export_timeseries.py [OUT_DIR]
"""
import sys
from pathlib import Path

import twin

out = Path(sys.argv[1] if len(sys.argv) > 1 else "results/export_example")
out.mkdir(parents=True, exist_ok=True)

shell = twin.Constellation.walker(altitude_km=550, inclination_deg=53, planes=3,
                                  sats_per_plane=4, phasing=1)
result = twin.simulate(shell, start="2027-06-21", duration="6 h", step="60 s", policy="reserve")
print(result)
result.to_parquet(out / "timeseries.parquet", overwrite=True)   # tidy: one row per sat and step
result.to_netcdf(out / "timeseries.nc", overwrite=True)         # xarray, CF attributes
result.to_csv(out / "timeseries.csv", overwrite=True)
result.to_czml(out / "constellation.czml", overwrite=True)      # replay in CesiumJS
result.per_orbit().to_csv(out / "per_orbit.csv", index=False)
print(result.per_orbit()[["sat", "orbit", "complete", "eclipse_min", "sustained_gb300"]].head())
print(f"wrote {sorted(p.name for p in out.iterdir())} to {out}")
