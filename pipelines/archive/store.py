"""The content-addressed blob store: every fetched body kept once, named by its sha256, never overwritten.

Layout ``{archive}/blobs/sha256/<2 hex>/<2 hex>/<sha256>``. Locally a blob appears only by ``os.replace`` of a
fsynced temporary file, so a crash (even SIGKILL) leaves either the whole blob or none; temporaries of dead
processes are swept by :meth:`BlobStore.sweep`. On object storage (an ``s3://…`` archive) a blob is one PUT.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from pipelines.archive.location import Location

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1 << 20


def _libc_with_syncfs() -> ctypes.CDLL | None:
    """The C library, if it has syncfs(2) (Linux only)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.syncfs  # noqa: B018 - probe
    except (OSError, AttributeError):
        return None
    return libc


_LIBC = _libc_with_syncfs()


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class CorruptBlob(Exception):
    """A stored blob whose bytes no longer match its name."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check(sha256: str) -> str:
    if not isinstance(sha256, str) or not _SHA256.match(sha256):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return sha256


def pid_alive(pid: int) -> bool:
    """Whether a process of this machine with that id lives."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def blob_name(sha256: str) -> str:
    """The blob's name inside the archive."""
    sha256 = _check(sha256)
    return f"blobs/sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


class BlobStore:
    """Blobs under ``root`` (the archive: a directory or an object-storage URI): put/get/verify by sha256."""

    def __init__(self, root: Path | str | Location) -> None:
        self.location = root if isinstance(root, Location) else Location(root)
        self.remote = self.location.remote
        self.root = Path(self.location.base) if not self.remote else Path(self.location.uri)
        self.blobs = self.root / "blobs" / "sha256"
        self.tmp = self.root / "blobs" / "tmp"

    def path(self, sha256: str) -> Path:
        """The blob's file (local archives)."""
        sha256 = _check(sha256)
        return self.blobs / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        if self.remote:
            return self.location.is_file(blob_name(sha256))
        return self.path(sha256).is_file()

    def put(self, data: bytes, *, durable: bool = True) -> str:
        """Store ``data``; return its sha256. An existing good blob is left alone; a damaged one is restored.

        ``durable=False`` skips the per-blob fsync (the rename is still atomic, so a killed process leaves no
        partial blob); the caller must then call :meth:`sync` before it records the blob anywhere. A crawl does
        that once per manifest batch: one filesystem sync instead of two fsyncs per response (~1.3 ms CPU each
        here)."""
        digest = sha256_hex(data)
        if self.remote:
            if not (self.exists(digest) and self.verify(digest)):
                self.location.write_bytes(blob_name(digest), data)
            return digest
        target = self.path(digest)
        if target.is_file() and self.verify(digest):
            return digest
        temp = self.tmp / f"{os.getpid()}-{uuid.uuid4().hex}"
        try:
            handle = open(temp, "wb")  # noqa: SIM115 - closed below; the retry creates the folder on first use
        except FileNotFoundError:
            self.tmp.mkdir(parents=True, exist_ok=True)
            handle = open(temp, "wb")  # noqa: SIM115
        try:
            with handle:
                handle.write(data)
                if durable:
                    handle.flush()
                    os.fsync(handle.fileno())
            with open(temp, "rb") as check:
                if sha256_hex(check.read()) != digest:
                    raise CorruptBlob(f"blob {digest}: bytes written to {temp} do not read back the same")
            try:
                os.replace(temp, target)
            except FileNotFoundError:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        if durable:
            fsync_dir(target.parent)
        return digest

    def put_file(self, source: Readable, *, durable: bool = True) -> tuple[str, int, bool]:
        """Store what ``source`` reads, a chunk at a time (memory stays small whatever the size); return its
        sha256, its size and whether it is new to the store. The bytes are hashed as they are copied, read back
        and checked before they are named. On object storage the bytes are spooled to a local temporary file
        first, then uploaded once."""
        digest = hashlib.sha256()
        size = 0
        if self.remote:
            fd, name = tempfile.mkstemp(prefix="govreports-blob-")
            os.close(fd)
            temp = Path(name)
        else:
            self.tmp.mkdir(parents=True, exist_ok=True)
            temp = self.tmp / f"{os.getpid()}-{uuid.uuid4().hex}"
        try:
            with open(temp, "wb") as handle:
                for chunk in iter(lambda: source.read(CHUNK), b""):
                    digest.update(chunk)
                    size += len(chunk)
                    handle.write(chunk)
                if durable:
                    handle.flush()
                    os.fsync(handle.fileno())
            sha256 = digest.hexdigest()
            if self.remote:
                new = self._upload(temp, sha256)
                return sha256, size, new
            target = self.path(sha256)
            if target.is_file() and self.verify(sha256):
                temp.unlink()
                return sha256, size, False
            if _file_sha256(temp) != sha256:
                raise CorruptBlob(f"blob {sha256}: bytes written to {temp} do not read back the same")
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        if durable:
            fsync_dir(target.parent)
        return sha256, size, True

    def adopt(self, path: Path, *, durable: bool = True) -> tuple[str, int, bool]:
        """Move the file at ``path`` (on the archive's filesystem, e.g. a spooled download) into the store by its
        sha256, read once to hash it; return its sha256, size and whether it is new. The file is gone after."""
        sha256 = _file_sha256(path)
        size = path.stat().st_size
        if self.remote:
            return sha256, size, self._upload(path, sha256)
        target = self.path(sha256)
        if target.is_file() and self.verify(sha256):
            path.unlink()
            return sha256, size, False
        if durable:
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        if durable:
            fsync_dir(target.parent)
        return sha256, size, True

    def _upload(self, local: Path, sha256: str) -> bool:
        """Object storage: upload a finished local file as the blob (unless a good one is there); it is gone after.
        True when the blob is new."""
        try:
            if self.exists(sha256) and self.verify(sha256):
                return False
            self.location.upload(local, blob_name(sha256))
            return True
        finally:
            local.unlink(missing_ok=True)

    def sync(self) -> None:
        """Make every blob written with ``durable=False`` durable: syncfs(2) of the archive's filesystem."""
        if self.remote:
            return  # a PUT is durable when it returns
        self.blobs.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.blobs, os.O_RDONLY)
        try:
            if _LIBC is not None and _LIBC.syncfs(fd) == 0:
                return
            os.sync()
        finally:
            os.close(fd)

    def get(self, sha256: str) -> bytes:
        """The blob's bytes; raises FileNotFoundError naming the sha256 when absent, CorruptBlob when damaged."""
        try:
            data = self.location.read_bytes(blob_name(sha256))
        except FileNotFoundError:
            raise FileNotFoundError(f"blob {sha256} is not in the archive at {self.location}") from None
        if sha256_hex(data) != sha256:
            raise CorruptBlob(f"blob {sha256} at {self.location.path(blob_name(sha256))} does not match its sha256")
        return data

    def verify(self, sha256: str) -> bool:
        """True when the blob exists and its bytes hash to its name."""
        if self.remote:
            try:
                with self.location.open_input(blob_name(sha256)) as handle:
                    return _stream_sha256(handle) == sha256
            except FileNotFoundError:
                return False
        try:
            return _file_sha256(self.path(sha256)) == sha256
        except FileNotFoundError:
            return False

    def __iter__(self) -> Iterator[str]:
        """Every stored sha256."""
        if self.remote:
            for name in self.location.walk_files("blobs/sha256"):
                if _SHA256.match(name.rsplit("/", 1)[-1]):
                    yield name.rsplit("/", 1)[-1]
            return
        if not self.blobs.is_dir():
            return
        for path in sorted(self.blobs.glob("??/??/*")):
            if _SHA256.match(path.name):
                yield path.name

    def sweep(self) -> list[Path]:
        """Remove temporaries left by dead writers (a crash mid-put); return what was removed."""
        removed: list[Path] = []
        if self.remote or not self.tmp.is_dir():
            return removed
        for temp in self.tmp.iterdir():
            pid = temp.name.split("-", 1)[0]
            if pid.isdigit() and pid_alive(int(pid)) and int(pid) != os.getpid():
                continue
            if pid.isdigit() and int(pid) == os.getpid():
                continue
            temp.unlink(missing_ok=True)
            removed.append(temp)
        return removed


def _file_sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return _stream_sha256(handle)


def _stream_sha256(handle: Readable) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def fsync_dir(directory: Path | str) -> None:
    """Make a rename durable (POSIX: the directory entry lives in the directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
