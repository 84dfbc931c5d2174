"""`OUT/events.geojson`: the events that have a place with coordinates, for QGIS, kepler.gl, geojson.io.

An RFC 7946 FeatureCollection: one Feature per event and place with coordinates (an event that
sources place in two towns is two Features with the same `iri`), a Point geometry
`[longitude, latitude]` (WGS 84) taken from the place's `schema:geo`, and properties:

- `iri`, `type` (the local name of the event's kgo: class), `label` (of an event told with several
  labels, the first in code-point order: a SAMPLE differed between an in-memory and an on-disk store);
- `date`: the earliest `sem:hasTimeStamp` the sources give (null when none), `dates`: all of them;
- `place`, `place_label`: the place's IRI and name (a country's point is its capital's, a region's or
  landmark's its centre city's: see README, "The map");
- `articles`: the keys of the articles the event is reported in, `sources`: how many.

Features are sorted (date, IRI, place) and the text is written with sorted keys, so a build gives
the same bytes every time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from kg.export.atomic import write_text_atomic
from kg.graph.namespaces import PREFIXES, select

_GENERIC = frozenset({PREFIXES["sem"] + "Event"})
_SEP = "\x1f"
QUERY = f"""
SELECT ?event ?place (MIN(?lat) AS ?latitude) (MIN(?lon) AS ?longitude) (MIN(?pl) AS ?place_label)
       (MIN(?l) AS ?label) (GROUP_CONCAT(DISTINCT STR(?class); separator="{_SEP}") AS ?classes)
       (GROUP_CONCAT(DISTINCT STR(?date); separator="{_SEP}") AS ?dates) WHERE {{
  ?event a sem:Event ; a ?class ; sem:hasPlace ?place .
  ?place schema:geo ?geo . ?geo schema:latitude ?lat ; schema:longitude ?lon .
  OPTIONAL {{ ?place rdfs:label ?pl }} OPTIONAL {{ ?event rdfs:label ?l }}
  OPTIONAL {{ ?event sem:hasTimeStamp ?date }}
}} GROUP BY ?event ?place"""
# The articles of each event, apart and from each article's own graph (kg.export.tables asks it of a
# few dozen graphs at a time): joined in the query above, each event's mentions multiplied its
# labels and dates (as many as its sources) before the grouping, which held 2 GB at 20,000 articles.
KEYS_QUERY = """
SELECT DISTINCT ?event ?key WHERE { GRAPH ?g {
  ?event a sem:Event . ?a oa:hasBody ?event ; oa:hasTarget ?t . ?t oa:hasSource ?article . ?article kgo:articleKey ?key
} }"""


def _values(cell: ox.Literal | None) -> list[str]:
    return sorted(v for v in set(cell.value.split(_SEP)) if v) if cell is not None else []


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def event_features(store: ox.Store, keys: dict[str, set[str]]) -> list[dict]:
    """The Features of the events in `store` (its default graph: the merge of the article graphs);
    `keys`: the articles each event is reported in (KEYS_QUERY's rows)."""
    features: list[dict] = []
    for row in select(store, QUERY, PREFIXES):
        latitude, longitude = float(row["latitude"].value), float(row["longitude"].value)
        dates = _values(row["dates"])
        types = [_local(c) for c in _values(row["classes"]) if c not in _GENERIC]
        articles = sorted(keys.get(row["event"].value, ()))
        properties: dict[str, object] = {
            "iri": row["event"].value, "type": " | ".join(sorted(types)),
            "label": row["label"].value if row["label"] is not None else None,
            "date": dates[0] if dates else None, "dates": dates,
            "place": row["place"].value,
            "place_label": row["place_label"].value if row["place_label"] is not None else None,
            "articles": articles, "sources": len(articles),
        }
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
                         "properties": properties})
    return sorted(features, key=lambda f: (f["properties"]["date"] or "", f["properties"]["iri"],
                                           f["properties"]["place"]))


def geojson_text(features: list[dict]) -> str:
    """The FeatureCollection as text: one Feature a line, keys sorted, UTF-8 as is, a final newline."""
    lines = [json.dumps(f, ensure_ascii=False, sort_keys=True) for f in features]
    body = ",\n".join(lines)
    return '{"type": "FeatureCollection", "features": [\n' + body + ("\n" if lines else "") + "]}\n"


def write_geojson(store: ox.Store, path: Path, keys: dict[str, set[str]]) -> int:
    """`path` (events.geojson) from the merged `store` and each event's articles; returns the number
    of Features."""
    features = event_features(store, keys)
    write_text_atomic(path, geojson_text(features))
    return len(features)
