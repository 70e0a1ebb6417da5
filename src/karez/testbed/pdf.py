"""A PDF rendering of a table, the way leaked spreadsheets reach journalists as printouts.

reportlab draws the table with grid lines (so `pdfplumber`'s `extract_tables()` recovers it)
in the built-in CID font STSong-Light (no font file needed), the header repeated on every
page and a SYNTHETIC footer. Pages are laid out here, row by row, so that the page and row
of every table row is known exactly for the ground truth. `invariant=1` makes the bytes
depend on the content only.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

FONT = "STSong-Light"
FONT_SIZE = 6.5
LEADING = 8.0
PADDING = 2.0
# STSong-Light has no glyph pdfminer maps back for U+00B7, while U+30FB comes back as U+00B7:
# draw the middle dot as U+30FB so the printed name reads back as written.
DRAW = str.maketrans({"\u00b7": "\u30fb"})
# What text extraction returns for what was drawn (bullets and U+2027 vanish).
READ_BACK = str.maketrans({"\u30fb": "\u00b7", "\u2022": "", "\u2027": ""})
MAX_COLUMN = 170.0  # points; wider cells wrap (free text only: names and entries are sized to fit)


def read_back(text: str) -> str:
    """The text `extract_tables()` returns for `text` drawn by this module."""
    return text.translate(DRAW).translate(READ_BACK)


def render_table_pdf(path: Path, table: pd.DataFrame, footer: str) -> np.ndarray:
    """Write `table` to `path`; return (page, row_number) per table row, row_number counting
    the header of that page's table as 1."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A3, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    style = ParagraphStyle("cell", fontName=FONT, fontSize=FONT_SIZE, leading=LEADING, wordWrap="CJK")
    page_w, page_h = landscape(A3)
    margin = 24.0
    headers = list(table.columns)
    # Entries inside a cell are separated by "；": in print each goes on its own line.
    cells = [[str(v).translate(DRAW).replace("；", "；\n") for v in row] for row in table.itertuples(index=False)]

    def width(text: str) -> float:
        return max((pdfmetrics.stringWidth(line, FONT, FONT_SIZE) for line in text.split("\n")), default=0.0)

    widths = []
    for c, header in enumerate(headers):
        widest = max([width(header)] + [width(row[c]) for row in cells])
        wrap_ok = header in ("评价意见", "审核意见", "所在场所")
        widths.append(min(widest, MAX_COLUMN) + 2 * PADDING + 1 if wrap_ok else widest + 2 * PADDING + 1)
    scale = min(1.0, (page_w - 2 * margin) / sum(widths))
    widths = [w * scale for w in widths]

    def para(text: str) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    def row_height(row: list[str]) -> float:
        return max(para(t).wrap(w - 2 * PADDING, 10_000)[1] for t, w in zip(row, widths, strict=True)) + 2 * PADDING

    header_h = row_height(headers)
    usable = page_h - 2 * margin - 20
    pages: list[list[int]] = [[]]
    used = header_h
    for i, row in enumerate(cells):
        h = row_height(row)
        if pages[-1] and used + h > usable:
            pages.append([])
            used = header_h
        pages[-1].append(i)
        used += h
    located = np.zeros((len(cells), 2), dtype=np.int64)
    canvas = Canvas(str(path), pagesize=(page_w, page_h), invariant=1)
    canvas.setTitle("SYNTHETIC")
    canvas.setSubject(footer)
    canvas.setAuthor("karez testbed")
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                       ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("LEFTPADDING", (0, 0), (-1, -1), PADDING), ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
                       ("TOPPADDING", (0, 0), (-1, -1), PADDING), ("BOTTOMPADDING", (0, 0), (-1, -1), PADDING)])
    for number, members in enumerate(pages, 1):
        data = [[para(h) for h in headers]] + [[para(t) for t in cells[i]] for i in members]
        flow = Table(data, colWidths=widths, style=grid)
        _, h = flow.wrapOn(canvas, page_w, page_h)
        flow.drawOn(canvas, margin, page_h - margin - h)
        canvas.setFont(FONT, 7)
        canvas.drawString(margin, margin / 2, f"{footer} — page {number}/{len(pages)}")
        canvas.showPage()
        for offset, i in enumerate(members):
            located[i] = (number, offset + 2)
    canvas.save()
    return located
