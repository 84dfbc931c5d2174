"""Scale the sample articles to N articles (JSONL) for the benchmarks, deterministically from a seed.

    .venv/bin/python benchmarks/generate_corpus.py -n 10000 -o out/bench/corpus-10000.jsonl [--seed 1]

The four articles in samples/ (read with kg.ingest.read_inputs, so the text is the cleaned body
that `kg build` sees) tell one story from four outlets. The generator writes N/4 "stories", each
the four templates rewritten with one substitution drawn for that story, so articles about the
same story share people, places and numbers (what the resolver has to merge), while different
stories bring new ones (so the graph grows as a real corpus does):

- people: the five invented officials get new invented first and last names from pools (gendered
  as in the samples, so "she"/"he" still fit); the second spelling of the governor's surname
  ("Hrytsenko"/"Gritsenko") becomes a transliteration variant of the new surname;
- the attacked city (Odesa/Odessa/ODESA) becomes a real city from kg/data/gazetteer.json
  (population >= 150,000, ASCII name that names nothing else in the gazetteer), its second spelling
  an alias from the gazetteer when it has one; the author of the HTML page gets a new name;
- dates: the publication dates move by a whole number of weeks (so "on Wednesday" stays right);
- numbers: drones launched and shot down, tonnes of wheat, the aid amount and the package's
  sequence number are redrawn per story; publishers and URLs are varied.

Volodymyr Zelensky, the countries, Moscow, Kyiv, Washington, the Black Sea and Crimea are left as
they are: a real corpus keeps coming back to the same main actors.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from datetime import date, timedelta
from pathlib import Path

from kg.ingest import Article, read_inputs
from kg.nlp.gazetteer import Gazetteer, normalise

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"

FEMALE_FIRST = ("Oksana", "Irina", "Olena", "Natalia", "Svitlana", "Halyna", "Marta", "Larysa", "Yulia", "Tetiana",
                "Anna", "Daria", "Sofia", "Kateryna", "Ludmila", "Vera", "Nadia", "Alina", "Zoya", "Inna",
                "Helen", "Sarah", "Rachel", "Laura", "Margaret", "Claire", "Fiona", "Joanna", "Ruth", "Emily")
MALE_FIRST = ("Taras", "Mykola", "Daniel", "Andriy", "Oleh", "Serhiy", "Bohdan", "Petro", "Yurii", "Vasyl",
              "Dmytro", "Ivan", "Roman", "Pavlo", "Stepan", "Ostap", "Maksym", "Hryhoriy", "Viktor", "Artem",
              "Michael", "Thomas", "Robert", "Edward", "Peter", "Gregory", "Samuel", "Jonathan", "Martin", "Owen")
# Invented surnames; the -a forms are the feminine of the -ov/-in ones.
SLAVIC_LAST = ("Hrytsenko", "Melnyk", "Bondar", "Kovalchuk", "Tkachenko", "Savchuk", "Hnatyuk", "Yarmolenko",
               "Danylyuk", "Korniyenko", "Levchuk", "Moroz", "Shevchuk", "Pylypenko", "Rudenko", "Hordiyenko",
               "Kravets", "Lysenko", "Ostapchuk", "Prykhodko", "Zhuravel", "Holub", "Sydorenko", "Hutsal",
               "Vakulenko", "Horbach", "Yatsenko", "Klymchuk", "Boyko", "Fedoryshyn", "Harasym", "Chornyi",
               "Dovzhenko", "Marchuk", "Nazarenko", "Hlushko", "Yavorskyi", "Kushnir", "Tymoshchuk", "Hrebeniuk")
RUSSIAN_LAST = ("Volkov", "Sokolov", "Orlov", "Belov", "Zaitsev", "Lebedev", "Gusev", "Kiselev", "Medvedev",
                "Nikitin", "Zhukov", "Vorobyov", "Tarasov", "Frolov", "Morozov", "Kuzmin", "Sorokin", "Kotov")
ENGLISH_LAST = ("Whitfield", "Marsh", "Hargrove", "Pemberton", "Ashdown", "Caldwell", "Ellery", "Fairbank",
                "Holloway", "Kingsley", "Lockhart", "Merriweather", "Northcott", "Radley", "Standish", "Thornbury",
                "Wakefield", "Yardley", "Ashcombe", "Brampton", "Dunmore", "Galloway", "Hensley", "Linford")
PUBLISHERS = ("Harbour Daily", "Eastern Wire Service", "Capital Defence Brief", "Black Sea Courier", "Morning Ledger",
              "Coastal Gazette", "Danube Observer", "Northern Dispatch", "Evening Standard Wire", "Global Affairs Desk",
              "Continental Press", "Baltic Herald", "Frontline Review", "Atlantic Monitor", "Steppe News Agency")
# What is replaced in each template: the sample name -> (role in the story, spelling variant?)
PEOPLE = {  # sample full name -> (first-name pool, surname pool, feminine surname)
    "Oksana Hrytsenko": (FEMALE_FIRST, SLAVIC_LAST, False),
    "Taras Melnyk": (MALE_FIRST, SLAVIC_LAST, False),
    "Irina Volkova": (FEMALE_FIRST, RUSSIAN_LAST, True),
    "Daniel Whitfield": (MALE_FIRST, ENGLISH_LAST, False),
    "Mykola Bondar": (MALE_FIRST, SLAVIC_LAST, False),
    "Helen Marsh": (FEMALE_FIRST, ENGLISH_LAST, False),
}
ORDINAL = {1: "st", 2: "nd", 3: "rd"}


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else ORDINAL.get(n % 10, 'th')}"


def variant_spelling(surname: str) -> str:
    """A transliteration variant, as "Hrytsenko" -> "Gritsenko"."""
    out = re.sub(r"^H", "G", surname)
    out = out.replace("y", "i").replace("kh", "h").replace("yi", "iy")
    return out if out != surname else surname + "a" if surname.endswith("k") else surname.replace("o", "a", 1)


def _unique_names(gazetteer: Gazetteer) -> set[str]:
    counts: dict[str, int] = {}
    for entry in gazetteer.entries():
        for name in {normalise(n) for n in entry.names}:
            counts[name] = counts.get(name, 0) + 1
    return {name for name, n in counts.items() if n == 1}


def cities(gazetteer: Gazetteer) -> list[tuple[str, str]]:
    unique = _unique_names(gazetteer)
    pool = []
    for entry in gazetteer.entries():
        if entry.kind != "city" or (entry.population or 0) < 150_000 or not entry.label.isascii():
            continue
        if entry.label in ("Odesa", "Kyiv", "Moscow", "Washington") or normalise(entry.label) not in unique:
            continue
        if " " in entry.label and not all(w[:1].isupper() for w in entry.label.split()):
            continue
        aliases = [a for a in entry.aliases if a.isascii() and normalise(a) in unique and normalise(a) != normalise(entry.label)]
        pool.append((entry.label, aliases[0] if aliases else entry.label))
    return sorted(set(pool))


class Story:
    """One draw of every substitution, shared by the four articles of a story."""

    def __init__(self, rng: random.Random, number: int, city_list: list[tuple[str, str]]):
        self.number = number
        used: set[str] = set()
        self.people: dict[str, tuple[str, str]] = {}
        for sample, (firsts, lasts, feminine) in PEOPLE.items():
            while True:
                first, last = rng.choice(firsts), rng.choice(lasts)
                if feminine:
                    last = last + "a"
                if last not in used:
                    break
            used.add(last)
            self.people[sample] = (first, last)
        self.city, self.city_variant = rng.choice(city_list)
        self.weeks = rng.randint(-150, 150)
        self.launched = rng.randint(12, 95)
        self.downed = rng.randint(max(1, self.launched // 2), self.launched - 1)
        self.tonnes = rng.randrange(500, 20_000, 250)
        self.million = rng.randrange(50, 1_000, 25)
        self.sequence = rng.randint(2, 40)
        self.publishers = rng.sample(PUBLISHERS, 4)

    def rewrite(self, text: str) -> str:
        if not hasattr(self, "_pattern"):
            self._pattern, self._table = self._substitutions()
        return self._pattern.sub(lambda m: self._table[m.group(0)], text)

    def _substitutions(self) -> tuple[re.Pattern[str], dict[str, str]]:
        subs: list[tuple[str, str]] = []
        for sample, (first, last) in self.people.items():
            s_first, s_last = sample.split()
            subs += [(sample, f"{first} {last}"), (s_last, last)]
            if s_last == "Hrytsenko":
                subs += [(f"{s_first} Gritsenko", f"{first} {variant_spelling(last)}"), ("Gritsenko", variant_spelling(last))]
        subs += [("ODESA", self.city.upper()), ("Odessa", self.city_variant), ("Odesa", self.city),
                 ("38 Shahed-136", f"{self.launched} Shahed-136"), ("31 of the drones", f"{self.downed} of the drones"),
                 ("4,000 tonnes", f"{self.tonnes:,} tonnes"), ("$150 million", f"${self.million} million"),
                 ("12th package", f"{ordinal(self.sequence)} package")]
        pattern = re.compile("|".join(rf"(?<!\w){re.escape(a)}(?!\w)" for a, _ in sorted(subs, key=lambda s: -len(s[0]))))
        return pattern, dict(subs)

    def published(self, article: Article, default: str = "2026-03-11") -> str:
        day = date.fromisoformat((article.published or default)[:10]) + timedelta(weeks=self.weeks)
        return day.isoformat() + (article.published[10:] if article.published else "")


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def templates(samples: Path = SAMPLES) -> list[Article]:
    read = read_inputs([samples])
    if not read.articles:
        raise SystemExit(f"no sample article could be read from {samples}")
    return list(read.articles)


def generate(n: int, seed: int = 1, samples: Path = SAMPLES):
    """Yield n JSONL records (dicts): story by story, the templates in a fixed order."""
    rng = random.Random(seed)
    bases = templates(samples)
    city_list = cities(Gazetteer.load())
    produced, number = 0, 0
    while produced < n:
        story = Story(rng, number, city_list)
        for index, base in enumerate(bases):
            if produced >= n:
                break
            publisher = story.publishers[index]
            published = story.published(base)
            title = story.rewrite(base.title or base.text.split("\n", 1)[0])
            key = f"s{number:06d}-{base.key}"
            yield {"id": key, "title": title, "published": published, "publisher": publisher,
                   "url": f"https://example.org/{_slug(publisher)}/{published[:10].replace('-', '/')}/{_slug(title)[:60]}",
                   "text": story.rewrite(base.text)}
            produced += 1
        number += 1


def write_corpus(path: Path, n: int, seed: int = 1, samples: Path = SAMPLES) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        for record in generate(n, seed, samples):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="articles to write (default 1000)")
    parser.add_argument("-o", "--out", type=Path, required=True, help="JSONL file to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--samples", type=Path, default=SAMPLES, help="folder of template articles (default samples/)")
    args = parser.parse_args()
    write_corpus(args.out, args.n, args.seed, args.samples)
    print(f"wrote {args.n} articles to {args.out}")


if __name__ == "__main__":
    main()
