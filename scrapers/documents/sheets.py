"""Spreadsheets: XLSX by openpyxl (read-only, cached values), XLS by xlrd; a cap on the cells read."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable, Iterable

from scrapers.documents.cells import Sheet, cell_text, workbook_text
from scrapers.documents.model import Document

# Cells read per workbook (empty ones included, at least one per row): a huge sheet gives its
# first rows and the status "truncated".
MAX_CELLS = 100_000
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"')


def _column(letters: bytes) -> int:
    """0-based index of a column name (b"A" is 0, b"AA" is 26)."""
    index = 0
    for char in letters:
        index = index * 26 + char - 64
    return index - 1


def xlsx_merged(stream: io.IOBase, chunk: int = 1 << 20) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a sheet's XML (0-based rlo, rhi, clo, chi, ends excluded), read in chunks."""
    found = []
    tail = b""
    while True:
        block = stream.read(chunk)
        if not block:
            break
        data = tail + block
        last = 0
        for match in _MERGE.finditer(data):
            c1, r1, c2, r2 = match.groups()
            found.append((int(r1) - 1, int(r2), _column(c1), _column(c2) + 1))
            last = match.end()
        tail = data[max(last, len(data) - 200):]
    return found


def _finish(sheets: list[Sheet], total: int, kind: str, extractor: str, size: int, max_cells: int) -> Document:
    """The Document of the sheets read out of ``total`` (status "truncated" when the cap cut them)."""
    text = workbook_text(sheets)
    if not text:
        return Document(type=kind, status="failed", reason="the spreadsheet contains no values",
                        extractor=extractor, size=size)
    status, reason = "ok", ""
    cut = next((s for s in sheets if s.truncated), None)
    if cut is not None:
        status = "truncated"
        rows = sum(len(s.rows) for s in sheets)
        reason = f"only the first {rows} rows ({max_cells} cells) were read; sheet {cut.name!r} is cut short"
        if total > len(sheets):
            reason += f" and {total - len(sheets)} later sheet(s) were not read"
    # No official-document fields: a sheet's title rows and column heads read as an agency and a
    # signer to the header/footer parser, so its fields would be wrong more often than right.
    return Document(text=text, pages=None, type=kind, status=status, reason=reason, extractor=extractor, size=size)


def _read_rows(rows: Iterable[Iterable[object]], budget: list[int], sheet: Sheet,
               to_text: Callable[[object], str]) -> None:
    """Append rows of cell texts to ``sheet`` until the shared cell budget (one-item list) runs out."""
    for row in rows:
        cells = list(row)
        budget[0] -= max(1, len(cells))
        if budget[0] < 0:
            sheet.truncated = True
            return
        sheet.rows.append([to_text(c) for c in cells])


def read_xlsx(data: bytes, *, max_cells: int = MAX_CELLS) -> Document:
    """A Document from XLSX bytes: each sheet's cached values as rows of text (never raises)."""
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on broken files
        return Document.failed(f"damaged XLSX: {type(exc).__name__}: {exc}", type="xlsx", size=len(data))
    sheets: list[Sheet] = []
    budget = [max_cells]
    total = len(book.worksheets)
    try:
        for worksheet in book.worksheets:
            sheet = Sheet(worksheet.title)
            sheets.append(sheet)
            if budget[0] <= 0:
                sheet.truncated = True
                break
            worksheet.reset_dimensions()  # a wrong <dimension> must not pad every row
            _read_rows(worksheet.iter_rows(), budget, sheet,
                       lambda c: cell_text(getattr(c, "value", None), getattr(c, "number_format", None)))
            try:
                with worksheet._get_source() as source:  # read-only sheets do not expose merged cells
                    sheet.merged = xlsx_merged(source)
            except Exception:  # noqa: BLE001 - merged ranges are a nicety
                sheet.merged = []
            if sheet.truncated:
                break
    except Exception as exc:  # noqa: BLE001
        if not any(s.rows for s in sheets):
            return Document.failed(f"damaged XLSX: {type(exc).__name__}: {exc}", type="xlsx", size=len(data))
        sheets[-1].truncated = True
    finally:
        book.close()
    return _finish(sheets, total, "xlsx", "openpyxl", len(data), max_cells)


def _open_xls(data: bytes) -> object:
    import xlrd

    try:
        return xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO())
    except NotImplementedError:  # formatting_info is not supported for this file
        return xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())


def read_xls(data: bytes, *, max_cells: int = MAX_CELLS) -> Document:
    """A Document from Excel 97-2003 bytes through xlrd (never raises)."""
    import xlrd

    try:
        book = _open_xls(data)
    except Exception as exc:  # noqa: BLE001 - xlrd raises XLRDError, CompDocError, struct errors...
        message = str(exc)
        if "encrypt" in message.lower():
            return Document.failed("encrypted XLS: a password is needed to open it", type="xls", size=len(data))
        return Document.failed(f"damaged XLS: {type(exc).__name__}: {message}", type="xls", size=len(data))
    sheets: list[Sheet] = []
    budget = [max_cells]
    total = book.nsheets  # type: ignore[attr-defined]
    try:
        formats = getattr(book, "format_map", {}) or {}
        xfs = getattr(book, "xf_list", []) or []

        def to_text(cell: object) -> str:
            kind, value = cell.ctype, cell.value  # type: ignore[attr-defined]
            if kind == xlrd.XL_CELL_DATE:
                try:
                    return cell_text(xlrd.xldate.xldate_as_datetime(value, book.datemode))  # type: ignore[attr-defined]
                except Exception:  # noqa: BLE001 - a date out of range stays a number
                    return cell_text(value)
            if kind == xlrd.XL_CELL_NUMBER:
                index = cell.xf_index  # type: ignore[attr-defined]
                key = xfs[index].format_key if index is not None and index < len(xfs) else None
                fmt = formats[key].format_str if key in formats else None
                return cell_text(value, fmt)
            if kind == xlrd.XL_CELL_BOOLEAN:
                return cell_text(bool(value))
            if kind == xlrd.XL_CELL_ERROR:
                return xlrd.error_text_from_code.get(value, "#ERR")
            return cell_text(value if kind == xlrd.XL_CELL_TEXT else None)

        for index in range(book.nsheets):  # type: ignore[attr-defined]
            worksheet = book.sheet_by_index(index)  # type: ignore[attr-defined]
            sheet = Sheet(worksheet.name, merged=list(getattr(worksheet, "merged_cells", []) or []))
            sheets.append(sheet)
            if budget[0] <= 0:
                sheet.truncated = True
                break
            _read_rows((worksheet.row(r) for r in range(worksheet.nrows)), budget, sheet, to_text)
            book.unload_sheet(index)  # type: ignore[attr-defined]
            if sheet.truncated:
                break
    except Exception as exc:  # noqa: BLE001
        if not any(s.rows for s in sheets):
            return Document.failed(f"damaged XLS: {type(exc).__name__}: {exc}", type="xls", size=len(data))
        sheets[-1].truncated = True
    finally:
        book.release_resources()  # type: ignore[attr-defined]
    return _finish(sheets, total, "xls", "xlrd", len(data), max_cells)
