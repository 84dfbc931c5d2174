"""A SPARQL query's shape: its text with the constants blanked, so that queries that differ only in
a name, a date or a number share one (`kg serve` remembers the shapes that ran past their budget)."""

from __future__ import annotations

import re

# What varies between queries of one shape: literals, IRIs, numbers; comments are dropped.
_CONSTANT = re.compile(r'''"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\''''
                       r'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>|#[^\n]*'''
                       r'''|(?<![\w?$])[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?\b''')


def query_shape(query: str) -> str:
    """The query with its constants blanked and its spacing normalised: queries that differ only
    in a name, a date or a number are taken to cost alike (as pg_stat_statements does)."""
    blanked = _CONSTANT.sub(lambda m: " " if m.group().startswith("#") else "?", query)
    return " ".join(blanked.split())
