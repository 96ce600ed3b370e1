"""The thumbnail of a run's main chart, shown on the index."""

from __future__ import annotations

from pathlib import Path

__all__ = ["thumbnail"]


def thumbnail(source: Path, target: Path, *, width: int = 720) -> None:
    """A thumbnail ``width`` pixels wide (shown at half that on the index: sharp on high-density screens)."""
    from PIL import Image

    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as img:
        img.thumbnail((width, width * 2))
        img.save(target, format="PNG", optimize=True)
