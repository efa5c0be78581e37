"""Decode pages that declare no charset (no header, no meta): UTF-8 when the bytes are valid UTF-8, else GB18030.

Several portals serve GBK "无 charset 头" (portals.md §5); Scrapy would guess cp1252 and produce mojibake. This
is the pingtan crawler's rule, with GB18030 as the superset of GBK. Only the decoding changes, never the bytes.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.http import Response, TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom


class EncodingMiddleware:
    """Downloader middleware (after decompression): sets the encoding of undeclared text responses."""

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, TextResponse):
            return response
        declared = http_content_type_encoding(response.headers.get(b"Content-Type", b"").decode("latin-1"))
        if declared or read_bom(response.body)[0] or html_body_declared_encoding(response.body):
            return response
        try:
            response.body.decode("utf-8")
        except UnicodeDecodeError:
            return response.replace(encoding="gb18030")
        return response.replace(encoding="utf-8")
