"""graph.jsonld with the context shipped with the ontology (ontology/context.jsonld).

The document is Oxigraph's expanded JSON-LD of the sorted quads (full IRIs, in the order it is
given) with every IRI in a key, an "@id" or an "@type" that lies in a namespace of the context
as a compact IRI ("schema:name", "kgo:Mention", "id:person/…"); values stay as they are. It
expands back to exactly the same quads, and stays deterministic. It is written here directly from
the quads, in the layout `json.dumps(…, ensure_ascii=False, indent=1)` gives (parsing Oxigraph's
output and re-encoding it with the standard library's indenting encoder took longer than the
rest of the dumps together).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring as _encode  # the C encoder when available
from pathlib import Path

import pyoxigraph as ox

from kg.graph.namespaces import PREFIXES
from kg.graph.quads import GraphRun, SortedQuads, graph_runs
from kg.graph.spool import BUILT, SpooledQuads

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

ID_PREFIX = "id"  # the base of minted IRIs, under this prefix in the context
# IRIs whose compacted spelling is kept at once; past it the cache starts again (every mention,
# annotation and selector has its own IRI: kept for the whole document, the cache held about 100 MB
# at 2,000 generated articles, and grew with the corpus)
SPELLED_IRIS = 50_000


def context(base_iri: str) -> dict[str, str]:
    """The @context: the vocabulary prefixes plus the base of the build's IRIs."""
    return {**{p: iri for p, iri in sorted(PREFIXES.items())}, ID_PREFIX: base_iri}


def _compact(iri: str, namespaces: list[tuple[str, str]]) -> str:
    for prefix, namespace in namespaces:
        if iri.startswith(namespace) and len(iri) > len(namespace) and not iri[len(namespace):].startswith("//"):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _pads(level: int) -> tuple[str, ...]:
    return tuple("\n" + " " * i for i in range(level))


class _Values:
    """The JSON text of object values (`{"@id": …}`, `{"@type": …, "@value": …}`) at one depth, cached."""

    def __init__(self, compact, pads: tuple[str, ...], level: int):
        self.compact, self.inner, self.outer = compact, pads[level + 1], pads[level]
        self.cache: dict = {}

    def text(self, term) -> str:
        kind = type(term)
        if kind is ox.Literal:
            datatype = term.datatype.value
            if term.language:
                return (f'{{{self.inner}"@language": {_encode(term.language)},{self.inner}"@value": '
                        f"{_encode(term.value)}{self.outer}}}")
            if datatype == _XSD_STRING:
                return f'{{{self.inner}"@value": {_encode(term.value)}{self.outer}}}'
            key = (term.value, datatype)
            found = self.cache.get(key)
            if found is None:
                found = self.cache[key] = (f'{{{self.inner}"@type": {self.compact(datatype)},{self.inner}"@value": '
                                           f"{_encode(term.value)}{self.outer}}}")
            return found
        iri = term.value if kind is ox.NamedNode else f"_:{term.value}"
        found = self.cache.get(iri)
        if found is None:
            found = self.cache[iri] = f'{{{self.inner}"@id": {self.compact(iri)}{self.outer}}}'
        return found


def jsonld_document(quads: SortedQuads | SpooledQuads | Iterable[ox.Quad], base_iri: str) -> bytes:
    """The compacted JSON-LD document of sorted quads, written directly: byte for byte what
    `json.dumps(…, ensure_ascii=False, indent=1)` gives for Oxigraph's expanded JSON-LD of the same
    quads (one node object per run of a subject, one graph object per run of a graph) with its IRIs
    compacted."""
    return "".join(jsonld_chunks(quads, base_iri)).encode("utf-8")


def write_jsonld(quads: SortedQuads | SpooledQuads | Iterable[ox.Quad], path: Path, base_iri: str) -> None:
    """`jsonld_document` written to `path` one graph at a time (the whole document as Python
    strings would take several times its size: gigabytes at 10,000 articles)."""
    with open(path, "wb") as out:
        for chunk in jsonld_chunks(quads, base_iri):
            out.write(chunk.encode("utf-8"))


def jsonld_chunks(quads: SortedQuads | SpooledQuads | Iterable[ox.Quad], base_iri: str) -> Iterator[str]:
    """The text of `jsonld_document`, one piece per graph."""
    return run_chunks(quads.graphs if isinstance(quads, BUILT) else graph_runs(quads), base_iri)


def run_chunks(runs: Iterable[GraphRun], base_iri: str) -> Iterator[str]:
    """The text of `jsonld_document` from sorted (graph, rows) runs: a piece as each non-empty run
    is read (so a caller can feed other writers from the same runs), and the end of the document."""
    ctx = context(base_iri)
    namespaces = sorted(ctx.items(), key=lambda item: -len(item[1]))  # longest first: "…/ontology#" before "…/"
    spelled: dict[str, str] = {}

    def compact(iri: str) -> str:
        found = spelled.get(iri)
        if found is None:
            if len(spelled) >= SPELLED_IRIS:  # most IRIs are one graph's own: the cache must not grow with the corpus
                spelled.clear()
            found = spelled[iri] = _encode(_compact(iri, namespaces))
        return found

    pads = _pads(9)
    out = ["{" + pads[1] + '"@context": ' + json.dumps(ctx, ensure_ascii=False, indent=1).replace("\n", pads[1])
           + "," + pads[1] + '"@graph": ']
    append = out.append
    top = "["  # what the next top-level item starts with
    for graph, triples in runs:
        if not triples:
            continue
        named = type(graph) is not ox.DefaultGraph
        if named:
            append(top + pads[2] + "{" + pads[3] + '"@id": ' + compact(_iri(graph)) + "," + pads[3] + '"@graph": [')
            top = ","
        level = 4 if named else 2  # depth of the node objects
        values = _Values(compact, pads, level + 2)
        key_pad, item_pad, close_node = pads[level + 1], pads[level + 2], pads[level + 1] + "]" + pads[level] + "}"
        # Terms are read once per object (by id: `triples` keeps them alive): subjects and predicates repeat
        subjects: dict[int, str] = {}
        predicates: dict[int, str] = {}
        objects: dict[int, str] = {}
        subject = predicate = None
        separator = pads[4]
        for s, p, o in triples:
            s_text = subjects.get(id(s))
            if s_text is None:
                s_text = subjects[id(s)] = compact(_iri(s))
            if s_text != subject:
                if subject is not None:
                    append(close_node)
                if named:
                    append(separator)
                    separator = "," + pads[4]
                else:
                    append(top + pads[2])
                    top = ","
                append("{" + key_pad + '"@id": ' + s_text + ",")
                subject, predicate = s_text, None
            p_text = predicates.get(id(p))
            if p_text is None:
                p_text = predicates[id(p)] = compact(p.value)
            if p_text != predicate:
                append((key_pad + "]," if predicate is not None else "") + key_pad + p_text + ": [" + item_pad)
                predicate = p_text
            else:
                append("," + item_pad)
            o_text = objects.get(id(o))
            if o_text is None:
                o_text = objects[id(o)] = values.text(o)
            append(o_text)
        if subject is not None:
            append(close_node)
        if named:
            append(pads[3] + "]" + pads[2] + "}")
        yield "".join(out)
        out.clear()
    append("[]" if top == "[" else pads[1] + "]")
    append("\n}\n")
    yield "".join(out)


def _iri(term) -> str:
    return term.value if type(term) is ox.NamedNode else f"_:{term.value}"
