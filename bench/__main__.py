"""`python -m bench [name ...] [--scale S] [--engine sqlite|postgres|both]`: run benchmarks and print figures.

Names: evaluation, imports, pages, certificates (default: all four, in that order). ``--scale 0.01`` (the
default) is a quick check; ``--scale 1.0`` gives the real figures (the national set is generated once per
engine, which takes a while: see docs/performance.md).
"""

from __future__ import annotations

import argparse
import time

from bench import certificates, evaluation, imports, pages
from bench.common import ENGINES, print_machine

BENCHMARKS = {
    "evaluation": evaluation.run,
    "imports": imports.run,
    "pages": pages.run,
    "certificates": certificates.run,
}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "names",
        nargs="*",
        choices=[*BENCHMARKS, []],
        metavar="name",
        help=f"one or more of: {', '.join(BENCHMARKS)} (default: all)",
    )
    parser.add_argument("--scale", type=float, default=0.01, help="0.01 (quick, default) up to 1.0 (England)")
    parser.add_argument("--engine", choices=[*ENGINES, "both"], default="both")
    args, rest = parser.parse_known_args(argv)
    names = args.names or list(BENCHMARKS)
    engines = ENGINES if args.engine == "both" else (args.engine,)
    if rest:
        if len(names) != 1:
            parser.error(f"options {' '.join(rest)} need exactly one benchmark name")
        module = {"evaluation": evaluation, "imports": imports, "pages": pages, "certificates": certificates}
        module[names[0]].main([*rest, "--scale", str(args.scale), "--engine", args.engine])
        return
    print_machine()
    began = time.perf_counter()
    for name in names:
        BENCHMARKS[name](engines=engines, scale=args.scale)
    print(f"\n(all done in {time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()
