"""The scheduler's queue for a crawl of many hosts: Scrapy's ``DownloaderAwarePriorityQueue``, same choice, found
without scanning every host on every request.

Scrapy's queue picks, for each request it hands the downloader, the host (download slot) with the fewest active
downloads, the next one after the last pick among ties. It finds it by asking the downloader about every host with
a queued request: O(hosts) per request. At 1,000 hosts that is 17 million look-ups for 42,000 requests, ≈ 0.6 ms of
the crawl's CPU per response (cProfile, K = 1,000 replica columns). In a crawl of many hosts the least busy host is
almost always an idle one, so here the hosts are kept in name order and walked from the last pick on: the first
idle host is the answer Scrapy's scan would give, usually a step or two away. Only when no queued host is idle
(fewer hosts than ``CONCURRENT_REQUESTS``) does it fall back to Scrapy's full scan.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.pqueues import DownloaderAwarePriorityQueue, QueueProtocol, ScrapyPriorityQueue, _path_safe


class HostAwarePriorityQueue(DownloaderAwarePriorityQueue):
    """Replaces ``scrapy.pqueues.DownloaderAwarePriorityQueue`` (``SCHEDULER_PRIORITY_QUEUE``)."""

    def __init__(
        self,
        crawler: Crawler,
        downstream_queue_cls: type[QueueProtocol],
        key: str,
        slot_startprios: dict[str, Iterable[int]] | None = None,
        *,
        start_queue_cls: type[QueueProtocol] | None = None,
    ) -> None:
        super().__init__(crawler, downstream_queue_cls, key, slot_startprios, start_queue_cls=start_queue_cls)
        self._hosts: list[str] = sorted(self.pqueues)
        """The slots with queued requests, in name order (Scrapy's tie-break order)."""

    def push(self, request: Request) -> None:
        slot = self._downloader_interface.get_slot_key(request)
        if slot not in self.pqueues:
            self.pqueues[slot] = self.pqfactory(slot)
            insort(self._hosts, slot)
        self.pqueues[slot].push(request)

    def pop(self) -> Request | None:
        if not self._hosts:
            return None
        slot = self._pick(update_state=True)
        queue = self.pqueues[slot]
        request = queue.pop()
        if len(queue) == 0:
            self._drop(slot, queue)
        return request

    def peek(self) -> Request | None:
        if not self._hosts:
            return None
        return self.pqueues[self._pick(update_state=False)].peek()

    def close(self) -> dict[str, list[int]]:
        self._hosts.clear()
        return super().close()

    def _pick(self, *, update_state: bool) -> str:
        """The first idle host after the last pick (wrapping round), else Scrapy's scan."""
        slots = self._downloader_interface.downloader.slots
        hosts = self._hosts
        start = bisect_right(hosts, self._last_selected_slot) if self._last_selected_slot is not None else 0
        count = len(hosts)
        for offset in range(count):
            host = hosts[(start + offset) % count]
            slot = slots.get(host)
            if slot is None or not slot.active:
                if update_state:
                    self._last_selected_slot = host
                return host
        return self._next_slot([(len(slots[host].active), host) for host in hosts], update_state=update_state)

    def _drop(self, slot: str, queue: ScrapyPriorityQueue) -> None:
        del self.pqueues[slot]
        del self._hosts[bisect_right(self._hosts, slot) - 1]
        queue.close()
        if self.key:
            with suppress(OSError):
                Path(self.key, _path_safe(slot)).rmdir()
