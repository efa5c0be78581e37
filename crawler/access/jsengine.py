"""Running a challenge page's own scripts in an embedded JavaScript engine, to learn the cookie they set and where
they send the browser.

A 加速乐-style page answers 521 with a script that computes a cookie from obfuscated literals and reloads (layer
1), then a script that hashes parameters of the page in a loop (md5, sha1 or sha256, in its own code) until it
finds the clearance cookie (layer 2). Neither needs a page layout, only ``document.cookie``, ``location`` and
timers: a small browser-shaped global (below) is enough, and a script that needs more (a real DOM) fails or
answers wrong, which the challenge middleware takes as the cue for the real browser.

The engine is V8 through mini-racer (PyPI ``mini-racer``): the same engine as Chromium, so obfuscation tricks
that depend on engine details behave as in a browser; it has a per-call timeout and a memory limit, so a hostile
script cannot hang or exhaust the crawl; its wheel needs no compiler and no network at install. QuickJS bindings
(``quickjs``, last release 2023) and Duktape (``dukpy``, no timeout) were the alternatives.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urljoin

SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.I | re.S)
TIMEOUT_SECONDS = 3.0
MAX_MEMORY = 128 * 1024 * 1024
MAX_TIMER_ROUNDS = 20

_SHIM = r"""
var __page = %(page)s;
var __cookies = %(cookies)s;
var __set = [];
var __navigation = null;
var __timers = [];
var __written = [];
function __parse(url) {
  var m = /^(\w+:)\/\/([^\/?#:]+)(?::(\d+))?([^?#]*)(\?[^#]*)?(#.*)?$/.exec(url) || [];
  return {protocol: m[1] || 'http:', hostname: m[2] || '', port: m[3] || '', pathname: m[4] || '/',
          search: m[5] || '', hash: m[6] || ''};
}
var __location = (function () {
  var parts = __parse(__page.url);
  var location = {
    protocol: parts.protocol, hostname: parts.hostname, port: parts.port, pathname: parts.pathname,
    search: parts.search, hash: parts.hash,
    host: parts.hostname + (parts.port ? ':' + parts.port : ''),
    origin: parts.protocol + '//' + parts.hostname + (parts.port ? ':' + parts.port : ''),
    replace: function (url) { __navigation = String(url); },
    assign: function (url) { __navigation = String(url); },
    reload: function () { __navigation = __page.url; },
    toString: function () { return __page.url; }
  };
  Object.defineProperty(location, 'href', {get: function () { return __page.url; },
                                           set: function (url) { __navigation = String(url); }});
  return location;
})();
var document = {
  get cookie() {
    return Object.keys(__cookies).map(function (name) { return name + '=' + __cookies[name]; }).join('; ');
  },
  set cookie(text) {
    text = String(text);
    __set.push(text);
    var pair = text.split(';')[0], at = pair.indexOf('=');
    if (at > 0) { __cookies[pair.slice(0, at).trim()] = pair.slice(at + 1).trim(); }
  },
  get location() { return __location; },
  set location(url) { __navigation = String(url); },
  referrer: '', title: '', readyState: 'complete', characterSet: 'UTF-8',
  write: function (text) { __written.push(String(text)); },
  writeln: function (text) { __written.push(String(text)); },
  getElementById: function () { return null; },
  getElementsByTagName: function () { return []; },
  createElement: function (tag) {
    return {tagName: String(tag).toUpperCase(), style: {}, setAttribute: function () {},
            appendChild: function () {}, getAttribute: function () { return null; }};
  },
  addEventListener: function () {}
};
var navigator = {userAgent: __page.userAgent, language: 'zh-CN', languages: ['zh-CN', 'zh'], platform: 'Linux x86_64',
                 cookieEnabled: true, webdriver: false};
var window = globalThis;
var self = globalThis, top = globalThis, parent = globalThis;
Object.defineProperty(globalThis, 'location', {get: function () { return __location; },
                                               set: function (url) { __navigation = String(url); }});
var screen = {width: 1920, height: 1080, availWidth: 1920, availHeight: 1040, colorDepth: 24};
function setTimeout(fn, delay) { __timers.push({fn: fn, delay: +delay || 0}); return __timers.length; }
var setInterval = setTimeout;
function clearTimeout() {}
var clearInterval = clearTimeout;
function addEventListener() {}
function alert() {}
var console = {log: function () {}, warn: function () {}, error: function () {}};
function __run_timers() {
  for (var round = 0; round < %(rounds)d && __timers.length; round++) {
    var due = __timers.sort(function (a, b) { return a.delay - b.delay; });
    __timers = [];
    for (var i = 0; i < due.length; i++) {
      if (typeof due[i].fn === 'function') { due[i].fn(); } else { (0, eval)(String(due[i].fn)); }
    }
  }
}
function __outcome() { return JSON.stringify({set: __set, navigation: __navigation}); }
"""


class EngineUnavailable(RuntimeError):
    """The embedded engine is not installed or cannot start."""


@dataclass(frozen=True)
class SetCookie:
    """One ``document.cookie = …`` assignment: the pair and the attributes that came with it."""

    name: str
    value: str
    max_age: int | None = None
    path: str = "/"


@dataclass
class Outcome:
    """What a challenge page's scripts did: cookies set, where they navigate (absolute), or the error."""

    cookies: list[SetCookie] = field(default_factory=list)
    navigation: str | None = None
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and bool(self.cookies)


def scripts(html: str) -> list[str]:
    """The inline scripts of a page, in order (scripts loaded by ``src`` are not fetched: a challenge that needs
    one is for the browser)."""
    return [match.group("body") for match in SCRIPT.finditer(html)
            if "src=" not in match.group("attrs").lower() and match.group("body").strip()]


def _set_cookie(text: str) -> SetCookie | None:
    pair, *attributes = [part.strip() for part in text.split(";")]
    name, sep, value = pair.partition("=")
    if not sep or not name:
        return None
    max_age, path = None, "/"
    for attribute in attributes:
        key, _, setting = attribute.partition("=")
        if key.lower() == "max-age" and setting.strip().lstrip("-").isdigit():
            max_age = int(setting)
        elif key.lower() == "path" and setting:
            path = setting
    return SetCookie(name.strip(), value.strip(), max_age, path)


def run_challenge(html: str, url: str, user_agent: str, cookies: dict[str, str] | None = None,
                  timeout: float = TIMEOUT_SECONDS) -> Outcome:
    """Run the page's inline scripts as a browser would (timers included) in a fresh engine context."""
    try:
        from py_mini_racer import mini_racer
    except ImportError as error:  # pragma: no cover - the dependency is pinned
        raise EngineUnavailable(f"mini-racer is not installed: {error}") from error
    with _ONE_CONTEXT, mini_racer(_engine_loop()) as context:
        return _run(context, html, url, user_agent, cookies, timeout)


_ONE_CONTEXT = threading.Lock()
"""One engine context at a time in a process: mini-racer 0.14 crashes the process (SIGSEGV in its context creation)
when worker threads make contexts at once — 8 threads of challenges crashed it every time. A challenge takes
milliseconds and comes once per host and clearance, so the crawl loses nothing by waiting; the page's time budget
starts once the lock is held."""


@cache
def _engine_loop() -> asyncio.AbstractEventLoop:
    """The event loop mini-racer's contexts report to: one for the process, in a daemon thread, so that an engine
    interrupted by its timeout still has a live loop to report to after its context is gone. The caller must not
    run on an asyncio loop itself (the crawl calls the engine in a worker thread)."""
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, name="js-engine-loop", daemon=True).start()
    return loop


def _run(context: Any, html: str, url: str, user_agent: str, cookies: dict[str, str] | None,
         timeout: float) -> Outcome:
    page = json.dumps({"url": url, "userAgent": user_agent})
    shim = _SHIM % {"page": page, "cookies": json.dumps(cookies or {}), "rounds": MAX_TIMER_ROUNDS}
    deadline = time.monotonic() + timeout  # one budget for the whole page, however many scripts it has

    def run(code: str) -> Any:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"the page's scripts ran past {timeout} s")
        return context.eval(code, timeout_sec=left, max_memory=MAX_MEMORY)

    try:
        run(shim)
        for body in scripts(html):
            run(body)
        run("__run_timers()")
        result = json.loads(run("__outcome()"))
    except Exception as error:  # a script error, a timeout or the memory limit: the engine cannot pass this page
        return Outcome(error=f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[:300])
    found = [cookie for cookie in (_set_cookie(text) for text in result["set"]) if cookie is not None]
    navigation = urljoin(url, result["navigation"]) if result["navigation"] else None
    return Outcome(cookies=found, navigation=navigation)
