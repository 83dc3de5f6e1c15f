"""The learned check on the activity rules: its runtime now lives in ``etl/extract/activity_model.py`` (shipped
for English pages, see its docstring); this module re-exports it for the training script
(``bench/train_activities.py``) and the tests."""
from etl.extract.activity_model import (  # noqa: F401
    KINDS, ActivityModel, active, check, combine, features, find_span, load_model, rule_features, shipped)
