"""Fly the satellites of a TLE file (here the bundled examples/data/sample.tle) with a GB300
design, near the catalog's epoch, and list their eclipses and sustained compute.

    python examples/from_tle.py [FILE.tle]
"""
import sys
from pathlib import Path

import twin

path = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "data" / "sample.tle"
catalog = twin.Constellation.from_tle(path, design=twin.SatelliteDesign())
print(catalog)
print(catalog.elements[["name", "epoch", "altitude_km", "inclination_deg", "eccentricity"]])

epoch = catalog.elements["epoch"].min()
result = twin.simulate(catalog, start=epoch, duration="6 h", step="30 s", policy="reserve")
events = twin.eclipse_events(result.dataset)
print(events[events["kind"] == "umbra"].groupby("sat")["duration_s"].describe()[["count", "mean"]])
per_sat = result.per_orbit().groupby("sat")["sustained_gb300"].mean()
print(per_sat.round(2).to_string())
print(result.summary()["sustained_gb300"], "sustained GB300-equivalents in total")
