"""The CJK font every export draws Chinese with, whatever fonts the server has.

The dashboard ships the GB 2312 cut of WenQuanYi Micro Hei as a web font
(``assets/fonts/wqy-microhei-gb2312.woff2``, 6,892 glyphs: every character of GB 2312, which
covers the office's labels and nearly all Chinese names). Two consumers need it as a plain
TrueType file:

- the PDF report (fpdf2 embeds it) when the system has no CJK font of its own;
- the headless Chromium that draws figures (kaleido): it is started with a private
  fontconfig file that *includes* the configuration it would otherwise read (the system's,
  or the one ``FONTCONFIG_FILE`` names) and adds the folder holding the unpacked font. So a
  server without ``fonts-wqy-microhei`` still draws Chinese in PNG, SVG and PDF exports
  instead of empty boxes, and a server with system CJK fonts keeps them.

The font is unpacked (fontTools, brotli: a few seconds of CPU) once per machine and user, into a
cache folder named after the shipped file's content (``$XDG_CACHE_HOME`` or ``~/.cache``,
``intl-dashboard/fonts/<hash>``): every later process (each server worker, each CLI export)
finds it there. Where that folder cannot be written, once per process into a private temporary folder.
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from xml.sax.saxutils import escape

log = logging.getLogger("dashboard.export")

BUNDLED_WOFF2 = Path(__file__).resolve().parents[1] / "assets" / "fonts" / "wqy-microhei-gb2312.woff2"
BUNDLED_FAMILY = "WenQuanYi Micro Hei"
SYSTEM_FONTCONFIG = "/etc/fonts/fonts.conf"
FONT_PACKAGES = "fonts-wqy-microhei"   # Debian/Ubuntu package of a full CJK font

_lock = threading.Lock()
_dir: Path | None = None


class FontError(RuntimeError):
    """The bundled font cannot be unpacked (fontTools or brotli missing, unreadable file)."""


def _cache_folder() -> Path | None:
    """This machine's and user's folder for the unpacked font of this very woff2, or None where
    it cannot be made or written."""
    try:
        digest = hashlib.sha256(BUNDLED_WOFF2.read_bytes()).hexdigest()[:16]
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        if not base.is_absolute():
            return None
        folder = base / "intl-dashboard" / "fonts" / digest
        folder.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: no home directory to be found
        return None
    return folder if os.access(folder, os.W_OK | os.X_OK) else None


def _folder() -> Path:
    global _dir
    if _dir is None or not _dir.is_dir():
        _dir = _cache_folder() or Path(tempfile.mkdtemp(prefix="intl-fonts-"))
    return _dir


def _part(out: Path) -> Path:
    """A temporary name beside ``out`` that no other process or thread writes to."""
    return out.with_name(f".{out.name}.{os.getpid()}.{threading.get_ident()}.part")


def bundled_ttf() -> Path:
    """The shipped woff2 unpacked to a TrueType file (once per machine and user, see above)."""
    with _lock:
        out = _folder() / "wqy-microhei-gb2312.ttf"
        if out.is_file():
            return out
        try:
            from fontTools.ttLib import TTFont

            font = TTFont(str(BUNDLED_WOFF2))
            font.flavor = None
            tmp = _part(out)
            font.save(str(tmp))
            tmp.replace(out)  # whole or not at all, for the other processes reading the folder
        except Exception as exc:  # noqa: BLE001 - missing brotli, unreadable file: say what to install
            raise FontError(f"the bundled CJK font {BUNDLED_WOFF2.name} cannot be unpacked "
                            f"({exc.__class__.__name__}: {exc}); install {FONT_PACKAGES} "
                            f"(apt-get install {FONT_PACKAGES})") from None
        return out


def fontconfig_file(inherited: str | None = None) -> Path:
    """A fontconfig file for the export browser: the configuration it would read anyway
    (``inherited``, default ``$FONTCONFIG_FILE`` or the system's) plus the bundled font's folder.

    The bundled font is *added*: where the system has CJK fonts, fontconfig's own rules still
    choose among them; where it has none, every Chinese character finds this one.
    """
    ttf = bundled_ttf()
    inherited = inherited if inherited is not None else os.environ.get("FONTCONFIG_FILE") or SYSTEM_FONTCONFIG
    with _lock:
        folder = _folder()
        conf = folder / f"fonts-{abs(hash(inherited)) & 0xFFFFFFFF:08x}.conf"
        text = (
            '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            f'  <include ignore_missing="yes">{escape(str(inherited))}</include>\n'
            f"  <dir>{escape(str(ttf.parent))}</dir>\n"
            f"  <cachedir>{escape(str(folder / 'cache'))}</cachedir>\n"
            "</fontconfig>\n"
        )
        if not conf.is_file() or conf.read_text() != text:
            tmp = _part(conf)
            tmp.write_text(text)
            tmp.replace(conf)
        return conf


def browser_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment to start the export browser with: ``env`` (default: this process's)
    with ``FONTCONFIG_FILE`` pointing at :func:`fontconfig_file`. Unchanged when the font
    cannot be unpacked (the start-up check names the problem)."""
    env = dict(os.environ if env is None else env)
    try:
        env["FONTCONFIG_FILE"] = str(fontconfig_file(env.get("FONTCONFIG_FILE") or SYSTEM_FONTCONFIG))
    except FontError as exc:
        log.warning("exports: %s", exc)
    return env


def system_cjk_fonts() -> list[str] | None:
    """Families of the system's fonts covering Chinese (``fc-list :lang=zh``), or None when
    fontconfig's tools are not installed (the answer is then unknown, not "none")."""
    fc = shutil.which("fc-list")
    if not fc:
        return None
    try:
        out = subprocess.run([fc, ":lang=zh", "family"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})
