"""Hostile and broken inputs: each gets a clear error naming the file, sheet/page and row,
and leaves the case exactly as it was (row counts, ledger, vault, `integrity`)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from karez import Case, KarezError, SourceError

from .conftest import LIST_CSV, LIST_MAPPING, snapshot

SIMPLE_MAPPING = "karez_mapping: 1\npersons:\n  - role: subject\n    fields: {name: 姓名}\n"


@pytest.fixture
def loaded(case: Case, list_files) -> Case:
    """A case that already holds an ingested source, which a failure must not disturb."""
    data, mapping = list_files
    info = case.add(data)
    case.ingest(info.source_id, mapping)
    return case


def _attempt(case: Case, tmp_path: Path, name: str, payload: bytes, mapping: str = SIMPLE_MAPPING) -> SourceError:
    path = tmp_path / name
    path.write_bytes(payload)
    mapping_path = tmp_path / f"{name}.yaml"
    mapping_path.write_text(mapping, encoding="utf-8")
    info = case.add(path)
    before = snapshot(case)
    with pytest.raises(SourceError) as caught:
        case.ingest(info.source_id, mapping_path)
    assert snapshot(case) == before, "a failed ingest changed the case"
    report = case.integrity()
    assert report.ok, report.problems
    assert name in str(caught.value), "the error must name the file"
    return caught.value


def test_mixed_encodings_name_the_row(loaded: Case, tmp_path: Path) -> None:
    payload = "姓名,村\n艾力,一村\n".encode() + "古丽,二村\n".encode("gb18030")
    error = _attempt(loaded, tmp_path, "mixed.csv", payload)
    assert error.row == 3 and "mix" in str(error)


def test_mixed_encodings_past_the_sample_name_the_row(loaded: Case, tmp_path: Path) -> None:
    good = "".join(f"艾力{i},一村\n" for i in range(80_000)).encode()
    payload = "姓名,村\n".encode() + good + "古丽,二村\n".encode("gb18030")
    error = _attempt(loaded, tmp_path, "mixed-late.csv", payload)
    assert error.row == 80_002


def test_wrong_declared_encoding(loaded: Case, tmp_path: Path) -> None:
    payload = "姓名\n艾力\n".encode("gb18030")
    error = _attempt(loaded, tmp_path, "declared.csv", payload, SIMPLE_MAPPING + "source: {encoding: utf-8}\n")
    assert error.row == 1 and "utf-8" in str(error)


def test_empty_file(loaded: Case, tmp_path: Path) -> None:
    assert "empty" in str(_attempt(loaded, tmp_path, "empty.csv", b""))


def test_header_only_file(loaded: Case, tmp_path: Path) -> None:
    error = _attempt(loaded, tmp_path, "header.csv", "姓名,村\n".encode())
    assert "no data rows" in str(error) and error.row == 2


def test_duplicate_headers(loaded: Case, tmp_path: Path) -> None:
    error = _attempt(loaded, tmp_path, "dup.csv", "姓名,村,姓名\n艾力,一村,古丽\n".encode())
    assert "duplicate header '姓名' in columns 1 and 3" in str(error) and error.row == 1
    assert "header_names" in str(error)


def test_blank_headers(loaded: Case, tmp_path: Path) -> None:
    error = _attempt(loaded, tmp_path, "blank.csv", "姓名,,村\n艾力,x,一村\n".encode())
    assert "blank header in column(s) 2" in str(error)


def test_ragged_rows(loaded: Case, tmp_path: Path) -> None:
    error = _attempt(loaded, tmp_path, "ragged.csv", "姓名,村\n艾力,一村\n古丽\n买买提,三村,多余\n".encode())
    assert error.row == 3 and "2 malformed row(s)" in str(error) and "also lines 4" in str(error)


def _workbook_bytes() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(["姓名", "村"])
    sheet.append(["艾力", "一村"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_truncated_xlsx(loaded: Case, tmp_path: Path) -> None:
    payload = _workbook_bytes()
    error = _attempt(loaded, tmp_path, "truncated.xlsx", payload[: len(payload) // 2])
    assert "truncated" in str(error)


def _rewrite_member(payload: bytes, member: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(payload))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(data) if info.filename == member else data)
    return out.getvalue()


def test_xlsx_with_external_entity_is_refused_unresolved(loaded: Case, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not leak")

    def inject(xml: bytes) -> bytes:
        head = f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'.encode()
        return head + xml.replace(b"<t>", b"<t>&xxe;", 1)

    payload = _rewrite_member(_workbook_bytes(), "xl/worksheets/sheet1.xml", inject)
    error = _attempt(loaded, tmp_path, "xxe.xlsx", payload)
    assert "document type" in str(error) and "do not leak" not in str(error)
    assert loaded.store.scalar("SELECT count(*) FROM records WHERE CAST(cells AS VARCHAR) LIKE '%do not leak%'") == 0


def _bomb(path: Path, inflated: int) -> None:
    """A valid workbook plus one member of `inflated` zero bytes, deflated to almost nothing."""
    workbook = zipfile.ZipFile(io.BytesIO(_workbook_bytes()))
    # Level 1 deflates zeros several times faster than the default, still over 1,000 to 1.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in workbook.infolist():
            target.writestr(info.filename, workbook.read(info.filename))
        with target.open("xl/media/padding.bin", "w", force_zip64=True) as member:
            chunk = b"\0" * (16 << 20)
            written = 0
            while written < inflated:
                step = min(len(chunk), inflated - written)
                member.write(chunk[:step])
                written += step


def test_xlsx_zip_bomb_is_refused_before_inflating_past_the_default_limit(loaded: Case, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb-source.xlsx"
    _bomb(bomb, 1_100_000_000)
    assert bomb.stat().st_size < 10_000_000
    error = _attempt(loaded, tmp_path, "bomb.xlsx", bomb.read_bytes())
    assert "over the limit of 1,000,000,000" in str(error) and "zip bomb" in str(error)


def test_xlsx_bomb_member_ratio_is_refused(loaded: Case, tmp_path: Path, monkeypatch) -> None:
    bomb = tmp_path / "ratio-source.xlsx"
    _bomb(bomb, 50_000_000)
    error = _attempt(loaded, tmp_path, "ratio.xlsx", bomb.read_bytes())
    assert "xl/media/padding.bin would inflate" in str(error)


def test_password_protected_xlsx(loaded: Case, tmp_path: Path) -> None:
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO(_workbook_bytes())
    encrypted = io.BytesIO()
    OOXMLFile(plain).encrypt("secret", encrypted)
    assert msoffcrypto.OfficeFile(io.BytesIO(encrypted.getvalue())).is_encrypted()
    error = _attempt(loaded, tmp_path, "protected.xlsx", encrypted.getvalue())
    assert "password-protected" in str(error)


def test_pdf_without_tables(loaded: Case, tmp_path: Path) -> None:
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    path = tmp_path / "prose-source.pdf"
    SimpleDocTemplate(str(path)).build([Paragraph("A memo with no table at all.", getSampleStyleSheet()["Normal"])] * 3)
    error = _attempt(loaded, tmp_path, "prose.pdf", path.read_bytes())
    assert "no tables found on any of its 1 page(s)" in str(error)


def test_bad_jsonl_line_names_the_row(loaded: Case, tmp_path: Path) -> None:
    payload = b'{"name": "Memet"}\n{"name": "Ali"\n'
    error = _attempt(loaded, tmp_path, "bad.jsonl", payload, "karez_mapping: 1\npersons:\n  - {role: subject, fields: {name: name}}\n")
    assert error.row == 2


def test_failed_reingest_keeps_the_previous_rows(loaded: Case, tmp_path: Path) -> None:
    """A changed mapping that fails midway leaves the earlier ingest of that source in place."""
    source = loaded.sources()[0]
    before = snapshot(loaded)
    broken = tmp_path / "broken.yaml"
    # Valid YAML and columns, but a reason split whose regular expression DuckDB rejects at run time.
    broken.write_text(LIST_MAPPING.replace('split: "[；;]"}', 'split: "(?<=x)"}'), encoding="utf-8")
    with pytest.raises(KarezError):
        loaded.ingest(source["source_id"], broken)
    assert snapshot(loaded) == before
    assert loaded.integrity().ok
    assert LIST_CSV  # the fixture data is what was ingested
