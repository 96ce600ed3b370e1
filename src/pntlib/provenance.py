"""What the data was made from: the report's cover, its file and checksum, for citation.

Every page of ``pnt run`` and the Data Package of ``pnt extract`` cite the report
the same way, from :func:`source`; the titles are read from the report's cover
(:mod:`pntlib.report.cover`), never written into the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import config
from .report.cover import parse_cover
from .report.read import expected_checksum
from .tables import get_report

__all__ = ["Source", "source", "RAW_README", "PUBLISHED_README"]

#: The README documenting the raw report's provenance.
RAW_README = config.RAW_DATA_DIR / "README.md"
#: Where ``pnt run`` puts a copy of :data:`RAW_README` in its output folder (relative path),
#: so that a published collection of pages carries its provenance.
PUBLISHED_README = "data/raw/README.md"


@dataclass(frozen=True)
class Source:
    """The report a table or page was made from.

    Attributes
    ----------
    programme, title, period, publisher : str or None
        From the report's cover (:class:`pntlib.report.cover.Cover`); ``None``
        when the cover does not give it.
    file_name : str
        The report file's name.
    sha256 : str
        Checksum of the file's bytes (hex).
    verified : bool
        True when the file's checksum is the one ``data/raw/SHA256SUMS`` gives for its name
        (the published report).
    """

    programme: str | None
    title: str | None
    period: str | None
    publisher: str | None
    file_name: str
    sha256: str
    verified: bool

    @property
    def citation(self) -> str:
        """``"Secretaría de Gobernación. Avance y Resultados, Enero 2023 – Junio 2024. Programa ..."``
        (the parts the cover gives, in that order), or the file name when it gives none."""
        head = ", ".join(p for p in (self.title, self.period) if p)
        parts = [p for p in (self.publisher, head, self.programme) if p]
        return ". ".join(parts) + "." if parts else self.file_name


@lru_cache(maxsize=8)
def _cover(path: str, sha256: str):
    return parse_cover(Path(path).read_text(encoding="utf-8"))


def source(report: str | Path | None = None) -> Source:
    """The :class:`Source` of a report file.

    Parameters
    ----------
    report : str or Path, optional
        Report file; default the verified copy in ``data/raw/``.

    Returns
    -------
    Source

    Raises
    ------
    ReportNotFoundError, ReportChecksumError, ReportFormatError
        The report cannot be read.
    """
    parsed = get_report(report)
    cover = _cover(str(parsed.path), parsed.sha256)
    verified = expected_checksum(config.CHECKSUM_FILE, Path(parsed.path).name) == parsed.sha256
    return Source(
        programme=cover.programme, title=cover.title, period=cover.period, publisher=cover.publisher,
        file_name=Path(parsed.path).name, sha256=parsed.sha256, verified=verified,
    )
