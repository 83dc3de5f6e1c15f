"""The administration (``/admin/…``): uploads, ETL runs, run history, review queue, users and
the audit log.

- :mod:`.registry` — registers the admin pages (``dashboard/pages/admin_*.py``) on an app;
  ``create_app`` calls it after ``init_auth``, which protects every ``/admin`` path and every
  ``admin-`` callback;
- :mod:`.ids`, :mod:`.ui`, :mod:`.messages` — the pages' component ids, shared pieces and texts;
- :mod:`.jobs`, :mod:`.worker`, :mod:`.uploads` — ETL runs as background jobs, and stored uploads.

Nothing is imported here: the pages import this package's modules, so this file must not
import the pages (no import cycle; ``tests/test_layers.py``).
"""
