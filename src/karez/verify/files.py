"""The files themselves: metadata of the original PDF and XLSX files in the vault.

What software produced a file, when it was created and last saved, which fonts it uses and who
it names as author or last editor can be compared with the document's claimed origin and
period. The same metadata can identify a person who handled the file, so it is also reported
as a source-protection warning: strip it before anything is published.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from karez.store import Store
from karez.verify.checks import Check, Options

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT_PAGES = 3  # fonts are read from the first pages only: enough to see the typefaces used

SourcePath = Callable[[str], Path | None]


def _pdf_date(text: Any) -> str | None:
    """ISO date-time of a PDF date string such as D:20200131120000+08'00'."""
    if isinstance(text, bytes):
        text = text.decode("latin-1", "replace")
    if not isinstance(text, str):
        return None
    match = re.search(r"(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?", text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) if g else None for g in match.groups())
    try:
        return datetime(year, month or 1, day or 1, hour or 0, minute or 0, second or 0).isoformat()
    except (ValueError, TypeError):
        return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    value = str(value).strip()
    return value or None


@lru_cache(maxsize=64)
def file_metadata(path: Path, media_type: str) -> dict[str, Any]:
    """Metadata of a PDF or XLSX original: software, author, editor, dates, fonts.

    Keys: kind, producer, creator_software, author, last_editor, created, modified, fonts,
    error (when the file could not be read; the other checks still run).
    """
    try:
        if media_type == PDF:
            import pdfplumber

            with pdfplumber.open(path) as pdf:
                info = pdf.metadata or {}
                fonts: set[str] = set()
                for page in pdf.pages[:FONT_PAGES]:
                    fonts.update(str(c.get("fontname")) for c in page.chars if c.get("fontname"))
            return {
                "kind": "pdf",
                "producer": _text(info.get("Producer")),
                "creator_software": _text(info.get("Creator")),
                "author": _text(info.get("Author")),
                "last_editor": None,
                "created": _pdf_date(info.get("CreationDate")),
                "modified": _pdf_date(info.get("ModDate")),
                "fonts": sorted(fonts),
            }
        if media_type == XLSX:
            import openpyxl

            # A file object, not the path: vault files have no .xlsx suffix for openpyxl to see.
            with path.open("rb") as handle:
                workbook = openpyxl.load_workbook(handle, read_only=True)
                try:
                    props = workbook.properties
                finally:
                    workbook.close()
            application = None
            with zipfile.ZipFile(path) as archive:
                if "docProps/app.xml" in archive.namelist():
                    app_xml = archive.read("docProps/app.xml").decode("utf-8", "replace")
                    found = re.search(r"<Application>([^<]*)</Application>", app_xml)
                    application = found.group(1) if found else None
            return {
                "kind": "xlsx",
                "producer": _text(application),
                "creator_software": None,
                "author": _text(props.creator),
                "last_editor": _text(props.lastModifiedBy),
                "created": props.created.isoformat() if props.created else None,
                "modified": props.modified.isoformat() if props.modified else None,
                "fonts": [],
            }
    except Exception as error:  # a damaged original must not stop the other checks
        return {"kind": media_type, "error": f"{type(error).__name__}: {error}"}
    return {"kind": media_type}


def _sources(store: Store, source_path: SourcePath) -> list[tuple[str, str, Path, dict[str, Any]]]:
    rows = store.fetchall(
        "SELECT source_id, coalesce(original_name, source_id), media_type FROM sources "
        "WHERE status = 'active' AND media_type IN (?, ?) ORDER BY source_id",
        [PDF, XLSX],
    )
    out = []
    for source_id, name, media_type in rows:
        path = source_path(source_id)
        if path is None or not Path(path).exists():
            continue
        out.append((source_id, name, Path(path), file_metadata(Path(path), media_type)))
    return out


def _finding(source_id: str, severity: str, field: str, values: dict[str, Any], message: str) -> dict[str, Any]:
    return {
        "mention_id": None,
        "record_id": None,
        "source_id": source_id,
        "severity": severity,
        "field": field,
        "finding_values": values,
        "message": message,
    }


def _describe(store: Store, options: Options, source_path: SourcePath) -> tuple[int, list[dict[str, Any]]]:
    found = []
    sources = _sources(store, source_path)
    for source_id, name, _path, meta in sources:
        if "error" in meta:
            found.append(_finding(source_id, "warning", "file", meta,
                                  f"{name}: the file's metadata could not be read ({meta['error']})"))
            continue
        said = [f"{label} {meta[key]}" for key, label in (
            ("producer", "produced by"), ("creator_software", "created with"),
            ("created", "created"), ("modified", "last saved"))
            if meta.get(key)]
        if meta.get("fonts"):
            said.append("fonts " + ", ".join(meta["fonts"][:8]))
        found.append(_finding(source_id, "info", "file", meta,
                              f"{name}: " + ("; ".join(said) if said else "no metadata recorded")))
    return len(sources), found


def _handlers(store: Store, options: Options, source_path: SourcePath) -> tuple[int, list[dict[str, Any]]]:
    found = []
    sources = _sources(store, source_path)
    for source_id, name, _path, meta in sources:
        people = {k: meta[k] for k in ("author", "last_editor") if meta.get(k)}
        if people:
            named = ", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in people.items())
            found.append(_finding(
                source_id, "warning", "file", people,
                f"{name}: the file's metadata names who wrote or last saved it "
                f"({named}); this can "
                "identify a person who handled the file. Never publish the original; strip the "
                "metadata from any copy that leaves the team.",
            ))
    return len(sources), found


def _dates(store: Store, options: Options, source_path: SourcePath) -> tuple[int, list[dict[str, Any]]]:
    found = []
    sources = _sources(store, source_path)
    for source_id, name, _path, meta in sources:
        created, modified = meta.get("created"), meta.get("modified")
        values = {"created": created, "modified": modified}
        for label, stamp in (("created", created), ("last saved", modified)):
            if stamp and date.fromisoformat(stamp[:10]) > options.today:
                found.append(_finding(source_id, "error", "file", values,
                                      f"{name}: {label} {stamp}, which is in the future"))
        if created and modified and modified < created:
            found.append(_finding(source_id, "warning", "file", values,
                                  f"{name}: last saved {modified}, before it was created {created}"))
        if options.period is not None:
            first, last = options.period
            for label, stamp in (("created", created), ("last saved", modified)):
                if stamp and date.fromisoformat(stamp[:10]) < first:
                    found.append(_finding(
                        source_id, "info", "file", {**values, "period": [first, last]},
                        f"{name}: {label} {stamp}, before the document's period starts ({first}): "
                        "a template or an earlier list may have been reused"))
                if stamp and date.fromisoformat(stamp[:10]) > last:
                    found.append(_finding(
                        source_id, "info", "file", {**values, "period": [first, last]},
                        f"{name}: {label} {stamp}, after the document's period ends ({last}): "
                        "the file was saved again later (by the authority, a handler or a converter)"))
    return len(sources), found


def prepare(store: Store, options: Options) -> None:
    """Nothing to prepare: files are read when the checks run."""


def _unbound(store: Store, options: Options) -> tuple[int, list[dict[str, Any]]]:
    raise RuntimeError("bind() the files checks to the case's vault before running them")


_RUNNERS = {"file_metadata": _describe, "file_handler_identity": _handlers, "file_dates": _dates}


def checks(options: Options) -> list[Check]:
    """The checks of the original files (bound to the vault by `bind`)."""
    return [
        Check(name="file_metadata", family="files",
              title="What the files' metadata says: producing software, dates, fonts", run=_unbound),
        Check(name="file_handler_identity", family="files",
              title="File metadata that could identify who handled the file (source protection)",
              run=_unbound),
        Check(name="file_dates", family="files",
              title="File creation and save dates are possible and fit the document's period",
              run=_unbound),
    ]


def bind(check: Check, source_path: SourcePath | None) -> Check:
    """The check with its runner reading originals through `source_path(source_id)`."""
    runner = _RUNNERS[check.name]
    assert source_path is not None
    return replace(check, run=lambda store, options: runner(store, options, source_path))
