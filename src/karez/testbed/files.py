"""Writing files byte-identically for a seed, each marked synthetic inside."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

FIXED_TIME = dt.datetime(2020, 1, 1, 0, 0, 0)


def synthetic_note(seed: int, version: str) -> str:
    """The marking every generated file carries."""
    return f"SYNTHETIC karez testbed seed={seed} karez={version}: fictional people, not a real leak"


def save_workbook(workbook: Workbook, path: Path, note: str) -> None:
    """Save with fixed document properties and zip timestamps, so a seed gives the same bytes;
    the note goes into the document properties (title, description) and a 说明 sheet."""
    props = workbook.properties
    props.title = "SYNTHETIC"
    props.description = note
    props.creator = "karez testbed"
    props.created = FIXED_TIME
    sheet = workbook.create_sheet("说明")
    sheet.append([note])
    workbook.save(path)
    # openpyxl stamps the save time into core.xml and every zip entry; pin both.
    with zipfile.ZipFile(path) as archive:
        entries = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2020-01-01T00:00:00Z", data)
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
