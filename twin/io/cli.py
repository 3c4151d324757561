"""The ``twin`` command: run scenarios, compare altitudes, eclipse seasons.

Bad input prints one line on stderr and exits with code 2, never a traceback.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import sys
import threading
import unicodedata
from pathlib import Path

import numpy as np

from twin import __version__
from twin.design import SatelliteDesign
from twin.io.atomic import OutputSet, atomic_write_text
from twin.io.cli_decide import EXAMPLE as DECIDE_EXAMPLE
from twin.io.cli_decide import add_decide
from twin.io.export import per_orbit_to_csv
from twin.run.stepper import POLICIES
from twin.scenario import Scenario, read_toml
from twin.studies.claims import (
    ClaimInputs,
    claims,
    claims_decision,
    replace_table,
    to_markdown,
)
from twin.studies.compare import compare_altitudes
from twin.studies.seasons import eclipse_season

# twin.io.plots is imported only by the commands that draw (--plot): it imports matplotlib,
# about half a second, which 'twin --help' and the commands without a plot do not need.

EXAMPLES = {
    "run": """examples:
  twin run examples/dawn_dusk_650.toml --out results/
  twin run examples/walker_550_53.toml --out results/ --format parquet netcdf czml --force
  twin run examples/dawn_dusk_650.toml --out results/dd --format parquet czml oem""",
    "compare": """examples:
  twin compare --altitudes 400 550 650 800 1200 1400 --ltan 18:00
  twin compare --altitudes 500 550 600 --inclination 53 --duration "30 days" --json
  twin compare --altitudes 650 1000 1400 --ltan 18:00 --design my_design.toml --plot alt.png
  twin compare --altitudes 400 650 1000 --ltan 18:00 --duration "30 days" --html alt.html
  twin compare --altitudes 400 550 700 1000 1500 --ltan 18:00 --lifetime --years 5""",
    "lifetime": """examples:
  twin lifetime examples/lifetime_650.toml --out results/life
  twin lifetime examples/lifetime_650.toml --out results/life --years 7 --solar-activity high""",
    "claims": """examples:
  twin claims                    # the full year (about a minute)
  twin claims --quick            # sampled days, every eclipse season: ~15 s, same verdicts
  twin claims --markdown > claims.md
  twin claims --update-doc docs/claims.md   # regenerate the table in the docs (full year)
  twin claims --plot costs.png   # cost per GB300-eq-year against launch price
  twin claims --quick --html claims.html

Each row: the claim and its source, the stated number, the twin's, a verdict and the
assumptions it rests on (costs marked as assumptions name their CostModel field).
--quick flies the 15th of every month (yearly means) and 3 days at the eclipse season's
peak (worst eclipse, eclipse-free altitudes, hot case); where a ratio lies within 0.5 %
of a verdict's threshold it prints "borderline in quick mode" instead of a verdict.""",
    "decide": DECIDE_EXAMPLE,
    "eclipse-season": """examples:
  twin eclipse-season --altitude 650 --ltan 18:00 --year 2027
  twin eclipse-season --altitude 1000 --ltan 06:00 --year 2028 --step 30 --json
  twin eclipse-season --altitude 650 --ltan 18:00 --year 2027 --plot season.png""",
    "report": """examples:
  twin report results/dd                       # writes results/dd/report.html
  twin report results/dd --out pages/dd.html --force""",
    "view": """examples:
  twin view results/dd                         # CesiumJS from its CDN
  twin view results/dd --cesium node_modules/cesium --port 8765""",
    "links": """examples:
  twin links examples/cluster_81.toml --out results/cluster
  twin links examples/cluster_81.toml --out results/cluster --plot --force""",
    "contacts": """examples:
  twin contacts examples/cluster_81.toml --out results/cluster
  twin contacts examples/cluster_81.toml --out results/cluster --stations my_sites.csv --plot""",
}

FORMATS = {"parquet": "timeseries.parquet", "netcdf": "timeseries.nc", "csv": "timeseries.csv",
           "czml": "constellation.czml", "zarr": "timeseries.zarr", "oem": "oem"}
#: Every file 'twin run' writes into --out (--force replaces a directory holding only these).
OUTPUT_NAMES = frozenset(FORMATS.values()) | {"per_orbit.csv", "summary.json"}


def terminal_safe(text) -> str:
    """``text`` with control and format characters (ESC, BEL, NUL, newlines, bidi overrides:
    Unicode categories Cc and Cf) shown as escapes such as ``\\x1b``, so that a satellite
    name from a catalog cannot move the cursor, clear the screen or fake table rows."""
    text = str(text)
    return "".join(ch if unicodedata.category(ch) not in ("Cc", "Cf") else
                   (f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")
                   for ch in text)


class _Terminated(BaseException):
    """SIGTERM arrived: unwind (temporaries are removed on the way out), then exit 143."""


def _install_signal_handlers():
    """SIGINT -> KeyboardInterrupt, SIGTERM -> _Terminated in this process; forked workers
    leave Ctrl-C to the parent (which stops them) and die on SIGTERM as usual.  Returns a
    function restoring the previous handlers (main() is also called in-process by tests)."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    owner = os.getpid()

    def on_int(signum, frame):
        if os.getpid() == owner:
            raise KeyboardInterrupt

    def on_term(signum, frame):
        if os.getpid() != owner:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise _Terminated

    previous = {s: signal.signal(s, h) for s, h in ((signal.SIGINT, on_int),
                                                     (signal.SIGTERM, on_term))}
    return lambda: [signal.signal(s, h) for s, h in previous.items()]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse's own convention)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _sub(sub, name, help_):
    return sub.add_parser(name, help=help_, description=help_, epilog=EXAMPLES[name],
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def _step(value):
    try:
        return float(value)
    except ValueError:
        return value


def _check_plot_path(path, force):
    """Check a --plot target before a long run: .png, existing directory, not clobbered."""
    if path is None:
        return
    p = Path(path)
    if p.suffix.lower() != ".png":
        raise ValueError(f"--plot {path}: give a .png file name")
    if p.exists() and not force:
        raise ValueError(f"{path} exists; pass --force to replace it")
    _make_parent(p)


def _make_parent(path) -> None:
    """Create the missing parent directories of an output path (``--out results/dd`` on a
    fresh clone)."""
    parent = Path(path).parent
    if str(parent) and not parent.is_dir():
        if parent.exists():
            raise ValueError(f"{path}: {parent} exists and is not a directory")
        parent.mkdir(parents=True, exist_ok=True)


def _check_html_path(path, force):
    """Check an --html/--out page target before a long run: .html, not clobbered."""
    if path is None:
        return
    p = Path(path)
    if p.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"{path}: give an .html file name")
    if p.exists() and not force:
        raise ValueError(f"{path} exists; pass --force to replace it")
    _make_parent(p)


# ----- twin run ------------------------------------------------------------------------------
def _add_run(sub):
    p = _sub(sub, "run", "run a TOML scenario and write its time series and summaries")
    p.add_argument("scenario", metavar="SCENARIO.toml")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory (created "
                   "with its missing parents)")
    p.add_argument("--format", nargs="+", default=["parquet"], choices=list(FORMATS),
                   metavar="FMT", help=f"time-series formats: {', '.join(FORMATS)} "
                   "(default parquet)")
    p.add_argument("--force", action="store_true", help="replace existing outputs")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    p.add_argument("--dask", action="store_true", help="run the chunks as Dask tasks (a "
                   "LocalCluster unless --scheduler is given)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. "
                   "tcp://10.0.0.5:8786 (implies --dask)")
    p.add_argument("--summary-only", action="store_true", help="keep per-orbit rows and totals "
                   "only (no time series; for very large constellations)")
    p.add_argument("--dashboard", metavar="HOST:PORT", default=None,
                   help="where the local Dask cluster's dashboard listens (default "
                   "127.0.0.1:0, this machine only; 'none' turns it off). The dashboard has no "
                   "authentication: 0.0.0.0 exposes it to the network")
    p.set_defaults(func=_cmd_run)


def _summary_table(summary) -> str:
    rows = [
        ("satellites", f"{summary['satellites']:,}"),
        ("sustained GB300-equivalents", f"{summary['sustained_gb300']:,.1f}"),
        ("  per satellite", f"{summary['sustained_gb300_per_sat']:,.2f}"),
        ("  PFLOPS FP4 / FP8 / BF16", f"{summary['sustained_pflops_fp4']:,.0f} / "
         f"{summary['sustained_pflops_fp8']:,.0f} / {summary['sustained_pflops_bf16']:,.0f}"),
        ("worst orbit", f"{summary['worst_orbit_gb300']:,.2f} GB300-eq "
         f"({terminal_safe(summary['worst_orbit_sat'])}, {summary['worst_orbit_start'][:19]})"),
        ("mean sunlit fraction", f"{summary['mean_sunlit_fraction']:.4f}"),
        ("worst eclipse", f"{summary['worst_eclipse_min']:.1f} min"),
        ("energy generated / used", f"{summary['energy_generated_mwh']:,.2f} / "
         f"{summary['energy_used_mwh']:,.2f} MWh"),
        ("energy curtailed", f"{summary['energy_curtailed_mwh']:,.2f} MWh"),
        ("throttled / dark", f"{summary['throttled_hours']:,.1f} / "
         f"{summary['dark_hours']:,.1f} satellite-hours"),
        ("loop heaters", f"{summary['heater_kwh']:,.1f} kWh; loop min "
         f"{summary['min_loop_temp_c']:.1f} C; below operating / survival minimum "
         f"{summary['cold_hours']:,.1f} / {summary['frozen_hours']:,.1f} satellite-hours"),
    ]
    w = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{w}}  {v}" for k, v in rows)


def _cmd_run(args):
    scenario = Scenario.from_toml(args.scenario)
    _make_parent(Path(args.out))        # --out results/dd on a fresh clone
    summary_only = args.summary_only or scenario.simulation.get("timeseries") is False
    formats = [] if summary_only else list(dict.fromkeys(args.format))
    names = [FORMATS[f] for f in formats] + ["per_orbit.csv", "summary.json"]
    options = {"progress": not args.quiet, "workers": args.workers}
    if args.dask or args.scheduler:
        options.update(engine="dask", scheduler=args.scheduler)
        if args.dashboard is not None:
            options["dashboard"] = None if args.dashboard == "none" else args.dashboard
    if summary_only:
        options["timeseries"] = False
    # The set is written into a temporary sibling of --out and swapped in whole at the end
    # (twin.io.atomic.OutputSet): checks, the lock against a second run, then the run.
    with OutputSet(args.out, known=OUTPUT_NAMES, force=args.force) as oset:
        result = scenario.run(**options)
        # the run id: a digest of the inputs and the totals (catalog files included through
        # them), so that a run repeated gives the same files byte for byte
        oset.run_id = result.run_id = hashlib.sha256(
            f"twin {__version__}\n{summary_only}\n{scenario.to_toml()}\n"
            f"{json.dumps(result.summary(), sort_keys=True)}".encode()).hexdigest()[:32]
        for f in formats:
            writer = {"parquet": result.to_parquet, "netcdf": result.to_netcdf,
                      "csv": result.to_csv, "czml": result.to_czml, "zarr": result.to_zarr,
                      "oem": result.to_oem}[f]
            writer(oset.path(FORMATS[f]))
        per_orbit_to_csv(result.per_orbit(), oset.path("per_orbit.csv"))
        summary = {**result.summary(), "run_id": oset.run_id}
        atomic_write_text(oset.path("summary.json"), json.dumps(summary, indent=2) + "\n")
        oset.commit()
    print(_summary_table(result.summary()))
    out = Path(args.out)
    print(terminal_safe(f"wrote {', '.join(str(out / n) for n in names)}"))
    return 0


# ----- twin compare --------------------------------------------------------------------------
def _add_compare(sub):
    p = _sub(sub, "compare", "compare one design at several altitudes (one vectorised run)")
    p.add_argument("--altitudes", type=float, nargs="+", required=True, metavar="KM")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--ltan", metavar="HH:MM", help="sun-synchronous at this LTAN")
    g.add_argument("--inclination", type=float, metavar="DEG", help="fixed inclination")
    p.add_argument("--design", metavar="DESIGN.toml",
                   help="a TOML file with the [design...] tables of the scenario format")
    p.add_argument("--start", default="2027-01-01")
    p.add_argument("--duration", default="365 days")
    p.add_argument("--step", default="120 s")
    p.add_argument("--policy", default="reserve", choices=list(POLICIES),
                   help="battery policy (default reserve; greedy is a study option that lets "
                   "housekeeping go dark late in long eclipses)")
    p.add_argument("--json", action="store_true", help="print a list of row objects")
    p.add_argument("--plot", metavar="FILE.png", help="save the comparison plot")
    p.add_argument("--html", metavar="FILE.html", help="save the comparison as an offline "
                   "interactive page")
    p.add_argument("--force", action="store_true", help="replace an existing plot or page")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--dask", action="store_true", help="run the sweep as Dask tasks")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (implies "
                   "--dask)")
    p.add_argument("--lifetime", action="store_true", help="add the lifetime columns (drag, "
                   "dose, degradation, attrition over --years; see twin.lifetime)")
    p.add_argument("--years", type=float, default=5.0, help="life for --lifetime (default 5)")
    p.add_argument("--solar-activity", default="moderate", choices=["low", "moderate", "high"],
                   help="solar activity for --lifetime (default moderate)")
    p.set_defaults(func=_cmd_compare)


def load_design_file(path):
    """The SatelliteDesign of a TOML file holding [design...] tables."""
    data = read_toml(path, "design file")
    unknown = [k for k in data if k != "design"]
    if unknown:
        raise ValueError(f"{path}: unknown top-level key {unknown[0]!r}; a design file holds "
                         "only [design.solar], [design.battery], [design.radiator], "
                         "[design.compute] and [design.bus] tables")
    return SatelliteDesign.from_dict(data.get("design", {}))


def _cmd_compare(args):
    design = load_design_file(args.design) if args.design else None
    _check_plot_path(args.plot, args.force)
    _check_html_path(args.html, args.force)
    df = compare_altitudes(args.altitudes, ltan=args.ltan, inclination_deg=args.inclination,
                           design=design, start=args.start, duration=args.duration,
                           step=_step(args.step), policy=args.policy, progress=not args.quiet,
                           engine="dask" if (args.dask or args.scheduler) else "local",
                           scheduler=args.scheduler, lifetime=args.lifetime, years=args.years,
                           solar_activity=args.solar_activity)
    if args.plot:
        from twin.io.plots import plot_altitudes  # lazy: matplotlib (see the imports above)

        plot_altitudes(df, path=args.plot)
    if args.html:
        from twin.io.report import compare_report  # lazy: plotly

        orbit = f"sun-synchronous LTAN {args.ltan}" if args.ltan else \
            f"inclination {args.inclination:g} deg"
        compare_report(df, args.html, f"{orbit}, from {args.start} for {args.duration} at "
                       f"{args.step} steps, policy {args.policy}"
                       f"{', design ' + args.design if args.design else ''}",
                       overwrite=args.force)
        print(f"wrote {args.html}", file=sys.stderr)
    if args.json:
        rows = [{k: (None if isinstance(v, float) and not np.isfinite(v) else v)
                 for k, v in r.items()} for r in df.to_dict(orient="records")]
        print(json.dumps(rows))
        return 0
    show = df.copy()
    show["battery_needed_kwh"] = show.pop("battery_needed_wh") / 1000.0
    show["mean_array_power_kw"] = show.pop("mean_array_power_w") / 1000.0
    with_fmt = show.to_string(index=False, float_format=lambda v: f"{v:,.2f}")
    print(with_fmt)
    if args.plot:
        print(f"wrote {args.plot}")
    return 0


# ----- twin lifetime -------------------------------------------------------------------------
def _add_lifetime(sub):
    p = _sub(sub, "lifetime", "fly a TOML scenario through its life: drag and station keeping, "
             "dose, array degradation, GPU attrition")
    p.add_argument("scenario", metavar="SCENARIO.toml")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory (created if "
                   "its parent exists)")
    p.add_argument("--years", type=float, help="life [yr] (default: [lifetime] years, or 5)")
    p.add_argument("--solar-activity", choices=["low", "moderate", "high"],
                   help="override [environment] solar_activity")
    p.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    p.add_argument("--force", action="store_true", help="replace existing outputs")
    p.set_defaults(func=_cmd_lifetime)


def _cmd_lifetime(args):
    from twin.io.lifetime_io import LIFETIME_FILES, write_lifetime  # lazy: matplotlib

    scenario = Scenario.from_toml(args.scenario)
    options = {"workers": args.workers}
    if args.years is not None:
        options["years"] = args.years
    if args.solar_activity is not None:
        options["solar_activity"] = args.solar_activity
    # the whole set is written into a temporary sibling of --out and swapped in at the end
    # (twin.io.atomic.OutputSet), as for twin run
    with OutputSet(args.out, known=set(LIFETIME_FILES.values()), force=args.force) as oset:
        result = scenario.run_lifetime(**options)
        write_lifetime(result, oset.tmp)
        oset.commit()
    out = Path(args.out)
    print(result.per_year().to_string(index=False, float_format=lambda v: f"{v:,.3g}"))
    print(terminal_safe(f"wrote {', '.join(str(out / n) for n in LIFETIME_FILES.values())}"))
    return 0


# ----- twin eclipse-season -------------------------------------------------------------------
def _add_eclipse_season(sub):
    p = _sub(sub, "eclipse-season", "eclipse statistics of a sun-synchronous satellite over a "
             "calendar year")
    p.add_argument("--altitude", type=float, required=True, metavar="KM", help="altitude [km]")
    p.add_argument("--ltan", required=True, metavar="HH:MM",
                   help="local time of the ascending node, e.g. 18:00 (dawn-dusk)")
    p.add_argument("--year", type=int, required=True, metavar="YYYY")
    p.add_argument("--step", default="60 s", metavar="S",
                   help="time step, seconds or a duration such as '30 s' (default 60 s)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--plot", metavar="FILE.png", help="save eclipse minutes per day as a plot")
    p.add_argument("--force", action="store_true", help="replace an existing plot file")
    p.set_defaults(func=_cmd_eclipse_season)


def _cmd_eclipse_season(args):
    _check_plot_path(args.plot, args.force)
    stats, daily = eclipse_season(args.altitude, args.ltan, args.year, _step(args.step))
    if args.plot:
        from twin.io.plots import plot_eclipse_season  # lazy: matplotlib

        plot_eclipse_season({args.altitude: daily}, path=args.plot)
    keys = ["eclipse_hours", "days_with_eclipse", "first_day", "last_day", "worst_eclipse_min",
            "sunlit_fraction"]
    if args.json:
        print(json.dumps({k: stats[k] for k in keys}))
        return 0
    print(f"Sun-synchronous {stats['altitude_km']:g} km, LTAN {stats['ltan']}, "
          f"inclination {stats['inclination_deg']:.3f} deg, year {stats['year']}")
    print(f"  eclipse hours per year  {stats['eclipse_hours']:10.2f} h (shadow-equivalent)")
    print(f"  days with any eclipse   {stats['days_with_eclipse']:10d}")
    if stats["first_day"] is not None:
        print(f"  first / last such day   {stats['first_day']:>4d} / {stats['last_day']:<4d}"
              "(day of year, 0-based)")
    print(f"  worst single eclipse    {stats['worst_eclipse_min']:10.2f} min")
    print(f"  mean sunlit fraction    {stats['sunlit_fraction']:10.5f}")
    if args.plot:
        print(f"wrote {args.plot}")
    return 0


def _add_claims(sub):
    p = _sub(sub, "claims", "the public claims about compute in orbit, recomputed with stated "
             "assumptions")
    p.add_argument("--json", action="store_true", help="print a list of row objects")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table")
    p.add_argument("--quick", action="store_true", help="sampled days instead of the whole "
                   "year: the 15th of each month and 3 days at the eclipse peak (same "
                   "verdicts, about 15 s)")
    p.add_argument("--altitude", type=float, default=650.0, metavar="KM",
                   help="dawn-dusk altitude of the orbital rows (default 650)")
    p.add_argument("--year", type=int, default=2027)
    p.add_argument("--design", metavar="DESIGN.toml", help="a design file ([design.*] tables)")
    p.add_argument("--plot", metavar="FILE.png", help="save cost per GB300-eq-year against "
                   "launch price, orbit vs ground")
    p.add_argument("--html", metavar="FILE.html", help="save the claims table as an offline "
                   "page")
    p.add_argument("--force", action="store_true", help="replace an existing plot file")
    p.add_argument("--update-doc", metavar="FILE.md", help="rewrite the table between the "
                   "claims-table markers of FILE.md (e.g. docs/claims.md) with this run's")
    p.set_defaults(func=_cmd_claims)


def _cmd_claims(args):
    _check_plot_path(args.plot, args.force)
    _check_html_path(args.html, args.force)
    kw = {"altitude_km": args.altitude, "year": args.year}
    if args.design:
        kw["design"] = load_design_file(args.design)
    if args.quick:
        kw["quick"] = True
    if args.update_doc:
        if args.quick:
            raise ValueError("--update-doc writes the full year's table; drop --quick")
        doc = Path(args.update_doc)
        if not doc.is_file():
            raise ValueError(f"--update-doc: {str(doc)!r} is not a file")
        text = doc.read_text()
        replace_table(text, "")       # refuse a file without markers before the long run
    inputs = ClaimInputs(**kw)
    df = claims(inputs)
    if args.update_doc:
        atomic_write_text(doc, replace_table(text, to_markdown(df)), overwrite=True)
        print(f"wrote the claims table into {doc}", file=sys.stderr)
        return 0
    if args.plot:
        from twin.io.plots import plot_launch_sweep  # lazy: matplotlib

        plot_launch_sweep(claims_decision(inputs).launch_sweep(), path=args.plot)
    if args.html:
        from twin.io.report import claims_report  # lazy: plotly

        claims_report(df, args.html, f"Claims recomputed for a dawn-dusk orbit at "
                      f"{inputs.altitude_km:g} km in {inputs.year}"
                      f"{' (quick: sampled days, every eclipse season)' if args.quick else ''}; "
                      "assumptions in each row.", overwrite=args.force)
        print(f"wrote {args.html}", file=sys.stderr)
    if args.json:
        print(df.to_json(orient="records"))
    elif args.markdown:
        print(to_markdown(df), end="")
    else:
        for r in df.itertuples():
            stated = "" if r.stated != r.stated else f" (stated {r.stated:,.4g})"
            twin_s = "" if r.twin != r.twin else f"{r.twin:,.4g}"
            print(f"{r.id:42s} {twin_s:>14s}{stated}  {r.verdict}")
            print(f"{'':42s} {r.unit}; {r.assumptions}; source: {r.source}")
    if args.plot:
        print(f"wrote {args.plot}", file=sys.stderr)
    return 0


# ----- twin report / twin view ---------------------------------------------------------------
def _add_report(sub):
    p = _sub(sub, "report", "write one offline interactive HTML page of a run directory")
    p.add_argument("run_dir", metavar="RUN_DIR", help="the --out directory of 'twin run'")
    p.add_argument("--out", metavar="FILE.html", help="the page (default RUN_DIR/report.html)")
    p.add_argument("--no-season", action="store_true", help="leave out the year's eclipse "
                   "season of the sun-synchronous shells (a few seconds each)")
    p.add_argument("--force", action="store_true", help="replace an existing page")
    p.set_defaults(func=_cmd_report)


def _cmd_report(args):
    from twin.io.report import write_report  # lazy: plotly

    out = Path(args.out) if args.out else Path(args.run_dir) / "report.html"
    if Path(args.run_dir).is_dir():
        _check_html_path(out, args.force)
    path = write_report(args.run_dir, out, overwrite=args.force, season=not args.no_season)
    print(f"wrote {path}")
    return 0


def _add_view(sub):
    p = _sub(sub, "view", "replay a run's constellation.czml in CesiumJS in the browser "
             "(a local server until Ctrl-C)")
    p.add_argument("run_dir", metavar="RUN_DIR", help="a 'twin run' directory with "
                   "constellation.czml (--format czml)")
    p.add_argument("--cesium", metavar="DIR", help="a local CesiumJS (the npm package "
                   "'cesium') instead of its CDN")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    p.add_argument("--open", action="store_true", help="open the page in the default browser")
    p.set_defaults(func=_cmd_view)


def _cmd_view(args):
    from twin.io.view import make_server, url_of  # lazy: only this command serves

    server = make_server(args.run_dir, cesium=args.cesium, port=args.port)
    url = url_of(server)
    print(f"twin view: serving {args.run_dir} at {url} (Ctrl-C to stop)", flush=True)
    if args.open:
        import webbrowser  # lazy: only with --open

        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("twin view: stopped", file=sys.stderr)
    finally:
        server.server_close()
    return 0


# ----- twin links / twin contacts ------------------------------------------------------------
def _add_links(sub):
    for name, help_, func in (
            ("links", "inter-satellite links of a scenario: geometry, capacity, network and "
                      "(for clusters) the formation check", _cmd_links),
            ("contacts", "ground-station passes of a scenario, contact time and downlink",
             _cmd_contacts)):
        p = _sub(sub, name, help_)
        p.add_argument("scenario", metavar="SCENARIO.toml")
        p.add_argument("--out", required=True, metavar="DIR", help="output directory")
        p.add_argument("--plot", action="store_true", help="also draw PNG figures")
        p.add_argument("--force", action="store_true", help="replace existing outputs")
        if name == "links":
            p.add_argument("--czml", action="store_true", help="also write links.czml "
                           "(satellites and links for CesiumJS)")
        if name == "contacts":
            p.add_argument("--stations", metavar="FILE", help="stations CSV or TOML (default: "
                           "the scenario's [[ground_stations]], else the bundled list)")
        p.set_defaults(func=func)


def _cmd_links(args):
    from twin.io import links_cli  # lazy: networkx and the link plots, only for this command

    return links_cli.run_links(args)


def _cmd_contacts(args):
    from twin.io import links_cli  # lazy: only for this command

    return links_cli.run_contacts(args)


def build_parser():
    parser = _Parser(prog="twin", description="Digital twin of GPU-carrying satellite "
                     "constellations (orbital data centers).",
                     epilog="run 'twin COMMAND --help' for each command's options and examples")
    parser.add_argument("--version", action="version", version=f"twin {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _add_run(sub)
    _add_compare(sub)
    _add_lifetime(sub)
    _add_eclipse_season(sub)
    _add_claims(sub)
    add_decide(sub, _sub, _check_plot_path, load_design_file)
    _add_report(sub)
    _add_view(sub)
    _add_links(sub)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        print("twin: error: give a command (run, compare, lifetime, eclipse-season, claims, "
              "report, view, links, contacts); see 'twin --help'",
              file=sys.stderr)
        return 2
    restore = _install_signal_handlers()
    try:
        return int(args.func(args) or 0)
    except (ValueError, TypeError, OSError) as exc:
        msg = terminal_safe(" ".join(str(exc).split()))
        print(f"twin {args.command}: error: {msg}", file=sys.stderr)
        return 2
    except MemoryError:
        print(f"twin {args.command}: error: out of memory; make the constellation or the run "
              "smaller, or use --summary-only", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("twin: interrupted; no outputs written", file=sys.stderr)
        return 130
    except _Terminated:
        print("twin: terminated; no outputs written", file=sys.stderr)
        return 143
    finally:
        restore()
        sys.stdout.flush()


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
