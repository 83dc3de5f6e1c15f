"""Chart cards: every chart sits in the same white card with the same spacing, loading state,
mode bar and Export menu.

:func:`graph_config` is the one place that decides plotly's mode bar for every chart of the
dashboard: what people use (zoom, pan, reset), no plotly logo, no "Share chart…" to Plotly's
cloud or "Edit in Chart Studio" (links to another host, which an intranet promises not to
have), no camera button (the card's Export menu gives the image with its title, filters and
source), and under 中文 plotly's own words in Chinese.
"""
from __future__ import annotations

from typing import Any

from dash import dcc, html

# Buttons no chart shows: the cloud ones link to another host; the camera's image has no
# title, filters or source (the Export menu's has); the rest are rarely wanted.
REMOVED_BUTTONS = ["sendChartToCloud", "editInChartStudio", "toImage", "downloadJson", "lasso2d", "select2d",
                   "autoScale2d", "toggleSpikelines", "hoverCompareCartesian", "hoverClosestCartesian"]
GRAPH_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "responsive": True,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "showLink": False,
    "plotlyServerURL": "",
    "modeBarButtonsToRemove": REMOVED_BUTTONS,
}


def graph_config(lang: str | None = "en", base: dict[str, Any] | None = None) -> dict[str, Any]:
    """The config of every graph: :data:`GRAPH_CONFIG` plus ``base`` (a map's topojson URL…),
    in the interface language (under 中文, plotly's own words — mode bar, month names on date
    axes — in Chinese, the locale given with the config). The cloud and camera buttons stay
    off whatever ``base`` says."""
    config = {**GRAPH_CONFIG, **(base or {})}
    config.update({k: GRAPH_CONFIG[k] for k in ("displaylogo", "showSendToCloud", "showEditInChartStudio",
                                                "showLink", "plotlyServerURL")})
    config["modeBarButtonsToRemove"] = sorted(set(REMOVED_BUTTONS) | set(config.get("modeBarButtonsToRemove") or ()))
    if lang == "zh":
        from dashboard.plotly_zh import ZH_CN

        config.update(locale="zh-CN", locales={"zh-CN": ZH_CN})
    return config


def geo_config(topojson_url: str, lang: str | None = "en") -> dict[str, Any]:
    """Graph config for maps: plotly fetches its world outlines from ``topojson_url``.

    Plotly's default is a CDN; the app serves the files itself (assets/topojson), so maps
    work on an intranet without internet.
    """
    return graph_config(lang, {"topojsonURL": topojson_url})


def chart_card(graph_id: str, *, config: dict[str, Any] | None = None, min_height: int = 360,
               class_name: str = "", lang: str | None = "en", export: str | None = None,
               fixed: dict[str, str] | None = None) -> html.Div:
    """A graph in a card; ``lang`` (the interface language) localises plotly's own words;
    ``export`` (an export name, :mod:`dashboard.export`) puts the chart's Export menu (figure
    and data, with the page's filters) in the card's corner; ``fixed``: what the page implies
    but its URL does not carry (a school's or partner's own page: ``{"partner": "12"}``)."""
    menu = None
    if export:
        from dashboard.components.export_menu import export_menu

        menu = html.Div(export_menu(export, menu_id=f"card-{graph_id}", report=False, lang=lang or "en",
                                    size="sm", fixed=fixed), className="card-export")
    return html.Div(
        [menu, dcc.Loading(
            dcc.Graph(id=graph_id, config=graph_config(lang, config), style={"minHeight": f"{min_height}px"}),
            type="dot", color="#1F4E8C", delay_show=250,
        )],
        className=f"chart-card {class_name}".strip(),
    )
