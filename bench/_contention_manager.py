"""The manager's side of bench/contention.py: log in, load pages, open a form and save it,
as a browser does (the form's fields as it would submit them), each request timed."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from html.parser import HTMLParser

import requests

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TIMEOUT = 120  # seconds a page may take before the manager counts it as failed


def csrf(page: requests.Response) -> str:
    found = CSRF.search(page.text)
    assert found is not None, f"no CSRF token on {page.url}"
    return found.group(1)


def log_in(base_url: str, email: str, password: str) -> requests.Session:
    manager = requests.Session()
    form = manager.get(f"{base_url}/login", timeout=30)
    answer = manager.post(
        f"{base_url}/login",
        data={"email": email, "password": password, "csrf_token": csrf(form)},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.status_code
    return manager


class FormFields(HTMLParser):
    """The fields the product form would submit (what a browser sends on "save")."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._inside = False
        self._select: str | None = None
        self._chosen: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._inside = "product-form" in a.get("class", "")
        elif tag == "option" and self._select:
            if "selected" in a or not self._chosen:  # a browser sends the first by default
                self._chosen = a.get("value", "")
        elif not self._inside or "name" not in a:
            return
        elif tag == "input" and a.get("type", "text") not in {"submit", "button", "file"}:
            if a.get("type") not in {"checkbox", "radio"} or "checked" in a:
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._chosen = a["name"], None
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields.append((a["name"], ""))

    def handle_data(self, data: str) -> None:
        if self._textarea:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False
        elif tag == "select" and self._select:
            self.fields.append((self._select, self._chosen or ""))
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def timed(call: Callable[[], requests.Response]) -> tuple[float, int]:
    """Milliseconds and status of one request; a request that timed out counts as 504."""
    started = time.monotonic()
    try:
        status = call().status_code
    except requests.Timeout:
        status = 504
    return (time.monotonic() - started) * 1000, status


def save_draft(
    manager: requests.Session, base_url: str, draft_id: int, n: int
) -> tuple[float, int]:
    """Open the draft's form and save it with a new description: (save ms, status)."""
    url = f"{base_url}/products/{draft_id}/edit"
    parser = FormFields()
    started = time.monotonic()
    try:
        form = manager.get(url, timeout=TIMEOUT)
    except requests.Timeout:
        return TIMEOUT * 1000, 504
    if form.status_code >= 500:  # no form to save: the attempt failed already
        return (time.monotonic() - started) * 1000, form.status_code
    parser.feed(form.text)
    fields = [(k, f"<p>Sửa lần {n}.</p>" if k == "description" else v) for k, v in parser.fields]
    ms, status = timed(
        lambda: manager.post(url, data=fields, allow_redirects=False, timeout=TIMEOUT)
    )
    if status != 302 and status < 500:
        raise SystemExit(f"the save was refused ({status}): the bench sends a bad form")
    return ms, status
