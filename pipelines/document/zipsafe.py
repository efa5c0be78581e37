"""Zip containers (DOCX, XLSX, OFD) and their XML parts, opened with limits.

A report is a few hundred kilobytes; a zip bomb is a few kilobytes that expands to gigabytes. The archive is
refused when its directory declares too many entries or too many expanded bytes (Python's zipfile, which
openpyxl uses too, never inflates an entry past its declared size, so the declaration bounds the work), every
entry is read with a cap on the bytes actually inflated, and XML is parsed without entity expansion, DTD
loading or network access (billion laughs, XXE).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree

from pipelines.document.errors import UnreadableDocument

MAX_ENTRIES = 5000
MAX_ENTRY_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024

_SAFE = {"resolve_entities": False, "no_network": True, "load_dtd": False, "dtd_validation": False,
         "huge_tree": False, "recover": False}
_PARSER = etree.XMLParser(**_SAFE)


class SafeZip:
    """A zip archive whose reads stop at the limits; every error names the source document."""

    def __init__(self, data: bytes, source: str) -> None:
        self.source = source
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
            raise UnreadableDocument(source, f"corrupt zip container: {error}") from error
        if len(infos) > MAX_ENTRIES:
            raise UnreadableDocument(source, f"zip has {len(infos)} entries, more than {MAX_ENTRIES}")
        declared = sum(info.file_size for info in infos)
        largest = max((info.file_size for info in infos), default=0)
        if declared > MAX_TOTAL_BYTES or largest > MAX_ENTRY_BYTES:
            raise UnreadableDocument(
                source, f"zip expands to {declared} bytes (largest entry {largest}), beyond the limit (a zip bomb?)"
            )
        self._names = {info.filename for info in infos}
        self._sizes = {info.filename: info.file_size for info in infos}
        self._inflated = 0

    def names(self) -> set[str]:
        return set(self._names)

    def sizes(self) -> dict[str, int]:
        """Entry name → its declared (inflated) size, which zipfile never reads past."""
        return dict(self._sizes)

    def has(self, name: str) -> bool:
        return name in self._names

    def read(self, name: str, max_bytes: int = MAX_ENTRY_BYTES) -> bytes:
        """The whole entry (for small parts: ``max_bytes`` bounds it; large parts are streamed with
        :meth:`iterparse`)."""
        with self.open(name, max_bytes) as entry:
            return entry.read()

    def open(self, name: str, max_bytes: int = MAX_ENTRY_BYTES) -> Entry:
        """A stream of the entry that stops with UnreadableDocument past ``max_bytes`` (or the archive's budget)."""
        if name not in self._names:
            raise UnreadableDocument(self.source, f"zip entry {name!r} is missing")
        try:
            stream = self._zip.open(name)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
            raise UnreadableDocument(self.source, f"corrupt zip entry {name!r}: {error}") from error
        return Entry(self, name, stream, min(max_bytes, MAX_ENTRY_BYTES, MAX_TOTAL_BYTES - self._inflated))

    def xml(self, name: str, max_bytes: int = MAX_ENTRY_BYTES) -> etree._Element:
        return parse_xml(self.read(name, max_bytes), self.source, name)

    def iterparse(
        self, name: str, events: tuple[str, ...] = ("end",), tag: object = None
    ) -> Iterator[tuple[str, etree._Element]]:
        """Stream the XML of an entry as (event, element) pairs, with the limits of :func:`parse_xml`; the caller
        clears what it has read, so a part far larger than memory can be read."""
        entry = self.open(name)
        try:
            parser = etree.iterparse(entry, events=events, tag=tag, **_SAFE)
            yield from parser
        except etree.XMLSyntaxError as error:
            raise UnreadableDocument(self.source, f"malformed XML in {name}: {error}") from error
        finally:
            entry.close()


class Entry(io.RawIOBase):
    """One zip entry being inflated, counted against the budget; corrupt data names the document."""

    def __init__(self, archive: SafeZip, name: str, stream: IO[bytes], budget: int) -> None:
        super().__init__()
        self.archive, self.name, self.stream, self.budget = archive, name, stream, budget
        self.inflated = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        want = self.budget + 1 - self.inflated if size is None or size < 0 else min(size, self.budget + 1)
        try:
            data = self.stream.read(want)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
            raise UnreadableDocument(self.archive.source, f"corrupt zip entry {self.name!r}: {error}") from error
        self.inflated += len(data)
        self.archive._inflated += len(data)
        if self.inflated > self.budget:
            raise UnreadableDocument(
                self.archive.source, f"zip entry {self.name!r} expands beyond the limit (a zip bomb?)"
            )
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.stream.close()
        super().close()


def parse_xml(data: bytes, source: str, part: str = "") -> etree._Element:
    """Parse XML with entities left unexpanded and no DTD or network access."""
    where = f" in {part}" if part else ""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        raise UnreadableDocument(source, f"malformed XML{where}: {error}") from error
    if root is None:
        raise UnreadableDocument(source, f"empty XML{where}")
    return root


def entry_names(data: bytes) -> set[str]:
    """The entry names of a zip (for sniffing), or an empty set when the bytes are not a readable zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {info.filename for info in archive.infolist()[:MAX_ENTRIES]}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        return set()
