"""Tables inside PDFs (the Karakax List reached journalists as a PDF of a spreadsheet).

Each page's tables are extracted with pdfplumber. The first page's first row is the header;
on later pages a first row equal to it (a repeated header) is dropped. A row's locator is its
page, its table on the page and its row in that table, header counted.
"""

from __future__ import annotations

from karez.errors import SourceError
from karez.ingest.readers.base import (
    RawTable,
    ReadContext,
    check_headers,
    header_names,
    load_rows,
    reader,
)


def _norm(row: list[str | None]) -> list[str]:
    return ["".join((c or "").split()) for c in row]


@reader("pdf")
def read_pdf(context: ReadContext) -> list[RawTable]:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        document = pdfplumber.open(context.path)
    except (PDFSyntaxError, Exception) as error:  # pdfminer raises several kinds
        raise SourceError(f"not a readable PDF: {error}", file=context.display_name) from error
    headers: list[str] | None = None
    header_key: list[str] | None = None
    rows: list[list[str | None]] = []
    locators: list[tuple[str | None, int | None, int | None, int]] = []
    with document:
        pages = document.pages
        task = None
        if context.progress is not None:
            task = context.progress.add_task(f"reading {context.display_name}", total=len(pages))
        for page_number, page in enumerate(pages, 1):
            try:
                tables = page.extract_tables()
            except Exception as error:
                raise SourceError(f"the page cannot be read: {error}", file=context.display_name, page=page_number) from error
            for table_index, table in enumerate(tables):
                if not table:
                    continue
                start = 0
                if headers is None:
                    headers = check_headers(table[0], file=context.display_name, page=page_number, row=1)
                    headers = header_names(context, headers, page=page_number, row=1)
                    header_key = _norm(table[0])
                    start = 1
                elif _norm(table[0]) == header_key:
                    start = 1
                for offset, row in enumerate(table[start:], start=start + 1):
                    if all(c is None or not str(c).strip() for c in row):
                        continue
                    if len(row) != len(headers):
                        raise SourceError(
                            f"the table row has {len(row)} cells where the header has {len(headers)}",
                            file=context.display_name,
                            page=page_number,
                            row=offset,
                            hint="the page's table may be drawn differently; check it by eye",
                        )
                    rows.append(row)
                    locators.append((None, page_number, table_index, offset))
            if task is not None:
                context.progress.advance(task)
        page_count = len(pages)
    if headers is None:
        raise SourceError(
            f"no tables found on any of its {page_count} page(s)",
            file=context.display_name,
            hint="a scanned PDF needs OCR first; a PDF of prose has no table to ingest",
        )
    if not rows:
        raise SourceError("the tables have a header but no data rows", file=context.display_name)
    return [load_rows(context, 0, headers, rows, locators)]
