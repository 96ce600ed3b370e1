"""The ``pnt`` command line.

Its output is in English, as are its options and error messages (the pages it
writes are in Spanish). ``pnt`` alone prints the help and the commands.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from . import log
from .exceptions import OutputFolderError, ParameterError, PlanError, PntlibError, RunLockedError

#: Exit statuses of ``pnt run`` (``pnt extract``: 0, 1 for any error, 2, 3).
EXIT_OK = 0
EXIT_FAILED = 1  # pnt run: some notebooks failed (the others are published); pnt extract: an error
EXIT_USAGE = 2  # bad usage: an option, the plan, a parameter, an output folder pnt will not write into
EXIT_LOCKED = 3  # another pnt run or pnt extract is writing into the output folder
EXIT_ERROR = 4  # pnt run could not finish: the report cannot be read or changed during the run, a file cannot be written
#: What each exit status of ``pnt run`` means (``pnt run --help``, ``make report``, docs/running.md).
RUN_EXIT_CODES = {
    EXIT_OK: "every run succeeded or was unchanged",
    EXIT_FAILED: "some notebooks failed; the others were published (see index.html and failed/)",
    EXIT_USAGE: "bad usage: an option, the plan, a parameter, or an output folder pnt will not write into",
    EXIT_LOCKED: "another pnt run or pnt extract is writing into the output folder",
    EXIT_ERROR: "pnt run could not finish: the report cannot be read or changed during the run, "
                "or a file cannot be written",
    130: "interrupted: Ctrl-C (SIGINT); 143 SIGTERM, 129 SIGHUP (128 + the signal)",
}


def _cmd_extract(args: argparse.Namespace) -> int:
    from .extract import extract

    written = extract(report=args.report, out=args.out)
    folder = next(iter(written.values())).parent if written else args.out
    log.line(f"pnt extract: wrote {len(written)} files to {folder}", sys.stdout)
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from .run import run_plan

    archive = None
    if args.zip is not None:  # checked before anything runs: a bad --zip is bad usage (exit 2)
        from . import config
        from .run.bundle import zip_destination

        out = Path(config.REPORTS_DIR if args.out is None else args.out)
        archive = zip_destination(out, None if args.zip is True else args.zip)
    result = run_plan(args.plan, out=args.out, jobs=args.jobs, force=args.force, only=args.only, quiet=args.quiet,
                      kernels=args.kernels)
    counts = result["status"].value_counts()
    log.line(
        f"pnt run: {len(result)} run{'' if len(result) == 1 else 's'}: {counts.get('ok', 0)} ok, "
        f"{counts.get('failed', 0)} failed, {counts.get('skipped', 0)} skipped (unchanged)", sys.stdout)
    for row in result[result["status"] == "failed"].itertuples():
        log.line(f"pnt run: FAILED {log.failure(row.name, row.notebook, row.cell, row.error)}")
    if archive is not None:  # the folder as one archive to hand on (pntlib.run.bundle)
        from .run.bundle import write_zip

        archive = write_zip(out, archive)
        log.line(f"pnt run: wrote {archive} ({archive.stat().st_size / 2**20:.1f} MiB): unzip it and open index.html",
                 sys.stdout)
    return EXIT_FAILED if counts.get("failed", 0) else EXIT_OK


def _cmd_parameters(args: argparse.Namespace) -> int:
    from .run.plan import declared_parameters

    declared = declared_parameters(args.notebook)
    print(f"{args.notebook}: {len(declared)} parameter{'' if len(declared) == 1 else 's'}")
    for p in declared.values():
        annotation = "" if p["inferred_type_name"] == "None" else f": {p['inferred_type_name']}"
        comment = f"  # {p['help']}" if p["help"] else ""
        print(f"  {p['name']}{annotation} = {p['default']}{comment}")
    return 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive integer")
    return value


def _path(text: str) -> Path:
    """A path argument; an empty one (``--out ""``) would mean the current folder, so it is refused."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path; give a path, or leave the option out for its default")
    return Path(text)


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="pnt",
        description="Parse, analyse and chart the PNTdP 2022-2024 progress report.",
        epilog="Examples: 'pnt extract' writes data/processed/; 'pnt run' writes reports/index.html. "
               "'pnt COMMAND --help' describes a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    p = sub.add_parser(
        "extract",
        help="parse the report and write its tables to data/processed/ (CSV, Parquet, Stata .dta, datapackage.json, "
             "pntdp.xlsx)",
    )
    p.add_argument("--report", type=_path, default=None, help="report file (default: the verified copy in data/raw/)")
    p.add_argument("--out", type=_path, default=None, help="output folder (default: data/processed/)")
    p.set_defaults(func=_cmd_extract)
    p = sub.add_parser(
        "run",
        help="execute the notebook run plan with papermill and write the reports and reports/index.html",
        description="Execute the notebook run plan with papermill and write the reports and their index.",
        epilog="exit status:\n" + "\n".join(f"  {code:<4} {meaning}" for code, meaning in RUN_EXIT_CODES.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--plan", type=_path, default=None, help="run plan YAML (default: notebooks/plan.yaml)")
    p.add_argument("--out", type=_path, default=None, help="output folder (default: reports/)")
    p.add_argument("--jobs", type=_positive_int, default=None, help="runs at once (default: number of cores)")
    p.add_argument("--force", action="store_true", help="execute runs even when nothing changed")
    p.add_argument("--only", nargs="+", metavar="NAME", default=None,
                   help="execute only these runs (run name such as indicator_3.2, or notebook stem)")
    p.add_argument("--quiet", action="store_true", help="no progress display")
    p.add_argument("--zip", nargs="?", const=True, default=None, metavar="FILE",
                   help="also write the output folder as one archive that opens offline (default FILE: <out>.zip "
                        "beside the folder): the index, the pages it links, their figures and data/")
    p.add_argument("--kernels", choices=("server", "plain"), default="server",
                   help="server (default): kernels forked by a kernel server that imported the notebooks' "
                        "libraries once; plain: each kernel a new process (slower; for diagnosis)")
    p.set_defaults(func=_cmd_run)
    p = sub.add_parser(
        "parameters",
        help="list the parameters a notebook declares, as pnt run reads them (any annotation, e.g. str | None)",
    )
    p.add_argument("notebook", type=_path, help="the notebook (.ipynb)")
    p.set_defaults(func=_cmd_parameters)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # `pnt` alone: what it does and its commands
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM, SIGHUP: one line, no traceback, the shell's 128 + signal
        detail = str(exc) or "interrupted"
        log.line(f"pnt {args.command}: {detail}")
        return 128 + int(getattr(exc, "signum", signal.SIGINT))
    except PntlibError as exc:
        log.line(f"pnt {args.command}: error: {exc}")
        return _exit_status(args.command, exc)
    except OSError as exc:  # a missing report, a folder given as a file, permissions, ...
        what = f"{exc.strerror}: {exc.filename}" if exc.filename else str(exc)
        log.line(f"pnt {args.command}: error: {what}")
        return _exit_status(args.command, exc)


def _exit_status(command: str, exc: Exception) -> int:
    """The exit status of a command that raised ``exc`` (:data:`RUN_EXIT_CODES`)."""
    if isinstance(exc, RunLockedError):
        return EXIT_LOCKED
    if command != "run":
        return EXIT_FAILED
    if isinstance(exc, (PlanError, ParameterError, OutputFolderError)):
        return EXIT_USAGE
    return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
