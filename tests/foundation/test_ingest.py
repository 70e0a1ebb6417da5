"""Ingest: every reader, provenance of every value, idempotence, mapping changes."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from karez import Case, MappingError
from karez.store.provenance import describe_mention

from .conftest import LIST_CSV, LIST_MAPPING


def _rows(case: Case, sql: str) -> list[dict]:
    return case.store.dicts(sql)


def test_csv_ingest_builds_the_canonical_model(case: Case, list_files) -> None:
    data, mapping = list_files
    info = case.add(data)
    result = case.ingest(info.source_id, mapping)
    assert result.counts == {"records": 3, "mentions": 5, "relations": 2, "events": 4, "classifications": 3,
                             "reasons": 3, "notes": 2}
    subjects = _rows(case, "SELECT * FROM mentions WHERE role = 'subject' ORDER BY name")
    first = next(m for m in subjects if m["name"] == "阿卜杜拉·吐尔逊")
    assert first["id_number"] == "653222198001010011"
    assert first["sex"] == "M" and first["age"] == 38 and first["age_kind"] == "nominal"
    assert str(first["birth_date"]) == "1980-01-01" and first["birth_date_precision"] == "month"
    third = next(m for m in subjects if m["name"] == "阿依古丽·艾力")
    assert str(third["birth_date"]) == "1992-03-04" and third["birth_date_precision"] == "day" and third["sex"] == "F"
    relatives = _rows(case, "SELECT * FROM mentions WHERE role = 'relative' ORDER BY ordinal")
    assert [r["name"] for r in relatives] == ["吐尔逊·买买提", "古丽·艾买提"]
    assert relatives[0]["birth_date_precision"] == "year"
    relations = _rows(case, "SELECT relationship, relationship_text FROM relations ORDER BY relationship")
    assert relations == [{"relationship": "father", "relationship_text": "父亲"},
                         {"relationship": "spouse", "relationship_text": "妻子"}]
    reasons = [r["text"] for r in _rows(case, "SELECT text FROM reasons ORDER BY mention_id, ordinal")]
    assert sorted(reasons) == sorted(["超生", "思想难掌握", "境外有亲属"])
    status = _rows(case, "SELECT status_text FROM events WHERE event_type = 'status'")
    assert status == [{"status_text": "在押"}]
    # The part of a cell the pattern does not understand is kept, not hidden.
    unparsed = _rows(case, "SELECT text FROM notes WHERE kind = 'unparsed_cell'")
    assert unparsed == [{"text": "不明文字"}]
    detention = _rows(case, "SELECT date, date_precision FROM events WHERE event_type='detention' ORDER BY date")
    assert [(str(d["date"]), d["date_precision"]) for d in detention] == [
        ("2017-05-01", "month"), ("2017-06-01", "day"), ("2018-01-01", "year")]


def test_every_value_traces_to_file_row_column_and_original_text(case: Case, list_files) -> None:
    data, mapping = list_files
    info = case.add(data)
    case.ingest(info.source_id, mapping)
    relative = _rows(case, "SELECT mention_id FROM mentions WHERE name = '吐尔逊·买买提'")[0]["mention_id"]
    described = describe_mention(case, relative)
    assert described["source"]["sha256"] == info.sha256
    assert described["source"]["file"] == "list.csv"
    assert described["source"]["row"] == 2  # the first data row under the header
    name = described["fields"]["name"]
    assert name["column"] == "家庭成员" and name["original"] == "吐尔逊·买买提"
    cell = name["cell"]
    start, end = name["span"]
    assert cell[start:end] == "吐尔逊·买买提"
    assert described["relations"][0]["relationship_text"] == "父亲"
    subject = _rows(case, "SELECT mention_id FROM mentions WHERE name = '阿依古丽·艾力'")[0]["mention_id"]
    birth = describe_mention(case, subject)["fields"]["birth_date"]
    assert birth["original"] == "19920304" and birth["column"] == "出生日期"
    assert describe_mention(case, subject)["source"]["row"] == 4


def test_reingest_with_the_same_mapping_changes_nothing(case: Case, list_files) -> None:
    data, mapping = list_files
    info = case.add(data)
    first = case.ingest(info.source_id, mapping)
    before = _rows(case, "SELECT * FROM mentions ORDER BY mention_id")
    entries = len(list(case.ledger.entries()))
    again = case.ingest(info.source_id, mapping)
    assert again.unchanged and again.counts == first.counts
    assert _rows(case, "SELECT * FROM mentions ORDER BY mention_id") == before
    assert len(list(case.ledger.entries())) == entries


def test_changed_mapping_reingests_cleanly_and_ids_survive(case: Case, list_files, tmp_path: Path) -> None:
    data, mapping = list_files
    info = case.add(data)
    first = case.ingest(info.source_id, mapping)
    ids_before = {r["mention_id"] for r in _rows(case, "SELECT mention_id FROM mentions")}
    changed = tmp_path / "changed.yaml"
    changed.write_text(LIST_MAPPING.replace("name: synthetic test list", "name: v2") + "  - {person: subject, kind: number, text: {column: 序号}}\n")
    second = case.ingest(info.source_id, changed)
    assert not second.unchanged and second.replaced == first.ingest_id
    assert second.counts["notes"] == first.counts["notes"] + 3
    assert {r["mention_id"] for r in _rows(case, "SELECT mention_id FROM mentions")} == ids_before
    assert case.store.count("ingests") == 1
    ingests = [e for e in case.ledger.entries() if e.action == "ingest"]
    assert [e.details["mapping_name"] for e in ingests] == ["synthetic test list", "v2"]
    assert case.integrity().ok
    assert (case.mappings_dir / f"{ingests[1].inputs['mapping_sha256']}.yaml").exists()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_csv_encodings_are_detected(case: Case, tmp_path: Path, encoding: str) -> None:
    data = tmp_path / f"list-{encoding}.csv"
    data.write_bytes(LIST_CSV.encode(encoding))
    mapping = tmp_path / "m.yaml"
    mapping.write_text(LIST_MAPPING, encoding="utf-8")
    info = case.add(data)
    case.ingest(info.source_id, mapping)
    names = {r["name"] for r in _rows(case, "SELECT name FROM mentions WHERE role = 'subject'")}
    assert names == {"阿卜杜拉·吐尔逊", "麦麦提.艾力", "阿依古丽·艾力"}


def test_tsv_and_quoted_multiline_cells(case: Case, tmp_path: Path) -> None:
    data = tmp_path / "t.tsv"
    data.write_text('姓名\t备注\n"艾力\n·吐尔逊"\tx\n古丽\ty\n', encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("karez_mapping: 1\npersons:\n  - role: subject\n    fields: {name: 姓名, note: 备注}\n", encoding="utf-8")
    info = case.add(data)
    case.ingest(info.source_id, mapping)
    rows = _rows(case, "SELECT m.name, r.row_number FROM mentions m JOIN records r USING (record_id) ORDER BY r.row_number")
    assert rows == [{"name": "艾力\n·吐尔逊", "row_number": 2}, {"name": "古丽", "row_number": 3}]


def _xlsx(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(["户主", "姓名", "出生日期"])
    sheet.append(["第一户", "艾力·吐尔逊", "1980-01-02"])
    sheet.append([None, "古丽·艾力", "1982-03-04"])
    sheet.append(["第二户", "买买提·艾力", None])
    sheet.merge_cells("A2:A3")  # a household cell spanning two rows
    notes = book.create_sheet("说明")
    notes.append(["SYNTHETIC test workbook"])
    book.save(path)


def test_xlsx_merged_cells_and_sheets(case: Case, tmp_path: Path) -> None:
    data = tmp_path / "list.xlsx"
    _xlsx(data)
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "karez_mapping: 1\npersons:\n  - role: subject\n    fields: {name: 姓名, birth_date: 出生日期, address: 户主}\n",
        encoding="utf-8",
    )
    info = case.add(data)
    case.ingest(info.source_id, mapping)
    rows = _rows(case, "SELECT m.name, m.address, r.sheet, r.row_number FROM mentions m JOIN records r USING (record_id) ORDER BY r.row_number")
    assert rows == [
        {"name": "艾力·吐尔逊", "address": "第一户", "sheet": "名单", "row_number": 2},
        {"name": "古丽·艾力", "address": "第一户", "sheet": "名单", "row_number": 3},
        {"name": "买买提·艾力", "address": "第二户", "sheet": "名单", "row_number": 4},
    ]


def test_json_and_jsonl_flatten_nested_records(case: Case, tmp_path: Path) -> None:
    lines = [
        {"missing": {"name": "Memet Tursun", "born": "1980"}, "witness": {"name": "Ali Memet"}, "relationship": "father"},
        {"missing": {"name": "Gulnar Eli", "born": "1990"}, "witness": {"name": "Ayshe Eli"}, "relationship": "sister"},
    ]
    data = tmp_path / "testimonies.jsonl"
    data.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        """karez_mapping: 1
persons:
  - {role: subject, fields: {name: missing.name, birth_date: missing.born}}
  - {role: witness, fields: {name: witness.name}}
relations:
  - {from: witness, to: subject, relationship: {column: relationship}}
""",
        encoding="utf-8",
    )
    info = case.add(data)
    case.ingest(info.source_id, mapping)
    assert case.store.count("mentions") == 4
    rel = _rows(case, "SELECT relationship, r.row_number FROM relations JOIN records r USING (record_id) ORDER BY r.row_number")
    assert rel == [{"relationship": "father", "row_number": 1}, {"relationship": "sister", "row_number": 2}]
    as_json = tmp_path / "t.json"
    as_json.write_text(json.dumps({"items": lines}), encoding="utf-8")
    mapping_json = tmp_path / "mj.yaml"
    mapping_json.write_text(mapping.read_text().replace("persons:", "source: {records_path: items}\npersons:", 1), encoding="utf-8")
    info2 = case.add(as_json)
    case.ingest(info2.source_id, mapping_json)
    assert case.store.count("mentions", "source_id = ?", [info2.source_id]) == 4


def test_parquet(case: Case, tmp_path: Path) -> None:
    data = tmp_path / "r.parquet"
    pq.write_table(pa.table({"name": ["艾力", "古丽"], "born": ["1980-01-01", "1990-02-02"], "n": [1, 2]}), data)
    mapping = tmp_path / "m.yaml"
    mapping.write_text("karez_mapping: 1\npersons:\n  - {role: subject, fields: {name: name, birth_date: born, note: n}}\n", encoding="utf-8")
    info = case.add(data)
    case.ingest(info.source_id, mapping)
    rows = _rows(case, "SELECT m.name, m.note, r.row_number FROM mentions m JOIN records r USING (record_id) ORDER BY r.row_number")
    assert rows == [{"name": "艾力", "note": "1", "row_number": 1}, {"name": "古丽", "note": "2", "row_number": 2}]


def _pdf(path: Path, pages: int = 3) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    story = []
    header = ["序号", "姓名", "出生日期"]
    number = 0
    for _ in range(pages):
        rows = [header]
        for _ in range(4):
            number += 1
            rows.append([str(number), f"艾力.吐尔逊{number}", f"1980-01-{number:02d}"])
        table = Table(rows)
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        story += [table, PageBreak()]
    SimpleDocTemplate(str(path), pagesize=A4).build(story[:-1])


def test_pdf_tables_across_pages_with_repeated_headers(case: Case, tmp_path: Path) -> None:
    data = tmp_path / "list.pdf"
    _pdf(data)
    mapping = tmp_path / "m.yaml"
    mapping.write_text("karez_mapping: 1\npersons:\n  - {role: subject, fields: {name: 姓名, birth_date: 出生日期}}\n", encoding="utf-8")
    info = case.add(data)
    case.ingest(info.source_id, mapping)
    rows = _rows(case, "SELECT m.name, r.page, r.table_index, r.row_number FROM mentions m JOIN records r USING (record_id) ORDER BY r.page, r.row_number")
    assert len(rows) == 12
    assert rows[0] == {"name": "艾力.吐尔逊1", "page": 1, "table_index": 0, "row_number": 2}
    assert rows[4] == {"name": "艾力.吐尔逊5", "page": 2, "table_index": 0, "row_number": 2}


def test_mapping_errors_name_the_key_and_the_closest_column(case: Case, list_files, tmp_path: Path) -> None:
    data, _ = list_files
    info = case.add(data)
    bad_column = tmp_path / "bad.yaml"
    bad_column.write_text(LIST_MAPPING.replace("{column: 身份证号}", "{column: 身份证}"), encoding="utf-8")
    with pytest.raises(MappingError, match=r"persons\[0\]\.fields\.id_number names column '身份证'.*did you mean '身份证号'"):
        case.ingest(info.source_id, bad_column)
    bad_key = tmp_path / "bad2.yaml"
    bad_key.write_text(LIST_MAPPING.replace("    fields:\n      name: {column: 姓名}", "    feilds:\n      name: {column: 姓名}", 1), encoding="utf-8")
    with pytest.raises(MappingError, match=r"unknown key 'feilds'; did you mean 'fields'"):
        case.ingest(info.source_id, bad_key)
    bad_ref = tmp_path / "bad3.yaml"
    bad_ref.write_text(LIST_MAPPING.replace("person: subject, kind", "person: subjct, kind"), encoding="utf-8")
    with pytest.raises(MappingError, match=r"no person with key 'subjct'; did you mean 'subject'"):
        case.ingest(info.source_id, bad_ref)
    look_behind = tmp_path / "bad5.yaml"
    look_behind.write_text(LIST_MAPPING.replace('text: {column: 关押原因}, split: "[；;]"', 'text: {column: 关押原因}, split: "(?<=。)"'), encoding="utf-8")
    with pytest.raises(MappingError, match=r"reasons\[0\]\.split.*RE2"):
        case.ingest(info.source_id, look_behind)
    not_yaml = tmp_path / "bad4.yaml"
    not_yaml.write_text("karez_mapping: [1\n", encoding="utf-8")
    with pytest.raises(MappingError, match="not valid YAML"):
        case.ingest(info.source_id, not_yaml)
    assert case.store.count("mentions") == 0


def test_ids_follow_the_documented_formula(case: Case, tmp_path: Path) -> None:
    # Review decisions and overrides are keyed by these ids: a faster way of computing them
    # must give the same text (docs/data-model.md, "Deterministic ids").
    import hashlib

    data = tmp_path / "ids.csv"
    data.write_text("姓名,编号\n艾力,1\n\n古丽,2\n", encoding="utf-8")
    mapping = tmp_path / "ids.yaml"
    mapping.write_text("karez_mapping: 1\npersons:\n  - {role: subject, fields: {name: 姓名}}\n", encoding="utf-8")
    info = case.add(data)
    case.ingest(info.source_id, mapping)
    rows = _rows(case, "SELECT m.mention_id, m.record_id, r.row_number FROM mentions m JOIN records r USING (record_id) ORDER BY r.row_number")
    # A blank line is not a record and, as DuckDB's reader skips it, not counted either
    # (docs/data-model.md, Locators).
    assert [r["row_number"] for r in rows] == [2, 3]
    for row in rows:
        locator = f"{info.source_id}||||{row['row_number']}"
        record_id = "rec-" + hashlib.md5(f"rec|{locator}".encode()).hexdigest()
        assert row["record_id"] == record_id
        assert row["mention_id"] == "men-" + hashlib.md5(f"men|{record_id}|subject|0".encode()).hexdigest()


def test_hash_ids_are_stored_uncompressed_and_the_rest_compressed(case: Case, list_files) -> None:
    # Hash ids are unique per row: compressing them costs more to write than it saves (see
    # docs/data-model.md, "Storage"). The other columns keep DuckDB's compression.
    data, mapping = list_files
    case.ingest(case.add(data).source_id, mapping)
    case.store.execute("CHECKPOINT")
    cells = case.store.scalar("SELECT table_name FROM record_tables")

    def methods(table: str, column: str) -> set[str]:
        rows = case.store.fetchall(
            "SELECT DISTINCT compression FROM pragma_storage_info(?) WHERE column_name = ? AND segment_type = 'VARCHAR'",
            [table, column],
        )
        return {r[0] for r in rows} - {"Constant"}

    assert methods(cells, "_record_id") == {"Uncompressed"}
    assert methods("mentions", "mention_id") == {"Uncompressed"}
    assert methods("mentions", "record_id") == {"Uncompressed"}
    assert methods("mentions", "name") and "Uncompressed" not in methods("mentions", "name")


def test_records_keep_their_cells_as_columns_and_an_older_store_still_reads(case: Case, list_files, tmp_path: Path) -> None:
    data, mapping = list_files
    info = case.add(data)
    case.ingest(info.source_id, mapping)
    tables = _rows(case, "SELECT table_name, headers, n_rows FROM record_tables")
    assert len(tables) == 1 and tables[0]["n_rows"] == case.store.count("records")
    assert json.loads(tables[0]["headers"])[0] == "序号"
    first = json.loads(case.store.scalar("SELECT cells FROM records ORDER BY row_number LIMIT 1"))
    assert list(first) == json.loads(tables[0]["headers"])  # every original cell, in order
    n = case.store.count("records")
    path = case.path
    # A store from before: one `records` table with the cells as JSON.
    case.store.execute("CREATE TABLE old_records AS SELECT * FROM records")
    case.store.execute("DROP VIEW records")
    case.store.execute("ALTER TABLE old_records RENAME TO records")
    case.store.execute(f"DROP TABLE {tables[0]['table_name']}")
    case.store.execute("DELETE FROM record_tables")
    case.close()
    with Case.open(path) as reopened:
        assert reopened.store.count("records") == n
        assert json.loads(reopened.store.scalar("SELECT cells FROM records ORDER BY row_number LIMIT 1")) == first
        assert reopened.integrity().ok
        removed = reopened.remove(info.source_id, reason="test: withdrawn")
        assert removed["rows_removed"]["records"] == n
        assert reopened.store.count("records") == 0


@pytest.mark.parametrize(
    ("source", "pattern"),
    [
        ("{delimiter: ';;'}", r"source\.delimiter: ';;' is not a delimiter; give exactly one character"),
        ("{delimiter: 1}", r"source\.delimiter: 1 \(int\) is not a delimiter"),
        ("{delimiter: ', '}", r"source\.delimiter: ', ' is not a delimiter"),
        ("{delimiter: '\"'}", r"source\.delimiter: .* no quote mark"),
        ("{header_names: 5}", r"source\.header_names: expected a list of column names, one per column, got 5 \(int\)"),
        ("{header_names: 姓名}", r"source\.header_names: expected a list of column names.*got '姓名'"),
        ("{header_names: [a, {b: 1}]}", r"source\.header_names\[1\]: expected a column name"),
    ],
)
def test_wrong_source_options_name_the_mapping_and_the_key(case: Case, list_files, tmp_path: Path, source: str, pattern: str) -> None:
    data, _ = list_files
    info = case.add(data)
    mapping = tmp_path / "bad_source.yaml"
    mapping.write_text(LIST_MAPPING.replace("persons:\n", f"source: {source}\npersons:\n", 1), encoding="utf-8")
    with pytest.raises(MappingError, match=r"mapping bad_source\.yaml: " + pattern):
        case.ingest(info.source_id, mapping)
    assert case.store.count("mentions") == 0


@pytest.mark.parametrize("delimiter", [",", "'\\t'", '"\\t"', "tab", "auto"])
def test_a_delimiter_of_one_character_or_a_tab_is_accepted(case: Case, tmp_path: Path, delimiter: str) -> None:
    separator = "," if delimiter in (",", "auto") else "\t"
    data = tmp_path / "list.txt"
    data.write_text(f"姓名{separator}编号\n艾力{separator}1\n古丽{separator}2\n", encoding="utf-8")
    mapping = tmp_path / "delimiter.yaml"
    mapping.write_text(
        f"karez_mapping: 1\nsource: {{format: csv, delimiter: {delimiter}}}\npersons:\n  - {{role: subject, fields: {{name: 姓名}}}}\n",
        encoding="utf-8",
    )
    info = case.add(data)
    case.ingest(info.source_id, mapping)
    assert sorted(r["name"] for r in _rows(case, "SELECT name FROM mentions")) == ["古丽", "艾力"]


@pytest.mark.parametrize("block", ["relations", "events", "classifications", "reasons", "notes"])
@pytest.mark.parametrize("value", ["5", "subject", "{person: subject}"])
def test_a_block_that_is_not_a_list_names_the_key_and_the_shape(case: Case, list_files, tmp_path: Path, block: str, value: str) -> None:
    data, _ = list_files
    info = case.add(data)
    mapping = tmp_path / "bad_block.yaml"
    mapping.write_text(f"karez_mapping: 1\npersons:\n  - {{role: subject, fields: {{name: 姓名}}}}\n{block}: {value}\n", encoding="utf-8")
    with pytest.raises(MappingError, match=rf"mapping bad_block\.yaml: {block}: expected a list of {block} \("):
        case.ingest(info.source_id, mapping)
    assert case.store.count("mentions") == 0
