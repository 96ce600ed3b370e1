"""A run's pages: the executed notebook rendered to HTML by nbconvert (for readers, without code;
and with code), with exporters made once per worker, and its thumbnail."""

from __future__ import annotations

import json
from pathlib import Path

from ..outputs import SUMMARY_SUFFIX
from .thumbnail import thumbnail

__all__ = ["render_pages", "shows_code", "warm_up", "INJECTED_TAG"]

_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
#: The tag of papermill's injected-parameters cell.
INJECTED_TAG = "injected-parameters"
_INJECTED_TAG = INJECTED_TAG


def warm_up() -> None:
    """Compile the exporters' templates (what the first run would otherwise pay)."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("#"), nbformat.v4.new_code_cell("1")])
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    for exclude_input, drop_injected in ((True, True), (False, True), (False, False)):
        _html(nb, exclude_input=exclude_input, title="", index_href="", other=None, drop_injected=drop_injected)


_EXPORTERS: dict[tuple[bool, bool], object] = {}


def _exporter(exclude_input: bool, drop_injected: bool = False):
    """Cached nbconvert HTML exporter (the lab template, without CDN scripts).

    With ``drop_injected``, papermill's injected-parameters cell (it holds the
    staging folder, not something a reader can use) is left out of the page.
    """
    key = (exclude_input, drop_injected)
    if key not in _EXPORTERS:
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        config = Config()
        if drop_injected:
            config.TagRemovePreprocessor.enabled = True
            config.TagRemovePreprocessor.remove_cell_tags = {_INJECTED_TAG}
        _EXPORTERS[key] = HTMLExporter(
            config=config,
            extra_template_basedirs=[str(_TEMPLATES / "nbconvert")],
            template_name="pnt_lab",
            exclude_input=exclude_input,
            exclude_input_prompt=exclude_input,
            exclude_output_prompt=exclude_input,
            language_code="es",
        )
    return _EXPORTERS[key]


def _render_html(nb, path: Path, *, exclude_input: bool, title: str, index_href: str, other: str | None,
                 drop_injected: bool = True) -> None:
    path.write_text(_html(nb, exclude_input=exclude_input, title=title, index_href=index_href, other=other,
                          drop_injected=drop_injected), encoding="utf-8")


def _html(nb, *, exclude_input: bool, title: str, index_href: str, other: str | None,
          drop_injected: bool = True) -> str:
    body, _ = _exporter(exclude_input, drop_injected).from_notebook_node(
        nb,
        resources={
            "metadata": {"name": title},
            "pnt_index_href": index_href,
            "pnt_other_href": other,
            "pnt_other_label": "con código" if exclude_input else "sin código",
        },
    )
    return body


def shows_code(nb) -> bool:
    """Whether a notebook's page for readers keeps its code: notebook metadata ``pntlib.show_code``
    (set by notebooks whose subject is the code, such as ``explore.ipynb``)."""
    return bool(nb.get("metadata", {}).get("pntlib", {}).get("show_code", False))


def render_pages(name: str, stage: Path, ok: bool, nb=None) -> None:
    """The run's pages (both for a success, the one with code for a failure) and thumbnail.

    ``nb``: the executed notebook, when at hand (else read from the staging folder). Each
    page's title (the browser tab's) is the title of the run's summary, else the run name.
    """
    import nbformat

    nb_path = stage / f"{name}.ipynb"
    summary_path = stage / f"{name}{SUMMARY_SUFFIX}"
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.is_file() else {}
    title = str(summary.get("title") or name)
    if nb is None and nb_path.is_file():
        nb = nbformat.read(nb_path, as_version=4)
    if nb is not None:
        if ok:
            code = shows_code(nb)  # the page for readers is then the page with code
            _render_html(nb, stage / f"{name}.html", exclude_input=not code, title=title,
                         index_href="index.html", other=None if code else f"{name}.code.html")
            _render_html(nb, stage / f"{name}.code.html", exclude_input=False, title=f"{title} (con código)",
                         index_href="index.html", other=f"{name}.html")
        else:
            _render_html(nb, stage / f"{name}.html", exclude_input=False, title=title,
                         index_href="../index.html", other=None, drop_injected=False)
    if ok and summary:
        main = summary.get("main_figure")
        if main and (stage / main).is_file() and main.lower().endswith(".png"):
            thumbnail(stage / main, stage / "figures" / "thumbs" / f"{name}.png")
