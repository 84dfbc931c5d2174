"""SERVICE and every other way out are refused by construction, in `kg query` and `kg serve`.

A loopback canary (an HTTP server on 127.0.0.1 that records every request) must never be reached,
whatever lexical trick a query uses; legitimate queries with the same words inside strings, IRIs
or variable names still answer. Behind the query check, the engines run without the host's
network: a SERVICE query sent to an engine directly (skipping the check) cannot reach the canary.
"""

from __future__ import annotations

import http.server
import itertools
import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.dataset.query import QueryError, QueryNotAllowed, checked, run_query
from kg.dataset.sparql_lexer import LexError, tokenize, write_back
from kg.graph.namespaces import PREFIXES
from kg.util import sandbox

ROOT = Path(__file__).resolve().parents[1]
IN_CI = bool(os.environ.get("CI"))


class Canary:
    """An HTTP server on loopback that records every request it receives."""

    def __init__(self):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(f"{self.command} {self.path}")
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.end_headers()
                self.wfile.write(b'{"head":{"vars":["s"]},"results":{"bindings":[]}}')

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def canary():
    server = Canary()
    yield server
    server.close()


def bypasses(url: str) -> list[str]:
    """Queries that try to reach `url` or change data, each with a different lexical trick."""
    service = f"SERVICE <{url}> {{ ?s ?p ?o }}"
    return [
        f"SELECT * WHERE {{ {service} }}",
        f"SELECT * WHERE {{ #x\r{service} }}",  # a comment ended by a carriage return
        f"SELECT * WHERE {{ #x\r\n{service} }}",
        f"SELECT * WHERE {{ ?s schema:x\\' ?o . {service} }} # '",  # an escaped quote in a prefixed name
        f"SELECT * WHERE {{ ?s schema:a\\'b\\' ?o . {service} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",  # code point escapes
        f"SELECT * WHERE {{ \\U00000053\\U00000045RVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ sErViCe <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p '''it''s'''. {service} }}",
        f"SELECT * WHERE {{ ?s ?p \"\\\\\" . {service} }}",  # an escaped backslash ends the string
        f"SELECT * WHERE {{ ?s ?p \"\\u0022 . {service} }}",  # an escaped quote that is a quote
        f"SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ {service} }} }} }}",
        f"SELECT * WHERE {{ VALUES ?x {{ 1 }} OPTIONAL {{ {service} }} }}",
        f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"LOAD <{url}>",
        f"INSERT DATA {{ <{url}> <urn:p> <urn:o> }}",
        "DELETE WHERE { ?s ?p ?o }",
        "CLEAR ALL",
        f"ASK {{ {service} }}",
        f"CONSTRUCT WHERE {{ {service} }}",
        f"DESCRIBE ?s WHERE {{ {service} }}",
        *oxigraph_keywords(url),
    ]


def oxigraph_keywords(url: str) -> list[str]:
    """Keywords that Oxigraph reads inside what the grammar takes for one name: its keywords need
    no boundary and it backtracks into names that do not parse."""
    base = url.rsplit("/", 1)[0] + "/"
    return [
        f"PREFIX : <{base}> SELECT * WHERE {{ SERVICE:sparql{{ ?s ?p ?o }} }}",
        f"PREFIX x: <{base}> SELECT * WHERE {{ SERVICEx:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICESILENT<{url}>{{ ?s ?p ?o }} }}",
        f"PREFIX : <{base}> SELECT * WHERE {{ ?s ?p ?o OPTIONAL{{ ?s ?p ?o }}SERVICE:sparql{{ }} }}",
        f"PREFIX : <{base}> SELECT * WHERE {{ ?s ?p trueSERVICE:sparql{{ ?a ?b ?c }} }}",
        f"PREFIX x: <{base}> PREFIX : <{base}> SELECT * WHERE {{ ?s x:a.b.SERVICE:sparql{{ ?s ?p ?o }} }}",
        f"SELECT * FROMNAMED<{url}> WHERE {{ ?s ?p ?o }}",
        f"PREFIX : <{base}> SELECT * FROM:g WHERE {{ ?s ?p ?o }}",
    ]


def less_than_readings(url: str) -> list[str]:
    """One IRI to the grammar, a comparison to Oxigraph (`<` after a value in an expression), which
    then reads on: a SERVICE and a comment to the IRI's end, or a string that hides the next one.
    The check passes them (no keyword token); the engine must get a query it cannot run."""
    base = url.rsplit("/", 1)[0] + "/"
    return [
        f"PREFIX : <{base}> SELECT * WHERE {{ {{}} FILTER(1<2)SERVICE:sparql#>\n{{ }} }}",
        f"PREFIX : <{base}> SELECT * WHERE {{ {{}} FILTER(1<2)BIND('>\"'AS?x)SERVICE:sparql{{}}#\"\n}}",
    ]


LEGITIMATE = [  # the forbidden words where they are data, not keywords
    ('SELECT ?service WHERE { BIND("SERVICE <http://x/> DELETE" AS ?service) }', "SERVICE <http://x/> DELETE"),
    ("SELECT ?x WHERE { BIND(<http://example.org/SERVICE> AS ?x) }", "http://example.org/SERVICE"),
    ("SELECT ?load WHERE { BIND('''LOAD # FROM''' AS ?load) } # SERVICE <http://x/>", "LOAD # FROM"),
    ('SELECT ?x WHERE { BIND("a\\"SERVICE" AS ?x) }', 'a"SERVICE'),
    ("SELECT ?x WHERE { BIND(prov:wasDerivedFrom AS ?x) }", "http://www.w3.org/ns/prov#wasDerivedFrom"),
    ("SELECT ?x WHERE { BIND(2 AS ?a) FILTER(?a > 1 && ?a<3) BIND(<http://x/SERVICE#a> AS ?x) }",
     "http://x/SERVICE#a"),
    ("SELECT ?x WHERE { BIND(<\\u0068ttp://x/it's#y> AS ?x) }", "http://x/it's#y"),
]


def test_every_bypass_is_refused_by_the_check(canary):
    for query in bypasses(canary.url):
        with pytest.raises(QueryNotAllowed):
            checked(query)
    assert canary.hits == []


def test_oxigraph_reads_these_as_service():
    """Why the check reads names and IRIs as Oxigraph does: given straight to pyoxigraph (no check,
    no sandbox), each of these reaches a canary."""
    probe = Canary()
    try:
        store = ox.Store()
        for query in oxigraph_keywords(probe.url)[:4] + less_than_readings(probe.url):
            assert _reaches(store, probe, query), query
    finally:
        probe.close()


def _reaches(store: ox.Store, probe: Canary, query: str) -> bool:
    probe.hits.clear()
    try:
        list(store.query(query))
    except (SyntaxError, OSError, RuntimeError):
        pass  # the canary's answer is no SPARQL result: the request was still made
    return bool(probe.hits)


def test_no_gluing_of_service_gets_past_the_check():
    """SERVICE in 6 places, glued to 11 things before it and 7 names after it, spelled 6 ways, with 3
    endings: given straight to pyoxigraph many reach a canary; of those the check passes, the text
    it writes back reaches nothing."""
    probe = Canary()
    base = probe.url.rsplit("/", 1)[0] + "/"
    contexts = ["{{}} {x}", "?s ?p ?o {x}", "?s ?p ?o OPTIONAL{{}}{x}", "FILTER(1<2){x}",
                "BIND(1 AS ?a) FILTER(?a<2){x}", "?s ?p ?o.{x}"]
    before = ["", " ", "true", "x", "1", "?v", "'", "#\r", "#\n", "'''x'''", "\\u0020"]
    spellings = ["SERVICE", "sErViCe", "\\u0053ERVICE", "SERVICE SILENT", "SERVICESILENT", "SERVICE\r"]
    names = [":s", "x:s", f"<{base}s>", " :s", "#>\n:s", ":s#>\n", "?u"]
    endings = ["{}", "{?a ?b ?c}", "#>\n{}"]
    head = f"PREFIX : <{base}> PREFIX x: <{base}> SELECT * WHERE {{ BIND(<{base}s> AS ?u) "
    store, reached, passed = ox.Store(), 0, 0
    try:
        for context, glue, spelling, name, ending in itertools.product(contexts, before, spellings, names, endings):
            query = head + context.format(x=glue + spelling + name + ending) + "\n}"
            reached += _reaches(store, probe, query)
            try:
                safe = checked(query)
            except QueryError:
                continue
            passed += 1
            assert not _reaches(store, probe, safe.text), query
    finally:
        probe.close()
    assert reached and passed, (reached, passed)  # the table holds real bypasses, and queries that pass


def test_less_than_readings_pass_the_check_but_cannot_run(canary, sample_store):
    for query in less_than_readings(canary.url):
        safe = checked(query)
        with pytest.raises(SyntaxError):
            sample_store.query(safe.text, prefixes=PREFIXES)
        with pytest.raises(QueryError, match="invalid SPARQL"):
            run_query(sample_store, query)
    assert canary.hits == []


def test_legitimate_words_in_data_still_answer(sample_store):
    for query, value in LEGITIMATE:
        rows = list(run_query(sample_store, query))
        assert [t.value for t in rows[0]] == [value], query


def test_written_back_queries_answer_as_the_originals(sample_store):
    prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    for path in sorted((ROOT / "queries").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        original = [tuple(str(t) for t in row) for row in sample_store.query(prologue + text)]
        rewritten = [tuple(str(t) for t in row) for row in sample_store.query(write_back(tokenize(text)),
                                                                              prefixes=PREFIXES)]
        assert rewritten == original, path.name


def test_the_tokenizer_reads_the_grammar():
    kinds = [(t.kind, t.text) for t in tokenize("SELECT ?a WHERE { ?a ex:p\\.q 'x\\n'@en-GB, 1.5e3, -2, .5 ; a _:b1 } # c")]
    assert kinds == [("word", "SELECT"), ("var", "?a"), ("word", "WHERE"), ("punct", "{"), ("var", "?a"),
                     ("pname", "ex:p\\.q"), ("string", "x\n"), ("langtag", "@en-GB"), ("punct", ","),
                     ("number", "1.5e3"), ("punct", ","), ("number", "-2"), ("punct", ","), ("number", ".5"),
                     ("punct", ";"), ("word", "a"), ("bnode", "_:b1"), ("punct", "}")]
    assert [t.text for t in tokenize("ex:a.b.c ex:d..e. 'x'@en--ltr")] == ["ex:a.b", ".", "c", "ex:d..e", ".", "x",
                                                                          "@en--ltr"]
    assert write_back(tokenize("SELECT * { ?s <p#q> <> }")) == "SELECT * { ?s <\\u0070#q> <> }"
    for bad in ("SELECT * WHERE { ?s ?p \"unterminated }", "SELECT * WHERE { ?s ?p ?o } \x0b", "SELECT \\uD800"):
        with pytest.raises(LexError):
            tokenize(bad)


def test_error_positions_name_the_users_own_line(sample_store):
    with pytest.raises(QueryError, match=r"error at 3:"):
        run_query(sample_store, "SELECT ?s\nWHERE {\n ?s ?p ?o ] }")


def _kg_query(out: Path, query: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", "query", str(out), query], capture_output=True, text=True,
                          timeout=120)


def test_kg_query_refuses_every_bypass(canary, sample_out):
    for query in bypasses(canary.url)[:8] + oxigraph_keywords(canary.url)[:4]:  # each starts a process
        done = _kg_query(sample_out, query)
        assert done.returncode == 1 and "not allowed" in done.stderr, (query, done.stderr)
    for query in less_than_readings(canary.url):
        done = _kg_query(sample_out, query)
        assert done.returncode == 1 and "invalid SPARQL" in done.stderr, (query, done.stderr)
    assert canary.hits == []


def test_the_sandbox_is_available_where_ci_runs():
    if IN_CI:
        assert sandbox.available(), "CI runs as root: engines must get a network namespace"
    elif not sandbox.available():
        pytest.skip("this system allows no network namespace (not root)")


def test_kg_query_evaluates_without_the_hosts_network(canary, tmp_path):
    """pyoxigraph itself does fetch SERVICE URLs: after drop_network it cannot reach the canary."""
    script = tmp_path / "probe.py"
    script.write_text(
        "import sys, pyoxigraph as ox\n"
        "from kg.util.sandbox import drop_network\n"
        "store = ox.Store()\n"
        "if sys.argv[2] == 'drop' and not drop_network(): sys.exit(3)\n"
        "try:\n"
        "    list(store.query('SELECT * WHERE { SERVICE <' + sys.argv[1] + '> { ?s ?p ?o } }'))\n"
        "except OSError as err:\n"
        "    print(err)\n")
    control = subprocess.run([sys.executable, str(script), canary.url, "keep"], capture_output=True, text=True, timeout=60)
    assert canary.hits, "control: without the sandbox pyoxigraph reaches the canary"
    canary.hits.clear()
    done = subprocess.run([sys.executable, str(script), canary.url, "drop"], capture_output=True, text=True, timeout=60)
    if done.returncode == 3 and not IN_CI:
        pytest.skip("this system allows no network namespace")
    assert done.returncode == 0, done.stderr + control.stderr
    assert canary.hits == [], "a query evaluated after drop_network reached the host"


@pytest.fixture(scope="module")
def endpoint(sample_out):
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", str(sample_out), "--port", "0", "--timeout", "5"],
                               stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline()
    match = re.search(r"(http://127\.0\.0\.1:\d+)/sparql", line)
    assert match, line
    threading.Thread(target=lambda: process.stderr.read(), daemon=True).start()
    yield match.group(1), process.pid
    process.terminate()
    process.wait(timeout=20)


def _request(url: str, query: str, how: str) -> int:
    if how == "get":
        request = urllib.request.Request(f"{url}/sparql?query={urllib.parse.quote(query)}")
    elif how == "form":
        request = urllib.request.Request(url + "/sparql", data=urllib.parse.urlencode({"query": query}).encode())
    else:
        request = urllib.request.Request(url + "/sparql", data=query.encode(),
                                         headers={"Content-Type": "application/sparql-query"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def test_kg_serve_refuses_every_bypass_on_every_route(canary, endpoint):
    url, _ = endpoint
    for query in bypasses(canary.url):
        for how in ("get", "form", "sparql-query"):
            assert _request(url, query, how) == 403, (how, query)
    for query in less_than_readings(canary.url):
        for how in ("get", "form", "sparql-query"):
            assert _request(url, query, how) == 400, (how, query)
    for query, _ in LEGITIMATE:
        assert _request(url, query, "sparql-query") == 200, query
    assert canary.hits == []


def test_kg_serve_error_positions_name_the_users_own_line(endpoint):
    """The engine is sent the vocabularies' prefixes on the query's first line, so a syntax error on
    the user's third line is reported on line 3."""
    url, _ = endpoint
    request = urllib.request.Request(url + "/sparql", data=b"SELECT ?s\nWHERE {\n ?s ?p ?o ] }",
                                     headers={"Content-Type": "application/sparql-query"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    body = caught.value.read().decode()
    assert caught.value.code == 400 and re.search(r"\b3:\d+", body), body


def _engine_pids(server_pid: int) -> list[int]:
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children")
    pids = [int(p) for p in children.read_text().split()] if children.exists() else []
    for task in Path(f"/proc/{server_pid}/task").iterdir():  # engines are started from spawner threads
        try:
            pids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:  # a thread that ended meanwhile
            pass
    return sorted(set(pids))


def test_engines_have_no_network_even_without_the_check(canary, endpoint):
    """Talk to an engine directly, as if the check had a gap: SERVICE cannot reach the host."""
    url, server_pid = endpoint
    assert _request(url, "ASK {}", "form") == 200  # the engines are up
    if not sandbox.available():
        if IN_CI:
            pytest.fail("no network namespace in CI")
        pytest.skip("this system allows no network namespace")
    pids = _engine_pids(server_pid)
    assert pids, "no engine process found"
    ours = os.readlink("/proc/self/ns/net")
    for pid in pids:
        assert os.readlink(f"/proc/{pid}/ns/net") != ours, "an engine shares the host's network namespace"
    port = int(re.search(r"127\.0\.0\.1:(\d+)", " ".join(Path(f"/proc/{pids[0]}/cmdline").read_text().split("\0"))).group(1))
    connection = sandbox.connect(pids[0], port, 10)
    query = urllib.parse.urlencode({"query": f"SELECT * WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}"})
    connection.sendall(f"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                       f"Accept: application/sparql-results+json\r\nContent-Length: {len(query)}\r\n"
                       f"Connection: close\r\n\r\n{query}".encode())
    answer = b""
    while chunk := connection.recv(65536):
        answer += chunk
    connection.close()
    assert answer.startswith(b"HTTP/1.1"), answer[:200]
    assert canary.hits == [], "an engine reached the host's network"
