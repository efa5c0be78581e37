"""Reaching portals as they are (portals.md, access realities), as small downloader components wired in
``crawler.settings``:

- ``source.SourceAccessMiddleware``: per-source headers, cookies and proxy (data in the source's ``access``);
- ``cookies.CookieReloadMiddleware``: a redirect to itself that sets a cookie is replayed once, with the cookie;
- ``challenge.ChallengeMiddleware``: JavaScript cookie challenges, by the embedded engine (``jsengine``), else by
  the real browser (``browser``);
- ``addresses.AddressFamilyResolver``: every address family of a host, IPv4 first, or only the one a source asks.
"""
