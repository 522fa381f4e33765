"""`python -m blog`: the command line. One module per group of commands; each adds its
sub-commands to the parser and names the function that runs them."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from blog.cli import account_care, accounts, copy, data, serve, transfer
from blog.config import Config, ConfigError


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m blog", description="A small team's blog on aiohttp.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in (serve, accounts, data, account_care, transfer, copy):
        group.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "serve")  # `python -m blog --port 9000` means serve
    args = build_parser().parse_args(argv)
    try:
        config = Config.from_env(
            data_dir=args.data_dir, host=getattr(args, "host", None), port=getattr(args, "port", None),
            workers=getattr(args, "workers", None), database_url=args.database_url,
        )
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    configure_logging(config.log_level)
    result: int = args.run(args, config)
    return result
