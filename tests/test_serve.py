"""`kg serve` as users use it: a real process, queried with SPARQLWrapper and curl."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import pytest
from SPARQLWrapper import CSV, JSON, TURTLE, SPARQLWrapper

PEOPLE = "SELECT ?name WHERE { ?p a schema:Person ; rdfs:label ?name } ORDER BY ?name"
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def endpoint(sample_out):
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", str(sample_out), "--port", "0", "--timeout", "2",
                                "--max-results", "3"], stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline()
    match = re.search(r"(http://127\.0\.0\.1:\d+)/sparql", line)
    assert match, line
    threading.Thread(target=lambda: process.stderr.read(), daemon=True).start()  # keep the pipe drained
    yield match.group(1)
    process.terminate()
    process.wait(timeout=20)


def curl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["curl", "-s", "-S", "--max-time", "30", *args], capture_output=True, text=True)


def post(url: str, query: str, accept: str = "application/sparql-results+json") -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url + "/sparql", data=urllib.parse.urlencode({"query": query}).encode(),
                                     headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_sparqlwrapper_json_and_csv(endpoint):
    client = SPARQLWrapper(endpoint + "/sparql")
    client.setQuery("SELECT ?name WHERE { ?p a <https://schema.org/Person> ; <http://www.w3.org/2000/01/rdf-schema#label> ?name } ORDER BY ?name LIMIT 2")
    client.setReturnFormat(JSON)
    names = [b["name"]["value"] for b in client.query().convert()["results"]["bindings"]]
    assert names == ["Daniel Whitfield", "Irina Volkova"]
    client.setReturnFormat(CSV)
    assert client.query().convert().decode().splitlines()[1] == "Daniel Whitfield"


def test_curl_gets_every_results_format(endpoint):
    query = urllib.parse.quote("SELECT ?name WHERE { ?p a schema:Person ; rdfs:label ?name } ORDER BY ?name LIMIT 1")
    for accept, marker in (("text/csv", "name\nDaniel Whitfield"), ("text/tab-separated-values", '?name\n"Daniel Whitfield"'),
                           ("application/sparql-results+xml", "<literal>Daniel Whitfield</literal>"),
                           ("application/sparql-results+json", '"value":"Daniel Whitfield"')):
        out = curl("-H", f"Accept: {accept}", f"{endpoint}/sparql?query={query}").stdout
        assert marker in out, (accept, out)


def test_construct_as_turtle_and_ntriples(endpoint):
    client = SPARQLWrapper(endpoint + "/sparql")
    client.setQuery("CONSTRUCT { ?p <urn:name> ?n } WHERE { ?p a <https://schema.org/Person> ; "
                    "<http://www.w3.org/2000/01/rdf-schema#label> ?n FILTER(STRSTARTS(?n, 'Oksana')) }")
    client.setReturnFormat(TURTLE)
    assert b"Oksana Hrytsenko" in client.query().convert()
    out = curl("-H", "Accept: application/n-triples", "--data-urlencode",
               "query=CONSTRUCT { ?p <urn:name> ?n } WHERE { ?p rdfs:label ?n } LIMIT 1", endpoint + "/sparql").stdout
    assert out.strip().endswith(" .")


def test_result_cap_is_signalled(endpoint):
    status, headers, body = post(endpoint, PEOPLE)
    data = json.loads(body)
    assert status == 200 and len(data["results"]["bindings"]) == 3 and data["truncated"] is True
    assert headers.get("KG-Result-Truncated") == "true"


@pytest.mark.parametrize("kind,args", [
    ("update by form", ["--data-urlencode", "update=DROP ALL"]),
    ("update by body", ["-H", "Content-Type: application/sparql-update", "--data-binary", "CLEAR DEFAULT"]),
    ("update in query", ["--data-urlencode", "query=DELETE WHERE { ?s ?p ?o }"]),
    ("service", ["--data-urlencode", "query=SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"]),
    ("file", ["--data-urlencode", "query=SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"]),
    ("load", ["--data-urlencode", "query=LOAD <file:///etc/passwd>"]),
])
def test_hostile_requests_are_refused_and_change_nothing(endpoint, kind, args):
    before = post(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[2]
    result = curl("-o", "/dev/null", "-w", "%{http_code}", *args, endpoint + "/sparql")
    assert result.stdout in ("400", "403"), (kind, result.stdout)
    assert post(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[2] == before


def test_an_expensive_query_times_out_while_cheap_ones_keep_answering(endpoint):
    outcome = {}

    def expensive():
        started = time.monotonic()
        outcome["status"] = post(endpoint, CROSS)[0]
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=expensive)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    status, _, _ = post(endpoint, "ASK { ?s a schema:Person }")
    assert status == 200 and time.monotonic() - started < 1.0
    thread.join(timeout=60)
    assert outcome["status"] in (500, 503) and outcome["seconds"] < 20, outcome


def test_view_and_offline_query_page(endpoint):
    page = curl(endpoint + "/").stdout
    assert page.startswith("<!DOCTYPE") and "Content-Security-Policy" in page and "vis" in page
    query_page = curl(endpoint + "/query").stdout
    assert "connect-src 'self'" in query_page and "<script src=" not in query_page
    headers = curl("-D", "-", "-o", "/dev/null", endpoint + "/sparql?query=ASK%7B%7D").stdout
    assert "access-control-allow-origin" not in headers.lower()


def test_default_bind_is_loopback():
    from kg.cli import serve

    host = next(p for p in serve.params if p.name == "host")
    assert host.default == "127.0.0.1"
