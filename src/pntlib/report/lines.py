"""The report text as lines: splitting, page furniture, markup, mending words.

The report is the text of a PDF: tab-separated cells, page headers
("GOBERNACIÓN") inside tables, markdown separator rows, HTML ``<p>`` and LaTeX
``$...$`` markup, and words cut in two by a page break. :class:`Document` holds
the split lines of one file with what every block parser needs to read them
and to point at them in an error.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..exceptions import ReportFormatError

_PAGE_HEADERS = {"GOBERNACION", "SECRETARIA DE GOBERNACION"}
_TAG_RE = re.compile(r"</?\s*[a-zA-Z][^>]*>")
MATH_RE = re.compile(r"\$([^$]*)\$")
_LATEX_ESC_RE = re.compile(r"\\([%_&#$])")
_SPACE_RE = re.compile(r"[ \t\u00a0]+")
_WORD_RE = re.compile(r"\w+")
#: Control characters (Unicode category Cc) other than tab, line feed and carriage return.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: A numbered section heading, in the text or the table of contents: "3.- Avances y Resultados".
SECTION_RE = re.compile(r"^(\d)\s*\.?\s*-\s*(\S.*)$")


@functools.lru_cache(maxsize=8192)  # the parser folds the same labels and lines again and again
def fold(text: str) -> str:
    """Upper-case, accent-free, single-spaced form used to compare labels."""
    if not text.isascii():
        nfkd = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in nfkd if not unicodedata.combining(c))
    return _SPACE_RE.sub(" ", text).strip().upper()


def clean_markup(text: str) -> str:
    """Remove the PDF extraction's HTML tags and LaTeX math delimiters.

    ``<p>`` paragraphs become lines; ``$PEPC\\% = (NEC/NEP) * 100$`` becomes
    ``PEPC% = (NEC/NEP) * 100``.
    """
    text = re.sub(r"</p>\s*<p>", "\n", text)
    text = _TAG_RE.sub(" ", text)
    text = MATH_RE.sub(lambda m: m.group(1), text)
    text = _LATEX_ESC_RE.sub(r"\1", text)
    lines = [_SPACE_RE.sub(" ", part).strip() for part in text.split("\n")]
    return "\n".join(part for part in lines if part)


def strip_quotes(text: str) -> str:
    """``'"Mide ..."'`` -> ``'Mide ...'``: quotes around a cell are an extraction artefact."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].strip()
    return text


@dataclass(frozen=True)
class Line:
    """One line of the report: its 1-based number, its text and its tab-separated cells."""

    number: int
    text: str
    cells: tuple[str, ...]

    @property
    def filled(self) -> list[str]:
        return [c for c in self.cells if c]

    @property
    def blank(self) -> bool:
        return not any(self.cells)

    @property
    def first(self) -> str:
        filled = self.filled
        return filled[0] if filled else ""


def split_lines(text: str) -> tuple[Line, ...]:
    """The text as :class:`Line` objects (a BOM dropped, any line ending accepted)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return tuple(Line(i + 1, t, tuple(c.strip() for c in t.split("\t"))) for i, t in enumerate(raw_lines))


def is_page_header(line: Line) -> bool:
    return len(line.filled) == 1 and fold(line.first) in _PAGE_HEADERS


def is_separator(line: Line) -> bool:
    filled = line.filled
    return bool(filled) and all(set(c) <= {"-"} for c in filled)


def is_noise(line: Line) -> bool:
    """Lines that never carry data: blank, page headers, markdown rules."""
    return line.blank or is_page_header(line) or is_separator(line)


def is_single(line: Line) -> bool:
    """A line of one cell only (headings are)."""
    return len(line.filled) == 1 and len(line.cells) == 1


@dataclass(frozen=True)
class Document:
    """The lines of one report file, and how to point at them in an error.

    Attributes
    ----------
    lines : tuple of Line
        Every line; ``lines[k].number == k + 1``.
    path : Path
        The file, for error messages.
    words : Counter
        How often each word (lower-case) occurs in the whole text, to mend
        words cut by a page break (:meth:`join_fragments`).
    """

    lines: tuple[Line, ...]
    path: Path
    words: Counter

    @classmethod
    def from_text(cls, text: str, path: Path) -> "Document":
        """Split ``text`` into lines.

        Raises
        ------
        ReportFormatError
            A line holds a control character (NUL, form feed, ESC, DEL, ...;
            tab, line feed and carriage return are the text's own).
        """
        doc = cls(split_lines(text), path, Counter())
        if _CONTROL_RE.search(text):
            line = next(ln for ln in doc.lines if _CONTROL_RE.search(ln.text))
            m = _CONTROL_RE.search(line.text)
            raise doc.error(
                f"control character U+{ord(m.group(0)):04X} at column {m.start() + 1}: report text must be "
                "printable; remove it (or replace it with a space) and read the file again",
                line,
            )
        return cls(doc.lines, path, Counter(w.lower() for w in _WORD_RE.findall(text)))

    def error(self, message: str, line: Line | int | None = None, indicator: str | None = None) -> ReportFormatError:
        """A :class:`ReportFormatError` at ``line`` (a Line or a 1-based number), with its text."""
        if isinstance(line, Line):
            number, excerpt = line.number, line.text
        elif isinstance(line, int):
            number = line
            excerpt = self.lines[line - 1].text if 0 < line <= len(self.lines) else None
        else:
            number, excerpt = None, None
        return ReportFormatError(message, line=number, excerpt=excerpt, indicator=indicator, path=str(self.path))

    def next_content(self, i: int, stop: int) -> int:
        """The index of the first line from ``i`` on (before ``stop``) that is not noise."""
        while i < stop and is_noise(self.lines[i]):
            i += 1
        return i

    def expect(self, i: int, stop: int, label: str, message: str, indicator: str | None = None, *, prefix: bool = False) -> int:
        """The index of the first line of text from ``i`` on, which must start with ``label``.

        ``label`` is folded (:func:`fold`) and compared with the line's first
        cell: equal, or its start when ``prefix``.

        Raises
        ------
        ReportFormatError
            With ``message``, at that line (or the last before ``stop``).
        """
        i = self.next_content(i, stop)
        first = fold(self.lines[i].first) if i < stop else ""
        if i >= stop or not (first.startswith(label) if prefix else first == label):
            raise self.error(message, self.lines[min(i, stop - 1)], indicator)
        return i

    def last_content(self, stop: int, start: int = 0) -> Line:
        """The last line before index ``stop`` that carries text (for error positions)."""
        i = stop - 1
        while i > start and is_noise(self.lines[i]):
            i -= 1
        return self.lines[max(i, 0)]

    def join_fragments(self, left: str, right: str, lines: tuple[Line, Line]) -> str:
        """Join a name split across pages, mending a word cut in two.

        A word is mended when the cut piece is not a word used anywhere else in
        the report and the mended word is ("participaci" + "ón celebrados").
        """
        tail = re.search(r"(\w+)$", left)
        head = re.match(r"(\w+)", right)
        if tail and head and head.group(1)[0].islower():
            local = Counter(w.lower() for ln in lines for w in _WORD_RE.findall(ln.text))
            cut = tail.group(1).lower()
            mended = (tail.group(1) + head.group(1)).lower()
            if self.words[cut] - local[cut] <= 0 and self.words[mended] - local[mended] > 0:
                return left + right
        return f"{left} {right}"

    def sections(self) -> dict[int, tuple[int, int]]:
        """Top-level numbered headings ("3.- Avances y Resultados") -> line index range.

        A heading is a line of its own right after its banner: the section number
        alone on a line shortly before it ("3" / "AVANCES Y RESULTADOS" /
        "3.- Avances y Resultados"). A numbered paragraph ("1.- Se realizaron ...")
        has no banner and is not a heading. The range runs from the heading to
        the next section's banner (or the end of the file).

        Raises
        ------
        ReportFormatError
            A section appears twice.
        """
        starts: list[tuple[int, int, int]] = []  # number, heading index, banner index
        for i, line in enumerate(self.lines):
            if len(line.cells) != 1 or not line.first:
                continue
            m = SECTION_RE.match(line.first)
            if not m:
                continue
            number = int(m.group(1))
            before = [ln for ln in self.lines[max(0, i - 8) : i] if not ln.blank][-3:]
            banner = [ln for ln in before if ln.first == str(number) and len(ln.filled) == 1]
            if not banner:
                continue
            starts.append((number, i, banner[0].number - 1))
        ranges: dict[int, tuple[int, int]] = {}
        for k, (number, start, _) in enumerate(starts):
            if number in ranges:
                first = self.lines[ranges[number][0]].number
                raise self.error(
                    f"section {number} appears twice (first heading at line {first}); "
                    "expected one report per file",
                    self.lines[start],
                )
            end = starts[k + 1][2] if k + 1 < len(starts) else len(self.lines)
            ranges[number] = (start, end)
        return ranges
