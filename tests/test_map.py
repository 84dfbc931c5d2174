"""Coordinates on places (schema:geo, GeoSPARQL) and OUT/events.geojson, checked as GIS tools read them."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest
import shapely.geometry
from shapely import wkt

from kg.config import Settings
from kg.export.geojson import geojson_text
from kg.graph.namespaces import PREFIXES
from kg.nlp.gazetteer import Gazetteer
from kg.run.build import build
from tests.conftest import SAMPLES

G = Gazetteer.load()


def sparql(store, query):
    return store.query(query, prefixes=PREFIXES)


def test_gazetteer_points_come_from_geonames():
    kyiv, ukraine = G.get("place/kyiv"), G.get("country/ukraine")
    assert (kyiv.latitude, kyiv.longitude, kyiv.coordinates_of) == (50.45466, 30.5238, None)
    assert (ukraine.latitude, ukraine.longitude) == (kyiv.latitude, kyiv.longitude)  # a country: its capital's
    assert ukraine.coordinates_of == kyiv.geonames_id
    crimea = G.get("place/crimea")  # a curated region: its centre city's point
    assert crimea.coordinates_of == G.get("place/simferopol").geonames_id and crimea.latitude is not None
    assert G.get("place/black-sea").latitude is None  # a sea has no point
    zaporizhzhia = G.get("place/zaporizhzhia")  # a curated city is found in GeoNames' own cities
    assert zaporizhzhia.geonames_id == 687700 and 47 < zaporizhzhia.latitude < 48.5
    located = [e for e in G.entries() if e.latitude is not None]
    assert all(-90 <= e.latitude <= 90 and -180 <= e.longitude <= 180 for e in located)
    assert sum(e.kind == "country" for e in located) >= 240


def test_places_carry_both_point_vocabularies_and_they_agree(sample_store):
    rows = list(sparql(sample_store, """
        SELECT ?place ?lat ?lon ?wkt WHERE {
          ?place a schema:Place ; schema:geo ?g ; geo:hasGeometry ?geom .
          ?g a schema:GeoCoordinates ; schema:latitude ?lat ; schema:longitude ?lon .
          ?geom a geo:Geometry ; geo:asWKT ?wkt .
        }"""))
    assert len(rows) >= 3
    for row in rows:
        assert row["lat"].datatype.value.endswith("#decimal")
        assert row["wkt"].datatype.value == "http://www.opengis.net/ont/geosparql#wktLiteral"
        point = wkt.loads(row["wkt"].value)
        assert (Decimal(str(point.x)), Decimal(str(point.y))) == (Decimal(row["lon"].value), Decimal(row["lat"].value))
    kyiv = {r["place"].value.rsplit("/", 1)[-1]: r for r in rows}.get("kyiv")
    if kyiv is not None:
        assert kyiv["wkt"].value == "POINT(30.5238 50.45466)"


def test_events_geojson_is_an_rfc7946_feature_collection(sample_out, sample_store):
    data = json.loads((sample_out / "events.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and "crs" not in data  # RFC 7946: WGS 84, no crs member
    features = data["features"]
    assert features, "the samples report events in located places"
    for feature in features:
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        geometry = shapely.geometry.shape(feature["geometry"])
        assert geometry.is_valid and not geometry.is_empty
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        props = feature["properties"]
        assert props["iri"].startswith("https://") and props["type"] and props["label"]
        assert props["sources"] == len(props["articles"]) >= 1
        assert props["date"] == (props["dates"][0] if props["dates"] else None)
    # longitude first: each point is the one its place carries in the graph
    points = {r["place"].value: (float(r["lon"].value), float(r["lat"].value)) for r in sparql(sample_store, """
        SELECT ?place ?lat ?lon WHERE { ?place schema:geo ?g . ?g schema:latitude ?lat ; schema:longitude ?lon }""")}
    for feature in features:
        assert tuple(feature["geometry"]["coordinates"]) == points[feature["properties"]["place"]]
    (row,) = sparql(sample_store, """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
        ?e a sem:Event ; sem:hasPlace ?p . ?p schema:geo ?g }""")
    assert len({f["properties"]["iri"] for f in features}) == int(row["n"].value)


def test_events_geojson_is_deterministic(sample_out, tmp_path):
    build([SAMPLES], tmp_path, Settings())
    assert (tmp_path / "events.geojson").read_bytes() == (sample_out / "events.geojson").read_bytes()


def test_an_empty_map_is_still_valid_geojson():
    assert json.loads(geojson_text([])) == {"type": "FeatureCollection", "features": []}


def test_entities_table_has_the_coordinates(sample_out):
    with (sample_out / "tables" / "entities.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    located = [r for r in rows if r["latitude"]]
    assert located and all(r["kind"] in ("Place", "Country") and r["longitude"] for r in located)
    ukraine = next((r for r in rows if r["iri"].endswith("/country/ukraine")), None)
    if ukraine is not None:
        assert (float(ukraine["latitude"]), float(ukraine["longitude"])) == pytest.approx((50.45466, 30.5238))
    assert all(not r["latitude"] for r in rows if r["kind"] == "Person")
