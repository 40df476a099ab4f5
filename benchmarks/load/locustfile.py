"""Fifty people working through the portal's main screens at once.

Each simulated user takes one session made by prepare.py (a real session in the
database, for a social worker, a link teacher or an administrator) and, with a
second or two between steps, opens their caseload, searches it, opens children,
PEPs and their history, and opens and saves sections. See README.md here for how to
run it and the results.

Only 127.0.0.1 is allowed as the host: this load test is for a server you started
yourself on this machine.
"""

from __future__ import annotations

import json
import os
import random
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

SESSIONS_FILE = Path(
    os.environ.get(
        "LOAD_SESSIONS", Path(__file__).resolve().parents[2] / "var/load/sessions.json"
    )
)
SEARCHES = ("smith", "jo", "taylor", "an", "brown", "li")


@events.test_start.add_listener
def _only_this_machine(environment, **_):
    host = urlsplit(environment.host or "").hostname or ""
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(f"Refusing to load-test {host!r}: use a server on 127.0.0.1.")


def _load_sessions() -> tuple[str, list[dict]]:
    data = json.loads(SESSIONS_FILE.read_text())
    return data["cookie_name"], data["sessions"]


COOKIE_NAME, SESSIONS = _load_sessions()
_next_session = iter(range(10**9))


class FormReader(HTMLParser):
    """The fields of the page's main POST form, as a browser would send them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {
                "action": attrs.get("action") or "",
                "fields": [],
                "text": [],
                "submit": None,
            }
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._form["fields"].append((name, attrs.get("value") or "on"))
            elif kind == "submit":
                if self._form["submit"] is None:
                    self._form["submit"] = (name, attrs.get("value") or "")
            elif kind not in {"file", "button", "image", "reset"}:
                self._form["fields"].append((name, attrs.get("value") or ""))
                if kind == "text":
                    self._form["text"].append(name)
        elif tag == "button" and name and (attrs.get("type") or "submit") == "submit":
            if self._form["submit"] is None:
                self._form["submit"] = (name, attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self._form["fields"].append((name, ""))
            self._form["text"].append(name)
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = attrs.get("value") or ""
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs and not self._select_chosen:
                self._form["fields"].append((self._select, value))
                self._select_chosen = True

    def handle_data(self, data):
        if self._form is not None and self._textarea is not None:
            name, value = self._form["fields"][-1]
            self._form["fields"][-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select and self._form is not None:
            if not self._select_chosen:
                self._form["fields"].append((self._select, self._select_first or ""))
            self._select = None
        elif tag == "form":
            self._form = None


def main_form(html: str) -> dict | None:
    reader = FormReader()
    reader.feed(html)
    forms = [form for form in reader.forms if "logout" not in form["action"]]
    return max(forms, key=lambda form: len(form["fields"]), default=None)


class PortalUser(HttpUser):
    wait_time = between(1, 2)

    def on_start(self) -> None:
        self.session = SESSIONS[next(_next_session) % len(SESSIONS)]
        host = urlsplit(self.host).hostname
        self.client.cookies.set(COOKIE_NAME, self.session["cookie"], domain=host)
        self.role = self.session["role"]

    def _get(self, url: str, name: str):
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{name} answered {response.status_code}")
            elif "/accounts/login/" in response.url:
                response.failure(f"{name} sent the user to sign in: session lost")
            return response

    def _child(self) -> int | None:
        return (
            random.choice(self.session["children"])
            if self.session["children"]
            else None
        )

    def _pep(self) -> int | None:
        return random.choice(self.session["peps"]) if self.session["peps"] else None

    @task(3)
    def caseload(self) -> None:
        self._get("/children/", "caseload")

    @task(1)
    def caseload_search(self) -> None:
        self._get(f"/children/?q={random.choice(SEARCHES)}", "caseload search")

    @task(3)
    def child(self) -> None:
        child = self._child()
        if child:
            self._get(f"/children/{child}/", "child")

    @task(4)
    def pep(self) -> None:
        pep = self._pep()
        if pep:
            self._get(f"/children/peps/{pep}/", "PEP")

    @task(1)
    def pep_history(self) -> None:
        pep = self._pep()
        if pep:
            self._get(f"/audit/peps/{pep}/history/", "PEP history")

    @task(2)
    def section_edit_and_save(self) -> None:
        editable = self.session.get("editable", {})
        if not editable:
            return
        pep, letters = random.choice(sorted(editable.items()))
        url = f"/children/peps/{pep}/section-{random.choice(letters).lower()}/"
        page = self._get(url, "section edit")
        form = main_form(page.text) if page.status_code == 200 else None
        if not form or random.random() < 0.5:
            return

        fields = list(form["fields"])
        if form["text"]:
            target = random.choice(form["text"])
            fields = [
                (name, value) if name != target else (name, _edited(value))
                for name, value in fields
            ]
        if form["submit"]:
            fields.append(form["submit"])
        with self.client.post(
            form["action"] or url,
            data=fields,
            headers={"Referer": f"{self.host}{url}"},
            name="section save",
            catch_response=True,
        ) as response:
            # Saved (redirected to the PEP) or refused because a colleague saved
            # first, or a value no longer fits: all are answers, not errors.
            if response.status_code != 200 or "/accounts/login/" in response.url:
                response.failure(f"section save answered {response.status_code}")

    @task(1)
    def child_access_log(self) -> None:
        child = self._child()
        if self.role == "administrator" and child:
            self._get(f"/audit/children/{child}/access/", "who opened a child")


def _edited(value: str) -> str:
    stamp = f"load test {random.randint(1, 999)}"
    kept = re.sub(r" ?load test \d+$", "", value)[:150]
    return f"{kept} {stamp}".strip()
