"""``twin links`` and ``twin contacts``: a scenario's links or ground contacts written to a
directory (each file atomically).

``twin links SCENARIO --out DIR`` writes ``links.nc`` (the :func:`twin.links` Dataset),
``network.csv`` (:func:`twin.network_metrics`), ``per_orbit_links.csv`` (``isl_capacity_gbps``
per satellite and orbit) and, when the scenario has ``cluster`` shells, ``formation.json``
(:func:`twin.formation_report` of each); with ``--plot`` ``capacity.png`` and ``cluster.png``.
``twin contacts SCENARIO --out DIR`` writes ``contacts.csv`` (one row per pass),
``contact_summary.csv`` and ``per_orbit_contacts.csv`` (``contact_min``, ``downlink_gb``);
with ``--plot`` ``contacts.png``.  Settings come from the scenario's ``[links]`` table and
``[[ground_stations]]`` (docs/scenario.md).
"""
from __future__ import annotations

import json
from pathlib import Path

from ephemeris.timegrid import make_time_grid, parse_time
from twin.constellation import Constellation
from twin.io.atomic import atomic_write_text
from twin.io.export import to_netcdf
from twin.io.link_czml import links_to_czml
from twin.io.link_plots import (
    cluster_rtn_km,
    plot_capacity,
    plot_cluster,
    plot_contacts,
    save_figure,
)
from twin.run.comms import per_orbit_comms
from twin.run.contacts import contact_summary, contacts
from twin.run.formation import formation_report
from twin.run.links import links
from twin.run.network import network_metrics
from twin.run.simulate import geometry
from twin.scenario import Scenario
from twin.terminals import Downlink, OpticalTerminal


def _out_dir(path):
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out}: exists and is not a directory")
    if not out.exists():
        if not out.parent.is_dir():
            raise ValueError(f"--out {out}: parent directory {out.parent} does not exist")
        out.mkdir()
    return out


def _check_new(paths, force):
    for p in paths:
        if p.exists() and not force:
            raise ValueError(f"{p} exists; pass --force to replace it")


def _run_settings(scenario):
    sim, cfg = scenario.run_arguments(), scenario.links
    return (parse_time(sim["start"]), cfg.get("duration", sim["duration"]),
            cfg.get("step", sim["step"]))


def run_links(args) -> int:
    sc = Scenario.from_toml(args.scenario)
    cfg = sc.links
    out = _out_dir(args.out)
    c = sc.constellation()
    clusters = [s for s in c.shells if s.kind == "cluster"]
    targets = [out / "links.nc", out / "network.csv", out / "per_orbit_links.csv"]
    targets += [out / "formation.json"] if clusters else []
    targets += ([out / "capacity.png"] + ([out / "cluster.png"] if clusters else [])
                if args.plot else [])
    targets += [out / "links.czml"] if args.czml else []
    _check_new(targets, args.force)
    start, duration, step = _run_settings(sc)
    terminal = OpticalTerminal.from_dict(cfg.get("terminal", {}), "links.terminal")
    default_topology = "all" if len(c) <= 100 and len(clusters) == len(c.shells) else "nearest"
    topology = cfg.get("topology", default_topology)
    ds = links(c, start, duration, step, topology=topology, k=cfg.get("k", 4),
               terminal=terminal)
    net = network_metrics(ds, allreduce_gb=cfg.get("allreduce_gb", 140.0),
                          compute_s=cfg.get("compute_s", 30.0),
                          efficiency=cfg.get("efficiency", 0.9),
                          gpus_per_sat=cfg.get("gpus_per_sat", 1))
    el = c.resolved(start)
    po = per_orbit_comms(el, ds)[["sat", "orbit", "orbit_start", "isl_capacity_gbps"]]
    reports = {}
    for sh in clusters:
        rep = formation_report(Constellation([sh]), start, duration, step)
        reports[sh.name] = {k: (v.item() if hasattr(v, "item") else v)
                            for k, v in rep.summary.items()}
    figures = []
    if args.plot:    # drawn before anything is written: outputs appear whole or not at all
        period_s = float(86400.0 / el["mean_motion_rev_per_day"].mean())
        figures.append((plot_capacity(ds, period_s), out / "capacity.png"))
        if clusters:
            sh = clusters[0]
            rtn = cluster_rtn_km(sh.resolved(start), make_time_grid(start, step, step))
            figures.append((plot_cluster(rtn, title=f"{sh.name} at {str(start)[:19]}"),
                            out / "cluster.png"))
    geo = geometry(c, start, duration, step) if args.czml else None
    net_ds = ds.copy()
    to_netcdf(ds, out / "links.nc", overwrite=args.force)
    atomic_write_text(out / "network.csv", net.to_csv(index=False), overwrite=args.force)
    atomic_write_text(out / "per_orbit_links.csv", po.to_csv(index=False), overwrite=args.force)
    if clusters:
        atomic_write_text(out / "formation.json", json.dumps(reports, indent=2) + "\n",
                          overwrite=args.force)
    for fig, path in figures:
        save_figure(fig, path)
    if geo is not None:
        links_to_czml(geo, net_ds, out / "links.czml", overwrite=args.force)
    row = net.iloc[0]
    print(f"{ds.sizes['pair']} links among {ds.attrs['n_sat']} satellites ({topology}); "
          f"mean capacity {float(ds.capacity_gbps.mean()):,.0f} Gbit/s per link; "
          f"connected {bool(row.connected)}, diameter {row.diameter_hops} hops, "
          f"bisection {row.bisection_gbps:,.0f} Gbit/s, effective cluster "
          f"{row.effective_sats} satellites")
    print(f"wrote {', '.join(str(t) for t in targets)}")
    return 0


def run_contacts(args) -> int:
    sc = Scenario.from_toml(args.scenario)
    cfg = sc.links
    out = _out_dir(args.out)
    targets = [out / "contacts.csv", out / "contact_summary.csv", out / "per_orbit_contacts.csv"]
    targets += [out / "contacts.png"] if args.plot else []
    _check_new(targets, args.force)
    start, duration, step = _run_settings(sc)
    stations = args.stations or cfg.get("stations") or sc.ground_stations
    if isinstance(stations, str) and not Path(stations).is_absolute() and args.stations is None:
        stations = str(Path(sc.base_dir) / stations)
    downlink = Downlink.from_dict(cfg.get("downlink", {}), "links.downlink")
    c = sc.constellation()
    passes = contacts(c, stations, start, duration, step, downlink=downlink)
    summ = contact_summary(passes, c, start, duration)
    po = per_orbit_comms(c.resolved(start), None, passes, start=start)
    figure = plot_contacts(passes) if args.plot else None
    fmt = {"date_format": "%Y-%m-%dT%H:%M:%S.%f"}
    atomic_write_text(out / "contacts.csv", passes.to_csv(index=False, **fmt),
                      overwrite=args.force)
    atomic_write_text(out / "contact_summary.csv", summ.to_csv(), overwrite=args.force)
    atomic_write_text(out / "per_orbit_contacts.csv",
                      po[["sat", "orbit", "orbit_start", "contact_min", "downlink_gb"]]
                      .to_csv(index=False), overwrite=args.force)
    if figure is not None:
        save_figure(figure, out / "contacts.png")
    print(f"{len(passes)} passes; mean contact {summ['contact_min'].mean():.1f} min and "
          f"downlink {summ['downlink_gb_per_day'].mean():,.0f} GB per satellite-day")
    print(f"wrote {', '.join(str(t) for t in targets)}")
    return 0
