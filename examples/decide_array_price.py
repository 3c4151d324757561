"""Worked example (docs/economics.md): change one assumption in a script and see what it does
to the decision "is compute in orbit cheaper than on the ground?".

    python examples/decide_array_price.py

The default satellite (dawn-dusk 650 km from 2027) is priced twice: with the default array
price of 20 $/W and with 5 $/W (mass-produced arrays, the low end of the range).  Everything
else, ranges included, stays at the defaults.  ``quick=True`` keeps it to seconds (the
lifetime run is shared by both decisions: same satellite, orbit and settings).
"""
import twin

base = twin.decide(quick=True)
cheap_arrays = twin.decide(quick=True, cost=twin.economics.CostModel(array_usd_per_w=5.0))

for label, d in (("array 20 $/W (default)", base), ("array 5 $/W", cheap_arrays)):
    print(f"{label}:")
    print(f"  orbit  {d.orbit_usd_per_gb300_year:10,.0f} $ per delivered GB300-eq-year")
    print(f"  ground {d.ground_usd_per_gb300_year:10,.0f} $ per GB300-eq-year")
    print(f"  orbit / ground {d.ratio:.2f}; deciding assumption: {d.deciding_assumption()}")
    be = d.breakeven("launch_usd_per_kg")
    print("  break-even launch price: "
          + ("none (orbit loses even with free launch)" if be is None else f"{be:,.0f} $/kg"))
    print("  what must be true together (largest swing first):")
    for r in d.path_to_breakeven().itertuples():
        mark = "  <- break-even" if r.breakeven else ""
        print(f"    {r.assumption:28s} {r.base:>10.4g} -> {r.value:<10.4g} ratio {r.ratio:.3f}"
              f"{mark}")
    print()
