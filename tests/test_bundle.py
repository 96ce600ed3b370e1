"""The output folder as something to hand on: shared images, the tables in data/, the archive;
and CITATION.cff kept in step with pntlib and the report."""

from __future__ import annotations

import base64
import zipfile

import pytest
import yaml

from pntlib import __version__, config, provenance
from pntlib.exceptions import OutputError
from pntlib.run import bundle

from .conftest import PROJ_ROOT

PNG = base64.b64decode(  # a 1x1 PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def test_a_page_and_its_code_version_share_the_figure_files(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "r.png").write_bytes(PNG)
    uri = "data:image/png;base64," + base64.b64encode(PNG).decode("ascii")
    other = "data:image/png;base64," + base64.b64encode(PNG + b"x").decode("ascii")  # not a file of the run
    for suffix in (".html", ".code.html"):
        (tmp_path / f"r{suffix}").write_text(f'<img src="{uri}"><img src="{other}">', encoding="utf-8")
    assert bundle.share_images(tmp_path, "r") == 2
    for suffix in (".html", ".code.html"):
        assert (tmp_path / f"r{suffix}").read_text(encoding="utf-8") == f'<img src="figures/r.png"><img src="{other}">'


def test_the_tables_of_data_processed_go_to_data(tmp_path):
    files = bundle.data_files(config.DEFAULT_REPORT)
    assert {"data/pntdp.xlsx", "data/datapackage.json", "data/series.csv", "data/series.dta"} <= set(files)
    assert not [rel for rel in files if rel.endswith(".parquet")]
    assert files["data/series.csv"] == (PROJ_ROOT / "data" / "processed" / "series.csv").read_bytes()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "series.csv").write_bytes(files["data/series.csv"])
    assert "data/series.csv" not in bundle.changed_data_files(tmp_path, config.DEFAULT_REPORT)


def test_the_archive_holds_what_the_index_links_and_opens_offline(tmp_path):
    out = tmp_path / "reports"
    (out / "figures").mkdir(parents=True)
    (out / "data").mkdir()
    (out / "index.html").write_text('<a href="p.html#x">p</a> <a href="https://example.org/">fuera</a> '
                                    '<a href="#arriba">arriba</a> <img src="data:image/png;base64,AAAA">',
                                    encoding="utf-8")
    (out / "p.html").write_text('<a href="index.html">índice</a><img src="figures/p.png">'
                                '<a href="figures/p%20datos.csv">datos</a>', encoding="utf-8")
    (out / "figures" / "p.png").write_bytes(PNG)
    (out / "figures" / "p datos.csv").write_text("a\n1\n", encoding="utf-8")
    (out / "data" / "series.csv").write_text("x\n", encoding="utf-8")
    for stray in ("manifest.json", "q.html", ".staging-x"):  # not linked: not in the archive
        (out / stray).write_text("", encoding="utf-8")
    archive = bundle.write_zip(out)
    assert archive == tmp_path / "reports.zip"
    with zipfile.ZipFile(archive) as z:
        assert sorted(z.namelist()) == ["reports/data/series.csv", "reports/figures/p datos.csv",
                                        "reports/figures/p.png", "reports/index.html", "reports/p.html"]
        assert z.read("reports/figures/p.png") == PNG
    first = archive.read_bytes()
    assert bundle.write_zip(out, tmp_path / "again.zip").read_bytes() == first  # same folder, same archive
    (out / "p.html").write_text('<a href="gone.html">x</a>', encoding="utf-8")
    with pytest.raises(OutputError, match="p.html links gone.html"):
        bundle.write_zip(out)
    with pytest.raises(OutputError, match="has no index.html"):
        bundle.write_zip(tmp_path / "empty")


def test_citation_cff_is_pntlib_s_version_and_the_report_s_cover():
    cff = yaml.safe_load((PROJ_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["version"] == __version__
    src = provenance.source()
    (report,) = cff["references"]
    # cover (lines 7-19): publisher, programme, title and period, as the suggested citation gives them
    assert report["authors"] == [{"name": src.publisher}] and report["publisher"] == {"name": src.publisher}
    assert report["title"] == f"{src.programme}. {src.title}, {src.period}"
    assert src.sha256 in report["notes"] and src.file_name in report["notes"]


@pytest.mark.kernel
def test_pnt_run_zip_writes_the_archive_beside_the_folder_and_the_lock_stays_outside(tmp_path, capsys):
    from pntlib import cli

    nb = PROJ_ROOT / "tests" / "data" / "notebooks" / "tiny.ipynb"
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"runs:\n  - notebook: {nb}\n", encoding="utf-8")
    out = tmp_path / "paginas"
    assert cli.main(["run", "--plan", str(plan), "--out", str(out), "--quiet", "--zip"]) == 0
    assert f"wrote {tmp_path / 'paginas.zip'}" in capsys.readouterr().out
    with zipfile.ZipFile(tmp_path / "paginas.zip") as z:
        names = z.namelist()
    assert "paginas/index.html" in names and "paginas/tiny.html" in names
    assert not [n for n in names if "manifest" in n or "lock" in n]
    assert not list(out.glob("*.lock")) and (tmp_path / ".paginas.pnt-run.lock").is_file()  # beside, not inside
