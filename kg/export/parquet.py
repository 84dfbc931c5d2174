"""A table written to Parquet as its rows stream (kg.export.tables): all columns strings, as in
the CSV, a row group at a time; nothing is written when pyarrow is not installed (it is an extra:
`pip install 'kg-events[tables]'`)."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

from kg.export.atomic import atomic_path


class ParquetRows:
    """The same table as Parquet (all columns strings, as in the CSV) when pyarrow is installed,
    written a row group of `GROUP_ROWS` rows at a time (one group for smaller tables, as before)."""

    GROUP_ROWS = 65_536

    def __init__(self, path: Path, header: tuple[str, ...]):
        self._path, self._header = path, header
        self._files = ExitStack()  # the file appears, complete, only when the table is (kg.export.atomic)
        self._rows: list[list[str]] = []
        self._writer: Any = None
        self._groups = 0

    def __enter__(self) -> ParquetRows:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            return self
        self._pa, self._schema = pa, pa.schema([(h, pa.string()) for h in self._header])
        temporary = self._files.enter_context(atomic_path(self._path))
        self._writer = pq.ParquetWriter(temporary, self._schema)
        return self

    def add(self, row: list[str]) -> None:
        if self._writer is not None:
            self._rows.append(row)
            if len(self._rows) == self.GROUP_ROWS:
                self._flush()

    def _flush(self) -> None:
        # the columns in malloc's memory, given back once written: pyarrow's default pool kept it
        # (the tables' step of a 6,000-article build ended 45 MB higher)
        pool = self._pa.system_memory_pool()
        columns = [self._pa.array([row[i] for row in self._rows], self._pa.string(), memory_pool=pool)
                   for i in range(len(self._header))]
        table = self._pa.Table.from_arrays(columns, schema=self._schema)
        self._writer.write_table(table, row_group_size=self.GROUP_ROWS)
        self._rows, self._groups = [], self._groups + 1

    def __exit__(self, kind, error, trace) -> None:
        if self._writer is None:
            return
        try:
            if kind is None and (self._rows or not self._groups):  # an empty table is one empty group, as before
                self._flush()
            self._writer.close()
        except BaseException as failure:
            self._files.__exit__(type(failure), failure, failure.__traceback__)  # the temporary file removed
            raise
        self._files.__exit__(kind, error, trace)  # renamed into place, or removed if the table failed
