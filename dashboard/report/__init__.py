"""The leadership report (PPTX or PDF) and the machinery shared by every export.

- :mod:`.render` — the process's headless Chromium (kaleido) that turns figures into PNG/SVG/PDF;
- :mod:`.labels` — the report's words in English and Chinese;
- :mod:`.queries`, :mod:`.figures` — the report's own tables and charts (programmes, students
  abroad, agreements expiring), also used by the Programmes page and the exports;
- :mod:`.content` — what the report says, computed once from the queries;
- :mod:`.pptx_writer`, :mod:`.pdf_writer` — the two layouts of that content;
- :mod:`.build` — ``build_report(url, filters, "pptx"|"pdf", lang=…, settings=…)``: the file's bytes.

Nothing is imported here: ``dashboard.export`` uses :mod:`.render` and :mod:`.labels`, and
:mod:`.content` uses ``dashboard.export``, so this package's ``__init__`` must not import the
report's builder (no import cycle; ``tests/test_layers.py``).
"""
