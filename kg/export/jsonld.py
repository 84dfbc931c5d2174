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
from collections.abc import Iterable
from json.encoder import encode_basestring as _encode  # the C encoder when available

import pyoxigraph as ox

from kg.graph.namespaces import PREFIXES

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

ID_PREFIX = "id"  # the base of minted IRIs, under this prefix in the context


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


def jsonld_document(quads: Iterable[ox.Quad], base_iri: str) -> bytes:
    """The compacted JSON-LD document of sorted quads, written directly: byte for byte what
    `json.dumps(…, ensure_ascii=False, indent=1)` gives for Oxigraph's expanded JSON-LD of the same
    quads (one node object per run of a subject, one graph object per run of a graph) with its IRIs
    compacted."""
    ctx = context(base_iri)
    namespaces = sorted(ctx.items(), key=lambda item: -len(item[1]))  # longest first: "…/ontology#" before "…/"
    spelled: dict[str, str] = {}

    def compact(iri: str) -> str:
        found = spelled.get(iri)
        if found is None:
            found = spelled[iri] = _encode(_compact(iri, namespaces))
        return found

    pads = _pads(9)
    values = {level: _Values(compact, pads, level) for level in (4, 6)}  # default graph, named graphs
    out = ["{" + pads[1] + '"@context": ' + json.dumps(ctx, ensure_ascii=False, indent=1).replace("\n", pads[1])
           + "," + pads[1] + '"@graph": ']
    append = out.append
    top = "["  # what the next top-level item starts with
    started, graph, subject, predicate = False, None, None, None
    level, separator = 2, ""  # depth of node objects (2: default graph, 4: in a graph object); before the next one
    for q in quads:
        g, s, p, o = q.graph_name, q.subject, q.predicate.value, q.object
        g = None if type(g) is ox.DefaultGraph else (g.value if type(g) is ox.NamedNode else f"_:{g.value}")
        s = s.value if type(s) is ox.NamedNode else f"_:{s.value}"
        if not started or g != graph:
            if started:
                append(pads[level + 1] + "]" + pads[level] + "}")
                if graph is not None:
                    append(pads[3] + "]" + pads[2] + "}")
            if g is not None:
                append(top + pads[2] + "{" + pads[3] + '"@id": ' + compact(g) + "," + pads[3] + '"@graph": [')
                top = ","
            started, graph, subject, level, separator = True, g, None, 2 if g is None else 4, ""
        if s != subject:
            if subject is not None:
                append(pads[level + 1] + "]" + pads[level] + "}")
            if graph is None:
                append(top + pads[2])
                top = ","
            else:
                append(separator + pads[4])
                separator = ","
            append("{" + pads[level + 1] + '"@id": ' + compact(s) + ",")
            subject, predicate = s, None
        if p != predicate:
            if predicate is not None:
                append(pads[level + 1] + "],")
            append(pads[level + 1] + compact(p) + ": [" + pads[level + 2])
            predicate = p
        else:
            append("," + pads[level + 2])
        append(values[level + 2].text(o))
    if not started:
        append("[]")
    else:
        append(pads[level + 1] + "]" + pads[level] + "}")
        if graph is not None:
            append(pads[3] + "]" + pads[2] + "}")
        append(pads[1] + "]")
    append("\n}\n")
    return "".join(out).encode("utf-8")
