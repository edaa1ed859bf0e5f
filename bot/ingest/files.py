"""Comtrade data downloaded by hand from the website, for servers without internet.

``read_comtrade_file(path)`` reads a CSV or JSON file saved from comtradeplus.un.org (or from
the API in a browser) into the same :class:`ComtradeRow` list the client returns. The website's
CSV has the API's camelCase column headers (``reporterCode``, ``flowCode``, ``period``,
``refYear``, ``refMonth``, ``cmdCode``, ``aggrLevel``, ``primaryValue``, …); JSON may be the
API's envelope ``{"count": N, "data": [...], "error": ""}`` or a bare list of rows.

A problem raises :class:`ComtradeFileError`, one line naming the file, the row and the field,
e.g. ``kz-2024.csv, row 3, field 'primaryValue': Input should be a valid number``. CSV rows are
counted as a spreadsheet shows them (the header is row 1); JSON rows from 1.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.ingest.rows import ComtradeRow, first_error

# Columns a row cannot do without; the model's other fields are optional.
_REQUIRED = (
    "reporterCode",
    "partnerCode",
    "flowCode",
    "period",
    "refYear",
    "refMonth",
    "cmdCode",
    "primaryValue",
)
_KNOWN = {
    name.lower(): name
    for name in (*_REQUIRED, "aggrLevel", "partner2Code", "customsCode", "motCode", "freqCode")
}


class ComtradeFileError(Exception):
    """A downloaded file is unreadable or malformed. ``str()`` is one line."""

    def __init__(self, file: str, row: int | None, field: str | None, problem: str) -> None:
        self.file, self.row, self.field, self.problem = file, row, field, problem
        where = file
        if row is not None:
            where += f", row {row}"
        if field:
            where += f", field '{field}'"
        super().__init__(f"{where}: {problem}")


def read_comtrade_file(path: Path) -> list[ComtradeRow]:
    """The rows of a ``.csv`` or ``.json`` Comtrade download (by extension, else by content)."""
    shown = path.as_posix()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ComtradeFileError(shown, None, None, f"cannot read: {exc.strerror or exc}") from None
    text = _decode(raw)
    suffix = path.suffix.lower()
    if suffix == ".json" or (suffix != ".csv" and text.lstrip()[:1] in ("{", "[")):
        return _read_json(text, shown)
    return _read_csv(text, shown)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older website exports are Windows-1252; only names (not read here) use accents.
        return raw.decode("cp1252", errors="replace")


def _validate(raw: dict[str, Any], shown: str, row: int) -> ComtradeRow:
    try:
        return ComtradeRow.model_validate(raw)
    except ValidationError as exc:
        field, problem = first_error(exc)
        if field is None:  # a problem across fields (period vs refYear/refMonth)
            field = "period"
        raise ComtradeFileError(shown, row, field, problem) from None


def _read_json(text: str, shown: str) -> list[ComtradeRow]:
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise ComtradeFileError(shown, None, None, f"not valid JSON: {exc}") from None
    if isinstance(document, dict):
        if document.get("error"):
            raise ComtradeFileError(shown, None, "error", f"the file holds an error: {document['error']}")
        document = document.get("data")
    if not isinstance(document, list):
        raise ComtradeFileError(shown, None, "data", 'expected a list of rows, or {"data": [...]}')
    rows = []
    for index, raw in enumerate(document, start=1):
        if not isinstance(raw, dict):
            raise ComtradeFileError(shown, index, None, "expected an object with Comtrade's fields")
        rows.append(_validate(raw, shown, index))
    return rows


def _read_csv(text: str, shown: str) -> list[ComtradeRow]:
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ComtradeFileError(shown, None, None, "the file is empty") from None
    except csv.Error as exc:
        raise ComtradeFileError(shown, 1, None, f"not valid CSV: {exc}") from None
    # Known columns by name, whatever the case ("PrimaryValue" is primaryValue); others ignored.
    columns = {
        index: _KNOWN[name.strip().lower()]
        for index, name in enumerate(header)
        if name.strip().lower() in _KNOWN
    }
    missing = [name for name in _REQUIRED if name not in columns.values()]
    if missing:
        listed = ", ".join(f"'{name}'" for name in missing)
        raise ComtradeFileError(
            shown, 1, None, f"missing column(s) {listed}: is it a Comtrade data download?"
        )
    rows = []
    line = 1
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            # Empty cells are absent values; a required one is then reported as missing.
            raw = {name: record[i] for i, name in columns.items() if i < len(record) and record[i].strip()}
            rows.append(_validate(raw, shown, line))
    except csv.Error as exc:
        raise ComtradeFileError(shown, line + 1, None, f"not valid CSV: {exc}") from None
    return rows


__all__ = ["ComtradeFileError", "read_comtrade_file"]
