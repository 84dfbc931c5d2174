"""The HTTP side of `kg serve`: SPARQL 1.1 Protocol requests in, bounded answers out.

HTTP/1.1 with keep-alive; GET, HEAD, POST and OPTIONS. Every request gets a status and a one-line
reason, never a dropped connection: a body over `MAX_BODY` is refused with 413 (not cut), a
`Content-Length` that is not a number with 400, a POST without one with 411. The engines are asked
for line-based formats (TSV for SELECT, N-Triples for CONSTRUCT/DESCRIBE) so that the result cap
and the byte cap apply while the answer streams (kg.serve.engine); the front server then converts
what it kept into the format asked for. An answer that broke off with an error after the engine
had begun gets 503 with the engine's reason.
"""

from __future__ import annotations

import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler

from kg.dataset.query import QueryError, QueryNotAllowed, checked, sparql_prologue
from kg.serve.engine import Caps
from kg.serve.engines import EnginePool
from kg.serve.formats import (GRAPH_TYPES, QUERY_PAGE, RESULT_TYPES, StreamFailed, graph_to, negotiate,
                              solutions_from_tsv, solutions_to)

MAX_BODY = 1_000_000
DISCARD_AT_MOST = 16 * 2**20  # a larger refused body is not read: the connection is closed on it
IDLE_SECONDS = 10  # a connection that sends nothing for this long is closed (slow or idle clients)
_TEXT = "text/plain; charset=utf-8"
_DISCONNECTED = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


def make_handler(backend: EnginePool, view_html: bytes, max_results: int, max_bytes: int,
                 cors: bool) -> type[Handler]:
    """The handler class of one server: `Handler` bound to its engines, page and caps."""
    settings = {"backend": backend, "view_html": view_html, "caps": Caps(rows=max_results, bytes=max_bytes),
                "max_results": max_results, "cors": cors}
    return type("BoundHandler", (Handler,), settings)


class Handler(BaseHTTPRequestHandler):
    """One connection's requests. `make_handler` gives each server a subclass with its own engines,
    page and caps (http.server makes one handler object per connection, from a class)."""

    backend: EnginePool
    view_html: bytes
    caps: Caps
    max_results: int
    cors: bool
    server_version = "kg-serve"
    protocol_version = "HTTP/1.1"
    timeout = IDLE_SECONDS

    def log_message(self, fmt: str, *args) -> None:  # quiet: one line per request on stderr
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except _DISCONNECTED as err:  # the client left: one line, no traceback
            self.close_connection = True
            sys.stderr.write(f"{self.client_address[0]} client disconnected ({type(err).__name__})\n")

    def _send(self, status: int, content_type: str, body: bytes, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if self.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str, close: bool = False) -> None:
        if close:
            self.close_connection = True
        self._send(status, _TEXT, (message.rstrip("\n") + "\n").encode(), {"Connection": "close"} if close else None)

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/":
            self._send(200, "text/html; charset=utf-8", self.view_html)
        elif url.path == "/query":
            self._send(200, "text/html; charset=utf-8", QUERY_PAGE.encode())
        elif url.path == "/sparql":
            params = urllib.parse.parse_qs(url.query)
            if "update" in params:
                return self._error(403, "updates are refused: this endpoint is read-only")
            self._answer(params.get("query", [""])[0])
        else:
            self._error(404, "not found: try /, /query or /sparql")

    do_HEAD = do_GET

    def do_POST(self) -> None:
        body = self._body()
        if body is None:
            return
        if urllib.parse.urlsplit(self.path).path != "/sparql":
            return self._error(404, "not found: queries go to /sparql")
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind == "application/sparql-update":
            return self._error(403, "updates are refused: this endpoint is read-only")
        if kind == "application/sparql-query":
            return self._answer(body)
        params = urllib.parse.parse_qs(body)
        if "update" in params:
            return self._error(403, "updates are refused: this endpoint is read-only")
        self._answer(params.get("query", [""])[0])

    def _body(self) -> str | None:
        """The request body, read whole and only when its length is valid (else the answer is sent)."""
        if self.headers.get("Transfer-Encoding"):
            self._error(411, "send the body with a Content-Length (chunked bodies are not read)", close=True)
            return None
        length = self.headers.get("Content-Length")
        if length is None:
            self._error(411, "a POST needs a Content-Length", close=True)
            return None
        if not length.strip().isdigit():
            self._error(400, f"Content-Length is not a number: {length[:40]!r}", close=True)
            return None
        if int(length) > MAX_BODY:
            self._discard(int(length))
            self._error(413, f"request body over {MAX_BODY:,} bytes: send a shorter query", close=True)
            return None
        return self.rfile.read(int(length)).decode("utf-8", "replace")

    def _discard(self, length: int) -> None:
        """Read and drop a refused body (up to DISCARD_AT_MOST), so that the client, still
        sending it, reads the refusal rather than a reset connection."""
        left = min(length, DISCARD_AT_MOST)
        while left > 0:
            chunk = self.rfile.read(min(left, 65536))
            if not chunk:
                return
            left -= len(chunk)

    def do_OPTIONS(self) -> None:
        self._send(204, "text/plain", b"", {"Allow": "GET, HEAD, POST, OPTIONS"})

    def _answer(self, query: str) -> None:
        if not query.strip():
            return self._error(400, "missing query")
        try:
            safe = checked(query)
        except QueryError as err:
            return self._error(403 if isinstance(err, QueryNotAllowed) else 400, str(err))
        full = sparql_prologue() + safe.text
        try:
            if safe.form == "SELECT":
                self._select(full)
            elif safe.form == "ASK":
                self._ask(full)
            else:
                self._graph(full)
        except StreamFailed as err:
            self._error(503, f"query failed while its answer streamed: {err}")

    def _select(self, query: str) -> None:
        wanted = negotiate(self.headers.get("Accept"), RESULT_TYPES)
        answer = self.backend.query(query, "text/tab-separated-values", self.caps)
        if answer.status != 200:
            return self._send(answer.status, _TEXT, answer.body)
        content_type, out = solutions_from_tsv(answer.body, wanted, answer.truncated)
        self._send(200, content_type, out, _truncation(answer.truncated, self.max_results))

    def _ask(self, query: str) -> None:
        wanted = negotiate(self.headers.get("Accept"), RESULT_TYPES)
        answer = self.backend.query(query, "application/sparql-results+json", self.caps)
        if answer.status != 200:
            return self._send(answer.status, _TEXT, answer.body)
        try:
            results = json.loads(answer.body)
        except ValueError:
            raise StreamFailed(answer.body[-300:].decode("utf-8", "replace")) from None
        content_type, out, _ = solutions_to(results, wanted, self.max_results)
        self._send(200, content_type, out)

    def _graph(self, query: str) -> None:
        wanted = negotiate(self.headers.get("Accept"), GRAPH_TYPES)
        answer = self.backend.query(query, "application/n-triples", self.caps)
        if answer.status != 200:
            return self._send(answer.status, _TEXT, answer.body)
        body = graph_to(answer.body, wanted)
        content_type = wanted + ("; charset=utf-8" if wanted.startswith("text/") else "")
        self._send(200, content_type, body, _truncation(answer.truncated, self.max_results))



def _truncation(truncated: bool, limit: int) -> dict[str, str]:
    return {"KG-Result-Truncated": "true", "KG-Result-Limit": str(limit)} if truncated else {}
