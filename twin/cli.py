"""The ``twin`` command.

Bad input prints one line on stderr and exits with code 2, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys

EXAMPLES = {
    "eclipse-season": """examples:
  twin eclipse-season --altitude 650 --ltan 18:00 --year 2027
  twin eclipse-season --altitude 1000 --ltan 06:00 --year 2028 --step 30 --json""",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse's own convention)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _add_eclipse_season(sub):
    p = sub.add_parser("eclipse-season", help="eclipse statistics of a sun-synchronous satellite "
                       "over a calendar year", epilog=EXAMPLES["eclipse-season"],
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--altitude", type=float, required=True, metavar="KM", help="altitude [km]")
    p.add_argument("--ltan", required=True, metavar="HH:MM",
                   help="local time of the ascending node, e.g. 18:00 (dawn-dusk)")
    p.add_argument("--year", type=int, required=True, metavar="YYYY")
    p.add_argument("--step", default="60 s", metavar="S",
                   help="time step, seconds or a duration such as '30 s' (default 60 s)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=_cmd_eclipse_season)


def _step(value):
    try:
        return float(value)
    except ValueError:
        return value


def _cmd_eclipse_season(args):
    from twin.seasons import eclipse_season

    stats, daily = eclipse_season(args.altitude, args.ltan, args.year, _step(args.step))
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
    return 0


def build_parser():
    from twin import __version__

    parser = _Parser(prog="twin", description="Digital twin of GPU-carrying satellite "
                     "constellations (orbital data centers).")
    parser.add_argument("--version", action="version", version=f"twin {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _add_eclipse_season(sub)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except (ValueError, TypeError) as exc:
        msg = " ".join(str(exc).split())
        print(f"twin {args.command}: error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover
        print("twin: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
