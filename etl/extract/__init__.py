"""Extraction: a SourceDocument → facts with evidence (pure: no database).

``extract(doc, ref)`` returns an :class:`Extraction`; ``Extraction.record()`` is the
one-line JSON shape of SCHEMA.md that ``intl extract --format jsonl`` prints, and
``Extraction.mentions`` are the facts with their evidence that the ETL stores.
"""
from etl.extract.model import Extraction, Mention
from etl.extract.engine import extract

__all__ = ["Extraction", "Mention", "extract"]
