"""Metadata of the original files, the CLI, and evaluation against injected faults."""

from __future__ import annotations

import json
from datetime import date, datetime

import openpyxl
import pandas as pd
from reportlab.pdfgen import canvas
from typer.testing import CliRunner
from verify_builders import CaseBuilder, make_id

from karez.cli import app
from karez.custody import Case
from karez.verify import verify
from karez.verify.evaluate import evaluate

KARAKAX = "653222"
TODAY = date(2020, 6, 1)


def test_pdf_and_xlsx_metadata_and_source_protection(case, tmp_path):
    pdf_path = tmp_path / "synthetic-list.pdf"
    pdf = canvas.Canvas(str(pdf_path))
    pdf.setAuthor("Synthetic Clerk")
    pdf.setProducer("Synthetic Producer 1.0")
    pdf.drawString(72, 720, "SYNTHETIC TEST DOCUMENT")
    pdf.save()
    xlsx_path = tmp_path / "synthetic-list.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "SYNTHETIC"
    workbook.properties.creator = "Synthetic Author"
    workbook.properties.lastModifiedBy = "Synthetic Editor"
    workbook.properties.created = datetime(2016, 3, 1)
    workbook.save(xlsx_path)
    pdf_source = case.add(pdf_path).source_id
    xlsx_source = case.add(xlsx_path).source_id

    report = verify(case, today=TODAY, period=(date(2017, 1, 1), date(2018, 12, 31)))
    described = {f.source_id: f for f in report.findings if f.check == "file_metadata"}
    assert described[pdf_source].values["producer"] == "Synthetic Producer 1.0"
    assert "Helvetica" in described[pdf_source].values["fonts"]
    handlers = {f.source_id: f for f in report.findings if f.check == "file_handler_identity"}
    assert handlers[pdf_source].values == {"author": "Synthetic Clerk"}
    assert handlers[xlsx_source].values == {"author": "Synthetic Author", "last_editor": "Synthetic Editor"}
    assert handlers[xlsx_source].severity == "warning"
    dates = [f for f in report.findings if f.check == "file_dates" and f.source_id == xlsx_source]
    assert any("before the document's period" in f.message for f in dates)
    assert {c.name: c.checked for c in report.checks}["file_metadata"] == 2


def test_cli_prints_json_and_writes_html(case, builder: CaseBuilder, tmp_path):
    rec = builder.record()
    builder.mention(rec, name="甲·乙", id_number=make_id(KARAKAX, "19800101", 11, valid=False))
    case.close()
    html = tmp_path / "verify.html"
    result = CliRunner().invoke(
        app, ["verify", str(case.path), "--json", "--html", str(html), "--period", "2017:2018"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["options"]["period"] == ["2017-01-01", "2018-12-31"]
    assert [f["check"] for f in payload["findings"] if f["severity"] == "error"] == ["id_check_digit"]
    assert html.read_text("utf-8").startswith("<!doctype html>")


def test_cli_rejects_a_bad_period(case):
    case.close()
    result = CliRunner().invoke(app, ["verify", str(case.path), "--period", "2017"])
    # the root CLI turns a KarezError into its message on standard error and exit status 1:
    # a clean exit, not an unhandled exception caught by the runner
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("error: --period '2017' needs two dates as FIRST:LAST")
    assert "Traceback" not in result.output


def test_cli_html_in_a_folder_that_does_not_exist_is_written_there(case, builder: CaseBuilder, tmp_path):
    rec = builder.record()
    builder.mention(rec, name="甲·乙", id_number=make_id(KARAKAX, "19800101", 11, valid=False))
    case.close()
    html = tmp_path / "reports" / "2024" / "verify.html"
    result = CliRunner().invoke(app, ["verify", str(case.path), "--html", str(html)])
    assert result.exit_code == 0, result.output
    assert html.read_text("utf-8").startswith("<!doctype html>")
    assert f"HTML report: {html}" in result.output.replace("\n", "")


def test_cli_html_that_cannot_be_written_is_a_clean_error_and_the_run_is_kept(case, builder: CaseBuilder, tmp_path):
    rec = builder.record()
    builder.mention(rec, name="甲·乙", id_number=make_id(KARAKAX, "19800101", 11, valid=False))
    case.close()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", str(case.path), "--html", str(blocker / "verify.html")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"file {blocker / 'verify.html'}: cannot write the HTML report" in result.stderr
    assert "stored in the case" in result.stderr
    with Case.open(case.path) as reopened:
        assert reopened.store.count("verify_runs") == 1


def test_evaluate_counts_recall_per_fault_type_and_false_findings(case, builder: CaseBuilder, tmp_path):
    faults = []
    for i in range(50):
        rec = builder.record()
        row = builder._row
        ident = make_id(KARAKAX, f"1980{1 + i % 12:02d}15", 10 + i)
        kind = ("check_digit", "sex", None, None, None)[i % 5]
        if kind == "check_digit":
            ident = make_id(KARAKAX, f"1980{1 + i % 12:02d}15", 10 + i, valid=False)
        sex = "M" if (10 + i) % 2 else "F"
        if kind == "sex":
            sex = "F" if sex == "M" else "M"
        builder.mention(rec, name=f"人{i}·乙", id_number=ident, sex=sex)
        if kind:
            faults.append({"fault_type": kind, "file": "synthetic-list.xlsx", "sheet": "名单",
                           "page": None, "row_number": row, "person_key": "subject", "ordinal": 0,
                           "field": "id_number", "true_value": "", "written_value": ident})
    truth_dir = tmp_path / "truth"
    truth_dir.mkdir()
    pd.DataFrame(faults).to_parquet(truth_dir / "faults.parquet")
    verify(case, today=TODAY)
    result = evaluate(case, truth_dir)
    assert result["recall_by_fault_type"]["check_digit"] == {"injected": 10, "erased": 0, "found": 10,
                                                             "recall": 1.0}
    assert result["recall_by_fault_type"]["sex"]["recall"] == 1.0
    assert result["false_findings"] == 0
    assert result["precision"] == 1.0


def test_evaluate_needs_a_verified_case(tmp_path):
    with Case.init(tmp_path / "fresh") as fresh:
        try:
            evaluate(fresh, tmp_path)
        except Exception as error:  # KarezError
            assert "karez verify" in str(error)
        else:  # pragma: no cover
            raise AssertionError("evaluate ran on a case never verified")


def test_evaluate_sets_apart_a_fault_a_later_blank_erased(case, builder: CaseBuilder, tmp_path):
    wrong = make_id(KARAKAX, "19800115", 11, valid=False)
    shown = builder.record()
    builder.mention(shown, name="人甲·乙", id_number=wrong)
    blanked = builder.record()
    builder.mention(blanked, name="人丙·乙", id_number=None)
    locator = {"file": "synthetic-list.xlsx", "sheet": "名单", "page": None, "person_key": "subject",
               "ordinal": 0, "field": "id_number"}
    right = make_id(KARAKAX, "19800115", 11)
    faults = [
        {**locator, "row_number": 2, "fault_type": "id_wrong_digit", "true_value": right,
         "written_value": wrong},
        # the same cell of row 3: a digit miswritten, then the cell left blank
        {**locator, "row_number": 3, "fault_type": "id_wrong_digit", "true_value": right,
         "written_value": wrong},
        {**locator, "row_number": 3, "fault_type": "missing_field", "true_value": wrong,
         "written_value": ""},
    ]
    truth_dir = tmp_path / "truth"
    truth_dir.mkdir()
    pd.DataFrame(faults).to_parquet(truth_dir / "faults.parquet")
    verify(case, today=TODAY)
    result = evaluate(case, truth_dir)
    assert result["recall_by_fault_type"]["id_wrong_digit"] == {"injected": 2, "erased": 1, "found": 1,
                                                                "recall": 1.0}
    assert result["recall_by_fault_type"]["missing_field"]["injected"] == 1


def test_evaluate_matches_row_findings_on_files_without_pages(case, builder: CaseBuilder, tmp_path):
    cells = {"姓名": "人甲·乙", "年龄": "36"}
    for number in (1, 2):  # row 3 repeats row 2, running number aside
        builder.mention(builder.record({"序号": number, **cells}), name="人甲·乙")
    truth_dir = tmp_path / "truth"
    truth_dir.mkdir()
    pd.DataFrame([{"fault_type": "duplicate_row", "file": "synthetic-list.xlsx", "sheet": "名单",
                   "page": None, "row_number": 3, "person_key": None, "ordinal": None,
                   "field": "", "true_value": "", "written_value": ""}]).to_parquet(
        truth_dir / "faults.parquet")
    verify(case, today=TODAY)
    result = evaluate(case, truth_dir)
    assert result["recall_by_fault_type"]["duplicate_row"]["recall"] == 1.0
    assert result["precision_by_check"]["duplicate_row"] == {"findings": 1, "on_injected_faults": 1,
                                                             "precision": 1.0}
    assert result["false_findings"] == 0
