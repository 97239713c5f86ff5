"""The downloadable import templates: a header row and an example row, from the columns."""

from passerelles.opendata.tables.reader import Column


def template_rows(columns: tuple[Column, ...] | list[Column]) -> tuple[list[str], list[str]]:
    return [c.name for c in columns], [str(c.example) for c in columns]
