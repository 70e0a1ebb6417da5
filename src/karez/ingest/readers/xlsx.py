"""XLSX: several sheets, merged cells, and a defended door.

An XLSX is a zip of XML files, so before any XML parser sees it karez refuses what is not a
complete zip, an encrypted workbook (an OLE container), a zip that would inflate past the
configured limit (a zip bomb), and XML with a document type declaration (the door for external
entities). Python's zipfile never inflates a member past its declared size, so checking the
declared sizes bounds what is inflated. openpyxl itself parses with defusedxml when installed.
"""

from __future__ import annotations

import re
import zipfile
from typing import Any

from karez import settings
from karez.errors import SourceError
from karez.ingest.readers.base import (
    RawTable,
    ReadContext,
    check_headers,
    header_names,
    load_rows,
    reader,
)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def check_container(context: ReadContext) -> None:
    """Refuse encrypted, truncated, bomb-like or entity-bearing workbooks before parsing."""
    name = context.display_name
    with context.path.open("rb") as handle:
        magic = handle.read(8)
    if magic == OLE_MAGIC:
        raise SourceError(
            "the workbook is password-protected (encrypted) or a legacy .xls file",
            file=name,
            hint="karez does not break passwords: open it with the password, save an unprotected .xlsx "
            "copy, add that copy as a new source and note where it came from",
        )
    limit = int(settings.get("max_inflate_bytes"))
    ratio_limit = int(settings.get("max_xlsx_ratio"))
    try:
        with zipfile.ZipFile(context.path) as archive:
            members = archive.infolist()
            total = sum(m.file_size for m in members)
            if total > limit:
                raise SourceError(
                    f"the workbook would inflate to {total:,} bytes, over the limit of {limit:,} "
                    "(a zip bomb, or a very large sheet)",
                    file=name,
                    hint="raise KAREZ_MAX_INFLATE_BYTES only if you trust this file",
                )
            for member in members:
                if member.compress_size and member.file_size > 1 << 20:
                    ratio = member.file_size / member.compress_size
                    if ratio > ratio_limit:
                        raise SourceError(
                            f"member {member.filename} would inflate {ratio:,.0f} times (limit {ratio_limit}): "
                            "a zip bomb",
                            file=name,
                            hint="raise KAREZ_MAX_XLSX_RATIO only if you trust this file",
                        )
            for member in members:
                if member.filename.endswith((".xml", ".rels", ".vml")):
                    with archive.open(member) as xml:
                        head = xml.read(64 * 1024)
                    if DOCTYPE.search(head):
                        raise SourceError(
                            f"{member.filename} declares an XML document type or entity; karez refuses to "
                            "read it (external entities can leak files or hang the reader)",
                            file=name,
                            hint="open the workbook in a spreadsheet program, save a clean copy and add that",
                        )
            bad = archive.testzip()
            if bad is not None:
                raise SourceError(f"member {bad} is damaged (checksum mismatch)", file=name)
    except zipfile.BadZipFile as error:
        raise SourceError(
            f"not a complete XLSX (zip) file: {error}",
            file=name,
            hint="the file may be truncated; ask the source for a complete copy",
        ) from error
    except (EOFError, OSError) as error:
        raise SourceError(f"the workbook cannot be read: {error}", file=name, hint="the file may be truncated") from error


def _fill_merged(sheet: Any) -> None:
    """Copy each merged range's top-left value into every cell of the range (how a reader sees it)."""
    for merged in list(sheet.merged_cells.ranges):
        value = sheet.cell(merged.min_row, merged.min_col).value
        sheet.unmerge_cells(str(merged))
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                sheet.cell(row, col).value = value


@reader("xlsx")
def read_xlsx(context: ReadContext) -> list[RawTable]:
    import openpyxl

    check_container(context)
    try:
        # A file object, since openpyxl judges a path by its extension and vault files have none.
        with context.path.open("rb") as handle:
            workbook = openpyxl.load_workbook(handle, read_only=False, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on damaged input
        raise SourceError(f"the workbook cannot be opened: {error}", file=context.display_name) from error
    options = context.options
    wanted = options.sheet
    if wanted is None:
        sheets = list(workbook.worksheets)
    elif isinstance(wanted, int):
        if wanted >= len(workbook.worksheets):
            raise SourceError(f"there is no sheet number {wanted} (the workbook has {len(workbook.worksheets)})", file=context.display_name)
        sheets = [workbook.worksheets[wanted]]
    else:
        if wanted not in workbook.sheetnames:
            raise SourceError(
                f"there is no sheet {wanted!r}; sheets: {', '.join(workbook.sheetnames)}", file=context.display_name
            )
        sheets = [workbook[wanted]]
    tables: list[RawTable] = []
    header_row = options.header_row
    skipped: list[str] = []
    for sheet in sheets:
        _fill_merged(sheet)
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        if len(rows) < header_row or not any(v is not None for v in rows[header_row - 1]):
            skipped.append(sheet.title)
            continue
        raw_headers = rows[header_row - 1]
        # Trailing empty columns are formatting, not data.
        while raw_headers and raw_headers[-1] is None:
            raw_headers = raw_headers[:-1]
        headers = check_headers(raw_headers, file=context.display_name, sheet=sheet.title, row=header_row)
        headers = header_names(context, headers, sheet=sheet.title, row=header_row)
        if wanted is None and context.columns_wanted and not context.columns_wanted.intersection(headers):
            skipped.append(sheet.title)  # e.g. a notes sheet: none of the mapped columns
            continue
        data, locators = [], []
        for offset, values in enumerate(rows[header_row:], start=header_row + 1):
            if len([v for v in values[len(headers):] if v is not None]):
                raise SourceError(
                    "the row has values beyond the last headed column",
                    file=context.display_name,
                    sheet=sheet.title,
                    row=offset,
                    hint="name the extra columns with source.header_names",
                )
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            data.append(values[: len(headers)])
            locators.append((sheet.title, None, None, offset))
        if not data:
            skipped.append(sheet.title)
            continue
        table = load_rows(context, len(tables), headers, data, locators, sheet=sheet.title)
        tables.append(table)
    if not tables:
        raise SourceError(
            "no sheet has data rows under a header" + (f" (looked at: {', '.join(skipped)})" if skipped else ""),
            file=context.display_name,
            hint="set source.sheet and source.header_row in the mapping",
        )
    return tables
