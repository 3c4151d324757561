"""Network questions asked of a links result: the graph at one step, its connectivity, diameter,
bisection bandwidth, ring all-reduce time and the effective training cluster size.

A step's graph (``networkx``) has the satellites as nodes and, as edges, the pairs of
:func:`twin.run.links.links` with line of sight and capacity > 0 (attributes ``capacity_gbps``
and ``latency_ms``).

Ring all-reduce (Patarasuk & Yuan 2009; Thakur, Rabenseifner & Gropp 2005): N members pass
2 (N - 1) messages of S / N each around a ring, so

    T = 2 (N - 1) alpha + 2 (N - 1) / N * S / B

with alpha the latency of the slowest ring step and B the bandwidth of the slowest ring step.
Ring members follow a Warnsdorff walk over the links (:func:`ring_order`); a ring step between
members that are not linked follows the shortest path through the whole graph (other
satellites relay), and every link direction is shared by the ring steps routed over it in
that direction (the capacity of one direction divided by their number; links are full
duplex).  Data-parallel training with the all-reduce not overlapped with compute has
efficiency ``t_c / (t_c + T)`` for compute time ``t_c`` per step; the *effective training
cluster* is the largest stretch of that ring (from one member) for which this efficiency is at
least the target.

Bisection bandwidth is the capacity cut by the Kernighan-Lin bisection (Kernighan & Lin 1970)
of the graph into halves: an upper bound of the true minimum bisection (finding that is
NP-hard), exact for symmetric graphs such as rings and tori when KL finds the straight cut.
"""
from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import csgraph

from ephemeris.validation import check_number
from twin.models.contacts import look_angles, station_itrs_km
from twin.models.links import latency_s

#: Rings up to this many members are searched exhaustively by :func:`effective_cluster`.
EXACT_SCAN_MAX = 256


def graph_at(ds, time_index=0) -> nx.Graph:
    """The links graph at step ``time_index`` of a :func:`twin.run.links.links` result."""
    names = [str(x) for x in ds["sat"].to_numpy()]
    g = nx.Graph()
    g.add_nodes_from(range(len(names)))
    cap = ds["capacity_gbps"].isel(time=time_index).to_numpy()
    lat = ds["latency_ms"].isel(time=time_index).to_numpy()
    a = ds["sat_a_index"].to_numpy()
    b = ds["sat_b_index"].to_numpy()
    ok = (cap > 0) & ds["line_of_sight"].isel(time=time_index).to_numpy()
    g.add_edges_from((int(i), int(j), {"capacity_gbps": float(c), "latency_ms": float(t)})
                     for i, j, c, t in zip(a[ok], b[ok], cap[ok], lat[ok]))
    return g


def ring_order(g, nodes=None):
    """Members in ring order (the subgraph of ``nodes`` must be connected).

    A walk that always moves to the unvisited linked neighbour with the fewest unvisited
    neighbours of its own (Warnsdorff's rule, which finds Hamiltonian paths on grid-like
    graphs), ties broken by latency; when it is stuck it jumps to the nearest unvisited member
    (shortest latency path).  Consecutive members are then mostly linked directly, so ring steps
    seldom share a link.
    """
    sub = g if nodes is None else g.subgraph(nodes)
    left = set(sub.nodes)
    cur = min(left)
    order = [cur]
    left.discard(cur)
    while left:
        nbrs = [v for v in sub.adj[cur] if v in left]
        if nbrs:
            cur = min(nbrs, key=lambda v: (sum(1 for w in sub.adj[v] if w in left),
                                           sub.edges[cur, v]["latency_ms"], v))
        else:
            dist = nx.single_source_dijkstra_path_length(sub, cur, weight="latency_ms")
            cur = min((d, v) for v, d in dist.items() if v in left)[1]
        order.append(cur)
        left.discard(cur)
    return order


def ring_allreduce_s(g, nodes, size_gb, hop_overhead_ms=0.0, ordered=False):
    """Time [s] of a ring all-reduce of ``size_gb`` gigabytes among ``nodes`` of graph ``g``.

    T = 2 (N-1) alpha + 2 (N-1)/N * S / B (see the module docstring); alpha [s] is the slowest
    ring step's path latency plus ``hop_overhead_ms`` per hop, B [Gbit/s] the smallest share
    of link capacity any ring step gets.  Ring steps are routed over the whole graph (other
    satellites relay).  ``ordered``: take ``nodes`` as the ring order (else
    :func:`ring_order` of their subgraph, or of ``g`` if that is not connected).
    Returns 0 for one member, inf if the members are not connected.
    """
    nodes = list(nodes)
    n = len(nodes)
    if n < 2:
        return 0.0
    if not ordered:
        sub = g.subgraph(nodes)
        if nx.is_connected(sub):
            nodes = ring_order(sub)
        else:
            rank = {v: i for i, v in enumerate(ring_order(g, nx.node_connected_component(
                g, nodes[0])))}
            if any(v not in rank for v in nodes):
                return float("inf")
            nodes = sorted(nodes, key=rank.get)
    use: dict = {}
    alpha = 0.0
    paths = []
    for x, y in zip(nodes, nodes[1:] + nodes[:1]):
        try:
            path = nx.shortest_path(g, x, y, weight="latency_ms")
        except nx.NetworkXNoPath:
            return float("inf")
        lat = sum(g.edges[u, w]["latency_ms"] for u, w in zip(path, path[1:]))
        alpha = max(alpha, (lat + hop_overhead_ms * (len(path) - 1)) * 1e-3)
        paths.append(path)
        for u, w in zip(path, path[1:]):      # links are full duplex: count each direction
            use[(u, w)] = use.get((u, w), 0) + 1
    bw = min(min(g.edges[u, w]["capacity_gbps"] / use[(u, w)] for u, w in zip(p, p[1:]))
             for p in paths)
    return 2 * (n - 1) * alpha + 2 * (n - 1) / n * size_gb * 8.0 / bw


def effective_cluster(g, size_gb, compute_s, efficiency=0.9, gpus_per_sat=1, start=None):
    """Largest group of satellites that trains with at least ``efficiency``:
    compute_s / (compute_s + all-reduce time) >= efficiency.

    Groups are the first m satellites of the ring order of the whole graph
    (:func:`ring_order` from ``start``), so each group is a contiguous stretch of one ring.
    Returns ``(n_sats, n_gpus, allreduce_s)`` of the largest such group: every m is tried up
    to :data:`EXACT_SCAN_MAX` members, beyond that a bisection on m (the all-reduce time
    grows with m along one ring, up to the routing of the ring's closing step)."""
    check_number("size_gb", size_gb, 0.0, lo_open=True, unit="GB")
    check_number("compute_s", compute_s, 0.0, lo_open=True, unit="s")
    check_number("efficiency", efficiency, 0.0, 1.0, lo_open=True, hi_open=True)
    if g.number_of_nodes() == 0:
        return 0, 0, 0.0
    start = min(g.nodes) if start is None else start
    order = ring_order(g, nx.node_connected_component(g, start))
    budget = compute_s * (1.0 / efficiency - 1.0)
    if len(order) <= EXACT_SCAN_MAX:            # every stretch length: exact for formations
        best, best_t = 1, 0.0
        for m in range(2, len(order) + 1):
            t = ring_allreduce_s(g, order[:m], size_gb, ordered=True)
            if t <= budget:
                best, best_t = m, t
        return best, best * int(gpus_per_sat), best_t
    lo, hi = 1, len(order)
    best_t = 0.0
    while lo < hi:
        mid = (lo + hi + 1) // 2
        t = ring_allreduce_s(g, order[:mid], size_gb, ordered=True)
        if t <= budget:
            lo, best_t = mid, t
        else:
            hi = mid - 1
    return lo, lo * int(gpus_per_sat), best_t


def bisection_gbps(g, seed=0):
    """Capacity [Gbit/s] across the Kernighan-Lin bisection of ``g`` (an upper bound)."""
    if g.number_of_nodes() < 2:
        return 0.0
    a, _ = nx.algorithms.community.kernighan_lin_bisection(g, weight="capacity_gbps", seed=seed)
    a = set(a)
    return float(sum(d["capacity_gbps"] for u, w, d in g.edges(data=True)
                     if (u in a) != (w in a)))


#: Graphs up to this many satellites get exact diameters (all sources); larger ones a bound.
EXACT_DIAMETER_MAX = 3000


def diameters(g, max_exact=EXACT_DIAMETER_MAX, sources=64, seed=0):
    """(diameter in hops, diameter in latency [ms], exact) of a connected graph.

    Shortest paths from every node (``scipy.sparse.csgraph``, BFS for hops and Dijkstra for
    latency, in blocks of 256 sources) up to ``max_exact`` nodes.  Beyond, a lower bound: the
    largest eccentricity of ``sources`` random nodes and of the farthest node each one found
    (a multi-sweep bound, usually the diameter for grid-like graphs); ``exact`` is False.
    """
    n = g.number_of_nodes()
    if n < 2:
        return 0, 0.0, True
    nodes = list(g.nodes)
    pos = {v: i for i, v in enumerate(nodes)}
    u = np.array([pos[a] for a, b in g.edges], dtype=np.int64)
    w = np.array([pos[b] for a, b in g.edges], dtype=np.int64)
    lat = np.array([d["latency_ms"] for _, _, d in g.edges(data=True)], float)
    mat = sparse.csr_matrix((np.r_[lat, lat], (np.r_[u, w], np.r_[w, u])), shape=(n, n))
    exact = n <= max_exact
    if exact:
        src = np.arange(n)
    else:
        rng = np.random.default_rng(seed)
        src = rng.choice(n, size=min(sources, n), replace=False)
    hops, worst = 0, 0.0
    for lo in range(0, len(src), 256):
        block = src[lo:lo + 256]
        dh = csgraph.shortest_path(mat, unweighted=True, indices=block)
        dl = csgraph.dijkstra(mat, indices=block)
        hops, worst = max(hops, int(dh.max())), max(worst, float(dl.max()))
        if not exact:                        # second sweep from the farthest nodes found
            far = np.unique(np.r_[dh.argmax(axis=1), dl.argmax(axis=1)])
            hops = max(hops, int(csgraph.shortest_path(mat, unweighted=True,
                                                        indices=far).max()))
            worst = max(worst, float(csgraph.dijkstra(mat, indices=far).max()))
    return hops, worst, exact


def network_metrics(ds, times=None, allreduce_gb=140.0, compute_s=30.0, efficiency=0.9,
                    gpus_per_sat=1) -> pd.DataFrame:
    """One row per evaluated step: ``connected``, ``components``, ``largest_component``,
    ``diameter_hops``, ``diameter_ms`` (largest shortest-path latency), ``diameter_exact``
    (:func:`diameters`; a lower bound beyond 3,000 satellites), ``bisection_gbps``,
    ``allreduce_s`` (whole largest component), ``effective_sats`` and ``effective_gpus``.

    ``times``: step indices to evaluate (default: 5 spread over the run; diameters cost
    O(n m) per step).  ``allreduce_gb`` defaults to the bf16 gradients of a 70-billion-parameter
    model (140 GB); ``compute_s`` to 30 s of compute per training step (assumption); both are
    the user's to set.
    """
    nt = ds.sizes["time"]
    if times is None:
        times = np.unique(np.linspace(0, nt - 1, min(5, nt)).round().astype(int))
    rows = []
    for ti in np.atleast_1d(times):
        ti = int(ti)
        if not 0 <= ti < nt:
            raise ValueError(f"times: index {ti} is out of range; allowed 0 to {nt - 1}")
        g = graph_at(ds, ti)
        comps = sorted(nx.connected_components(g), key=len, reverse=True)
        big = g.subgraph(comps[0]).copy()
        hops, lat, exact = diameters(big)
        n_eff, g_eff, _ = effective_cluster(big, allreduce_gb, compute_s, efficiency,
                                            gpus_per_sat)
        rows.append({"time": ds["time"].to_numpy()[ti], "connected": len(comps) == 1,
                     "components": len(comps), "largest_component": len(big),
                     "diameter_hops": hops, "diameter_ms": lat, "diameter_exact": exact,
                     "bisection_gbps": bisection_gbps(big),
                     "allreduce_s": ring_allreduce_s(big, list(big.nodes), allreduce_gb),
                     "effective_sats": n_eff, "effective_gpus": g_eff})
    return pd.DataFrame(rows)


def user_latency(geometry_ds, links_ds, lat_deg, lon_deg, alt_m=0.0, min_elevation_deg=25.0,
                 min_sunlit_fraction=0.99, times=None) -> pd.DataFrame:
    """Latency from a user on the ground to the nearest sunlit satellite, through the links.

    At each evaluated step the user reaches every satellite above ``min_elevation_deg``
    (uplink: slant range / c) and from there any satellite over the links (their latency); the
    target is the satellite with at least ``min_sunlit_fraction`` of the Sun that is reached
    first (Dijkstra from the user).  ``geometry_ds`` is :func:`twin.geometry` and
    ``links_ds`` :func:`twin.links` of the same constellation and time grid.

    Returns one row per step: ``time``, ``reachable``, ``entry_sat``, ``target_sat``,
    ``uplink_ms``, ``latency_ms`` (one way, user to target), ``hops`` (links crossed).
    Where no satellite is visible, or none sunlit is reachable, ``reachable`` is False and the
    latencies are NaN (flagged, not silent).
    """
    check_number("lat_deg", lat_deg, -90.0, 90.0, unit="deg")
    check_number("lon_deg", lon_deg, -180.0, 360.0, hi_open=True, unit="deg")
    check_number("min_elevation_deg", min_elevation_deg, 0.0, 90.0, unit="deg")
    check_number("min_sunlit_fraction", min_sunlit_fraction, 0.0, 1.0)
    if geometry_ds.sizes["sat"] != links_ds.attrs.get("n_sat") or \
            geometry_ds.sizes["time"] != links_ds.sizes["time"]:
        raise ValueError("geometry_ds and links_ds must come from the same constellation and "
                         "time grid")
    nt = links_ds.sizes["time"]
    times = range(nt) if times is None else np.atleast_1d(times)
    names = [str(x) for x in links_ds["sat"].to_numpy()]
    rows = []
    for ti in times:
        ti = int(ti)
        g = geometry_ds.isel(time=ti)
        x, y, z = station_itrs_km(g["lat_deg"].to_numpy(), g["lon_deg"].to_numpy(),
                                  g["alt_km"].to_numpy() * 1e3)
        el, _, rng = look_angles(x, y, z, lat_deg, lon_deg, alt_m)
        vis = np.flatnonzero(el >= min_elevation_deg)
        sunlit = g["sunlit_fraction"].to_numpy() >= min_sunlit_fraction
        row = {"time": links_ds["time"].to_numpy()[ti], "reachable": False, "entry_sat": None,
               "target_sat": None, "uplink_ms": np.nan, "latency_ms": np.nan, "hops": -1}
        if len(vis):
            graph = graph_at(links_ds, ti)
            graph.add_node("user")
            for s in vis:
                graph.add_edge("user", int(s), latency_ms=float(latency_s(rng[s]) * 1e3))
            dist, path = nx.single_source_dijkstra(graph, "user", weight="latency_ms")
            best = min(((d, v) for v, d in dist.items() if v != "user" and sunlit[v]),
                       default=None)
            if best is not None:
                p = path[best[1]]
                row.update(reachable=True, entry_sat=names[p[1]], target_sat=names[best[1]],
                           uplink_ms=graph.edges["user", p[1]]["latency_ms"],
                           latency_ms=best[0], hops=len(p) - 2)
        rows.append(row)
    return pd.DataFrame(rows)
