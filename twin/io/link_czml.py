"""CZML with the links: the satellites of :func:`twin.io.export.to_czml` plus one polyline
packet per link, shown while the link has line of sight and capacity.

Each link is a CZML ``polyline`` whose ``positions`` reference its two satellites' packets
(``sat/{i}#position``), so Cesium draws it between the moving satellites without repeating
positions; ``show`` is a list of boolean intervals from the links result.  CZML is JSON, so the
link packets are plain dictionaries appended to the document ``to_czml`` builds.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from twin.io.atomic import atomic_write_text
from twin.io.export import to_czml


def _iso(t):
    return pd.Timestamp(t).strftime("%Y-%m-%dT%H:%M:%SZ")


def link_packets(links_ds, step_s):
    """CZML packets (dicts) of every link: ``show`` intervals where capacity > 0."""
    times = links_ds["time"].to_numpy()
    up = (links_ds["capacity_gbps"].to_numpy() > 0) & links_ds["line_of_sight"].to_numpy()
    cap = links_ds["capacity_gbps"].to_numpy().astype(float)
    end = pd.Timestamp(times[-1]) + pd.Timedelta(seconds=step_s)
    edges = list(pd.to_datetime(times)) + [end]
    packets = []
    for p, (a, b) in enumerate(zip(links_ds["sat_a_index"].to_numpy(),
                                   links_ds["sat_b_index"].to_numpy())):
        row = up[p]
        if not row.any():
            continue
        cut = np.r_[0, np.flatnonzero(np.diff(row.astype(np.int8))) + 1, len(row)]
        shows = [{"interval": f"{_iso(edges[s])}/{_iso(edges[e])}", "boolean": bool(row[s])}
                 for s, e in zip(cut[:-1], cut[1:])]
        frac = float(cap[p][row].mean()) / max(float(cap.max()), 1e-30)
        rgba = [int(255 * (1 - frac)), int(255 * frac), 255, 160]
        packets.append({
            "id": f"link/{p}",
            "name": f"{links_ds['sat_a'].values[p]} - {links_ds['sat_b'].values[p]}",
            "polyline": {
                "positions": {"references": [f"sat/{int(a)}#position", f"sat/{int(b)}#position"]},
                "show": shows,
                "width": 1,
                "arcType": "NONE",
                "material": {"solidColor": {"color": {"rgba": rgba}}},
            },
        })
    return packets


def links_to_czml(geometry_ds, links_ds, path, overwrite=False, stride=1, name="twin links"):
    """Write a CZML document: satellites (from ``twin.geometry``) and links (from
    ``twin.links`` over the same satellites, in the same order)."""
    n = geometry_ds.sizes["sat"]
    if links_ds.attrs.get("n_sat", n) != n:
        raise ValueError(f"links_ds has {links_ds.attrs.get('n_sat')} satellites, the geometry "
                         f"{n}: give results of the same constellation")
    with tempfile.TemporaryDirectory() as tmp:
        doc_path = to_czml(geometry_ds, Path(tmp) / "sats.czml", stride=stride, name=name)
        doc = json.loads(doc_path.read_text(encoding="utf-8"))
    doc.extend(link_packets(links_ds, float(links_ds.attrs["step_s"])))
    atomic_write_text(path, json.dumps(doc), overwrite=overwrite)
    return Path(path)
