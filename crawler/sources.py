"""The source model (one YAML file per portal column under ``sources/``) and loading the registry.

Portals are data: everything a spider knows about one site — where the column starts, which CMS family renders it,
its selectors and API parameters — lives in its YAML file, validated here so that a typo names the file and field.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "sources"


class Family(StrEnum):
    """The CMS family that renders the column; it selects the spider module in ``crawler/spiders/families``."""

    TRS = "trs"
    HANWEB = "hanweb"
    JSON_API = "json_api"
    PLAIN = "plain"


class Hints(BaseModel):
    """Per-portal knowledge the family modules read; every field has a family default."""

    model_config = ConfigDict(extra="forbid")

    list_selector: str | None = None
    """CSS selector of the item links on a list page (default: every link in the page)."""
    next_text: list[str] = Field(default_factory=lambda: ["下一页", "下页"])
    """Link texts that lead to the next list page (plain family)."""
    max_pages: int = 50
    """Upper bound on list pages walked per start URL (a guard against pagers that never end)."""
    api_url: str | None = None
    """JSON or dataproxy endpoint, absolute or relative to the start URL (json_api, hanweb)."""
    api_method: Literal["GET", "POST"] | None = None
    """HTTP method of the list API; default: the family's (hanweb dataproxy POST, json_api GET)."""
    api_params: dict[str, str] = Field(default_factory=dict)
    """Fixed API parameters (form body for POST, query for GET); ``{page}`` / ``{start}`` / ``{end}`` are filled in."""
    page_size: int = 20
    """Records per API page (hanweb dataproxy perpage, json_api page size)."""
    first_page: int = 1
    """Number of the first API page (gkmlpt-like APIs count from 0 or 1)."""
    items_path: str = "data"
    """Dotted path of the item list in the JSON reply (``data``, ``articles``)."""
    page_count_path: str | None = "pageCount"
    """Dotted path of the page count in the JSON reply; None to page until an empty list."""
    url_fields: list[str] = Field(default_factory=lambda: ["docpuburl", "chnldocurl", "url", "post_url"])
    """JSON item fields holding document URLs; every one present is followed (same report at two URLs)."""
    title_fields: list[str] = Field(default_factory=lambda: ["doctitle", "title"])
    """JSON item fields holding the title, first present wins."""
    attachment_extensions: list[str] = Field(
        default_factory=lambda: [
            "pdf", "doc", "docx", "wps", "ofd", "xls", "xlsx", "et", "txt", "zip", "rar", "7z", "csv",
        ]
    )
    """Link targets with these extensions are attachments (downloaded, never parsed for links)."""
    attachment_paths: list[str] = Field(default_factory=lambda: ["/module/download/downfile.jsp", "/attach/"])
    """URL path fragments that mark an attachment whatever its extension (Hanweb downfile.jsp)."""


class Source(BaseModel):
    """One portal column (or one organ's column) to crawl."""

    model_config = ConfigDict(extra="forbid")

    id: str
    """Stable identifier: lowercase ASCII, digits and dashes; names the YAML file and every row it yields."""
    organ: str
    """The publishing organ as it names itself (郑州市公安局); default agency of the reports found."""
    region_code: str
    """GB/T 2260 administrative division code, six digits (410100 = 郑州市)."""
    start_urls: list[str]
    """Entry pages of the annual-report column (or the list API page when the column is an API)."""
    allowed_domains: list[str] = Field(default_factory=list)
    """Hosts the spider may fetch from (subdomains included); default: the hosts of start_urls."""
    family: Family = Family.PLAIN
    """CMS family of the column: trs | hanweb | json_api | plain."""
    hints: Hints = Field(default_factory=Hints)
    """Selectors and API parameters for the family module."""
    obey_robots: bool = True
    """False overrides robots.txt for this source (logged at every run; use only with the publisher's consent)."""
    local: bool = False
    """A replica portal on this machine (tests, demo): loopback and private addresses are allowed."""
    verified: bool = False
    """True once a live run confirmed the start URLs lead to this organ's reports."""
    notes: str = ""
    """Where the start URL comes from and anything a maintainer should know."""

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):
            raise ValueError("id must be lowercase ASCII letters, digits and dashes")
        return value

    @field_validator("region_code", mode="before")
    @classmethod
    def _region(cls, value: str | int) -> str:
        value = str(value)
        if not re.fullmatch(r"[1-8]\d{5}", value):
            raise ValueError("region_code must be a six-digit GB/T 2260 code")
        return value

    @field_validator("start_urls")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("at least one start URL is needed")
        for url in value:
            if not re.match(r"https?://[^/\s]+", url):
                raise ValueError(f"not an http(s) URL: {url!r}")
        return value

    def domains(self) -> list[str]:
        """The allowed hosts: explicit ones, else the hosts of the start URLs."""
        if self.allowed_domains:
            return list(self.allowed_domains)
        from urllib.parse import urlsplit

        return sorted({urlsplit(url).hostname or "" for url in self.start_urls} - {""})


class SourceError(ValueError):
    """A source file that cannot be read or does not validate; the message names the file."""


def load_source(path: Path) -> Source:
    """Read and validate one source file."""
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as error:
        raise SourceError(f"{path}: {error}") from error
    if not isinstance(data, dict):
        raise SourceError(f"{path}: expected a mapping of source fields, got {type(data).__name__}")
    try:
        source = Source.model_validate(data)
    except ValidationError as error:
        raise SourceError(f"{path}: {error}") from error
    if source.id != path.stem:
        raise SourceError(f"{path}: id {source.id!r} must match the file name {path.stem!r}")
    return source


def load_sources(directory: Path | str | None = None, ids: list[str] | tuple[str, ...] | None = None) -> list[Source]:
    """Every source in ``directory`` (default: the shipped ``sources/``), or only ``ids`` (unknown ids are errors)."""
    folder = Path(directory) if directory else DEFAULT_DIR
    if not folder.is_dir():
        raise SourceError(f"{folder}: no such sources directory")
    sources = {source.id: source for source in (load_source(path) for path in sorted(folder.glob("*.yaml")))}
    if not ids:
        return list(sources.values())
    unknown = [source_id for source_id in ids if source_id not in sources]
    if unknown:
        raise SourceError(f"{folder}: unknown source id(s) {unknown}; known: {sorted(sources)}")
    return [sources[source_id] for source_id in ids]
