"""CSV and TSV: encoding detection, streaming transcoding, DuckDB's parallel CSV reader.

DuckDB reads UTF-8 only without extensions (which download at run time, so karez never relies
on them). A file in another encoding (GB18030/GBK, UTF-16) is decoded by Python in chunks and
written to a temporary UTF-8 copy outside the vault; the original is never touched. A UTF-8 file
is read as it is; DuckDB's reader validates it, and a stray byte sends it through one Python
pass that reports the byte with its line.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from karez.errors import SourceError
from karez.ingest.readers.base import RawTable, ReadContext, check_headers, header_names, reader

CHUNK = 8 << 20
SAMPLE = 1 << 20

ALIASES = {"utf8": "utf-8", "gbk": "gbk", "gb2312": "gb18030", "utf16": "utf-16"}


def detect_encoding(path: Path, display_name: str) -> str:
    """BOM first; else strict UTF-8 on a sample; else GB18030 (a superset of GBK and GB2312)."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE)
    if not sample.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise SourceError("the file is empty", file=display_name, hint="check you added the right file")
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith(codecs.BOM_UTF16_LE) or sample.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    # UTF-16 without a BOM: every other byte of ASCII text is zero.
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return "utf-16-le"
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        return "utf-16-be"
    final = len(sample) < SAMPLE
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(sample, final=final)
        return "utf-8"
    except UnicodeDecodeError as error:
        # Valid UTF-8 with non-ASCII text before the bad byte: one file in two encodings, which
        # no guess can read correctly (GB18030 would silently turn the UTF-8 part into nonsense).
        if any(byte >= 0x80 for byte in sample[: error.start]):
            raise _decode_error(display_name, "utf-8", sample[: error.start].count(b"\n") + 1, error) from error
    try:
        codecs.getincrementaldecoder("gb18030")("strict").decode(sample, final=final)
        return "gb18030"
    except UnicodeDecodeError:
        pass
    raise SourceError(
        "cannot tell the text encoding (neither UTF-8 nor GB18030)",
        file=display_name,
        hint="name it in the mapping, e.g. source.encoding: utf-16",
    )


def _decode_error(display_name: str, encoding: str, line: int, error: UnicodeDecodeError) -> SourceError:
    return SourceError(
        f"bytes that are not valid {encoding} ({error.reason}); the file may mix encodings",
        file=display_name,
        row=line,
        hint="set source.encoding in the mapping if the guess is wrong, or ingest the parts separately",
    )


def to_utf8(path: Path, encoding: str, display_name: str, workdir: Path) -> tuple[Path, bool]:
    """A UTF-8 path with the same text: the original itself when it is plain UTF-8 (validated),
    else a temporary transcoded copy (the boolean says whether to delete it afterwards)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    plain_utf8 = encoding == "utf-8"
    out = None
    temporary = None
    if not plain_utf8:
        handle, temporary = tempfile.mkstemp(dir=workdir, prefix=".transcode-", suffix=".csv")
        out = os.fdopen(handle, "w", encoding="utf-8", newline="")
    line = 1
    try:
        with path.open("rb") as original:
            while True:
                chunk = original.read(CHUNK)
                final = not chunk
                try:
                    text = decoder.decode(chunk, final=final)
                except UnicodeDecodeError as error:
                    # Count the lines up to the bad byte to name the row.
                    good = chunk[: error.start]
                    raise _decode_error(display_name, encoding, line + good.count(b"\n"), error) from error
                line += text.count("\n")
                if out is not None and text:
                    out.write(text)
                if final:
                    break
    except BaseException:
        if out is not None:
            out.close()
            Path(temporary).unlink(missing_ok=True)
        raise
    if out is not None:
        out.close()
        return Path(temporary), True
    return path, False


def sniff_delimiter(first_lines: str, forced: str | None) -> str:
    if forced and forced != "auto":
        return "\t" if forced in ("\\t", "tab") else forced
    try:
        return csv.Sniffer().sniff(first_lines, delimiters=",\t;|").delimiter
    except csv.Error:
        return ","


@reader("csv", "tsv")
def read_delimited(context: ReadContext) -> list[RawTable]:
    options = context.options
    encoding = options.encoding
    if encoding in (None, "auto"):
        encoding = detect_encoding(context.path, context.display_name)
    encoding = ALIASES.get(encoding.lower(), encoding.lower())
    try:
        codecs.lookup(encoding)
    except LookupError as error:
        raise SourceError(f"unknown encoding {encoding!r} in the mapping", file=context.display_name) from error
    workdir = context.store.path.parent
    if encoding == "utf-8":
        # Plain UTF-8 is read as it is: DuckDB's parallel reader validates it on the way and
        # reports a bad byte as a rejected line; only then is the slower Python pass run, to
        # name the line and say the file may mix encodings.
        return _read_utf8(context, context.path, on_bad_bytes=lambda: to_utf8(context.path, encoding, context.display_name, workdir))
    text_path, temporary = to_utf8(context.path, encoding, context.display_name, workdir)
    try:
        return _read_utf8(context, text_path)
    finally:
        if temporary:
            text_path.unlink(missing_ok=True)


def _read_utf8(context: ReadContext, text_path: Path, on_bad_bytes: Callable[[], object] | None = None) -> list[RawTable]:
    options = context.options
    try:
        with text_path.open("r", encoding="utf-8-sig", newline="") as handle:
            head = handle.read(64 * 1024)
    except UnicodeDecodeError:
        if on_bad_bytes is None:
            raise
        on_bad_bytes()  # raises the decoding error with its line
        raise
    if not head.strip():
        raise SourceError("the file is empty", file=context.display_name)
    forced = "\t" if options.format == "tsv" and options.delimiter in (None, "auto") else options.delimiter
    delimiter = sniff_delimiter(head, forced)
    header_row = options.header_row
    rows = list(csv.reader(io.StringIO(head), delimiter=delimiter))
    if len(rows) < header_row:
        raise SourceError("the file has no header row", file=context.display_name, row=header_row)
    headers = check_headers(rows[header_row - 1], file=context.display_name, row=header_row)
    headers = header_names(context, headers, row=header_row)
    relation = context.relation_name(0)
    columns = "{" + ", ".join(f"'{h.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for h in headers) + "}"
    store = context.store
    store.execute("DROP TABLE IF EXISTS reject_errors")
    store.execute("DROP TABLE IF EXISTS reject_scans")
    path_literal = str(text_path).replace("'", "''")
    delim_literal = delimiter.replace("'", "''")
    store.execute(
        f"""CREATE TEMP TABLE {relation} AS SELECT * FROM read_csv('{path_literal}',
              header = false, skip = {header_row}, delim = '{delim_literal}', quote = '"', escape = '"',
              columns = {columns}, auto_detect = false, strict_mode = true, null_padding = false,
              ignore_errors = true, store_rejects = true, encoding = 'utf-8')"""
    )
    rejects = store.fetchall("SELECT line, error_type, error_message FROM reject_errors ORDER BY line LIMIT 5")
    total_rejects = store.scalar("SELECT count(*) FROM reject_errors")
    if rejects and on_bad_bytes is not None and store.scalar("SELECT count(*) FROM reject_errors WHERE error_type = 'INVALID_UNICODE'"):
        on_bad_bytes()  # raises the decoding error with its line
    if rejects:
        first_line, error_type, message = rejects[0]
        others = ", ".join(str(r[0]) for r in rejects[1:])
        raise SourceError(
            f"{total_rejects} malformed row(s): {error_type.lower().replace('_', ' ')} ({message})"
            + (f"; also lines {others}" if others else ""),
            file=context.display_name,
            row=int(first_line),
            hint="a ragged or broken row: check the delimiter (source.delimiter) and quoting; the original is kept as it is",
        )
    # rowids follow file order (DuckDB preserves insertion order), but inside a transaction they
    # start at an offset: count from the first one. Header rows come first.
    first = int(store.scalar(f"SELECT min(rowid) FROM {relation}") or 0)
    count = int(store.scalar(f"SELECT count(*) FROM {relation}"))
    if count == 0:
        raise SourceError(
            "the file has a header but no data rows", file=context.display_name, row=header_row + 1
        )
    locators = {
        "_sheet": "NULL::VARCHAR",
        "_page": "NULL::INTEGER",
        "_table": "NULL::INTEGER",
        "_row": f"rowid - {first} + {header_row + 1}",
    }
    return [RawTable(relation, headers, rows=count, locators=locators)]
