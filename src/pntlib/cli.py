"""The ``pnt`` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .exceptions import PntlibError


def _cmd_extract(args: argparse.Namespace) -> int:
    from .extract import extract

    written = extract(report=args.report, out=args.out)
    folder = next(iter(written.values())).parent if written else args.out
    print(f"wrote {len(written)} files to {folder}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pnt", description="Parse, analyse and chart the PNTdP 2022-2024 progress report."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="parse the report and write its tables to data/processed/")
    p.add_argument("--report", type=Path, default=None, help="report file (default: the verified copy in data/raw/)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: data/processed/)")
    p.set_defaults(func=_cmd_extract)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except PntlibError as exc:
        print(f"pnt {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a missing report, a folder given as a file, permissions, ...
        what = f"{exc.strerror}: {exc.filename}" if exc.filename else str(exc)
        print(f"pnt {args.command}: error: {what}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
