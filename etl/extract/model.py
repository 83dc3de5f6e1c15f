"""Data shapes of extraction results."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Mention:
    """One fact with its evidence.

    type: school | office | partner | person | count | activity
    key: natural key of the fact inside its document (e.g. "partner:dublin city university")
    data: the fact's fields (name, country, kind, role, org, value, what …)
    """

    type: str
    key: str
    data: dict[str, Any]
    text: str = ""  # the mention as written
    sentence: str = ""
    start: int | None = None  # character span in the document text
    end: int | None = None
    method: str = ""
    confidence: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Extraction:
    doc: str
    lang: str
    published: str | None = None  # ISO date
    event_date: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    home: str | None = None
    title: str | None = None
    mentions: list[Mention] = field(default_factory=list)
    # how the dates were found (text, span, method) and organisations that were named but are
    # not partners, with the reason (home, funder, ministry, alma mater …): for review screens
    evidence: dict[str, Any] = field(default_factory=dict)
    excluded: list[dict[str, Any]] = field(default_factory=list)

    def of(self, type_: str) -> list[Mention]:
        return [m for m in self.mentions if m.type == type_]

    def record(self) -> dict[str, Any]:
        """The SCHEMA.md record of this document."""
        return {
            "doc": self.doc,
            "lang": self.lang,
            "published": self.published,
            "event_date": self.event_date,
            "home": self.home,
            "schools": [m.data["name"] for m in self.of("school")],
            "offices": [m.data["name"] for m in self.of("office")],
            "partners": [
                {"name": m.data["name"], "country": m.data.get("country"), "kind": m.data.get("kind")}
                for m in self.of("partner")
            ],
            "activities": [m.data["kind"] for m in self.of("activity")],
            "people": [
                {"name": m.data["name"], "role": m.data.get("role"), "org": m.data.get("org")}
                for m in self.of("person")
            ],
            "counts": [
                {"what": m.data["what"], "value": m.data["value"], "context": m.data.get("context", "")}
                for m in self.of("count")
            ],
        }

    @property
    def year(self) -> int | None:
        for d in (self.event_date, self.published):
            if d and d[:4].isdigit():
                return int(d[:4])
        return None
