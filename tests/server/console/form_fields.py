"""What a browser would submit for a console form: the fields of the page's first POST form, read from its HTML
(inputs, ticked checkboxes, textareas, selected options; nothing inside a <template>)."""

from __future__ import annotations

from html.parser import HTMLParser


class _Fields(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self._template_depth = 0
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self._template_depth += 1
        if self._template_depth or "name" not in a and tag != "option":
            return
        if tag == "input":
            if a.get("type") != "checkbox" or "checked" in a:
                self.fields.append((a["name"], a.get("value") or ("on" if a.get("type") == "checkbox" else "")))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []
        elif tag == "select":
            self._select, self._select_value = a["name"], None
        elif tag == "option" and self._select is not None and (self._select_value is None or "selected" in a):
            self._select_value = a.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "template":
            self._template_depth -= 1
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that may follow <textarea>.
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            self.fields.append((self._select, self._select_value or ""))
            self._select = None


def form_fields(page: str) -> list[tuple[str, str]]:
    parser = _Fields()
    parser.feed(page)
    return parser.fields


def with_values(fields: list[tuple[str, str]], changes: dict[str, str]) -> list[tuple[str, str]]:
    """``fields`` with single-valued fields replaced, and the fields not there yet added."""
    named = dict(changes)
    return [(name, named.pop(name)) if name in named else (name, value) for name, value in fields] + list(named.items())
