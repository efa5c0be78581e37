"""Where the archive lives: a local directory or an object-storage prefix (any fsspec URI), behind one small API.

Every archive writer (blobs, manifest parts, WARC files, crawl state, health) writes whole objects, so the same
code runs on both: locally a write is a temporary file, fsynced, renamed into place (a crash leaves the old object
or the new one, never half); on object storage a single PUT is already all-or-nothing. Local paths keep their own
fast path (plain ``os`` calls): the crawler stats and writes a blob per response, and fsspec's local filesystem
costs several times the CPU of ``os.stat`` for it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fsspec

_Names = list[str]
_Entries = list[dict[str, Any]]
"""Aliases for the listing types: inside Location, ``list`` names its method, not the builtin."""


def is_remote(location: str | os.PathLike[str]) -> bool:
    """True for ``s3://…``-style locations, false for local paths (``file://`` included)."""
    text = str(location)
    return "://" in text and not text.startswith("file://")


class Location:
    """A directory of whole objects: ``root`` is a local path or a URI such as ``s3://bucket/prefix/archive``."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        text = str(root)
        self.remote = is_remote(text)
        if self.remote:
            self.uri = text.rstrip("/")
            self.fs, self.base = fsspec.core.url_to_fs(self.uri)
            self.base = self.base.rstrip("/")
        else:
            path = Path(text.removeprefix("file://")).expanduser().resolve()
            self.uri = str(path)
            self.base = str(path)
            self.fs = None

    def __repr__(self) -> str:
        return f"Location({self.uri!r})"

    def __str__(self) -> str:
        return self.uri

    @property
    def local_path(self) -> Path:
        """The directory on this machine (local locations only)."""
        if self.remote:
            raise ValueError(f"{self.uri} is on object storage, not a local directory")
        return Path(self.base)

    def child(self, *parts: str) -> Location:
        return Location(self.uri + "/" + "/".join(parts)) if self.remote else Location(Path(self.base, *parts))

    def path(self, name: str) -> str:
        """The full path of ``name`` (relative, ``/``-separated) inside this location, for its filesystem."""
        return f"{self.base}/{name}" if name else self.base

    def exists(self, name: str) -> bool:
        if self.remote:
            return bool(self.fs.exists(self.path(name)))
        return os.path.exists(self.path(name))

    def is_file(self, name: str) -> bool:
        if self.remote:
            return bool(self.fs.isfile(self.path(name)))
        return os.path.isfile(self.path(name))

    def read_bytes(self, name: str) -> bytes:
        """The object's bytes; FileNotFoundError naming the location when absent."""
        try:
            if self.remote:
                return bytes(self.fs.cat_file(self.path(name)))
            with open(self.path(name), "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            raise FileNotFoundError(f"{name} is not in {self.uri}") from None

    def write_bytes(self, name: str, data: bytes, *, durable: bool = True) -> None:
        """Write the whole object atomically (replacing any previous one)."""
        if self.remote:
            self.fs.pipe_file(self.path(name), data)
            return
        target = self.path(name)
        temp = f"{os.path.dirname(target)}/.{os.path.basename(target)}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
        try:
            handle = open(temp, "wb")  # noqa: SIM115 - closed below; the retry creates the folder on first use
        except FileNotFoundError:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            handle = open(temp, "wb")  # noqa: SIM115
        try:
            with handle:
                handle.write(data)
                if durable:
                    handle.flush()
                    os.fsync(handle.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def create(self, name: str, data: bytes) -> bool:
        """Write ``name`` only if it does not exist yet (locally: a hard link, atomic); True when written.

        On object storage existence is checked first; callers name such objects uniquely (time, run, random), so
        two writers never race for one name."""
        if self.remote:
            if self.fs.exists(self.path(name)):
                return False
            self.fs.pipe_file(self.path(name), data)
            return True
        target = self.path(name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        temp = f"{os.path.dirname(target)}/.{os.path.basename(target)}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
        try:
            with open(temp, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(temp, target)
            except FileExistsError:
                return False
            return True
        finally:
            Path(temp).unlink(missing_ok=True)

    def upload(self, local: Path, name: str) -> None:
        """Move a finished local file into the location (object storage: upload, then remove the local copy)."""
        if self.remote:
            self.fs.put_file(str(local), self.path(name))
            local.unlink()
            return
        target = Path(self.path(name))
        if local.resolve() != target.resolve():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(local, target)

    def delete(self, name: str) -> None:
        if self.remote:
            if self.fs.exists(self.path(name)):
                self.fs.rm_file(self.path(name))
            return
        Path(self.path(name)).unlink(missing_ok=True)

    def list(self, folder: str = "", suffix: str = "") -> _Names:
        """Names (relative to this location) of the objects directly in ``folder`` ending in ``suffix``, sorted;
        hidden names (temporaries) left out."""
        if self.remote:
            entries = self._ls(folder)
            names = [e["name"].rstrip("/").rsplit("/", 1)[-1] for e in entries if e["type"] == "file"]
        else:
            try:
                with os.scandir(self.path(folder)) as found:
                    names = [e.name for e in found if e.is_file()]
            except (FileNotFoundError, NotADirectoryError):
                return []
        prefix = f"{folder}/" if folder else ""
        return sorted(prefix + name for name in names if name.endswith(suffix) and not name.startswith("."))

    def folders(self, folder: str = "") -> _Names:
        """Names of the sub-folders directly in ``folder``, sorted."""
        prefix = f"{folder}/" if folder else ""
        if self.remote:
            entries = self._ls(folder)
            names = [e["name"].rstrip("/").rsplit("/", 1)[-1] for e in entries if e["type"] == "directory"]
            return sorted(prefix + name for name in names)
        try:
            with os.scandir(self.path(folder)) as found:
                return sorted(prefix + e.name for e in found if e.is_dir() and not e.name.startswith("."))
        except (FileNotFoundError, NotADirectoryError):
            return []

    def _ls(self, folder: str) -> _Entries:
        """A fresh listing (other processes write here too: fsspec's listing cache would hide their objects)."""
        try:
            return list(self.fs.ls(self.path(folder), detail=True, refresh=True))
        except FileNotFoundError:
            return []

    def walk_files(self, folder: str = "") -> Iterator[str]:
        """Every object under ``folder`` at any depth (relative names), sorted per folder."""
        yield from self.list(folder)
        for sub in self.folders(folder):
            yield from self.walk_files(sub)

    def open_input(self, name: str) -> Any:
        """A readable binary file object (for pyarrow and warcio)."""
        if self.remote:
            return self.fs.open(self.path(name), "rb")
        return open(self.path(name), "rb")
