"""One self-contained, offline HTML page of a run, an altitude comparison or the claims.

The page embeds plotly.js (shipped inside the ``plotly`` Python package), so it opens from a
file with no network.  A run's page holds: what was run, the summary, the per-satellite time
series (throughput, battery, GPU temperature, array power and sunlit fraction, one satellite at
a time through a selector), the per-orbit eclipse and sustained throughput over the run (the
eclipse season as the run saw it), and the per-orbit table (click a column heading to sort).
The altitude comparison and the claims table are added when given.

Every figure carries units on its axes and a caption naming the run.  Sources are the run's
own files (:func:`load_run`: ``summary.json``, ``per_orbit.csv`` and the time series as
Parquet, NetCDF, Zarr or CSV) or a :class:`twin.SimulationResult` (:func:`result_report`).
"""
from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from twin.io.atomic import atomic_write_text
from twin.studies.seasons import eclipse_season

#: Step of the year-long eclipse-season runs of a report [s]: 5 min resolves a 15-20 min
#: dawn-dusk eclipse to a few percent and keeps each season to a few seconds (assumption).
SEASON_STEP_S = 300.0
#: At most this many (altitude, LTAN) sun-synchronous shells get a season curve.
MAX_SEASONS = 4

#: Time-series panels: (variable, axis title with unit, scale applied to the stored value).
PANELS = [
    ("throughput_gb300", "throughput [GB300-eq]", 1.0),
    ("battery_wh", "battery [kWh]", 1e-3),
    ("gpu_temp_c", "GPU temperature [°C]", 1.0),
    ("array_power_w", "array power [kW]", 1e-3),
    ("sunlit_fraction", "sunlit fraction [-]", 1.0),
]
#: Satellites offered in the selector (a page of thousands of traces would not open); the
#: worst-orbit satellite always comes first.  Assumption: 40 keeps the page under ~10 MB.
MAX_SATELLITES = 40
#: Points per satellite and variable (longer runs are thinned evenly; the caption says so).
MAX_POINTS = 3000
#: Rows of the per-orbit table in the page (the CSV has them all).
MAX_TABLE_ROWS = 5000

SUMMARY_ROWS = [
    ("satellites", "satellites", "{:,}", ""),
    ("sustained_gb300", "sustained GB300-equivalents", "{:,.1f}", "GB300-eq"),
    ("sustained_gb300_per_sat", "  per satellite", "{:,.2f}", "GB300-eq"),
    ("sustained_pflops_fp4", "sustained FP4", "{:,.0f}", "PFLOPS"),
    ("sustained_pflops_fp8", "sustained FP8", "{:,.0f}", "PFLOPS"),
    ("sustained_pflops_bf16", "sustained BF16", "{:,.0f}", "PFLOPS"),
    ("worst_orbit_gb300", "worst orbit", "{:,.2f}", "GB300-eq"),
    ("worst_orbit_sat", "  satellite", "{}", ""),
    ("worst_orbit_start", "  start", "{}", "UTC"),
    ("complete_orbits", "complete orbits", "{:,}", ""),
    ("mean_sunlit_fraction", "mean sunlit fraction", "{:.4f}", ""),
    ("worst_eclipse_min", "worst eclipse", "{:.1f}", "min"),
    ("energy_generated_mwh", "energy generated", "{:,.2f}", "MWh"),
    ("energy_used_mwh", "energy used", "{:,.2f}", "MWh"),
    ("energy_curtailed_mwh", "energy curtailed", "{:,.2f}", "MWh"),
    ("throttled_hours", "throttled", "{:,.1f}", "satellite-hours"),
    ("dark_hours", "dark", "{:,.1f}", "satellite-hours"),
]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:1.5em auto;
max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid
#ddd}table{border-collapse:collapse;font-size:.85em}td,th{padding:.2em .6em;border-bottom:1px solid
#eee;text-align:right}th{background:#f4f4f4;cursor:pointer;position:sticky;top:0}
td:first-child,th:first-child{text-align:left}.caption{color:#555;font-size:.85em;margin:.3em 0 1em}
.scroll{max-height:28em;overflow:auto;border:1px solid #ddd}.run{color:#444}
"""

# A click on a column heading sorts the table by it (numbers as numbers); a second click
# reverses.  Hand-written: a dozen lines, where a table library would add a dependency.
_SORT_JS = """
document.querySelectorAll('table.sortable').forEach(function(t){
  t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){
    var body=t.tBodies[0],rows=Array.from(body.rows),asc=th.dataset.asc!=='1';
    t.querySelectorAll('th').forEach(function(h){delete h.dataset.asc;});
    if(asc)th.dataset.asc='1';
    rows.sort(function(a,b){var x=a.cells[i].dataset.v||a.cells[i].textContent,
      y=b.cells[i].dataset.v||b.cells[i].textContent,nx=parseFloat(x),ny=parseFloat(y);
      var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);return asc?c:-c;});
    rows.forEach(function(r){body.appendChild(r);});});});});
"""


# ----- loading a run directory ---------------------------------------------------------------
def load_run(run_dir) -> dict:
    """What a run directory holds: ``summary`` (dict), ``per_orbit`` (DataFrame), ``series``
    (see :func:`series_from_dataset`, or None without a time series) and ``caption`` (str)."""
    d = Path(run_dir)
    if not d.is_dir():
        raise ValueError(f"RUN_DIR {str(d)!r} is not a directory; give the --out directory of "
                         "'twin run'")
    if not (d / "summary.json").is_file():
        raise ValueError(f"{str(d)!r} has no summary.json: is it the --out directory of "
                         "'twin run'?")
    summary = json.loads((d / "summary.json").read_text(encoding="utf-8"))
    po = pd.read_csv(d / "per_orbit.csv", parse_dates=["start", "end"]) \
        if (d / "per_orbit.csv").is_file() else None
    series, attrs, scenario = None, {}, None
    names = [v for v, _, _ in PANELS]
    if (d / "timeseries.parquet").is_file():
        import pyarrow.parquet as pq  # lazy: only the Parquet branch reads it

        f = pq.ParquetFile(d / "timeseries.parquet")
        meta = f.schema_arrow.metadata or {}
        attrs = json.loads(meta.get(b"twin.attrs", b"{}"))
        scenario = meta.get(b"twin.scenario", b"").decode() or None
        cols = ["sat", "time"] + [c for c in names if c in f.schema_arrow.names]
        series = series_from_tidy(f.read(columns=cols).to_pandas())
    elif (d / "timeseries.nc").is_file() or (d / "timeseries.zarr").is_dir():
        ds = xr.open_dataset(d / "timeseries.nc", engine="h5netcdf") \
            if (d / "timeseries.nc").is_file() else xr.open_zarr(d / "timeseries.zarr")
        attrs, scenario = dict(ds.attrs), ds.attrs.get("twin.scenario")
        series = series_from_dataset(ds)
    elif (d / "timeseries.csv").is_file():
        df = pd.read_csv(d / "timeseries.csv", parse_dates=["time"])
        series = series_from_tidy(df[["sat", "time"] + [c for c in names if c in df]])
    return {"summary": summary, "per_orbit": po, "series": series, "scenario": scenario,
            "caption": run_caption(summary, series, attrs, scenario, source=str(d))}


def sso_shells(scenario_toml: str | None) -> list[tuple[float, str]]:
    """(altitude_km, ltan) of the sun-synchronous shells of a scenario's TOML text."""
    import tomllib  # lazy: only reports of scenario runs read the scenario text

    if not scenario_toml:
        return []
    try:
        shells = tomllib.loads(scenario_toml).get("shells", [])
    except tomllib.TOMLDecodeError:
        return []
    out = []
    for sh in shells:
        if isinstance(sh, dict) and sh.get("type") == "sun-synchronous":
            ltans = sh.get("ltan") if isinstance(sh.get("ltan"), list) else [sh.get("ltan")]
            out += [(float(sh["altitude_km"]), str(x)) for x in ltans if x is not None]
    return list(dict.fromkeys(out))[:MAX_SEASONS]


def constellation_sso_shells(constellation) -> list[tuple[float, str]]:
    """(altitude_km, ltan) of the sun-synchronous shells of a ``twin.Constellation``."""
    out = []
    for sh in getattr(constellation, "shells", []):
        if sh.kind == "sun-synchronous" and sh.ltan_h is not None:
            alt = float(sh.elements["altitude_km"].iloc[0])
            for h in dict.fromkeys(np.round(np.asarray(sh.ltan_h, float) * 60).astype(int)):
                out.append((alt, f"{h // 60 % 24:02d}:{h % 60:02d}"))
    return list(dict.fromkeys(out))[:MAX_SEASONS]


def season_figure(shells, year, span=None):
    """Eclipse minutes per day over calendar ``year`` for each (altitude, LTAN) shell, with the
    run's span shaded."""
    import plotly.graph_objects as go  # lazy: plotly only for HTML pages

    fig = go.Figure()
    for alt, ltan in shells:
        _, daily = eclipse_season(alt, ltan, year, SEASON_STEP_S)
        fig.add_trace(go.Scatter(x=daily.index, y=daily["eclipse_min"], mode="lines",
                                 name=f"{alt:g} km, LTAN {ltan}"))
    if span is not None:
        fig.add_vrect(x0=span[0], x1=span[1], fillcolor="orange", opacity=0.25, line_width=0,
                      annotation_text="this run", annotation_position="top left")
    fig.update_layout(height=360, margin={"l": 70, "r": 20, "t": 30, "b": 50},
                      xaxis_title="day [UTC]", yaxis_title="eclipse per day [min]")
    return fig, (f"Eclipse season of {year}: shadow-equivalent minutes per day of one satellite "
                 f"of each sun-synchronous shell ({SEASON_STEP_S:g} s steps), the run's span "
                 "shaded.")


def series_from_tidy(df: pd.DataFrame) -> dict:
    """``{"sat": names, "time": datetime64 array, var: (sat, time) array}`` from a tidy table."""
    df = df.copy()
    df["time"] = pd.to_datetime(df["time"])
    if getattr(df["time"].dt, "tz", None) is not None:
        df["time"] = df["time"].dt.tz_convert("UTC").dt.tz_localize(None)
    sats = pd.unique(df["sat"].astype(str))
    times = np.sort(pd.unique(df["time"]))
    out = {"sat": list(sats), "time": times}
    for v, _, _ in PANELS:
        if v in df:
            out[v] = df.pivot(index="sat", columns="time", values=v).loc[sats, times] \
                .to_numpy(float)
    return out


def series_from_dataset(ds: xr.Dataset) -> dict | None:
    """The same from an xarray dataset (None when it holds no time series)."""
    if "sunlit_fraction" not in ds or "time" not in ds.dims:
        return None
    out = {"sat": [str(s) for s in ds["sat"].values], "time": ds["time"].values}
    for v, _, _ in PANELS:
        if v in ds:
            out[v] = np.asarray(ds[v].transpose("sat", "time").values, float)
    return out


def run_caption(summary, series, attrs, scenario=None, source="") -> str:
    """One sentence saying what was run."""
    parts = [f"{summary.get('satellites', '?')} satellites"]
    if series is not None and len(series["time"]):
        t = pd.DatetimeIndex(series["time"])
        step = float(attrs.get("step_s", (t[1] - t[0]).total_seconds() if len(t) > 1 else 0))
        span_h = (t[-1] - t[0]).total_seconds() / 3600 + step / 3600
        parts.append(f"from {t[0]:%Y-%m-%d %H:%M} UTC for {span_h:,.1f} h at {step:g} s steps")
    if attrs.get("policy"):
        parts.append(f"battery policy {attrs['policy']}")
    if attrs.get("propagator"):
        parts.append(f"propagator {attrs['propagator']}")
    if scenario:
        shells = [ln.split("=", 1)[1].strip().strip('"') for ln in scenario.splitlines()
                  if ln.strip().startswith("name")]
        if shells:
            parts.append("shells " + ", ".join(shells))
    text = "; ".join(parts)
    return f"{text} ({source})" if source else text


# ----- figures -------------------------------------------------------------------------------
def _pick(series, worst=None) -> list[int]:
    n = len(series["sat"])
    idx = list(np.unique(np.linspace(0, n - 1, min(n, MAX_SATELLITES)).round().astype(int)))
    if worst in series["sat"]:
        w = series["sat"].index(worst)
        idx = [w] + [i for i in idx if i != w][: MAX_SATELLITES - 1]
    return idx


def timeseries_figure(series, caption, worst=None):
    """Throughput, battery, GPU temperature, array power and sunlit fraction over time for one
    satellite at a time (the selector above the plot)."""
    import plotly.graph_objects as go  # lazy: plotly only for HTML pages
    from plotly.subplots import make_subplots

    panels = [p for p in PANELS if p[0] in series]
    fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=0.025)
    idx = _pick(series, worst)
    n_t = len(series["time"])
    thin = max(1, int(np.ceil(n_t / MAX_POINTS)))
    t = pd.DatetimeIndex(series["time"][::thin])
    for k, i in enumerate(idx):
        for r, (v, label, scale) in enumerate(panels, start=1):
            y = series[v][i, ::thin] * scale
            fig.add_trace(go.Scattergl(x=t, y=y, mode="lines", name=series["sat"][i],
                                       line={"width": 1.3}, visible=(k == 0), showlegend=False,
                                       hovertemplate=f"%{{x}}<br>{label}: %{{y:.4g}}"
                                                     "<extra></extra>"), row=r, col=1)
            fig.update_yaxes(title_text=label, row=r, col=1)
    m = len(panels)
    buttons = [{"label": series["sat"][i], "method": "update",
                "args": [{"visible": [j // m == k for j in range(m * len(idx))]},
                         {"title.text": f"Satellite {series['sat'][i]}"}]}
               for k, i in enumerate(idx)]
    fig.update_xaxes(title_text="time [UTC]", row=m, col=1)
    fig.update_layout(height=170 * m + 120, margin={"l": 70, "r": 20, "t": 70, "b": 50},
                      title={"text": f"Satellite {series['sat'][idx[0]]}"},
                      updatemenus=[{"buttons": buttons, "direction": "down", "x": 1.0,
                                    "xanchor": "right", "y": 1.0 + 60 / (170 * m + 120),
                                    "yanchor": "bottom", "showactive": True}])
    note = f"; one step in {thin} shown" if thin > 1 else ""
    shown = (f"; {len(idx)} of {len(series['sat'])} satellites offered (evenly spaced, the "
             "worst-orbit satellite first)" if len(idx) < len(series["sat"]) else "")
    return fig, f"Per-satellite time series: {caption}{note}{shown}."


def per_orbit_figure(po, caption):
    """Eclipse minutes and sustained throughput of every orbit over the run."""
    import plotly.graph_objects as go  # lazy: plotly only for HTML pages
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.06)
    full = po[po["complete"].astype(bool)] if "complete" in po else po
    sats = pd.unique(full["sat"])
    for s in sats[:MAX_SATELLITES]:
        g = full[full["sat"] == s]
        fig.add_trace(go.Scattergl(x=g["start"], y=g["eclipse_min"], mode="markers",
                                   name=str(s), legendgroup=str(s), marker={"size": 4}),
                      row=1, col=1)
        fig.add_trace(go.Scattergl(x=g["start"], y=g["sustained_gb300"], mode="markers",
                                   name=str(s), legendgroup=str(s), showlegend=False,
                                   marker={"size": 4}), row=2, col=1)
    fig.update_yaxes(title_text="eclipse per orbit [min]", row=1, col=1)
    fig.update_yaxes(title_text="sustained per orbit [GB300-eq]", row=2, col=1)
    fig.update_xaxes(title_text="orbit start [UTC]", row=2, col=1)
    fig.update_layout(height=560, margin={"l": 70, "r": 20, "t": 30, "b": 50},
                      showlegend=len(sats) <= 12)
    more = f" (first {MAX_SATELLITES} of {len(sats)} satellites)" if len(sats) > MAX_SATELLITES \
        else ""
    return fig, (f"Eclipse over the run: minutes of shadow (umbra-equivalent) and "
                 f"sustained GB300-equivalents of every complete orbit{more}; {caption}.")


def altitude_figure(df, caption):
    """The altitude comparison: sustained throughput, sunlit fraction, worst eclipse, battery
    and radiator needed against altitude."""
    import plotly.graph_objects as go  # lazy: plotly only for HTML pages
    from plotly.subplots import make_subplots

    cols = [("sustained_gb300_per_sat", "sustained [GB300-eq/sat]", 1.0),
            ("sunlit_fraction", "sunlit fraction [-]", 1.0),
            ("worst_eclipse_min", "worst eclipse [min]", 1.0),
            ("battery_needed_wh", "battery needed [kWh]", 1e-3),
            ("radiator_needed_m2", "radiator needed [m²]", 1.0),
            ("mean_array_power_w", "mean array power [kW]", 1e-3)]
    cols = [c for c in cols if c[0] in df]
    fig = make_subplots(rows=(len(cols) + 1) // 2, cols=2, horizontal_spacing=0.12,
                        vertical_spacing=0.12)
    x = df["scenario"] if "altitude_km" not in df else df["altitude_km"]
    for k, (c, label, scale) in enumerate(cols):
        r, cc = k // 2 + 1, k % 2 + 1
        y = pd.to_numeric(df[c], errors="coerce").to_numpy(float) * scale
        fig.add_trace(go.Scatter(x=x, y=np.where(np.isfinite(y), y, None), mode="lines+markers",
                                 name=label, showlegend=False), row=r, col=cc)
        fig.update_yaxes(title_text=label, row=r, col=cc)
        fig.update_xaxes(title_text="altitude [km]" if "altitude_km" in df else "scenario",
                         row=r, col=cc)
    fig.update_layout(height=300 * ((len(cols) + 1) // 2), margin={"l": 70, "r": 20, "t": 30})
    return fig, f"Altitude comparison: {caption}."


# ----- tables --------------------------------------------------------------------------------
def _cell(v):
    if isinstance(v, (bool, np.bool_)):
        return f"<td>{'yes' if v else 'no'}</td>"
    if isinstance(v, (int, np.integer)):
        return f'<td data-v="{int(v)}">{int(v):,}</td>'
    if isinstance(v, (float, np.floating)):
        if not np.isfinite(v):
            return '<td data-v="">–</td>'
        return f'<td data-v="{float(v)!r}">{float(v):,.4g}</td>'
    if isinstance(v, pd.Timestamp):
        return f"<td>{v:%Y-%m-%d %H:%M:%S}</td>"
    return f"<td>{html.escape(str(v))}</td>"


def html_table(df: pd.DataFrame, units: dict | None = None, sortable=True) -> str:
    units = units or {}
    head = "".join(f"<th>{html.escape(str(c))}"
                   f"{' [' + html.escape(units[c]) + ']' if units.get(c) else ''}</th>"
                   for c in df.columns)
    body = "\n".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>"
                     for row in df.itertuples(index=False))
    cls = ' class="sortable"' if sortable else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"


PER_ORBIT_UNITS = {"start": "UTC", "end": "UTC", "duration_min": "min", "eclipse_min": "min",
                   "energy_generated_wh": "Wh", "energy_used_wh": "Wh",
                   "energy_curtailed_wh": "Wh", "min_battery_wh": "Wh", "max_gpu_temp_c": "°C",
                   "throttled_min": "min", "dark_min": "min", "sustained_gb300": "GB300-eq"}
COMPARE_UNITS = {"altitude_km": "km", "inclination_deg": "°", "period_min": "min",
                 "eclipse_hours": "h", "worst_eclipse_min": "min", "mean_array_power_w": "W",
                 "battery_needed_wh": "Wh", "radiator_needed_m2": "m²",
                 "sustained_gb300_per_sat": "GB300-eq"}


def summary_table(summary: dict) -> str:
    rows = []
    for key, label, fmt, unit in SUMMARY_ROWS:
        if key in summary and summary[key] is not None:
            v = summary[key]
            text = fmt.format(v) if not isinstance(v, str) else v[:19]
            rows.append(f"<tr><td>{html.escape(label)}</td><td>{html.escape(text)}</td>"
                        f"<td>{html.escape(unit)}</td></tr>")
    return '<table class="summary">' + "".join(rows) + "</table>"


# ----- the page ------------------------------------------------------------------------------
def page(title: str, sections: list[tuple[str, str]]) -> str:
    """A whole HTML document: plotly.js inlined once, then the sections (heading, HTML)."""
    from plotly.offline import get_plotlyjs  # lazy: plotly only for HTML pages

    body = "\n".join(f'<section><h2>{html.escape(h)}</h2>\n{content}</section>'
                     for h, content in sections)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{_CSS}</style>"
            f'<script type="text/javascript">{get_plotlyjs()}</script></head><body>'
            f"<h1>{html.escape(title)}</h1>\n{body}\n<script>{_SORT_JS}</script></body></html>\n")


def figure_html(fig, caption: str, div_id: str) -> str:
    div = fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                      config={"displaylogo": False, "responsive": True})
    return f'{div}<p class="caption">{html.escape(caption)}</p>'


def run_sections(summary, per_orbit, series, caption, compare=None, claims=None,
                 shells=()):
    sections = [("Summary", f'<p class="run">{html.escape(caption)}</p>'
                 + summary_table(summary))]
    if shells and series is not None:
        t = pd.DatetimeIndex(series["time"])
        fig, cap = season_figure(shells, t[0].year, (t[0], t[-1]))
        sections.append(("Eclipse season of the year", figure_html(fig, cap, "season")))
    if series is not None:
        fig, cap = timeseries_figure(series, caption, summary.get("worst_orbit_sat"))
        sections.append(("Per satellite", figure_html(fig, cap, "timeseries")))
    if per_orbit is not None and len(per_orbit):
        fig, cap = per_orbit_figure(per_orbit, caption)
        sections.append(("Eclipse per orbit", figure_html(fig, cap, "eclipse")))
        shown = per_orbit.head(MAX_TABLE_ROWS)
        more = (f" The first {MAX_TABLE_ROWS:,} of {len(per_orbit):,} rows; per_orbit.csv "
                "has all.") if len(per_orbit) > MAX_TABLE_ROWS else ""
        sections.append(("Per orbit", '<p class="caption">One row per satellite and orbit (an '
                         "orbit begins at an ascending-node crossing); click a heading to sort."
                         f"{more}</p>"
                         f'<div class="scroll">{html_table(shown, PER_ORBIT_UNITS)}</div>'))
    sections += extra_sections(compare, claims)
    return sections


def extra_sections(compare=None, claims=None, compare_caption="", claims_caption=""):
    out = []
    if compare is not None:
        fig, cap = altitude_figure(compare, compare_caption or "the run's altitude sweep")
        out.append(("Altitude comparison", figure_html(fig, cap, "altitudes")
                    + html_table(compare, COMPARE_UNITS)))
    if claims is not None:
        out.append(("Claims", f'<p class="caption">{html.escape(claims_caption or "The public claims about compute in orbit, recomputed with the stated assumptions.")}'  # noqa: E501
                    "</p>" + html_table(claims, {}, sortable=True)))
    return out


def write_report(run_dir, path=None, overwrite=False, season=True) -> Path:
    """``twin report``: the page of a run directory, written to ``path`` (default
    ``RUN_DIR/report.html``); ``season`` adds the year's eclipse season of its
    sun-synchronous shells (a few seconds each)."""
    run = load_run(run_dir)
    path = Path(path) if path is not None else Path(run_dir) / "report.html"
    shells = sso_shells(run["scenario"]) if season else []
    text = page(f"twin run: {Path(run_dir).resolve().name}",
                run_sections(run["summary"], run["per_orbit"], run["series"], run["caption"],
                             shells=shells))
    atomic_write_text(path, text, overwrite=overwrite)
    return path


def result_report(result, path, overwrite=False, title="twin run", season=True) -> Path:
    """``SimulationResult.to_html``: the same page from a result in memory."""
    series = series_from_dataset(result.dataset)
    summary = result.summary()
    attrs = dict(result.dataset.attrs)
    scenario = result.scenario.to_toml() if getattr(result, "scenario", None) else None
    caption = run_caption(summary, series, attrs, scenario)
    shells = (sso_shells(scenario) or constellation_sso_shells(result.constellation)) \
        if season else []
    atomic_write_text(path, page(title, run_sections(summary, result.per_orbit(), series,
                                                     caption, shells=shells)),
                      overwrite=overwrite)
    return Path(path)


def compare_report(df, path, caption, overwrite=False) -> Path:
    """``twin compare --html``: the altitude comparison as a page."""
    atomic_write_text(path, page("twin compare", extra_sections(compare=df,
                                                                compare_caption=caption)),
                      overwrite=overwrite)
    return Path(path)


def claims_report(df, path, caption, overwrite=False) -> Path:
    """``twin claims --html``: the claims table as a page."""
    atomic_write_text(path, page("twin claims", extra_sections(claims=df,
                                                               claims_caption=caption)),
                      overwrite=overwrite)
    return Path(path)
