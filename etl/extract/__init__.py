"""Extraction: a SourceDocument → facts with evidence (pure: no database).

``extract(doc, ref)`` returns an :class:`Extraction`; ``Extraction.record()`` is the
one-line JSON shape of SCHEMA.md that ``intl extract --format jsonl`` prints, and
``Extraction.mentions`` are the facts with their evidence that the ETL stores.

``extract`` (the engine and its rule modules, which compile their patterns when imported: about a
second) is imported when first asked for, so that a process that only stores or reads extractions
(the ETL's main process, which hands the extraction to its reader process) does not pay for it.
"""
from etl.extract.model import Extraction, Mention

__all__ = ["Extraction", "Mention", "extract"]


def __getattr__(name: str):
    if name == "extract":
        from etl.extract.engine import extract

        globals()["extract"] = extract
        return extract
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
