"""Which aid-package mentions are the same package, across articles: funder + time + amount.

One funder's package is often told with different amounts by different sources (the president's
"$500 million", the ministry's "$460 million", "up to 700 mln euros" beside "nearly $768 million"),
while the same funder announces packages of one amount months apart. So mentions of one funder are
clustered by their day (the date the amount's sentence gives, else the article's publication date):
a mention joins a package of the same funder announced within `SAME_PACKAGE_DAYS` of it whose
amounts are compatible (another currency, or the same one within `AMOUNT_RATIO`); otherwise it is a
package of its own. A mention without a funder is never merged across articles. Decided from the
set of mentions alone (they are sorted first), so input order changes nothing. Keys carry the
package's first day: "grant/2023-02-20-country-united-states-500000000-usd".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.util.slug import slugify

SAME_PACKAGE_DAYS = 1
AMOUNT_RATIO = 1.25  # "$460 million" and "$500 million" for one package; "$200 million" is another


@dataclass(frozen=True, slots=True)
class GrantSighting:
    article_key: str
    index: int  # in the article's grants
    funder: str | None  # entity key
    amount: int
    currency: str
    day: dt.date | None  # the amount's own date, else the article's publication date


def grant_sighting(article_key: str, index: int, funder: str | None, amount: int, currency: str,
                   grant_date: str | None, published: str | None) -> GrantSighting:
    return GrantSighting(article_key, index, funder, amount, currency, _as_day(grant_date) or _as_day(published))


def _as_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value and len(value) >= 10 else None
    except ValueError:
        return None


@dataclass
class _Package:
    first: GrantSighting
    days: list[dt.date] = field(default_factory=list)
    amounts: set[tuple[int, str]] = field(default_factory=set)

    def admits(self, s: GrantSighting) -> bool:
        if s.day is not None and self.days and min(abs((s.day - d).days) for d in self.days) > SAME_PACKAGE_DAYS:
            return False
        if (s.day is None) != (not self.days):  # a dated and an undated mention: nothing says they meet
            return False
        same_currency = [amount for amount, currency in self.amounts if currency == s.currency]
        return all(max(a, s.amount) <= AMOUNT_RATIO * min(a, s.amount) for a in same_currency)

    def add(self, s: GrantSighting) -> None:
        self.days += [s.day] if s.day else []
        self.amounts.add((s.amount, s.currency))

    @property
    def key(self) -> str:
        s = self.first
        name = f"{(s.funder or 'unknown').replace('/', '-')}-{s.amount}-{s.currency.lower()}"
        if s.funder is None:  # never merged across articles
            name += f"-in-{slugify(s.article_key)}"
        return f"grant/{s.day.isoformat()}-{name}" if s.day is not None else f"grant/{name}"


def grant_identities(sightings: Iterable[GrantSighting]) -> dict[tuple[str, int], str]:
    """The key of every aid-package mention: (article key, index) -> "grant/DAY-FUNDER-AMOUNT-CURRENCY"."""
    by_funder: dict[str, list[GrantSighting]] = defaultdict(list)
    for s in sightings:
        by_funder[s.funder or f"unknown in {s.article_key}"].append(s)
    keys: dict[tuple[str, int], str] = {}
    for group in by_funder.values():
        packages: list[_Package] = []
        for s in sorted(group, key=lambda s: (s.day or dt.date.min, s.amount, s.currency, s.article_key, s.index)):
            package = next((p for p in packages if p.admits(s)), None)
            if package is None:
                package = _Package(s)
                packages.append(package)
            package.add(s)
            keys[(s.article_key, s.index)] = package.key
    return keys
