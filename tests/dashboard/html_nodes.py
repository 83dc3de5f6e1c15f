"""Tests read a table or a list drawn as HTML in one dcc.Markdown (dashboard/components/html_table.py) as the
Dash components it stands for: ``components_of(markup)`` parses the HTML (entities decoded, as the browser's
JSX parser decodes them) into ``html.*`` components (``<dccLink>`` a ``dcc.Link``), so an assertion on the
tree (a mark's class and id, a link's href and text) reads the same whichever way the page draws it."""
from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from dash import dcc, html

VOID = {"br", "hr", "img", "input", "wbr"}
PROPS = {"class": "className", "classname": "className", "colspan": "colSpan", "rowspan": "rowSpan",
         "aria-label": "aria-label"}


def _style(value: str) -> dict[str, str]:
    out = {}
    for part in value.split(";"):
        if ":" in part:
            k, v = part.split(":", 1)
            words = k.strip().split("-")
            out[words[0] + "".join(w.capitalize() for w in words[1:])] = v.strip()
    return out


def _make(tag: str, attrs: dict[str, Any], kids: list) -> Any:
    cls = dcc.Link if tag == "dcclink" else getattr(html, tag.capitalize())
    props = {PROPS.get(k, k): (_style(v) if k == "style" else v) for k, v in attrs.items()}
    if kids:
        props["children"] = kids[0] if len(kids) == 1 and isinstance(kids[0], str) else kids
    return cls(**props)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str | None, dict, list]] = [(None, {}, [])]

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            self.stack[-1][2].append(_make(tag, dict(attrs), []))
        else:
            self.stack.append((tag, {k: v or "" for k, v in attrs}, []))

    def handle_endtag(self, tag):
        while len(self.stack) > 1:
            name, attrs, kids = self.stack.pop()
            self.stack[-1][2].append(_make(name, attrs, kids))
            if name == tag:
                break

    def handle_data(self, data):
        kids = self.stack[-1][2]
        if kids and isinstance(kids[-1], str):
            kids[-1] += data
        else:
            kids.append(data)


def components_of(markup: str) -> list:
    """The components ``markup`` (HTML made with html_table.tag) draws, in order."""
    p = _Parser()
    p.feed(markup)
    p.close()
    return p.stack[0][2]
