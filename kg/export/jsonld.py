"""graph.jsonld with the context shipped with the ontology (ontology/context.jsonld).

Oxigraph writes expanded JSON-LD (full IRIs, in the sorted order it is given). Here every IRI
in a key, an "@id" or an "@type" that lies in a namespace of the context becomes a compact IRI
("schema:name", "kgo:Mention", "id:person/…"); values stay as they are. The result expands back
to exactly the same quads, and stays deterministic.
"""

from __future__ import annotations

import json

from kg.graph.namespaces import PREFIXES

ID_PREFIX = "id"  # the base of minted IRIs, under this prefix in the context


def context(base_iri: str) -> dict[str, str]:
    """The @context: the vocabulary prefixes plus the base of the build's IRIs."""
    return {**{p: iri for p, iri in sorted(PREFIXES.items())}, ID_PREFIX: base_iri}


def _compact(iri: str, namespaces: list[tuple[str, str]]) -> str:
    for prefix, namespace in namespaces:
        if iri.startswith(namespace) and len(iri) > len(namespace) and not iri[len(namespace):].startswith("//"):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _walk(value, namespaces):
    if isinstance(value, list):
        return [_walk(v, namespaces) for v in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        if key in ("@id", "@type"):
            if isinstance(item, list):
                result[key] = [_compact(i, namespaces) for i in item]
            else:
                result[key] = _compact(item, namespaces) if isinstance(item, str) else item
        elif key.startswith("@"):
            result[key] = _walk(item, namespaces)
        else:
            result[_compact(key, namespaces)] = _walk(item, namespaces)
    return result


def compact_document(expanded: bytes, base_iri: str) -> bytes:
    """Expanded JSON-LD (a list of graph objects) as a compacted document with the context."""
    ctx = context(base_iri)
    # Longest namespace first, so that "…/evkg/ontology#" wins over a shorter match.
    namespaces = sorted(ctx.items(), key=lambda item: -len(item[1]))
    graphs = _walk(json.loads(expanded), namespaces)
    document = {"@context": ctx, "@graph": graphs}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
