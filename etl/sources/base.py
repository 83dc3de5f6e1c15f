"""The document every source yields and the extractor reads."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path


_BLANKS = re.compile(r"[ \t\u00a0\u3000\f\v]+")


def normalise_text(text: str) -> str:
    """Text in the form that is hashed: NFC, LF line ends, inner runs of blanks collapsed,
    blank lines dropped, so the same article with other whitespace hashes the same."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _BLANKS.sub(" ", text)  # one pass over the whole text, not one per line
    return "\n".join(ln for ln in (raw.strip() for raw in text.split("\n")) if ln)


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Unchanged:
    """A file whose bytes hash as when its document was stored: nothing to decode or load."""

    uri: str


@dataclass(frozen=True)
class Gone:
    """A stored web document whose page answered 404 or 410 when revisited: marked gone, kept."""

    uri: str
    reason: str = ""


@dataclass(frozen=True)
class ReportPath:
    """An office report file for the report loader, with its source's column map (header → field)."""

    path: Path
    columns: dict = field(default_factory=dict, hash=False)


@dataclass
class SourceDocument:
    """A readable article: where it came from, its text and what the page said of it."""

    uri: str  # URL, or absolute path for files
    text: str
    source: str = "folder"
    title: str | None = None
    lang: str | None = None  # en | zh
    published: dt.date | None = None  # from page metadata, when the source knows it
    meta: dict = field(default_factory=dict)
    source_hash: str | None = None  # SHA-256 of the raw bytes, when read from a file

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    @property
    def name(self) -> str:
        return self.uri.rstrip("/").rsplit("/", 1)[-1]
