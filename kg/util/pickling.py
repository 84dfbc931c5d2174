"""Faster unpickling of frozen, slotted dataclasses.

`dataclasses` gives a frozen slotted class a `__setstate__` that calls `fields()` for every object
unpickled (a third of the time of reading back a stored article's extraction, kg.nlp.packed and the
`--store` cache). `quick_unpickling` replaces it with one that sets the slots through their
descriptors, in the order `dataclasses`' own `__getstate__` lists them, so pickles written before
and after are read alike.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TypeVar

T = TypeVar("T", bound=type)


def quick_unpickling(cls: T) -> T:
    """Decorate a class made by `@dataclass(frozen=True, slots=True)` (apply it outside)."""
    setters = tuple(getattr(cls, f.name).__set__ for f in fields(cls))

    def __setstate__(self, state) -> None:
        for setter, value in zip(setters, state):
            setter(self, value)

    cls.__setstate__ = __setstate__  # type: ignore[attr-defined]
    return cls
