"""DataFrames → Plotly figures (no database access).

- :mod:`.common` — the palette, the plotly template, empty states and the small helpers every
  figure uses;
- :mod:`.overview`, :mod:`.schools`, :mod:`.partners`, :mod:`.programs`, :mod:`.network` — one
  module per page (the Network page's graph is Cytoscape elements, not a ``go.Figure``).

The leadership report's own figures live in ``dashboard/report/figures.py``.
Nothing is imported here, so importing one page's figures loads only what it uses.
"""
