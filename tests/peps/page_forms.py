"""Read the values a browser would send from a page's main form."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    """Collects the fields of forms without an action (the page's own form)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None
        self._selected = ""
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._in_form = "action" not in attributes
        if not self._in_form:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in {"submit", "button"}:
                return
            if kind in {"radio", "checkbox"}:
                if "checked" in attributes:
                    self.values[name] = attributes.get("value") or "on"
                return
            self.values[name] = attributes.get("value") or ""
        elif tag == "select":
            self._select, self._selected = name, ""
        elif tag == "option" and self._select and "selected" in attributes:
            self._selected = attributes.get("value") or ""
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select:
            self.values[self._select] = self._selected
            self._select = None
        elif tag == "textarea" and self._textarea:
            # Browsers drop the newline that follows <textarea>.
            self.values[self._textarea] = "".join(self._text).removeprefix("\n")
            self._textarea = None


def form_values(response) -> dict[str, str]:
    reader = _FormReader()
    reader.feed(response.content.decode())
    reader.values.pop("csrfmiddlewaretoken", None)
    return reader.values
