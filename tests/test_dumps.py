"""Every dump parses with identical counts in three independent strict parsers; builds are
byte-identical across runs, hash seeds and input order."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import Settings
from kg.run.build import build
from kg.run.outputs import OUTPUT_FILES
from tests.conftest import corpus_records, write_jsonl

QUAD_DUMPS = {"graph.trig": ("trig", ox.RdfFormat.TRIG), "graph.nq": ("nquads", ox.RdfFormat.N_QUADS)}
TRIPLE_DUMPS = {"graph.ttl": ("turtle", ox.RdfFormat.TURTLE)}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: run scripts/install-system-deps.sh (CI installs it)")
    return path


def rapper_count(path: Path, syntax: str) -> int:
    done = subprocess.run([_tool("rapper"), "-q", "-i", syntax, "-o", "nquads", str(path)],
                          capture_output=True, check=True)
    return len([line for line in done.stdout.splitlines() if line.strip()])


def serdi_count(path: Path, syntax: str) -> int:
    # -l: strict (lax off is the default); -q: quiet; output N-Quads/N-Triples lines.
    done = subprocess.run([_tool("serdi"), "-i", syntax, "-o", "nquads" if syntax in ("trig", "nquads") else "ntriples",
                           str(path)], capture_output=True, check=True)
    return len([line for line in done.stdout.splitlines() if line.strip()])


def oxigraph_count(path: Path, rdf_format) -> int:
    return sum(1 for _ in ox.parse(path=str(path), format=rdf_format))


@pytest.mark.parametrize("fixture", [pytest.param("corpus_out", marks=pytest.mark.slow), "sample_out"])
def test_three_parsers_agree(request, fixture):
    out: Path = request.getfixturevalue(fixture)
    expected_quads = oxigraph_count(out / "graph.nq", ox.RdfFormat.N_QUADS)
    assert expected_quads > 500
    for name, (syntax, rdf_format) in QUAD_DUMPS.items():
        counts = (rapper_count(out / name, syntax), serdi_count(out / name, syntax), oxigraph_count(out / name, rdf_format))
        assert counts == (expected_quads,) * 3, (name, counts)
    merged = {q.triple for q in ox.parse(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS)}
    counts = (rapper_count(out / "graph.ttl", "turtle"), serdi_count(out / "graph.ttl", "turtle"),
              oxigraph_count(out / "graph.ttl", ox.RdfFormat.TURTLE))
    assert counts == (len(merged),) * 3
    assert oxigraph_count(out / "graph.jsonld", ox.RdfFormat.JSON_LD) == expected_quads
    # rapper has no JSON-LD parser; rdflib's is the independent check.
    from rdflib import Dataset
    parsed = Dataset().parse(out / "graph.jsonld", format="json-ld")
    assert len(list(parsed.quads((None, None, None, None)))) == expected_quads


def test_build_twice_is_byte_identical_and_order_independent(tmp_path, corpus_out):
    records = corpus_records()
    reversed_input = write_jsonl(tmp_path / "reversed.jsonl", list(reversed(records)))
    again = tmp_path / "again"
    build([reversed_input], again, Settings())
    for name in OUTPUT_FILES:
        if name == "report.json":
            continue  # names the input file, which differs here
        assert (again / name).read_bytes() == (corpus_out / name).read_bytes(), name


def test_cli_builds_identically_under_other_hash_seeds(tmp_path, corpus_jsonl, corpus_out):
    outputs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"seed-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "kg", "build", str(corpus_jsonl), "-o", str(out), "--quiet"],
                       check=True, env=env, capture_output=True)
        outputs.append(out)
    for name in OUTPUT_FILES:
        first = (outputs[0] / name).read_bytes()
        assert first == (outputs[1] / name).read_bytes(), name
        assert first == (corpus_out / name).read_bytes(), name


def test_turtle_and_nquads_load_with_the_oxigraph_cli(tmp_path, sample_out):
    """`oxigraph load` (the server's own loader, strict) takes graph.ttl and graph.nq."""
    exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    for name, expected in (("graph.ttl", oxigraph_count(sample_out / "graph.ttl", ox.RdfFormat.TURTLE)),
                           ("graph.nq", oxigraph_count(sample_out / "graph.nq", ox.RdfFormat.N_QUADS))):
        location = tmp_path / name
        subprocess.run([exe, "load", "--location", str(location), "--file", str(sample_out / name)], check=True,
                       capture_output=True, timeout=300)
        assert len(ox.Store.read_only(str(location))) == expected


def test_jsonld_carries_the_context_shipped_with_the_ontology(sample_out):
    import json

    shipped = json.loads((Path(__file__).resolve().parents[1] / "ontology" / "context.jsonld").read_text())["@context"]
    document = json.loads((sample_out / "graph.jsonld").read_text(encoding="utf-8"))
    assert {k: v for k, v in shipped.items() if not k.startswith("@")} == document["@context"]
    named = [node for node in document["@graph"] if "@graph" in node]
    assert named and all(node["@id"].startswith("id:graph/") for node in named)
    assert any(key.startswith("schema:") for node in named[0]["@graph"] for key in node)


def test_two_spacy_processes_give_the_same_bytes(tmp_path, sample_out):
    out = tmp_path / "two"
    build([Path(__file__).resolve().parents[1] / "samples"], out, Settings(n_process=2, batch_size=1))
    for name in OUTPUT_FILES:
        assert (out / name).read_bytes() == (sample_out / name).read_bytes(), name
