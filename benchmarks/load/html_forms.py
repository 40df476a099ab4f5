"""Read a page's main POST form as a browser would send it (standard library only).

Used by the load test to save sections, and by the tests that post generated input
into the portal's forms. Pressing Enter in a field sends the form with its first
submit button, so that button's name and value (if it has a name) go with the form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

NOT_SENT = frozenset({"file", "button", "image", "reset"})


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    # Names of free-text fields: text inputs and text areas.
    typed: list[str] = field(default_factory=list)
    submit: tuple[str, str] | None = None
    submit_seen: bool = False

    def data(self) -> list[tuple[str, str]]:
        """What the browser sends when the form is saved with its first button."""
        return self.fields + ([self.submit] if self.submit else [])


class FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: int | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self._form = Form(action=attributes.get("action") or "")
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return

        name = attributes.get("name") or ""
        value = attributes.get("value") or ""
        kind = (attributes.get("type") or "").lower()
        if tag == "input":
            kind = kind or "text"
            if kind == "submit":
                self._first_submit(form, name, value)
            elif not name or kind in NOT_SENT:
                return
            elif kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    form.fields.append((name, value or "on"))
            else:
                form.fields.append((name, value))
                if kind == "text":
                    form.typed.append(name)
        elif tag == "button" and (kind or "submit") == "submit":
            self._first_submit(form, name, value)
        elif tag == "textarea" and name:
            form.fields.append((name, ""))
            form.typed.append(name)
            self._textarea = len(form.fields) - 1
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            if self._select_first is None:
                self._select_first = value
            if "selected" in attributes and not self._select_chosen:
                form.fields.append((self._select, value))
                self._select_chosen = True

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea is not None:
            name, value = self._form.fields[self._textarea]
            # A text area's first newline belongs to the markup, as browsers read it.
            if not value and data.startswith("\n"):
                data = data[1:]
            self._form.fields[self._textarea] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select and self._form is not None:
            if not self._select_chosen:
                self._form.fields.append((self._select, self._select_first or ""))
            self._select = None
        elif tag == "form":
            self._form = None

    @staticmethod
    def _first_submit(form: Form, name: str, value: str) -> None:
        if not form.submit_seen:
            form.submit_seen = True
            form.submit = (name, value) if name else None


def main_form(html: str) -> Form | None:
    """The page's largest POST form that is not the sign-out button."""
    reader = FormReader()
    reader.feed(html)
    forms = [form for form in reader.forms if "logout" not in form.action]
    return max(forms, key=lambda form: len(form.fields), default=None)
