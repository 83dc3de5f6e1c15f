"""The Dash dashboard: ``create_app`` in :mod:`dashboard.app`; ``gunicorn dashboard.app:server``."""
