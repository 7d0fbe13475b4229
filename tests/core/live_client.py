"""A real HTTP client for tests against the live_server fixture (threads, CSRF on)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

from tests.conftest import PASSWORD


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Report a redirect's own status instead of loading the page it leads to."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class SignedInClient:
    """A real HTTP client with its own cookies and CSRF token."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _KeepRedirects())
        page = self.opener.open(f"{base}/accounts/login").read().decode()
        self.token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert self.post("/accounts/login", identifier=username, password=PASSWORD) in (302, 303)

    def post(self, path: str, **data: str) -> int:
        body = urllib.parse.urlencode({"csrf_token": self.token, **data}).encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST",
                                         headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
