"""RDF classes of an entity, from its kind and what the gazetteer knows of it."""

from __future__ import annotations

import pyoxigraph as ox

from kg.graph.terms import O_KGO as KGO
from kg.graph.terms import O_SCHEMA as SCHEMA
from kg.nlp.mention import COUNTRY, ORGANIZATION, PERSON, PLACE, WEAPON

_BY_KIND: dict[str, tuple[ox.NamedNode, ...]] = {
    PERSON: (SCHEMA.Person,),
    ORGANIZATION: (SCHEMA.Organization,),
    COUNTRY: (SCHEMA.Country,),
    PLACE: (SCHEMA.Place,),
    WEAPON: (SCHEMA.Product, KGO.WeaponType),
}
_BY_GAZETTEER_KIND: dict[str, tuple[ox.NamedNode, ...]] = {
    "city": (SCHEMA.City,),
    "region": (KGO.Region,),  # seas and areas too (Black Sea, Donbas): not all administrative
    "landmark": (SCHEMA.LandmarksOrHistoricalBuildings, KGO.Landmark),
    "government": (SCHEMA.GovernmentOrganization, KGO.Government),
    "media": (SCHEMA.NewsMediaOrganization, KGO.MediaOutlet),
    "platform": (KGO.Platform,),
    "equipment": (KGO.Equipment,),
}


def entity_types(kind: str, gazetteer_kind: str | None) -> tuple[ox.NamedNode, ...]:
    """Standard schema.org class first, then the finer project classes; always kgo:Entity."""
    types = _BY_KIND[kind] + _BY_GAZETTEER_KIND.get(gazetteer_kind or "", ())
    if gazetteer_kind == "equipment":
        types = tuple(t for t in types if t != KGO.WeaponType)
    return types + (KGO.Entity,)
