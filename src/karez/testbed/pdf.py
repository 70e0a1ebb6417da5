"""A PDF rendering of a table, the way leaked spreadsheets reach journalists as printouts.

The table is drawn straight on the reportlab canvas: grid lines at precomputed column and row
positions (so `pdfplumber`'s `extract_tables()` recovers it) and each cell's lines of text in
the built-in CID font STSong-Light (no font file needed), the header repeated on every page
and a SYNTHETIC footer. Laying out and drawing by hand, rather than with platypus `Table` and
`Paragraph`, is what keeps thousands of rows fast: every width is a sum of known glyph
widths, and a page is one path of lines and one text object. Pages are laid out here, row by
row, so the page and row of every table row is known exactly for the ground truth.
`invariant=1` makes the bytes depend on the content only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

FONT = "STSong-Light"
FONT_SIZE = 6.5
LEADING = 8.0
PADDING = 2.0
LINE_WIDTH = 0.4
MARGIN = 24.0
FOOTER_SPACE = 20.0
# STSong-Light has no glyph pdfminer maps back for U+00B7, while U+30FB comes back as U+00B7:
# draw the middle dot as U+30FB so the printed name reads back as written.
DRAW = str.maketrans({"\u00b7": "\u30fb"})
# What text extraction returns for what was drawn (bullets and U+2027 vanish).
READ_BACK = str.maketrans({"\u30fb": "\u00b7", "\u2022": "", "\u2027": ""})
MAX_COLUMN = 170.0  # points; wider cells wrap (free text only: names and entries are sized to fit)
WRAPPING_COLUMNS = ("评价意见", "审核意见", "所在场所")


def read_back(text: str) -> str:
    """The text `extract_tables()` returns for `text` drawn by this module."""
    return text.translate(DRAW).translate(READ_BACK)


class _Widths:
    """Text widths in points at FONT_SIZE, from the font's per-character widths (cached)."""

    def __init__(self, glyph_widths: dict[str, int]) -> None:
        self.glyph = glyph_widths
        self.cache: dict[str, float] = {}

    def char(self, ch: str) -> float:
        return self.glyph.get(ch, 1000) * FONT_SIZE / 1000

    def text(self, text: str) -> float:
        width = self.cache.get(text)
        if width is None:
            width = sum(self.glyph.get(ch, 1000) for ch in text) * FONT_SIZE / 1000
            self.cache[text] = width
        return width

    def wrap(self, text: str, room: float) -> list[str]:
        """Greedy line breaks between characters (as CJK text breaks) within `room` points."""
        if self.text(text) <= room:
            return [text]
        lines, start, used = [], 0, 0.0
        for i, ch in enumerate(text):
            w = self.char(ch)
            if used + w > room and i > start:
                lines.append(text[start:i])
                start, used = i, 0.0
            used += w
        lines.append(text[start:])
        return lines


def render_table_pdf(path: Path, table: pd.DataFrame, footer: str) -> np.ndarray:
    """Write `table` to `path`; return (page, row_number) per table row, row_number counting
    the header of that page's table as 1."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A3, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    font = UnicodeCIDFont(FONT)
    pdfmetrics.registerFont(font)
    widths_of = _Widths(font.unicodeWidths)
    ascent = font.face.ascent * FONT_SIZE / 1000
    page_w, page_h = landscape(A3)
    headers = [str(h) for h in table.columns]
    # Entries inside a cell are separated by "；": in print each goes on its own line.
    columns = [[str(v).translate(DRAW).replace("；", "；\n") for v in table[c].tolist()] for c in table.columns]

    def widest(texts: list[str]) -> float:
        return max((widths_of.text(line) for text in texts for line in text.split("\n")), default=0.0)

    widths = []
    for header, texts in zip(headers, columns, strict=True):
        need = max(widths_of.text(header), widest(texts))
        if header in WRAPPING_COLUMNS:
            need = min(need, MAX_COLUMN)
        widths.append(need + 2 * PADDING + 1)
    scale = min(1.0, (page_w - 2 * MARGIN) / sum(widths))
    widths = [w * scale for w in widths]
    rooms = [w - 2 * PADDING for w in widths]
    lefts = MARGIN + np.concatenate([[0.0], np.cumsum(widths)])

    def lines_of(text: str, room: float) -> list[str]:
        out: list[str] = []
        for line in text.split("\n"):
            out.extend(widths_of.wrap(line, room))
        return out

    def cell_lines(row: list[str]) -> list[list[str]]:
        return [lines_of(text, room) for text, room in zip(row, rooms, strict=True)]

    def height(lines: list[list[str]]) -> float:
        return max(len(cell) for cell in lines) * LEADING + 2 * PADDING

    header_lines = cell_lines(headers)
    header_h = height(header_lines)
    rows = [cell_lines(list(row)) for row in zip(*columns, strict=True)] if columns else []
    row_h = [height(r) for r in rows]
    usable = page_h - 2 * MARGIN - FOOTER_SPACE
    pages: list[list[int]] = [[]]
    used = header_h
    for i, h in enumerate(row_h):
        if pages[-1] and used + h > usable:
            pages.append([])
            used = header_h
        pages[-1].append(i)
        used += h

    located = np.zeros((len(rows), 2), dtype=np.int64)
    # Streams are only deflated, not also ASCII85-armoured: without reportlab's C accelerator
    # (rl_accel) the armour is pure Python and costs as much as the drawing.
    a85 = rl_config.useA85
    rl_config.useA85 = 0
    try:
        _draw(path, footer, pages, rows, row_h, header_lines, header_h, lefts, ascent, located)
    finally:
        rl_config.useA85 = a85
    return located


def _draw(path: Path, footer: str, pages: list[list[int]], rows: list[list[list[str]]], row_h: list[float],
          header_lines: list[list[str]], header_h: float, lefts: np.ndarray, ascent: float,
          located: np.ndarray) -> None:
    """Draw the laid-out pages (grid, text, footer) and fill `located` with (page, row)."""
    from reportlab.lib.pagesizes import A3, landscape
    from reportlab.pdfgen.canvas import Canvas

    page_w, page_h = landscape(A3)
    canvas = Canvas(str(path), pagesize=(page_w, page_h), invariant=1)
    canvas.setTitle("SYNTHETIC")
    canvas.setSubject(footer)
    canvas.setAuthor("karez testbed")
    right = float(lefts[-1])
    for number, members in enumerate(pages, 1):
        top = page_h - MARGIN
        text = canvas.beginText()
        text.setFont(FONT, FONT_SIZE)
        rules = [(MARGIN, top, right, top)]
        y = top
        for lines, h in [(header_lines, header_h)] + [(rows[i], row_h[i]) for i in members]:
            baseline = y - PADDING - ascent
            for c, cell in enumerate(lines):
                x = float(lefts[c]) + PADDING
                for k, line in enumerate(cell):
                    if line:
                        text.setTextOrigin(x, baseline - k * LEADING)
                        text.textOut(line)
            y -= h
            rules.append((MARGIN, y, right, y))
        rules.extend((float(x), top, float(x), y) for x in lefts)
        canvas.setLineWidth(LINE_WIDTH)
        canvas.lines(rules)
        canvas.drawText(text)
        canvas.setFont(FONT, 7)
        canvas.drawString(MARGIN, MARGIN / 2, f"{footer} — page {number}/{len(pages)}")
        canvas.showPage()
        for offset, i in enumerate(members):
            located[i] = (number, offset + 2)
    canvas.save()
