"""The scheduler's queue picks exactly the host Scrapy's DownloaderAwarePriorityQueue picks, whatever the downloader
is busy with: the same requests come out in the same order, only found without scanning every host."""

from __future__ import annotations

import random

import pytest
from scrapy import Request, Spider
from scrapy.core.downloader import Downloader, Slot
from scrapy.pqueues import DownloaderAwarePriorityQueue
from scrapy.squeues import FifoMemoryQueue
from scrapy.utils.test import get_crawler

from crawler.scheduling import HostAwarePriorityQueue


class Engine:
    """What the queue reads of the engine: its downloader (a real one, its slots filled by the test)."""

    def __init__(self, downloader: Downloader) -> None:
        self.downloader = downloader


def _queue(kind: type[DownloaderAwarePriorityQueue], downloader: Downloader) -> DownloaderAwarePriorityQueue:
    crawler = get_crawler(Spider, {"CONCURRENT_REQUESTS_PER_IP": 0})
    crawler.engine = Engine(downloader)  # type: ignore[assignment]
    return kind.from_crawler(crawler, FifoMemoryQueue, "")


@pytest.mark.parametrize("hosts", [3, 40, 300])
def test_same_requests_in_the_same_order_as_scrapys_queue(hosts: int) -> None:
    randomness = random.Random(hosts)
    downloader = Downloader(get_crawler(Spider))
    ours, scrapys = _queue(HostAwarePriorityQueue, downloader), _queue(DownloaderAwarePriorityQueue, downloader)
    names = [f"h{randomness.randrange(10 * hosts)}.example" for _ in range(hosts)]
    requests = [Request(f"http://{randomness.choice(names)}/{index}", priority=randomness.choice([0, 0, 1]))
                for index in range(20 * hosts)]
    pending = list(requests)
    popped_ours, popped_scrapys = [], []
    while pending or len(ours):
        for _ in range(randomness.randrange(1, 4)):  # requests keep arriving while others are handed out
            if pending:
                request = pending.pop()
                ours.push(request)
                scrapys.push(request)
        # the downloader's business changes between picks: busy hosts, idle hosts, all hosts busy at times
        for name in randomness.sample(names, min(len(names), randomness.randrange(0, hosts + 1))):
            slot = downloader.slots.setdefault(name, Slot(2, 0.0))
            slot.active = {object() for _ in range(randomness.choice([0, 1, 2]))}  # type: ignore[misc]
        assert ours.peek() is scrapys.peek()
        popped_ours.append(ours.pop())
        popped_scrapys.append(scrapys.pop())
        assert popped_ours[-1] is popped_scrapys[-1]
        assert len(ours) == len(scrapys)
    assert ours.pop() is None and scrapys.pop() is None
    assert sorted(map(id, popped_ours)) == sorted(map(id, requests))
