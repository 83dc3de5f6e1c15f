"""Filters → pandas DataFrames, aggregated in SQL (SQLAlchemy Core; no Dash, no figures).

One module per page, on shared ground:

- :mod:`.common` — :class:`~.common.Filters`, the tables, the scope conditions every count
  shares, the lists the filter bar offers, and the rollup helpers;
- :mod:`.overview` — the Overview's KPIs and charts, and what the last refresh brought;
- :mod:`.schools`, :mod:`.partners`, :mod:`.programs`, :mod:`.network`, :mod:`.sources` — the
  other pages (a list page and its detail page share a module);
- :mod:`.drill` — the documents and evidence behind any chart element (every page's drill-down).

A chart, its data download and its test call the same function, so they agree by
construction. The leadership report's own queries live in ``dashboard/report/queries.py``.
Nothing is imported here, so importing one page's queries loads only what it uses.
"""
