"""`kg serve OUT|STORE`: a read-only SPARQL 1.1 Protocol endpoint, the HTML view and a query page.

Queries are answered by Oxigraph's own server (`oxigraph serve-read-only`, from the `oxigraph`
package): a small pool of such processes on private loopback ports, each answering one query at a
time. Oxigraph's `--timeout-s` answers the client but lets the evaluation run on, so a query that
times out takes its process down with it and a fresh one replaces it: the work really stops. In front of it, a small server from the standard
library (no framework to keep up to date, nothing but loopback by default) does what Oxigraph's
server does not: it refuses updates, SERVICE and FROM/FROM NAMED (which could reach the network
or the disk), caps the number of results with an explicit signal, converts SELECT results to the
format asked for, and serves the offline view (/) and query page (/query). No CORS header is sent
unless --cors is given, and then never with credentials.
"""

from __future__ import annotations

import json
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kg.query import QueryError, bare_keywords, check_read_only, sparql_prologue
from kg.serve_formats import RESULT_TYPES, GRAPH_TYPES, QUERY_PAGE, negotiate, solutions_to

_FROM = re.compile(r"\bFROM\b", re.IGNORECASE)
_KIND = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def check_query(query: str) -> str:
    """The query's form (SELECT, ASK, CONSTRUCT, DESCRIBE), or QueryError if refused."""
    check_read_only(query)
    bare = bare_keywords(query)
    if _FROM.search(bare):
        raise QueryError("FROM and FROM NAMED are not allowed: queries read this dataset only")
    kind = _KIND.search(bare)
    if kind is None:
        raise QueryError("not a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)")
    return kind.group(1).upper()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(source: Path, workdir: Path) -> Path:
    """The Oxigraph database to serve: a store's own, or one loaded from OUT/graph.nq."""
    from kg.store import DATABASE, is_store

    if is_store(source):
        return source / DATABASE
    import pyoxigraph as ox

    from kg.query import merge_into_default_graph

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


def _die_with_parent() -> None:
    """In the child, before exec: be killed when the front server dies (Linux), so no query runs orphaned."""
    try:
        import ctypes
        import signal as _signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, _signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Backend:
    """One `oxigraph serve-read-only` process on a private port, answering one query at a time."""

    def __init__(self, database: Path, timeout: float):
        self.database, self.timeout = database, timeout
        self.port = _free_port()
        exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
        self.process = subprocess.Popen(
            [exe, "serve-read-only", "--location", str(database), "--bind", f"127.0.0.1:{self.port}",
             "--timeout-s", str(max(1, int(timeout)))],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise QueryError(f"oxigraph server failed: {self.process.stderr.read().decode(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise QueryError("oxigraph server did not start")

    def query(self, query: str, accept: str) -> tuple[int, str, bytes]:
        data = urllib.parse.urlencode({"query": query}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/query", data=data, headers={
            "Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout + 1) as response:
                return response.status, response.headers.get("Content-Type", accept), response.read()
        except urllib.error.HTTPError as err:
            body = err.read()
            status = 503 if b"timeout" in body.lower() or b"timed out" in body.lower() else 400
            return status, "text/plain; charset=utf-8", body
        except (TimeoutError, socket.timeout, urllib.error.URLError):
            return 503, "text/plain; charset=utf-8", b"query timed out\n"

    def stop(self) -> None:
        self.process.kill()  # a timed-out query keeps running inside Oxigraph: killing is what stops it
        self.process.wait()


class BackendPool:
    """Backends handed out one query at a time. A query that times out takes its backend down
    with it (Oxigraph's own timeout answers the client but does not stop the evaluation), and a
    fresh backend replaces it, so the work really stops and the other queries keep their own."""

    def __init__(self, database: Path, timeout: float, size: int):
        self.database, self.timeout = database, timeout
        self.free: queue.Queue[Backend] = queue.Queue()
        self.all: list[Backend] = []
        self.lock = threading.Lock()
        for _ in range(size):
            self._add()

    def _add(self) -> None:
        backend = Backend(self.database, self.timeout)
        with self.lock:
            self.all.append(backend)
        self.free.put(backend)

    def query(self, query: str, accept: str) -> tuple[int, str, bytes]:
        try:
            backend = self.free.get(timeout=self.timeout + 5)
        except queue.Empty:
            return 503, "text/plain; charset=utf-8", b"busy: every query engine is taken, try again\n"
        status, content_type, body = backend.query(query, accept)
        if status == 503:
            with self.lock:
                self.all.remove(backend)
            backend.stop()
            self._add()
        else:
            self.free.put(backend)
        return status, content_type, body

    def stop(self) -> None:
        with self.lock:
            backends = list(self.all)
        for backend in backends:
            backend.stop()


def make_handler(backend: BackendPool, view_html: bytes, max_results: int, cors: bool):
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
                form = check_query(query)
            except QueryError as err:
                return self._error(403 if "not allowed" in str(err) else 400, str(err))
            full = sparql_prologue() + query
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
          max_results: int = 10_000, cors: bool = False, ready=None, engines: int = 8) -> None:
    """Serve until interrupted. `ready(url)` is called once the endpoint answers."""
    with tempfile.TemporaryDirectory(prefix="kg-serve-") as tmp:
        database = prepare_database(source, Path(tmp))
        view = source / "graph.html"
        view_html = view.read_bytes() if view.is_file() else b"<!DOCTYPE html><title>kg</title><p>No view: see /query"
        backend = BackendPool(database, timeout, engines)
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
