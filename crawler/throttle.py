"""AutoThrottle that takes a 304 for what it is: an answer as good as a 200.

Scrapy's AutoThrottle never lowers a host's delay on a non-200 response (error pages are small and fast, and
would talk it into hammering a failing site). A 304 to a conditional request is not an error but the normal answer
of a night with nothing new; counted like an error page it could only ever widen the delays of every host whose
documents are unchanged. Here a 304 adjusts the delay exactly as a 200 does.
"""

from __future__ import annotations

from scrapy.core.downloader import Slot
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response


class ArchiveAwareThrottle(AutoThrottle):
    """Replaces ``scrapy.extensions.throttle.AutoThrottle`` (``AUTOTHROTTLE_*`` settings unchanged)."""

    def _adjust_delay(self, slot: Slot, latency: float, response: Response) -> None:
        if response.status == 304:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)
