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

import signal
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

from kg.serve.engines import DEFAULT_CAPS, EnginePool
from kg.serve.handler import make_handler
from kg.util.scratch import scratch_folder


def prepare_database(source: Path, workdir: Path) -> Path:
    """The Oxigraph database to serve: a store's own, or one loaded from OUT/graph.nq."""
    from kg.dataset.load import database_of

    return database_of(source, workdir)


class _Server(ThreadingHTTPServer):
    """A thread per connection, at most MAX_CONNECTIONS at once: past that, a connection gets 503
    at once and is closed, so that idle or slow clients cannot take every thread and descriptor."""

    request_queue_size = 256  # many clients at once: queue their connections rather than refuse them
    daemon_threads = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_connections = connection_limit()
        self.places = threading.BoundedSemaphore(self.max_connections)

    def process_request(self, request, client_address) -> None:
        if not self.places.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                b"Content-Length: 38\r\nConnection: close\r\n\r\nbusy: too many connections, try again\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.places.release()

    def handle_error(self, request, client_address) -> None:
        """One line, not a traceback: the client is gone or sent something unreadable."""
        error = sys.exc_info()[1]
        sys.stderr.write(f"{client_address[0]} connection ended: {type(error).__name__}: {error}\n")


def connection_limit() -> int:
    """How many connections may be open at once: as many as the descriptors allow (the soft limit
    is raised to the hard one first), less a reserve for engines and files; at most 1,024."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    available = soft if soft != resource.RLIM_INFINITY else 65536
    return max(16, min(1024, available // 2 - 64))


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt


def serve(source: Path, host: str = "127.0.0.1", port: int = 7878, timeout: float = 10.0,
          max_results: int = 10_000, cors: bool = False, ready=None, engines: int = 4, slow_engines: int = 2,
          budget: float = 0.5, max_bytes: int = DEFAULT_CAPS.bytes) -> None:
    """Serve until interrupted. `ready(url)` is called once the endpoint answers."""
    with scratch_folder("serve") as tmp:
        database = prepare_database(source, tmp)
        view = source / "graph.html"
        view_html = view.read_bytes() if view.is_file() else b"<!DOCTYPE html><title>kg</title><p>No view: see /query"
        backend = EnginePool(database, timeout, engines, slow_engines, budget)
        previous = signal.signal(signal.SIGTERM, _terminate)  # run the cleanup below on SIGTERM too
        server = _Server((host, port), make_handler(backend, view_html, max_results, max_bytes, cors))
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
