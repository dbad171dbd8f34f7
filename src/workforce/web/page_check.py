"""Structural checks every rendered page must pass (used by the test suite's page fixture).

``page_problems(html)`` lists what is wrong; an empty list means the page passes:
- exactly one ``<h1>``;
- the ``<title>`` starts with the ``<h1>`` text (after an optional "Error: " prefix);
- every ``<form>`` has an ``action``; every form that does not use GET carries the CSRF token field;
- no ``id`` is used twice;
- every visible form control (input, select, textarea) has a label (``<label for>``, or aria-label).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

CSRF_FIELD = "_csrf_token"
_SPACE = re.compile(r"\s+")
_UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


def _text(value: str) -> str:
    return _SPACE.sub(" ", value).strip()


@dataclass
class _Form:
    attrs: dict[str, str | None]
    fields: list[str] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.h1: list[str] = []
        self.title: str | None = None
        self.forms: list[_Form] = []
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self._in_title = False
        self._title_parts: list[str] = []
        self._h1_depth = 0
        self._h1_parts: list[str] = []
        self._form: _Form | None = None
        self._svg_title_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        if tag == "svg":
            self._svg_title_depth += 1
        if tag == "title" and self._svg_title_depth == 0 and self.title is None:
            self._in_title = True
        elif tag == "h1":
            self._h1_depth += 1
            self._h1_parts = []
        elif tag == "form":
            self._form = _Form(attrs=values)
            self.forms.append(self._form)
        elif tag == "label" and values.get("for"):
            self.label_for.add(values["for"] or "")
        if tag in {"input", "select", "textarea"}:
            if self._form is not None and values.get("name"):
                self._form.fields.append(values["name"] or "")
            self.controls.append({"tag": tag, **values})

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self._svg_title_depth:
            self._svg_title_depth -= 1
        elif tag == "title" and self._in_title:
            self._in_title = False
            self.title = _text("".join(self._title_parts))
        elif tag == "h1" and self._h1_depth:
            self._h1_depth -= 1
            self.h1.append(_text("".join(self._h1_parts)))
        elif tag == "form":
            self._form = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title_parts.append(data)
        if self._h1_depth:
            self._h1_parts.append(data)


def page_problems(html: str) -> list[str]:
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    problems: list[str] = []

    if len(parser.h1) != 1:
        problems.append(f"expected exactly one <h1>, found {len(parser.h1)}: {parser.h1}")
    if not parser.title:
        problems.append("the page has no <title>")
    elif parser.h1:
        title = parser.title.removeprefix("Error: ")
        if not title.startswith(parser.h1[0]):
            problems.append(f"<title> {parser.title!r} does not start with the <h1> {parser.h1[0]!r}")

    for number, form in enumerate(parser.forms, start=1):
        where = f"form {number} ({form.attrs.get('id') or form.attrs.get('action') or 'no action'})"
        if not form.attrs.get("action"):
            problems.append(f"{where} has no action")
        method = (form.attrs.get("method") or "get").lower()
        if method != "get" and CSRF_FIELD not in form.fields:
            problems.append(f"{where} is a {method.upper()} form without the {CSRF_FIELD} field")

    duplicates = sorted(name for name, count in Counter(parser.ids).items() if count > 1)
    if duplicates:
        problems.append(f"duplicate ids: {', '.join(duplicates)}")

    for control in parser.controls:
        if control["tag"] == "input" and (control.get("type") or "text").lower() in _UNLABELLED_TYPES:
            continue
        control_id = control.get("id")
        if control.get("aria-label") or (control_id and control_id in parser.label_for):
            continue
        problems.append(f"<{control['tag']} name={control.get('name')!r}> has no label")
    return problems


def page_h1(html: str) -> str | None:
    parser = _PageParser()
    parser.feed(html)
    return parser.h1[0] if parser.h1 else None
