"""``twin decide``: is compute in orbit cheaper than on the ground, which assumption decides
it, and what must be true for orbit to win (:func:`twin.decide`)."""
from __future__ import annotations

import json

from twin.studies.decide import ASSUMPTIONS, decide, percent_text

EXAMPLE = """examples:
  twin decide --quick                      # seconds: 120 s steps, fewer samples
  twin decide                              # the full run (prints its run time)
  twin decide --vary launch_usd_per_kg array_usd_per_w --plot decide.png
  twin decide --design my_design.toml --altitude 800 --json

Prints the orbit and ground cost per delivered GB300-eq-year over the life (discounted on
both sides), the tornado (each assumption at the ends of its range), the Sobol indices, the
Monte Carlo probability that orbit is cheaper, the break-even value of each assumption
alone and the path to break-even; --vary X Y adds the break-even curve of two assumptions.
Assumptions: """ + ", ".join(a.name for a in ASSUMPTIONS) + "."


def add_decide(sub, make_parser, check_plot_path, load_design):
    """Register ``twin decide`` on the CLI's subparsers (``make_parser(sub, name, help)``)."""
    p = make_parser(sub, "decide", "orbit vs ground cost per delivered GB300-eq-year over the "
                    "life: tornado, Sobol indices, break-even and P(orbit cheaper)")
    p.add_argument("--design", metavar="DESIGN.toml", help="a TOML file with [design.*] "
                   "tables")
    p.add_argument("--vary", nargs=2, metavar=("X", "Y"), help="two assumptions: print "
                   "their break-even curve (and draw its contour with --plot)")
    p.add_argument("--plot", metavar="FILE.png", help="save the tornado (and the break-even "
                   "contour with --vary)")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    p.add_argument("--quick", action="store_true", help="120 s steps and "
                   "fewer samples: seconds")
    p.add_argument("--altitude", type=float, default=650.0, metavar="KM",
                   help="dawn-dusk altitude (default 650)")
    p.add_argument("--year", type=int, default=2027, help="first year of life (default 2027)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--force", action="store_true", help="replace an existing plot file")
    p.set_defaults(func=lambda args: _cmd_decide(args, check_plot_path, load_design))


def _check_vary(vary):
    names = {a.name for a in ASSUMPTIONS}
    for v in vary or ():
        if v not in names:
            raise ValueError(f"--vary {v}: unknown assumption; known: {', '.join(sorted(names))}")
    if vary and vary[0] == vary[1]:
        raise ValueError(f"--vary: give two different assumptions, got {vary[0]} twice")


def _jsonable(df):
    return json.loads(df.to_json(orient="records"))


def _cmd_decide(args, check_plot_path, load_design):
    check_plot_path(args.plot, args.force)
    _check_vary(args.vary)
    kw = {"quick": args.quick, "altitude_km": args.altitude, "start": f"{args.year}-01-01",
          "seed": args.seed}
    if args.design:
        kw["design"] = load_design(args.design)
    d = decide(**kw)
    curve = d.breakeven(*args.vary) if args.vary else None
    if args.plot:
        from twin.io.decision_plots import plot_decision  # lazy: matplotlib

        plot_decision(d, args.vary, path=args.plot)
    if args.json:
        out = {**d.summary(), "tornado": _jsonable(d.tornado), "sobol": _jsonable(d.sobol),
               "what_must_be_true": _jsonable(d.what_must_be_true()),
               "path_to_breakeven": _jsonable(d.path_to_breakeven())}
        if curve is not None:
            out["breakeven_curve"] = _jsonable(curve)
        print(json.dumps(out, allow_nan=False))
        return 0
    _print(d, curve, args)
    return 0


def _print(d, curve, args):
    mode = "quick" if d.quick else "full"
    print(f"Orbit vs ground, dawn-dusk {args.altitude:g} km from {args.year} ({mode} run, "
          f"{d.runtime_s:.1f} s)")
    print(f"  orbit   {d.orbit_usd_per_gb300_year:12,.0f} $ per delivered GB300-eq-year")
    print(f"  ground  {d.ground_usd_per_gb300_year:12,.0f} $ per GB300-eq-year")
    lo, hi = d.probability_ci
    print(f"  ratio   {d.ratio:12.2f}   P(orbit cheaper) "
          f"{percent_text(d.probability_orbit_cheaper)} (95 % CI {percent_text(lo)} to "
          f"{percent_text(hi)}, {len(d.monte_carlo_ratios):,} draws)")
    print("\nTornado (orbit / ground at each end of each range):")
    print(d.tornado.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print("\nSobol indices of the ratio (SALib):")
    print(d.sobol.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print("\nWhat must be true, one assumption at a time (others at base):")
    print(d.what_must_be_true().to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print("\nPath to break-even (largest swing first, each to its orbit-favourable end):")
    print(d.path_to_breakeven().to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if curve is not None:
        x, y = args.vary
        print(f"\nBreak-even curve: the {y} at which orbit equals ground, for each {x}:")
        if curve["exists"].any():
            print(curve.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
        else:
            print(f"  none: no {y} in its physical domain breaks even for any {x} in "
                  f"{curve[x].iloc[0]:g}-{curve[x].iloc[-1]:g} (others at base)")
    print("\n" + d.verdict())
    if args.plot:
        print(f"wrote {args.plot}")
