"""The Sources page's figure: documents in scope per year, by language (no database access)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import LOAD_HINT, _base, empty, figure
from dashboard.labels import add_translations, language_name, t

DOCS_TITLE = "Documents per year, by language"
LANG_COLORS = {"en": "#332288", "zh": "#CC6677"}

add_translations({DOCS_TITLE: "逐年文档数（按语言）", "documents": "文档数"})


@figure
def documents_per_year(df: pd.DataFrame, lang: str = "en", empty_message: str = LOAD_HINT) -> go.Figure:
    """Stacked bars: documents per year, one colour per document language (``year, lang, documents``)."""
    title = t(DOCS_TITLE, lang)
    if df.empty:
        return empty(title, t(empty_message, lang))
    years = list(range(int(df["year"].min()), int(df["year"].max()) + 1))
    fig = _base(title, height=420, barmode="stack",
                xaxis=dict(tickmode="linear", dtick=1 if len(years) <= 16 else 2),
                yaxis=dict(title=dict(text=t("documents", lang)), rangemode="tozero"), legend=dict(y=-0.14))
    for code in sorted(set(df["lang"].dropna()), key=lambda c: (c not in LANG_COLORS, c)):
        part = df[df["lang"] == code].set_index("year")["documents"].reindex(years, fill_value=0)
        name = language_name(code, lang)
        fig.add_bar(x=years, y=part.tolist(), name=name, marker_color=LANG_COLORS.get(code, "#999933"),
                    hovertemplate="%{x}: %{y} · " + name + "<extra></extra>")
    return fig


__all__ = ["documents_per_year", "DOCS_TITLE"]
