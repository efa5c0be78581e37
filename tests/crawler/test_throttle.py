"""AutoThrottle takes a 304 (a night with nothing new) as it takes a 200: it may lower a host's delay, where Scrapy's
own never lowers it on a non-200 and so only ever widens the delays of hosts whose documents are unchanged."""

from __future__ import annotations

from scrapy.core.downloader import Slot
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.throttle import ArchiveAwareThrottle

SETTINGS = {"AUTOTHROTTLE_ENABLED": True, "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0, "AUTOTHROTTLE_MAX_DELAY": 60.0,
            "DOWNLOAD_DELAY": 0.0}


def _delay_after(throttle_class: type[AutoThrottle], status: int) -> float:
    throttle = throttle_class(get_crawler(settings_dict=SETTINGS))
    throttle.mindelay, throttle.maxdelay = 0.0, 60.0
    slot = Slot(concurrency=2, delay=4.0)
    throttle._adjust_delay(slot, 0.1, Response("http://127.0.0.1/t.html", status=status))
    return slot.delay


def test_a_304_lowers_the_delay_like_a_200() -> None:
    assert _delay_after(ArchiveAwareThrottle, 304) == _delay_after(ArchiveAwareThrottle, 200) < 4.0
    assert _delay_after(AutoThrottle, 304) == 4.0  # what Scrapy alone would do
    assert _delay_after(ArchiveAwareThrottle, 503) == 4.0  # error pages still never lower it
