"""Reading a report file: bytes, checksum, text, and the parse from sections to :class:`Report`."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

from .. import config
from ..exceptions import ParameterError, ReportChecksumError, ReportFormatError, quote
from .annex import parse_annex
from .complete import check_complete, check_contents, check_sections
from .lines import Document
from .records import Report, id_key
from .summary import parse_section3


#: The largest report file read: the published report is about 100 KB (a text of some 1,100 lines).
MAX_REPORT_BYTES = 32 << 20


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, as hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def expected_checksum(checksum_file: Path, filename: str) -> str | None:
    if not checksum_file.exists():
        return None
    for raw in checksum_file.read_text(encoding="utf-8").splitlines():
        parts = raw.split()
        if len(parts) == 2 and parts[1].lstrip("*") == filename:
            return parts[0].lower()
    return None


def read_report(path: str | Path | None = None) -> Report:
    """Read and parse a progress report file.

    Parameters
    ----------
    path : str or Path, optional
        The report text (UTF-8). By default the published report kept verbatim
        in ``data/raw/``, whose sha256 is checked against ``data/raw/SHA256SUMS``;
        a file named by the caller is read without that check.

    Returns
    -------
    Report

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    ParameterError
        ``path`` holds a NUL byte (no path can).
    ReportChecksumError
        The default report's bytes differ from the published file.
    ReportFormatError
        The text is not a complete report of this format (the message names the
        line, the indicator and what was expected), or the file is larger than
        :data:`MAX_REPORT_BYTES`.
    """
    default = path is None
    if not default and "\x00" in str(path):  # os.stat would raise a bare ValueError
        raise ParameterError(f"report={quote(str(path))} is not valid: a path cannot hold a NUL byte (\\x00)")
    path = Path(config.DEFAULT_REPORT if default else path)
    size = path.stat().st_size
    if size > MAX_REPORT_BYTES:  # refused before it is read into memory
        raise ReportFormatError(
            f"the file is {size:,} bytes; a report is at most {MAX_REPORT_BYTES:,} bytes (the published "
            "one is about 100 KB): give the text of one report",
            path=str(path),
        )
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if default:
        _verify(path, digest)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(data, exc, path) from exc
    return parse_report(text, path=path, sha256=digest)


def _not_utf8(data: bytes, exc: UnicodeDecodeError, path: Path) -> ReportFormatError:
    """The error for a file that is not UTF-8: where, which byte, and how to convert it."""
    start = data.rfind(b"\n", 0, exc.start) + 1
    end = data.find(b"\n", exc.start)
    excerpt = data[start : end if end >= 0 else len(data)][:200].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        kind, encoding = "UTF-16 text (it starts with a UTF-16 byte order mark)", "UTF-16"
    else:
        kind = f"not UTF-8 text: byte 0x{data[exc.start]:02X} at column {exc.start - start + 1} ({exc.reason})"
        encoding = "<its encoding>"
    return ReportFormatError(
        f"the report is {kind}; save it as UTF-8 (for example "
        f"'iconv -f {encoding} -t UTF-8 in.txt > out.txt') and read it again",
        line=data.count(b"\n", 0, exc.start) + 1,
        excerpt=excerpt,
        path=str(path),
    )


def _verify(path: Path, digest: str) -> None:
    expected = expected_checksum(config.CHECKSUM_FILE, path.name)
    if expected is None:
        raise ReportChecksumError(
            f"no checksum for {path.name} in {config.CHECKSUM_FILE}; the default report cannot be verified"
        )
    if digest != expected:
        shown = path.relative_to(config.PROJ_ROOT) if path.is_relative_to(config.PROJ_ROOT) else path
        raise ReportChecksumError(
            f"{path} has been altered: its sha256 is {digest}, the published report's is "
            f"{expected} ({config.CHECKSUM_FILE.name}). Restore it with 'git checkout -- {shown}', "
            "or pass the file explicitly to read it without this check."
        )


def parse_report(text: str, *, path: str | Path = "<report>", sha256: str = "") -> Report:
    """Parse the text of a progress report. See :func:`read_report`.

    The text is read in Unicode NFC (canonical composition): a report saved in
    NFD ("a" + U+0301 for "á"), canonically equal to the published one, gives
    the same records, with every text in NFC; normalisation never joins or
    splits lines, so line numbers are those of the file.

    Raises
    ------
    ReportFormatError
        The text is not a complete report of this format.
    """
    doc = Document.from_text(unicodedata.normalize("NFC", text), Path(path))
    sections = doc.sections()
    check_sections(doc, sections)
    section3 = parse_section3(doc, *sections[3])
    annex = parse_annex(doc, *sections[4], section3.years)
    check_complete(doc, section3.objectives, section3.rows, annex.cards)
    check_contents(doc, sections, annex.cards)
    order = {c.indicator_id: k for k, c in enumerate(sorted(annex.cards, key=lambda c: id_key(c.indicator_id)))}
    observations = sorted(
        section3.observations + annex.observations,
        key=lambda o: (order[o.indicator_id], o.table != "annex", o.source_line),
    )
    return Report(
        path=Path(path),
        sha256=sha256,
        objectives=section3.objectives,
        strategies=section3.strategies,
        summary=tuple(sorted(section3.rows, key=lambda r: id_key(r.indicator_id))),
        cards=tuple(sorted(annex.cards, key=lambda c: id_key(c.indicator_id))),
        observations=tuple(observations),
        variables=annex.variables,
        substitutions=annex.substitutions,
    )
