"""Command line: `python -m geo build [--check]`, `python -m geo extract [FILE|-]`."""

# The commands themselves are in geo/cli/; this docstring is the parser's description.

from __future__ import annotations

import logging
import sys

from geo.cli.arguments import parser
from geo.config import ConfigError, Settings


def main(argv: list[str] | None = None) -> int:
    args = parser(__doc__).parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"configuration: {exc}", file=sys.stderr)
        return 2
    from geo.cli.build import build
    from geo.cli.extract import extract
    from geo.geoparse.ner import ModelMissing

    try:
        return build(args, settings) if args.command == "build" else extract(args, settings)
    except ModelMissing as exc:  # says how to install it, or to use --fast
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
