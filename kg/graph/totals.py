"""Dataset-wide totals in the default graph: for every node that is the oa:hasBody of an annotation,
how many annotations there are (kgo:mentionCount) and in how many articles (kgo:articleCount).

"Most mentioned" otherwise means reading every annotation at query time, which no SPARQL store does
in interactive time past a million quads. They are computed from the quads of the whole build, so
they are the same whether the dataset was built at once, one article at a time, or into a store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from kg.graph.namespaces import KGO, OA

_HAS_BODY = ox.NamedNode(str(OA.hasBody))
_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
MENTION_COUNT = ox.NamedNode(str(KGO.mentionCount))
ARTICLE_COUNT = ox.NamedNode(str(KGO.articleCount))
_COUNT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")


def annotation_totals(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The totals, as default-graph quads, of the annotations in the named graphs of `quads`
    (each named graph is one article's)."""
    annotations: dict[ox.NamedNode, set] = defaultdict(set)
    graphs: dict[ox.NamedNode, set] = defaultdict(set)
    for q in quads:
        if q.predicate == _HAS_BODY and not isinstance(q.graph_name, ox.DefaultGraph):
            annotations[q.object].add(q.subject)
            graphs[q.object].add(q.graph_name)
    return [ox.Quad(body, predicate, ox.Literal(str(len(found[body])), datatype=_COUNT))
            for body in annotations for predicate, found in ((MENTION_COUNT, annotations), (ARTICLE_COUNT, graphs))]


def with_totals(quads: list[ox.Quad]) -> list[ox.Quad]:
    """Sorted quads (default graph first, as kg.export.rdf.sorted_quads gives them) with the totals
    added to the default graph, in the same order."""
    n = next((i for i, q in enumerate(quads) if not isinstance(q.graph_name, ox.DefaultGraph)), len(quads))
    default = quads[:n] + annotation_totals(quads[n:])
    default.sort(key=lambda q: (str(q.subject), str(q.predicate) != _TYPE, str(q.predicate), str(q.object)))
    return default + quads[n:]
