"""``twin view RUN_DIR``: replay a run's ``constellation.czml`` in CesiumJS from a local server.

The server listens on 127.0.0.1 (a free port unless one is given) and serves three things: the
page (``twin/io/static/view.html``), the run's ``constellation.czml`` and, with ``--cesium DIR``,
a local copy of CesiumJS (the npm package ``cesium``: ``DIR`` may be the package, its
``Build/Cesium`` folder, or a folder holding ``node_modules/cesium``).  Without ``--cesium`` the
page loads CesiumJS from its public CDN.  Either way the globe's imagery is NaturalEarthII,
which ships inside CesiumJS, so no token and no other server is needed.

The page colours every satellite by throughput or battery (a switch), outlines it by
sunlit/eclipse and lights the globe (the terminator), shows inter-satellite links when the CZML
carries them (polyline packets), and has Cesium's clock and timeline.
"""
from __future__ import annotations

import html
import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlparse

#: The CesiumJS release the CDN URL points at (the npm package `cesium` of the same version
#: is what `.ci/run` installs for the offline tests).
CESIUM_VERSION = "1.140"
CESIUM_CDN = f"https://cesium.com/downloads/cesiumjs/releases/{CESIUM_VERSION}/Build/Cesium/"


def find_cesium(path) -> Path:
    """The ``Build/Cesium`` folder (the one holding ``Cesium.js``) under ``path``."""
    p = Path(path)
    for cand in (p, p / "Build" / "Cesium", p / "node_modules" / "cesium" / "Build" / "Cesium"):
        if (cand / "Cesium.js").is_file():
            return cand.resolve()
    raise ValueError(f"--cesium {str(path)!r}: no Cesium.js found there, in Build/Cesium or in "
                     "node_modules/cesium/Build/Cesium; install it with 'npm install cesium' "
                     "and give that folder")


def find_czml(run_dir) -> Path:
    d = Path(run_dir)
    if not d.is_dir():
        raise ValueError(f"RUN_DIR {str(d)!r} is not a directory; give the --out directory of "
                         "'twin run'")
    czml = d / "constellation.czml"
    if not czml.is_file():
        raise ValueError(f"{str(d)!r} has no constellation.czml; run the scenario with "
                         "'--format parquet czml' (or write result.to_czml(path))")
    return czml


def page_html(title: str, cesium_base: str) -> str:
    text = resources.files("twin.io").joinpath("static/view.html").read_text(encoding="utf-8")
    return text.replace("__CESIUM__", cesium_base).replace("__TITLE__", html.escape(title))


def _handler(czml: Path, page: bytes, cesium: Path | None):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):  # quiet: the command prints its URL once
            pass

        def _send(self, status, body: bytes, ctype):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802 (the http.server API)
            route = unquote(urlparse(self.path).path)
            if route in ("/", "/index.html"):
                return self._send(200, page, "text/html; charset=utf-8")
            if route == "/constellation.czml":
                return self._send(200, czml.read_bytes(), "application/json")
            if route == "/favicon.ico":
                return self._send(204, b"", "image/x-icon")
            if cesium is not None and route.startswith("/cesium/"):
                target = (cesium / route[len("/cesium/"):]).resolve()
                if target.is_file() and target.is_relative_to(cesium):
                    ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                    if target.suffix == ".js":
                        ctype = "text/javascript"
                    return self._send(200, target.read_bytes(), ctype)
            return self._send(404, b"not found", "text/plain")

    return Handler


def make_server(run_dir, cesium=None, port=0, host="127.0.0.1") -> ThreadingHTTPServer:
    """A server for the viewer of ``run_dir`` (not yet serving; see :func:`serve`)."""
    if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
        raise ValueError(f"--port {port!r}: allowed 0 (a free port) to 65535")
    czml = find_czml(run_dir)
    local = find_cesium(cesium) if cesium is not None else None
    page = page_html(Path(run_dir).resolve().name, "/cesium/" if local else CESIUM_CDN)
    server = ThreadingHTTPServer((host, port), _handler(czml, page.encode("utf-8"), local))
    server.daemon_threads = True
    return server


def url_of(server) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/"


def serve_in_thread(run_dir, cesium=None, port=0):
    """Start a viewer server in a daemon thread: ``(server, url)``; ``server.shutdown()`` ends
    it."""
    server = make_server(run_dir, cesium, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, url_of(server)
