"""The HTML report: self-contained, traceable, pseudonymous by default; rendered in Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from karez.analyse.report import write_report
from karez.custody import Case

CHROMIUM = Path("/usr/bin/chromium")


def test_report_is_self_contained_and_pseudonymous(small_case: Case, tmp_path: Path):
    result = write_report(small_case, tmp_path / "out")
    page = result.path.read_text(encoding="utf-8")
    # offline: no external scripts, styles, images or fonts
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", page)
    assert "<script" not in page
    assert page.count("<svg") == result.charts >= 5
    # names and raw mention ids never appear; pseudonyms do
    assert "Synthetic A" not in page and "men-00002" not in page
    assert re.search(r"P-[0-9a-f]{10}", page)
    # traceability: every table states its query; small counts are flagged
    assert page.count("Query and filters behind this table") == result.tables
    assert "FROM reasons r JOIN mentions m" in page
    assert 'class="small"' in page and "†" in page
    # the state's words verbatim, evidence marked, uncoded listed, methods present
    assert "<mark>超生</mark>" in page and "不明" in page
    assert "What it cannot show" in page
    assert (tmp_path / "out" / "family.gexf").exists() and (tmp_path / "out" / "family.graphml").exists()
    entry = [e for e in small_case.ledger.entries() if e.action == "analyse.report"][-1].as_dict()
    assert entry["outputs"]["sha256"] == result.sha256 and entry["details"]["names"] is False


def test_names_only_when_asked_and_public_copy_without_members(small_case: Case, tmp_path: Path):
    named = write_report(small_case, tmp_path / "named", names=True).path.read_text(encoding="utf-8")
    assert "Synthetic A" in named and "confidential" in named
    public = write_report(small_case, tmp_path / "public", analyst_copy=False).path.read_text(encoding="utf-8")
    assert 'id="members"' not in public and "Synthetic A" not in public
    assert not re.search(r'href="#m-', public)


def test_authentication_summary_appears_when_verify_has_run(small_case: Case, tmp_path: Path):
    with small_case.store.transaction():
        small_case.store.execute(
            "CREATE TABLE verify_runs (run_id VARCHAR, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ,"
            " options JSON, checks JSON, signals JSON, corroboration JSON, n_findings BIGINT, summary VARCHAR)"
        )
        small_case.store.execute(
            "INSERT INTO verify_runs VALUES ('run-1', now(), now(), '{}', "
            "'[{\"name\": \"id_check_digit\", \"title\": \"ID check digits\", \"checked\": 5, \"flagged\": 1}]',"
            " '{}', '{}', 1, 'One ID number fails its check digit.')"
        )
    page = write_report(small_case, tmp_path / "out").path.read_text(encoding="utf-8")
    assert "Authentication summary" in page and "ID check digits" in page
    assert "One ID number fails its check digit." in page


def test_cli_report_prints_the_path(small_case: Case, tmp_path: Path):
    from karez.cli import app

    case_path = small_case.path
    small_case.close()
    out = tmp_path / "cli-out"
    result = CliRunner().invoke(app, ["report", str(case_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("report.html")
    assert (out / "report.html").exists()
    result = CliRunner().invoke(app, ["analyse", "table", str(case_path), "reasons_by_sex", "--json"])
    assert result.exit_code == 0, result.output
    assert '"family_planning"' in result.output and '"query"' in result.output
    result = CliRunner().invoke(app, ["analyse", "override", str(case_path), "nope", "-c", "other"])
    assert result.exit_code != 0


@pytest.mark.browser
def test_report_renders_in_headless_chromium(small_case: Case, tmp_path: Path):
    """Render the report in a real browser and check the charts drew (not a blank page)."""
    if not CHROMIUM.exists():
        pytest.skip("needs Debian chromium at /usr/bin/chromium (installed by scripts/system-deps.sh)")
    from PIL import Image

    report = write_report(small_case, tmp_path / "out").path
    shot = tmp_path / "shot.png"
    profile = tmp_path / "chromium-profile"
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", f"--user-data-dir={profile}", f"--screenshot={shot}",
               "--window-size=1280,2000", "--hide-scrollbars", report.as_uri()]
    subprocess.run(command, check=False, capture_output=True, timeout=120)
    shutil.rmtree(profile, ignore_errors=True)
    assert shot.exists(), "chromium wrote no screenshot"
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 2000)
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 200  # text, tables and coloured bars
    # The first chart (bars of the palette) sits in the upper part of the page: its
    # saturated colours must be there, which a page with broken SVG would not have.
    chart_area = image.crop((0, 800, 1280, 1400))
    saturated = sum(count for count, (r, g, b) in chart_area.getcolors(maxcolors=1_000_000)
                    if max(r, g, b) - min(r, g, b) > 80)
    assert saturated > 5_000


def test_names_inside_reason_texts_are_masked_unless_asked_for(small_case: Case, tmp_path: Path):
    builder = small_case.builder
    record = small_case.store.scalar("SELECT record_id FROM mentions WHERE mention_id = ?", [builder.ids["A"]])
    with small_case.store.transaction():
        small_case.store.execute("UPDATE mentions SET name = '阿不都·热合曼' WHERE mention_id = ?", [builder.ids["B_A"]])
        builder.reason("A", "其兄阿不都·热合曼已判刑", record, 2)
        builder.reason("A", "热合曼说不清楚", record, 3)  # uncoded, and names a part of the name
    page = write_report(small_case, tmp_path / "masked").path.read_text(encoding="utf-8")
    assert "热合曼" not in page and "阿不都" not in page
    assert "其兄[name]" in page and "[name]说不清楚" in page
    named = write_report(small_case, tmp_path / "named", names=True).path.read_text(encoding="utf-8")
    assert "阿不都·热合曼" in named


def test_charts_warn_and_still_render_without_a_cjk_font(monkeypatch):
    import pandas as pd

    from karez.analyse import charts

    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    with pytest.warns(charts.CJKFontMissing, match="fonts-noto-cjk"):
        svg = charts.bar_chart(pd.Series({"family_planning": 3, "internet": 7}), "t", "people", 5)
    assert svg.startswith("<svg") and "</svg>" in svg


def test_charts_use_the_installed_cjk_font():
    from karez.analyse import charts

    if charts.cjk_font() is None:
        pytest.skip("no CJK font installed; run `make system-deps` (Debian fonts-noto-cjk)")
    import pandas as pd

    # A missing glyph is a matplotlib warning, which pytest turns into an error here.
    svg = charts.heatmap(pd.DataFrame([[1, 6]], index=["不放心户"], columns=["a", "b"]), "户类型", 5)
    assert "<path" in svg  # glyphs drawn as outlines, so the browser needs no font


def test_cli_outputs_in_folders_that_do_not_exist_are_written_there(small_case: Case, tmp_path: Path):
    from karez.cli import app

    case_path = small_case.path
    small_case.close()
    csv = tmp_path / "tables" / "by-sex" / "reasons.csv"
    result = CliRunner().invoke(app, ["analyse", "table", str(case_path), "reasons_by_sex", "--csv", str(csv)])
    assert result.exit_code == 0, result.output
    assert "family_planning" in csv.read_text(encoding="utf-8")
    gexf, graphml = tmp_path / "graphs" / "family.gexf", tmp_path / "other" / "deep" / "family.graphml"
    result = CliRunner().invoke(app, ["analyse", "circles", str(case_path), "--gexf", str(gexf),
                                      "--graphml", str(graphml), "--json"])
    assert result.exit_code == 0, result.output
    assert gexf.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert graphml.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_cli_outputs_that_cannot_be_written_are_clean_errors(small_case: Case, tmp_path: Path):
    from karez.cli import app

    case_path = small_case.path
    small_case.close()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(app, ["analyse", "table", str(case_path), "reasons", "--csv", str(blocker / "t.csv")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"file {blocker / 't.csv'}: cannot write the table" in result.stderr
    good = tmp_path / "graphs" / "family.gexf"
    result = CliRunner().invoke(app, ["analyse", "circles", str(case_path), "--gexf", str(good),
                                      "--graphml", str(blocker / "family.graphml")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"file {blocker / 'family.graphml'}: cannot write the family graph" in result.stderr
    # the graph that was written is in the ledger, like any other export
    with Case.open(case_path) as reopened:
        entries = [e.as_dict() for e in reopened.ledger.entries() if e.action == "analyse.export_graph"]
    assert [e["outputs"]["files"] for e in entries] == [[str(good)]]
