"""`kg serve OUT|STORE`: a read-only SPARQL 1.1 Protocol endpoint, the HTML view and a query page.

Queries are answered by Oxigraph's own server (`oxigraph serve-read-only`, from the `oxigraph`
package): processes on private loopback ports in a fast and a slow lane (kg.serve.engines), so
that cheap queries never wait on expensive ones and a timed-out query is really stopped. In front
of them, a small server from the standard library (no framework to keep up to date, nothing but
loopback by default) does what Oxigraph's server does not: it refuses updates, SERVICE and
FROM/FROM NAMED (which could reach the network or the disk), caps the number of results with an
explicit signal, converts SELECT results to the format asked for, and serves the offline view (/)
and query page (/query). No CORS header is sent
unless --cors is given, and then never with credentials.
"""

from __future__ import annotations

import json
import signal
import sys
import tempfile
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kg.dataset.query import QueryError, QueryNotAllowed, checked, sparql_prologue
from kg.serve.engines import EnginePool
from kg.serve.formats import RESULT_TYPES, GRAPH_TYPES, QUERY_PAGE, negotiate, solutions_to

def prepare_database(source: Path, workdir: Path) -> Path:
    """The Oxigraph database to serve: a store's own, or one loaded from OUT/graph.nq."""
    from kg.dataset.store import DATABASE, is_store

    if is_store(source):
        return source / DATABASE
    import pyoxigraph as ox

    from kg.dataset.query import merge_into_default_graph

    nq = source / "graph.nq"
    if not nq.is_file():
        raise QueryError(f"{source}: neither an output folder (no graph.nq) nor a kg store")
    location = workdir / "db"
    store = ox.Store(str(location))
    store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    merge_into_default_graph(store)
    store.flush()
    del store
    return location


def make_handler(backend: EnginePool, view_html: bytes, max_results: int, cors: bool):
    class Handler(BaseHTTPRequestHandler):
        server_version = "kg-serve"

        def log_message(self, fmt: str, *args) -> None:  # quiet: one line per request on stderr
            sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

        def _send(self, status: int, content_type: str, body: bytes, extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            if cors:
                self.send_header("Access-Control-Allow-Origin", "*")
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _error(self, status: int, message: str) -> None:
            self._send(status, "text/plain; charset=utf-8", (message + "\n").encode())

        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            if url.path == "/":
                self._send(200, "text/html; charset=utf-8", view_html)
            elif url.path == "/query":
                self._send(200, "text/html; charset=utf-8", QUERY_PAGE.encode())
            elif url.path == "/sparql":
                params = urllib.parse.parse_qs(url.query)
                if "update" in params:
                    return self._error(403, "updates are refused: this endpoint is read-only")
                self._answer(params.get("query", [""])[0])
            else:
                self._error(404, "not found: try /, /query or /sparql")

        def do_POST(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            if url.path != "/sparql":
                return self._error(404, "not found")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(length, 1_000_000)).decode("utf-8", "replace")
            kind = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if kind == "application/sparql-update":
                return self._error(403, "updates are refused: this endpoint is read-only")
            if kind == "application/sparql-query":
                return self._answer(body)
            params = urllib.parse.parse_qs(body)
            if "update" in params:
                return self._error(403, "updates are refused: this endpoint is read-only")
            self._answer(params.get("query", [""])[0])

        def do_OPTIONS(self) -> None:
            self._send(204, "text/plain", b"", {"Allow": "GET, POST, OPTIONS"})

        def _answer(self, query: str) -> None:
            if not query.strip():
                return self._error(400, "missing query")
            try:
                safe = checked(query)
            except QueryError as err:
                return self._error(403 if isinstance(err, QueryNotAllowed) else 400, str(err))
            form, full = safe.form, sparql_prologue() + safe.text
            if form in ("SELECT", "ASK"):
                wanted = negotiate(self.headers.get("Accept"), RESULT_TYPES)
                status, _, body = backend.query(full, "application/sparql-results+json")
                if status != 200:
                    return self._send(status, "text/plain; charset=utf-8", body)
                content_type, out, truncated = solutions_to(json.loads(body), wanted, max_results)
                extra = {"KG-Result-Truncated": "true", "KG-Result-Limit": str(max_results)} if truncated else {}
                return self._send(200, content_type, out, extra)
            wanted = negotiate(self.headers.get("Accept"), GRAPH_TYPES)
            status, content_type, body = backend.query(full, wanted)
            self._send(status, content_type, body)

    return Handler


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # many clients at once: queue their connections rather than refuse them
    daemon_threads = True


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt


def serve(source: Path, host: str = "127.0.0.1", port: int = 7878, timeout: float = 10.0,
          max_results: int = 10_000, cors: bool = False, ready=None, engines: int = 4, slow_engines: int = 2,
          budget: float = 0.5) -> None:
    """Serve until interrupted. `ready(url)` is called once the endpoint answers."""
    with tempfile.TemporaryDirectory(prefix="kg-serve-") as tmp:
        database = prepare_database(source, Path(tmp))
        view = source / "graph.html"
        view_html = view.read_bytes() if view.is_file() else b"<!DOCTYPE html><title>kg</title><p>No view: see /query"
        backend = EnginePool(database, timeout, engines, slow_engines, budget)
        previous = signal.signal(signal.SIGTERM, _terminate)  # run the cleanup below on SIGTERM too
        server = _Server((host, port), make_handler(backend, view_html, max_results, cors))
        try:
            if ready is not None:
                ready(f"http://{host}:{server.server_address[1]}")
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            server.server_close()
            backend.stop()
