"""The HTML reader of this tree against the one of a git ref: the same Document and the same Report JSON on every
HTML page, or the differences. Not a timing: the check that a change made for speed changed nothing else.

    .venv/bin/python benchmarks/html_reader_identity.py [--before main] [--recorded DIR]

Pages: each seed and its 2019-form variant (tests/report/shapes.py's materials) rendered as a portal page in both
replica styles, UTF-8 and GBK without a charset, with and without chrome; each seed as one paragraph per line
(tests/report/test_cell_per_paragraph.py); the saved real page ../shared/corpus/shuyang-fgj-2023.html; and every page
the tests handed to the reader, if recorded: run the tests with this file as a pytest plugin and a folder to record
into,

    HTML_READER_RECORD=tmp/pages .venv/bin/python -m pytest -p benchmarks.html_reader_identity \
        -m "slow or not slow" tests/document tests/report

which keeps each (bytes, declared charset) the HTML reader was given (directly or through an MHTML part), by hash.
Each side runs in a process of its own: this tree's, and the ref's files extracted with ``git archive`` (both with
this tree's virtualenv), so the comparison is of the code at the two commits and nothing else.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RECORD = "HTML_READER_RECORD"


def pytest_configure(config: Any) -> None:
    """As a pytest plugin: keep every page the HTML reader is given, when HTML_READER_RECORD names a folder."""
    folder = os.environ.get(RECORD)
    if not folder:
        return
    from pipelines.document import html as reader

    Path(folder).mkdir(parents=True, exist_ok=True)
    read = reader.read

    def recording(data: bytes, source: str, sha256: str, declared_encoding: str | None = None) -> Any:
        digest = hashlib.sha256(data + (declared_encoding or "").encode()).hexdigest()[:24]
        path = Path(folder) / f"{digest}.html"
        if not path.exists():
            path.write_bytes(data)
            Path(folder, f"{digest}.json").write_text(json.dumps({"source": source, "declared": declared_encoding}))
        return read(data, source, sha256, declared_encoding)

    reader.read = recording


def _generated(folder: Path) -> None:
    """Write the pages this script makes itself into ``folder`` (name.html + name.json with its declared charset)."""
    sys.path.insert(0, str(ROOT))
    from replicas.render import STYLES, render_html
    from tests.report.shapes import materials

    pages: dict[str, bytes] = {}
    for material in materials():
        for style in STYLES:
            for encoding in ("utf-8", "gbk"):
                page = render_html(material.expected, material.text, style=style, encoding=encoding)
                pages[f"{material.name}.{style}.{encoding}"] = page
            pages[f"{material.name}.{style}.bare"] = render_html(
                material.expected, material.text, style=style, chrome=False
            )
        lines = [line.strip() for line in material.text.splitlines() if line.strip()]
        body = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)
        pages[f"{material.name}.paragraphs"] = (
            f"<html><head><meta charset='utf-8'><title>报告</title></head><body>{body}</body></html>".encode()
        )
    for path in sorted((SHARED / "corpus").glob("*.htm*")):
        pages[path.stem] = path.read_bytes()
    for name, data in pages.items():
        (folder / f"{name}.html").write_bytes(data)
        (folder / f"{name}.json").write_text(json.dumps({"source": f"{name}.html", "declared": None}))


def _side(folders: list[str]) -> None:
    """In a child process: print {page: {document, report}} for every page of the folders, with this process's code."""
    from pipelines.document import html as reader
    from pipelines.document.errors import UnreadableDocument
    from pipelines.report.parse import parse_document

    out: dict[str, Any] = {}
    for folder in folders:
        for path in sorted(Path(folder).glob("*.html")):
            meta = json.loads(path.with_suffix(".json").read_text())
            data = path.read_bytes()
            key = f"{Path(folder).name}/{path.stem}"
            try:
                document = reader.read(data, meta["source"], hashlib.sha256(data).hexdigest(), meta["declared"])
            except UnreadableDocument as error:
                out[key] = {"error": str(error)}
                continue
            out[key] = {"document": repr(document), "report": parse_document(document).to_json()}
    print(json.dumps({"reader": reader.__file__, "pages": out}, ensure_ascii=False, sort_keys=True))


def _run(tree: Path, folders: list[Path]) -> dict[str, Any]:
    command = [sys.executable, str(ROOT / "benchmarks" / "html_reader_identity.py"), "--side", *map(str, folders)]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    run = subprocess.run(command, capture_output=True, text=True, cwd=tree, env=env)
    if run.returncode:
        raise SystemExit(f"{tree}: {run.stderr}")
    side = json.loads(run.stdout)
    if not Path(side["reader"]).is_relative_to(tree):
        raise SystemExit(f"{tree}: the reader came from {side['reader']}")
    return side["pages"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="the git ref whose reader is 'before' (default main)")
    parser.add_argument("--recorded", action="append", default=[], help="a folder of pages recorded from the tests")
    parser.add_argument("--side", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side is not None:
        _side(args.side)
        return
    with tempfile.TemporaryDirectory() as directory:
        generated = Path(directory) / "generated"
        generated.mkdir()
        _generated(generated)
        before = Path(directory) / "before"
        before.mkdir()
        archive = subprocess.run(["git", "archive", args.before], cwd=ROOT, capture_output=True, check=True).stdout
        archive_path = Path(directory) / "before.tar"
        archive_path.write_bytes(archive)
        with tarfile.open(archive_path) as tar:
            tar.extractall(before, filter="data")
        folders = [generated, *(Path(folder).resolve() for folder in args.recorded)]
        old, new = _run(before, folders), _run(ROOT, folders)
    commit = subprocess.run(["git", "rev-parse", "--short", args.before], cwd=ROOT, capture_output=True, text=True)
    changed = sorted(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))
    counts: dict[str, int] = {}
    for key in old.keys() | new.keys():
        counts[key.split("/")[0]] = counts.get(key.split("/")[0], 0) + 1
    errors = sum("error" in value for value in new.values())
    print(f"before: {args.before} ({commit.stdout.strip()}); after: this tree")
    folders_read = ", ".join(f"{folder} {count}" for folder, count in sorted(counts.items()))
    print(f"pages: {len(old.keys() | new.keys())} ({folders_read}); unreadable (after): {errors}")
    for key in changed:
        for part in ("error", "document", "report"):
            if (old.get(key) or {}).get(part) != (new.get(key) or {}).get(part):
                print(f"DIFFERENT {key}: {part}")
    total = len(old.keys() | new.keys())
    print(f"identical Document and Report JSON: {total - len(changed)} of {total}")
    raise SystemExit(1 if changed else 0)


if __name__ == "__main__":
    main()
