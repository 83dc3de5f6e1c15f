"""Chart cards: every chart sits in the same white card with the same spacing and loading state."""
from __future__ import annotations

from typing import Any

from dash import dcc, html

# Plotly's mode bar, trimmed to what people use; no plotly logo, PNG at print resolution.
GRAPH_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d", "toggleSpikelines",
                               "hoverCompareCartesian", "hoverClosestCartesian"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def graph_config(lang: str | None = "en", base: dict[str, Any] | None = None) -> dict[str, Any]:
    """``base`` (default :data:`GRAPH_CONFIG`) in the interface language: under 中文, plotly's
    own words (mode bar, month names on date axes) in Chinese, the locale given with the config."""
    config = dict(base or GRAPH_CONFIG)
    if lang == "zh":
        from dashboard.plotly_zh import ZH_CN

        config.update(locale="zh-CN", locales={"zh-CN": ZH_CN})
    return config


def geo_config(topojson_url: str, lang: str | None = "en") -> dict[str, Any]:
    """Graph config for maps: plotly fetches its world outlines from ``topojson_url``.

    Plotly's default is a CDN; the app serves the files itself (assets/topojson), so maps
    work on an intranet without internet.
    """
    return graph_config(lang, {**GRAPH_CONFIG, "topojsonURL": topojson_url})


def chart_card(graph_id: str, *, config: dict[str, Any] | None = None, min_height: int = 360,
               class_name: str = "", lang: str | None = "en") -> html.Div:
    """A graph in a card; ``lang`` (the interface language) localises plotly's own words."""
    return html.Div(
        dcc.Loading(
            dcc.Graph(id=graph_id, config=graph_config(lang, config), style={"minHeight": f"{min_height}px"}),
            type="dot", color="#1F4E8C", delay_show=250,
        ),
        className=f"chart-card {class_name}".strip(),
    )
