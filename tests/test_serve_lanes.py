"""The two lanes behind `kg serve`: real Oxigraph processes, expensive queries that really run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kg.dataset.sparql_lexer import tokenize, write_back
from kg.serve.engines import OPEN_SHARE_PRIORITY, EnginePool
from kg.serve.process_controls import LOWEST_PRIORITY
from kg.serve.query_shape import query_shape
from kg.serve.server import prepare_database

JSON = "application/sparql-results+json"
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CHEAP = "ASK { ?s ?p ?o }"
CROSS_FILTERED = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l FILTER (?l != {}) }}"


@pytest.fixture
def pool(sample_out, tmp_path):
    engines = EnginePool(prepare_database(sample_out, tmp_path), timeout=2, fast=1, slow=1, budget=0.2)
    yield engines
    engines.stop()


def post(url: str, query: str) -> tuple[int, bytes]:
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(url, data=data, headers={"Accept": JSON})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def niceness(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[16])  # field 19 of stat; the first two are before the ")"


def alive(pool: EnginePool) -> list[int]:
    with pool.lock:
        return [e.process.pid for e in pool.running if e.process.poll() is None]


def in_background(pool: EnginePool, query: str, results: list) -> threading.Thread:
    thread = threading.Thread(target=lambda: results.append(pool.query(query, JSON)))
    thread.start()
    return thread


def test_a_query_past_its_budget_moves_to_the_lowest_priority_and_is_stopped_at_the_timeout(pool):
    results: list = []
    thread = in_background(pool, CROSS, results)
    deadline = time.monotonic() + 1.8  # past the budget of 0.2 s of CPU, before the 2 s timeout
    niced: list[int] = []
    while not niced and time.monotonic() < deadline:
        time.sleep(0.05)
        niced = [pid for pid in alive(pool) if niceness(pid) == LOWEST_PRIORITY]
    assert len(niced) == 1, "the escalated engine runs at nice 19"
    thread.join(timeout=30)
    assert results[0][0] == 503
    assert niced[0] not in alive(pool), "the engine that ran past the timeout was killed"
    assert pool.is_known_slow(" ".join(CROSS.split()) + "  ")


def test_cheap_queries_answer_while_the_one_fast_engine_s_query_turns_out_expensive(pool):
    results: list = []
    thread = in_background(pool, CROSS, results)
    time.sleep(0.5)  # escalated: a fresh fast engine has replaced the busy one
    answers = [pool.query(CHEAP, JSON) for _ in range(20)]
    assert [status for status, *_ in answers] == [200] * 20
    assert all(b'"boolean":true' in body for _, _, body, _ in answers)
    thread.join(timeout=30)


def test_known_slow_queries_go_straight_to_the_slow_lane_and_wait_for_a_place(pool):
    assert pool.query(CROSS, JSON)[0] == 503  # first sighting: escalated, then timed out
    results: list = []
    threads = [in_background(pool, CROSS, results) for _ in range(3)]
    time.sleep(0.3)
    server = os.getpriority(os.PRIO_PROCESS, 0)
    idle = [(share, e) for share, engines in pool.idle.engines.items() for e in engines]
    assert idle
    for share, engine in idle:  # not the slow lane's nice 19
        expected = server if share == "proven" else min(19, server + OPEN_SHARE_PRIORITY)
        assert niceness(engine.process.pid) == expected, share
    started = time.monotonic()
    assert pool.query(CHEAP, JSON)[0] == 200
    assert time.monotonic() - started < 1.5, "the cheap query did not wait for the slow lane"
    for thread in threads:
        thread.join(timeout=30)
    assert [status for status, *_ in results] == [503] * 3
    assert all(b"timed out" in body or b"busy" in body for _, _, body, _ in results)


def test_queries_differing_only_in_constants_and_spacing_share_a_shape():
    one = 'SELECT ?p WHERE { ?p rdfs:label "Kyiv"@en ; kgo:n 3 . FILTER (?p != <http://x/a#b>) } # one\nLIMIT 10'
    other = "SELECT ?p  WHERE {\n ?p rdfs:label 'Odesa'@en ; kgo:n 41.5 . FILTER (?p != <urn:y>) } LIMIT 3"
    assert query_shape(one) == query_shape(other) == (
        "SELECT ?p WHERE { ?p rdfs:label ?@en ; kgo:n ? . FILTER (?p != ?) } LIMIT ?")
    assert query_shape('SELECT ?x1 { ?x1 ?p """a "quoted" # not a comment""" }') == "SELECT ?x1 { ?x1 ?p ? }"
    assert query_shape("SELECT ?a { ?a ?b ?c }") != query_shape("SELECT ?a { ?a ?b ?c . ?c ?d ?e }")
    assert query_shape(write_back(tokenize(one))) == query_shape(one)  # as the engine is sent it


def test_a_query_of_a_known_slow_shape_goes_to_the_slow_lane(pool):
    assert pool.query(CROSS_FILTERED.format(1), JSON)[0] == 503
    assert pool.is_known_slow(CROSS_FILTERED.format(2)) and not pool.is_known_slow(CROSS)


def test_a_query_within_its_budget_keeps_its_engine(pool):
    before = alive(pool)
    assert pool.query(CHEAP, JSON)[0] == 200
    assert alive(pool) == before and not pool.is_known_slow(CHEAP)


def test_stop_leaves_no_engine_running(sample_out, tmp_path):
    engines = EnginePool(prepare_database(sample_out, tmp_path), timeout=2, fast=2, slow=1, budget=0.2)
    pids = alive(engines)
    assert len(pids) == 2
    engines.stop()
    for pid in pids:
        assert not os.path.exists(f"/proc/{pid}") or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_the_endpoint_under_a_flood_of_expensive_queries_answers_every_cheap_one(sample_out):
    """The real `kg serve` with one fast engine: eight clients keep sending cross products (two
    shapes, one with a new constant each time) while another sends cheap queries."""
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", str(sample_out), "--port", "0", "--timeout", "2",
                                "--engines", "1", "--slow-engines", "1", "--budget", "0.2"],
                               stderr=subprocess.PIPE, text=True)
    try:
        url = re.search(r"(http://127\.0\.0\.1:\d+/sparql)", process.stderr.readline()).group(1)
        log: list[str] = []
        threading.Thread(target=lambda: log.extend(process.stderr), daemon=True).start()
        stop = time.monotonic() + 5
        expensive: list[int] = []

        def flood(n: int) -> None:
            while time.monotonic() < stop:
                expensive.append(post(url, (CROSS if n % 2 else CROSS_FILTERED.format(len(expensive))))[0])

        threads = [threading.Thread(target=flood, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        cheap = []
        while time.monotonic() < stop:
            cheap.append(post(url, CHEAP))
        for thread in threads:
            thread.join(timeout=60)
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert len(cheap) >= 10 and [status for status, _ in cheap] == [200] * len(cheap)
    assert all(json.loads(body)["boolean"] is True for _, body in cheap)
    assert expensive and set(expensive) == {503}
    assert sum("moved to the slow lane" in line for line in log) >= 1


def test_proven_cheap_shapes_never_wait_behind_new_expensive_shapes(sample_out, tmp_path):
    """One proven and one open fast engine: while queries of new shapes hold the open engine for
    their budget, a query whose shape answered cheaply before runs on the proven one at once."""
    pool = EnginePool(prepare_database(sample_out, tmp_path), timeout=3, fast=2, slow=1, budget=0.5)
    try:
        assert pool.query(CHEAP, JSON).status == 200  # now a proven shape
        results: list = []
        threads = [in_background(pool, CROSS_FILTERED.replace("?l != {}", f"?l != {n} && ?k != ?a" * (n + 1)), results)
                   for n in range(3)]
        time.sleep(0.1)
        for _ in range(10):
            started = time.monotonic()
            assert pool.query(CHEAP, JSON).status == 200
            assert time.monotonic() - started < 0.4, "a proven cheap query waited for an engine"
        for thread in threads:
            thread.join(timeout=30)
    finally:
        pool.stop()


def test_a_freed_engine_goes_to_the_longest_waiter_it_may_serve():
    from types import SimpleNamespace

    from kg.serve.idle import IdleEngines

    idle, given = IdleEngines(), {}

    def wait(name: str, proven: bool) -> threading.Thread:
        thread = threading.Thread(target=lambda: given.__setitem__(name, idle.take(proven, 5).name))
        thread.start()
        time.sleep(0.05)  # queued in this order
        return thread

    waiters = [wait("new shape", False), wait("proven 1", True), wait("proven 2", True)]
    idle.put(SimpleNamespace(home="proven", name="p"))  # the first waiter may not use it: the next one may
    idle.put(SimpleNamespace(home="open", name="o1"))
    idle.put(SimpleNamespace(home="open", name="o2"))
    for thread in waiters:
        thread.join(timeout=5)
    assert given == {"proven 1": "p", "new shape": "o1", "proven 2": "o2"}  # who got which, not who woke first
    assert idle.take(False, 0.05) is None  # nothing left, and the wait is bounded
