"""Tables and lists drawn as one Dash component: HTML given to ``dcc.Markdown``.

A page's cost in the browser grows faster than its Dash component count: with Dash 4 every mounted
component sends an update through the renderer's shared store and every mounted component is checked
again, so a table of one component per row and cell (``html.Tr``/``html.Td``, a link per row) cost a
page hundreds of components. Here a table or a list is one string of HTML, made with :func:`tag` from
text escaped by :func:`esc`, shown by one ``dcc.Markdown`` (:func:`markdown`).

``dcc.Markdown`` reads raw HTML as JSX (react-jsx-parser): text must hold no brace (an expression), no
``<``, ``>`` or ``&`` (markup), and no line break (a blank line ends Markdown's HTML block, and what
followed would be read as Markdown, outside the table): :func:`esc` encodes them all as entities, which
JSX decodes back to the same characters, so every name and title stays text, never markup. A link
inside the app is ``<dccLink href="…">`` (:func:`link`): a ``dcc.Link``, followed through Dash's router
with no page load, as before.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape as html_escape

from dash import dcc

from dashboard.labels import t


def esc(text: object) -> str:
    """Text for :func:`tag`'s HTML: escaped, no brace (dcc.Markdown reads HTML as JSX) and no line break: a
    blank line ends Markdown's HTML block, and what followed it would be read as Markdown, outside the table."""
    return (html_escape(str(text), quote=False).replace("{", "&#123;").replace("}", "&#125;")
            .replace("\r", "&#13;").replace("\n", "&#10;"))


def attr(text: object) -> str:
    """A value for an attribute between double quotes."""
    return esc(text).replace('"', "&quot;")


def tag(name: str, inner: str, cls: str | None = None, title: str | None = None, **attrs: str | None) -> str:
    """One element: ``inner`` is HTML already (text through :func:`esc`); ``cls`` its class, ``title`` its
    tooltip, ``attrs`` any other attribute (``id``, ``href``, ``lang``, ``colspan`` …; None leaves it out)."""
    pairs = (("class", cls), ("title", title), *attrs.items())
    return f"<{name}{''.join(f' {k}={chr(34)}{attr(v)}{chr(34)}' for k, v in pairs if v)}>{inner}</{name}>"


def link(href: str, inner: str, cls: str | None = None, title: str | None = None) -> str:
    """A link inside the app (a ``dcc.Link``: Dash's router, no page load); ``inner`` is HTML already."""
    return tag("dccLink", inner, None, title, href=href, className=cls)


def markdown(html: str, class_name: str = "html-table", **props) -> dcc.Markdown:
    """``html`` (made with :func:`tag`) as one component."""
    return dcc.Markdown(html, dangerously_allow_html=True, className=class_name, **props)


def table(head: Sequence[tuple[str, str | None]], rows: Iterable[str], table_class: str, *,
          responsive: bool = True, class_name: str = "html-table", **props) -> dcc.Markdown:
    """A table as one component: ``head`` is ``[(heading, class of its <th> or None)]`` (text, escaped
    here), ``rows`` ``<tr>`` strings made with :func:`tag`; ``table_class`` the classes of the <table>,
    wrapped in Bootstrap's ``table-responsive`` div when ``responsive``."""
    ths = "".join(tag("th", esc(h), cls=c) for h, c in head)
    out = f'<table class="{attr(table_class)}"><thead><tr>{ths}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    if responsive:
        out = f'<div class="table-responsive">{out}</div>'
    return markdown(out, class_name, **props)


def data_table(cols: list[str], num: str, rows: list[str], lang: str, margin: str) -> dcc.Markdown:
    """A table of /programs: the headings of ``cols`` (translated; ``num``'s right-aligned) over ``rows``."""
    return table([(t(c, lang), "num" if c == num else None) for c in cols], rows,
                 f"table table-sm table-hover data-table {margin}")


def text_of(html: str) -> str:
    """The text of ``html`` as a reader reads it, each element's edge a space (for tests: the words of a
    table or a list, whatever the markup between them)."""
    import re
    from html import unescape

    return re.sub(r" {2,}", " ", unescape(re.sub(r"<[^>]*>", " ", html))).strip()
