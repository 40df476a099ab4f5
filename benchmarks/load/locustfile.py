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
from pathlib import Path
from urllib.parse import urlsplit

from html_forms import main_form
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
        # The search is posted and kept in the session, never put in the URL.
        page = self._get("/children/", "caseload")
        form = main_form(page.text) if page.status_code == 200 else None
        if form is None:
            return
        fields = [
            (name, random.choice(SEARCHES) if name == "q" else value)
            for name, value in form.data()
        ]
        with self.client.post(
            "/children/", data=fields, name="caseload search", catch_response=True
        ) as response:
            if response.status_code != 200 or "/accounts/login/" in response.url:
                response.failure(f"caseload search answered {response.status_code}")

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

        fields = form.data()
        if form.typed:
            target = random.choice(form.typed)
            fields = [
                (name, _edited(value) if name == target else value)
                for name, value in fields
            ]
        with self.client.post(
            form.action or url,
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
