"""Bytes → str for text formats: BOM, then the declared charset (HTTP header, HTML meta), then UTF-8, then GB18030,
then detection with charset-normalizer.

GBK and GB2312 are read as GB18030, their superset, since portals declare the narrower name for pages that use
characters outside it. A page that declares a legacy charset but whose bytes are valid UTF-8 is read as UTF-8
(templates copied from old sites keep their GBK declaration). Chinese portals that declare nothing are almost
always GBK (spec/portals.md §5), and charset-normalizer can mistake short GBK pages for Big5 or Shift-JIS, so
GB18030 is tried before detection and kept when what it reads is overwhelmingly common Chinese text. A Latin-1
family declaration is a server default on these portals, not a statement about the page: it is tried last. A
page with a few corrupt bytes in an otherwise clean encoding is read with those bytes replaced (and says how many)
rather than lost.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

from pipelines.document.errors import UnreadableDocument

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_\-]+)""", re.I)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "gb_2312-80": "gb18030"}
_WEAK = {"latin_1", "iso8859-1", "ascii", "cp1252"}
_LEGACY = _WEAK | {"gb18030", "big5", "shift_jis", "euc_jp", "euc_kr"}
_HAN_OR_ASCII = re.compile(r"[\x00-\x7f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\u2000-\u206f]+")
"""Runs of ASCII and common Chinese text (CJK ideographs, CJK and full-width punctuation): what is left when they are
removed is the rest (removing runs is twice as fast as finding the rest one character at a time)."""
_HAN_SHARE = 0.9
codecs.lookup("gb18030")  # loaded with the reader, not by the first page: most pages declaring nothing are GBK
_CHINESE_SAMPLE = 32_768
_LOSSY_SHARE = 0.002
_LOSSY_MINIMUM = 3


class Decoded(NamedTuple):
    text: str
    encoding: str
    origin: str  # bom | declared | meta | utf-8 | utf-8-over-declared | gb18030 | lossy | detected | weak-declared
    declared: str | None = None
    replaced: int = 0  # undecodable byte sequences replaced by U+FFFD (origin 'lossy')


def canonical(encoding: str) -> str | None:
    """A Python codec name for a declared charset, widened to its superset; None if unknown."""
    name = encoding.strip().strip("\"'").lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_in_html(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def decode(data: bytes, source: str, declared: str | None = None, *, html: bool = False) -> tuple[str, str]:
    """Return (text, encoding used). Raises UnreadableDocument when no encoding reads the bytes cleanly."""
    decoded = decode_with_origin(data, source, declared, html=html)
    return decoded.text, decoded.encoding


def decode_with_origin(data: bytes, source: str, declared: str | None = None, *, html: bool = False) -> Decoded:
    """As decode(), also saying where the encoding came from (readers report guessed encodings as findings)."""
    for bom, bom_encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(bom_encoding), bom_encoding, "bom")
            except UnicodeDecodeError as error:
                raise UnreadableDocument(source, f"undecodable as {bom_encoding} (BOM): {error.reason}") from error
    weak: list[str] = []
    candidates = ((declared, "declared"), (declared_in_html(data) if html else None, "meta"), ("utf-8", "utf-8"))
    legacy = [name for name, _ in candidates[:2] if name and canonical(name) in _LEGACY]
    if legacy:
        utf8 = _as_utf8(data)
        if utf8 is not None:
            return Decoded(utf8, "utf-8", "utf-8-over-declared", legacy[0])
    for candidate, origin in candidates:
        encoding = canonical(candidate) if candidate else None
        if not encoding:
            continue
        if encoding in _WEAK:
            weak.append(encoding)
            continue
        try:
            return Decoded(data.decode(encoding), encoding, origin)
        except UnicodeDecodeError:
            continue
    chinese = _as_chinese(data)
    if chinese is not None:
        return Decoded(chinese, "gb18030", "gb18030")
    for encoding in weak:
        return Decoded(data.decode(encoding), encoding, "weak-declared")
    lossy = _lossy([name for name, _ in candidates if name and canonical(name) not in _WEAK] + ["gb18030"], data)
    if lossy is not None:
        return lossy
    from charset_normalizer import from_bytes  # only pages no cheaper rule reads: spares every worker 14 ms of import

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UnreadableDocument(source, "undecodable: no text encoding reads these bytes")
    encoding = canonical(best.encoding) or best.encoding
    try:
        return Decoded(data.decode(encoding), encoding, "detected")
    except UnicodeDecodeError as error:
        raise UnreadableDocument(source, f"undecodable as {encoding}: {error.reason}") from error


def _lossy(names: list[str], data: bytes) -> Decoded | None:
    """A page with a few corrupt bytes (a truncated character, a bad copy-paste) in an otherwise clean encoding:
    the candidate with the fewest replacements, if they are rare, rather than failing the whole page."""
    best: Decoded | None = None
    for name in names:
        encoding = canonical(name)
        if not encoding:
            continue
        text = data.decode(encoding, errors="replace")
        replaced = text.count("\ufffd") - data.decode(encoding, errors="ignore").count("\ufffd")
        if best is None or replaced < best.replaced:
            best = Decoded(text, encoding, "lossy", name, replaced)
    if best is None or best.replaced > max(_LOSSY_MINIMUM, _LOSSY_SHARE * len(best.text)):
        return None
    return best


def _as_utf8(data: bytes) -> str | None:
    """The bytes as UTF-8 if they hold non-ASCII text that is valid UTF-8: GBK text of any length almost never is,
    so a page declared GBK (or Latin-1) whose bytes are valid UTF-8 was saved as UTF-8 under an old template."""
    if data.isascii():
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _as_chinese(data: bytes) -> str | None:
    """The bytes read as GB18030 if that reads them strictly and the non-ASCII text is nearly all common Chinese.

    The share is taken over the first _CHINESE_SAMPLE characters that hold any non-ASCII text (the whole text when
    they hold none): a page in another legacy encoding that happens to read as GB18030 reads as rare characters
    throughout, and counting a whole 100 KB page cost a third of parsing it."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    sample = text[:_CHINESE_SAMPLE]
    if sample.isascii():
        sample = text
        if sample.isascii():
            return None
    rare = len(_HAN_OR_ASCII.sub("", sample))
    if not rare:
        return text
    non_ascii = len(sample) - len(sample.encode("ascii", "ignore"))
    return text if non_ascii - rare >= _HAN_SHARE * non_ascii else None
