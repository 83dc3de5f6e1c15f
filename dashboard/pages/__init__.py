"""One module per page; each has ``layout(**query)`` and ``register_callbacks(app)``."""
