"""Request fingerprints per source: the same URL listed by two columns is fetched for each (each records it),
while one column's own duplicates are still filtered. The bytes are stored once all the same (content-addressed)."""

from __future__ import annotations

import hashlib

from scrapy import Request
from scrapy.utils.request import RequestFingerprinter

from crawler.spiders.context import SOURCE_ID


class SourceRequestFingerprinter(RequestFingerprinter):
    """``REQUEST_FINGERPRINTER_CLASS``: Scrapy's fingerprint, salted with the request's source id."""

    def fingerprint(self, request: Request) -> bytes:
        base = super().fingerprint(request)
        source_id = request.meta.get(SOURCE_ID)
        return hashlib.sha1(base + source_id.encode()).digest() if source_id else base
