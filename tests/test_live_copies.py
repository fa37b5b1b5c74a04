"""make live's lecture copies (thalbook/site/live.py), without a server: what is copied, kept, refreshed,
cleared and named, the glue values written into the text, and the jupyter command line.

Expected numbers come from the cited source (data/references.bib, raza2001thalidomide: "16/83 (19%) ITT,
16/51 (31%) evaluable"), not from the code.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from thalbook.site import live

PAGE = "1-introduction/1.4-what-research-exists.ipynb"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A book folder whose chapters/ is a copy (so a test can change a page) and whose data/ is the real one."""
    b = tmp_path / "book"
    shutil.copytree(ROOT / "chapters", b / "chapters", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (b / "data").symlink_to(ROOT / "data")
    return b


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _markdown(path: Path) -> str:
    return "\n".join("".join(c["source"]) for c in _nb(path)["cells"] if c["cell_type"] == "markdown")


def _edit_first_markdown(path: Path, extra: str) -> None:
    nb = _nb(path)
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    cell["source"] = "".join(cell["source"]) + extra
    path.write_text(json.dumps(nb), encoding="utf-8")


def _add_output(path: Path) -> None:
    nb = _nb(path)
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    cell["outputs"] = [{"output_type": "display_data", "metadata": {},
                        "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "gone", "version_major": 2,
                                                                              "version_minor": 0}}}]
    cell["execution_count"] = 3
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    path.write_text(json.dumps(nb), encoding="utf-8")


def test_copies_show_the_glued_numbers_and_citations(book, tmp_path):
    report = live.prepare(book, tmp_path / "live")
    copy = tmp_path / "live" / "chapters" / PAGE
    assert PAGE in report.written and not report.unresolved, report
    text = _markdown(copy)
    assert "{glue" not in text and "{footcite}" not in text, "a glue or citation role was left in the copy"
    # Raza 2001: 16/83 (19%) by intention to treat, 16/51 (31%) evaluable (the bib entry's checked field)
    assert "16/83 (19%, verified) by {term}`intention to treat`" in text
    assert "16/51 (31%, verified) among {term}`evaluable` patients (Raza et al. 2001)" in text
    # the source is untouched, and the copy keeps MyST that jupyterlab-myst renders itself
    assert "{glue:text}`raza-itt`" in _markdown(book / "chapters" / PAGE)
    assert "```{admonition} For lecturers\n:class: dropdown" in text


def test_roles_shown_as_code_stay_as_written(book, tmp_path):
    live.prepare(book, tmp_path / "live")
    text = _markdown(tmp_path / "live" / "chapters" / "back" / "contributing.ipynb")
    assert "`` {glue:text}`fact-<id>` ``" in text and "`` {footcite}`<key>` ``" in text


def test_doc_links_point_at_the_copies(book, tmp_path):
    live.prepare(book, tmp_path / "live")
    text = _markdown(tmp_path / "live" / "chapters" / "back" / "lecturer-guide.ipynb")
    assert "{doc}" not in text
    assert "[Widget gallery](widget-gallery.ipynb)" in text


def test_a_lecturers_edit_stays_and_outputs_never_reopen(book, tmp_path):
    live_dir = tmp_path / "live"
    live.prepare(book, live_dir)
    copy = live_dir / "chapters" / PAGE
    _edit_first_markdown(copy, "\n\nMy note for Tuesday.")
    _add_output(copy)

    report = live.prepare(book, live_dir)
    assert report.kept_edited == [PAGE] and report.cleared == [PAGE] and not report.refreshed, report
    nb = _nb(copy)
    assert "My note for Tuesday." in _markdown(copy)
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in nb["cells"] if c["cell_type"] == "code")
    assert "widgets" not in nb["metadata"]


def test_a_page_the_book_changed_is_refreshed_unless_edited(book, tmp_path):
    live_dir = tmp_path / "live"
    live.prepare(book, live_dir)
    other = "1-introduction/1.3-why-it-matters.ipynb"
    _edit_first_markdown(book / "chapters" / PAGE, "\n\nA sentence the book added.")
    _edit_first_markdown(book / "chapters" / other, "\n\nAnother sentence the book added.")
    _edit_first_markdown(live_dir / "chapters" / other, "\n\nThe lecturer's own line.")

    report = live.prepare(book, live_dir)
    assert report.refreshed == [PAGE], report
    assert "A sentence the book added." in _markdown(live_dir / "chapters" / PAGE)
    assert report.conflicts == [other], report
    kept = _markdown(live_dir / "chapters" / other)
    assert "The lecturer's own line." in kept and "Another sentence the book added." not in kept
    lines = "\n".join(report.lines(live_dir / "chapters"))
    assert f"the book changed {other} since your copy, and you edited it" in lines
    assert f"delete {live_dir / 'chapters' / other}" in lines

    # a page unchanged on both sides since the last start: nothing to say about it
    again = live.prepare(book, live_dir)
    assert again.refreshed == [] and again.conflicts == [other] and again.written == []


def test_copies_made_by_the_old_cp_rn_are_taken_over(book, tmp_path):
    live_dir = tmp_path / "live"
    shutil.copytree(book / "chapters", live_dir / "chapters")  # what `cp -rn chapters live/` left
    _edit_first_markdown(live_dir / "chapters" / PAGE, "\n\nEdited before the upgrade.")
    report = live.prepare(book, live_dir)
    assert "1-introduction/1.3-why-it-matters.ipynb" in report.refreshed  # unedited: now with its numbers
    assert report.conflicts == [PAGE]
    assert "Edited before the upgrade." in _markdown(live_dir / "chapters" / PAGE)


def test_settings_switch_the_news_off_and_load_the_widget_styles(tmp_path):
    live.write_settings(ROOT, tmp_path / ".jupyter")
    overrides = json.loads((tmp_path / ".jupyter" / "lab" / "settings" / "overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    css = (tmp_path / ".jupyter" / "custom" / "custom.css").read_text()
    assert ".thalbook-widget .tb-output dt" in css


def test_command_passes_arguments_through(tmp_path):
    cmd, host, port = live.command("lab", tmp_path, tmp_path / "cfg", ["--port", "9123", "--no-browser"], is_root=True)
    assert (host, port) == ("127.0.0.1", 9123)
    assert cmd[-2:] == ["--port", "9123", "--no-browser"][-2:] and "--no-browser" in cmd
    assert cmd.count("--allow-root") == 1 and "--LabApp.news_url=" in cmd
    assert not any(a.startswith("--ServerApp.port=") for a in cmd), "a given port must not be overridden"

    cmd, _, _ = live.command("lab", tmp_path, tmp_path / "cfg", ["--allow-root"], is_root=True)
    assert cmd.count("--allow-root") == 1
    cmd, _, port = live.command("notebook", tmp_path, tmp_path / "cfg", [], is_root=False)
    assert "--allow-root" not in cmd and f"--ServerApp.port={port}" in cmd and cmd[1] == "notebook"
    assert f"--JupyterNotebookApp.app_settings_dir={tmp_path / 'cfg' / 'lab' / 'settings'}" in cmd


def test_a_glue_call_with_a_computed_argument_is_named(tmp_path):
    with pytest.raises(ValueError, match=r"chapters/x.ipynb: line 1: glue_facts\(\) takes literal arguments only"):
        live.glue_calls(["tb.glue_facts(name)"], "chapters/x.ipynb")


def test_the_pages_references_are_listed_where_footbibliography_stood(book, tmp_path):
    live.prepare(book, tmp_path / "live")
    text = _markdown(tmp_path / "live" / "chapters" / "3-clinical-efficacy" / "3.2-clinical-studies.ipynb")
    assert "{footbibliography}" not in text
    # data/references.bib: raza2001thalidomide, Blood 2001, status verified
    assert ("- Raza et al. (2001). Thalidomide produces transfusion independence in long-standing refractory"
            " anemias of patients with myelodysplastic syndromes. *Blood*. Status: verified.") in text
