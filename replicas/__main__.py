"""Serve every replica portal until interrupted: ``python -m replicas [--sources DIR]`` (writes source YAMLs)."""

from __future__ import annotations

import argparse
import contextlib
import signal
import threading
from pathlib import Path

from replicas import serve_all, write_sources


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m replicas", description=__doc__)
    parser.add_argument("--sources", type=Path, help="write matching source YAML files into this directory")
    args = parser.parse_args()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with serve_all() as urls:
        for source_id, base_url in urls.items():
            print(f"{source_id}\t{base_url}", flush=True)
        if args.sources:
            write_sources(args.sources, urls)
            print(f"sources written to {args.sources}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()


if __name__ == "__main__":
    main()
