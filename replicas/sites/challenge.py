"""Anti-bot fronts as real portals put them before their columns (portals.md §7 and access realities), each
wrapping a replica column so that what lies behind is known:

- ``JslGuard``: a 加速乐-style JavaScript cookie challenge. Without a clearance the answer is HTTP 521 with a
  ``__jsluid_s`` cookie and layer 1 — a script computing ``__jsl_clearance_s`` from obfuscated literals and
  reloading; with that cookie, layer 2 — a script hashing (md5, sha1 or sha256 in turn, written in the page's own
  JavaScript) over parameters in the page until it finds the clearance; with the clearance bound to the client's
  User-Agent, the column. A clearance expires (after ``lifetime`` seconds or ``uses`` requests), and the challenge
  starts again. ``dom=True`` makes layer 2 depend on a real DOM (an ``<a>`` element resolving its href): only a
  browser passes it.
- ``WafGuard``: 司法部's openresty WAF (a 302 to the same URL that sets cookie CT6T) then a ~380-byte 412 shell
  that sets cookie C3VK by script and reloads (税务总局's library).
- ``ResetGuard``: the connection is reset unless the User-Agent is a browser's (www.gd.gov.cn).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from urllib.parse import urlencode

from replicas.server import RESET, Reply, Request, Site

CLEARANCE = "__jsl_clearance_s"
VISITOR = "__jsluid_s"
CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
ALGORITHMS = ("md5", "sha1", "sha256")
BROWSER_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"


@cache
def hashes_js() -> str:
    return resources.files("replicas").joinpath("js/hashes.js").read_text(encoding="utf-8")


def cookies(request: Request) -> dict[str, str]:
    pairs = (part.strip().partition("=") for part in request.headers.get("cookie", "").split(";") if "=" in part)
    return {name: value for name, _, value in pairs}


def _obfuscated(text: str) -> str:
    """``text`` as a JavaScript expression of literals: digits as sums, letters as one-character strings."""
    parts = []
    for index, char in enumerate(text):
        if char.isdigit():
            low = (index * 7) % (int(char) + 1)
            parts.append(f"(({low}+{int(char) - low})+[])")
        elif index % 3 == 0:
            parts.append(f"({json.dumps(char)})")
        else:
            parts.append(f"([{json.dumps(char)}][0])")
    return "+".join(parts)


@dataclass
class _Visitor:
    """One visitor's challenge state (keyed by its __jsluid_s cookie). Every clearance issued stays valid until it
    expires (a real front signs them), so concurrent requests that each solved a challenge all pass."""

    layer_one: str
    user_agent: str
    solutions: dict[str, list[float]] = field(default_factory=dict)
    """Clearance → [issued at, uses]."""
    round: int = 0


class JslGuard(Site):
    """A 521 JavaScript cookie challenge in front of ``inner``."""

    name = "jsl"

    def __init__(self, inner: Site, *, dom: bool = False, lifetime: float = 3600.0, uses: int | None = None) -> None:
        self.inner = inner
        self.dom = dom
        self.lifetime = lifetime
        self.uses = uses
        self.visitors: dict[str, _Visitor] = {}
        self.lock = threading.Lock()
        self.challenges: list[str] = []
        """Layers served, in order: 'layer1', 'layer2:<algorithm>' (what tests read)."""

    def handle(self, request: Request) -> Reply:
        held = cookies(request)
        user_agent = request.headers.get("user-agent", "")
        with self.lock:
            visitor = self.visitors.get(held.get(VISITOR, ""))
            if visitor is None:
                token = secrets.token_hex(16)
                visitor = self.visitors.setdefault(token, _Visitor(f"{int(time.time())}.{secrets.randbelow(900) + 100}"
                                                                   f"|0|{secrets.token_hex(8)}", user_agent))
                return self._layer_one(visitor, set_visitor=token)
            clearance = held.get(CLEARANCE, "")
            if clearance == visitor.layer_one:
                return self._layer_two(visitor, request)
            issued = visitor.solutions.get(clearance)
            fresh = issued is not None and time.monotonic() - issued[0] < self.lifetime \
                and (self.uses is None or issued[1] < self.uses)
            if not fresh or user_agent != visitor.user_agent:
                visitor.solutions.pop(clearance, None)
                return self._layer_one(visitor)
            issued[1] += 1
        return self.inner.handle(request)

    def _reply(self, body: str, set_cookie: str | None = None) -> Reply:
        headers: list[tuple[str, str | bytes]] = [("Content-Type", "text/html; charset=utf-8"),
                                                  ("Server", "jiasule-WAF")]
        if set_cookie:
            headers.append(("Set-Cookie", set_cookie))
        return Reply(521, body.encode(), headers, kind="challenge")

    def _layer_one(self, visitor: _Visitor, set_visitor: str | None = None) -> Reply:
        self.challenges.append("layer1")
        script = (f"document.cookie={_obfuscated(CLEARANCE)}+'='+{_obfuscated(visitor.layer_one)}"
                  "+';max-age=3600;path=/';location.href=location.pathname+location.search")
        cookie = f"{VISITOR}={set_visitor}; max-age=31536000; path=/; HttpOnly" if set_visitor else None
        return self._reply(f"<html><body><script>{script}</script></body></html>", cookie)

    def _layer_two(self, visitor: _Visitor, request: Request) -> Reply:
        algorithm = ALGORITHMS[visitor.round % len(ALGORITHMS)]
        visitor.round += 1
        self.challenges.append(f"layer2:{algorithm}")
        prefix, suffix = f"{int(time.time())}.{secrets.randbelow(900) + 100}|0|", secrets.token_hex(12)
        first, second = secrets.choice(CHARS), secrets.choice(CHARS)
        answer = prefix + first + second + suffix
        origin = f"http://{request.headers.get('host', '')}/"
        solution = answer + (f"|{hashlib.md5(origin.encode()).hexdigest()[:8]}" if self.dom else "")
        visitor.solutions[solution] = [time.monotonic(), 0]
        params = {"bts": [prefix, suffix], "chars": CHARS, "ct": hashlib.new(algorithm, answer.encode()).hexdigest(),
                  "ha": algorithm, "is": True, "tn": CLEARANCE, "vt": "3600", "wt": "300"}
        dom = ("var probe=document.createElement('a');probe.href='/';value+='|'+md5(probe.href).slice(0,8);"
               if self.dom else "")
        script = (
            f"{hashes_js()}\n"
            "function go(p){var hash={md5:md5,sha1:sha1,sha256:sha256}[p.ha];var chars=p.chars;"
            "for(var i=0;i<chars.length;i++){for(var j=0;j<chars.length;j++){"
            "var value=p.bts[0]+chars[i]+chars[j]+p.bts[1];"
            f"if(hash(value)==p.ct){{{dom}"
            "document.cookie=p.tn+'='+value+';max-age='+p.vt+';path=/';"
            "setTimeout(function(){location.href=location.pathname+location.search},p.wt);return;}}}"
            "alert('请求验证失败');}\n"
            f"go({json.dumps(params)});"
        )
        return self._reply(f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>"
                           f"<script>{script}</script></body></html>")


class WafGuard(Site):
    """司法部's cookie redirect, then a 412 script shell, in front of ``inner``."""

    name = "waf"

    def __init__(self, inner: Site) -> None:
        self.inner = inner
        self.redirect_token = secrets.token_hex(8)
        self.script_token = secrets.token_hex(6)
        self.answers: list[str] = []
        """What the guard answered: 'redirect', 'script' (what tests read)."""

    def handle(self, request: Request) -> Reply:
        held = cookies(request)
        query = urlencode(request.query, doseq=True)
        target = request.path + (f"?{query}" if query else "")
        if held.get("CT6T") != self.redirect_token:
            self.answers.append("redirect")
            return Reply(302, b"", [("Location", target), ("Server", "openresty"),
                                    ("Set-Cookie", f"CT6T={self.redirect_token}; path=/; HttpOnly"),
                                    ("Set-Cookie", f"CT6TS={secrets.token_hex(4)}; path=/")], kind="challenge")
        if held.get("C3VK") != self.script_token:
            self.answers.append("script")
            body = (f'<html><head><meta charset="utf-8"></head><body><script>var x="{self.script_token}";'
                    'document.cookie="C3VK="+x+"; path=/; max-age=300";location.reload();</script></body></html>')
            return Reply(412, body.encode(), [("Content-Type", "text/html"), ("Server", "openresty")],
                         kind="challenge")
        return self.inner.handle(request)


class ResetGuard(Site):
    """Resets the connection of clients without a browser User-Agent, in front of ``inner``."""

    name = "reset"

    def __init__(self, inner: Site) -> None:
        self.inner = inner

    def handle(self, request: Request) -> Reply:
        if "Mozilla/" not in request.headers.get("user-agent", ""):
            return Reply(0, b"", kind=RESET)
        return self.inner.handle(request)
