"""Chinese in exports on a server without CJK fonts: the export browser draws with the bundled
font (dashboard/report/fonts.py), not empty boxes; the start-up check names what is missing.

The system's CJK fonts are hidden from the export process with a private fontconfig file that
lists only the folders of the system's other (Latin) fonts, for the Chromium that kaleido
starts. The same figure is drawn three ways — fonts hidden with the bundled font (what we
ship), fonts hidden without it (tofu: what a bare server drew before), and with the system's
fonts — and compared pixel by pixel."""
from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import plotly.graph_objects as go
import pytest

from dashboard.report import render

from .test_export_sample import need_browser

TEXT = "国际交流合作处 合作伙伴分布"


def _fc(*args: str, env=None) -> list[str]:
    out = subprocess.run(["fc-list", *args], capture_output=True, text=True, timeout=30, env=env).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


@pytest.fixture
def latin_only(tmp_path):
    """A fontconfig file with the system's fonts that have no Chinese, and nothing else."""
    if not shutil.which("fc-list"):
        pytest.skip("fontconfig's fc-list is not installed")
    cjk = set(_fc(":lang=zh", "file"))
    every = set(_fc(":", "file"))
    latin_dirs = sorted({str(Path(f.rstrip(":")).parent) for f in every - cjk}
                        - {str(Path(f.rstrip(":")).parent) for f in cjk})
    assert latin_dirs, "the system has no Latin font to keep"
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
                    + "".join(f"  <dir>{d}</dir>\n" for d in latin_dirs)
                    + f"  <cachedir>{tmp_path / 'cache'}</cachedir>\n</fontconfig>\n")
    import os

    assert _fc(":lang=zh", env={**os.environ, "FONTCONFIG_FILE": str(conf)}) == [], "CJK fonts are hidden"
    return conf


def _figure() -> go.Figure:
    fig = go.Figure()
    fig.update_layout(width=700, height=160, paper_bgcolor="white", plot_bgcolor="white", margin=dict(l=0, r=0, t=0, b=0),
                      xaxis=dict(visible=False), yaxis=dict(visible=False),
                      font=dict(family='"Liberation Sans", Arial, "WenQuanYi Micro Hei", sans-serif'),
                      annotations=[dict(text=TEXT, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                                        font=dict(size=40, color="black"))])
    return fig


def _grey(png: bytes):
    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)


def _draw(monkeypatch, conf: Path | None, bundled: bool) -> bytes:
    render.shutdown()
    if conf is None:
        monkeypatch.delenv("FONTCONFIG_FILE", raising=False)
    else:
        monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    if not bundled:
        monkeypatch.setattr(render, "_with_bundled_font", lambda browser: None)
    else:
        monkeypatch.setattr(render, "_with_bundled_font", ORIGINAL)
    try:
        return render.render(_figure(), "png", width=700, height=160, scale=1)
    finally:
        render.shutdown()


ORIGINAL = render._with_bundled_font  # noqa: SLF001


def test_chinese_is_drawn_with_the_bundled_font_where_the_system_has_none(latin_only, monkeypatch):
    need_browser()
    shipped = _grey(_draw(monkeypatch, latin_only, bundled=True))
    tofu = _grey(_draw(monkeypatch, latin_only, bundled=False))
    ink = (shipped < 128).mean()
    assert ink > 0.02, "the text is drawn"
    d_tofu = abs(shipped - tofu).mean()
    assert d_tofu > 5, "without the bundled font the same figure draws boxes or nothing: it must differ"
    if _fc(":lang=zh"):  # the system has a CJK font: the bundled one draws the same glyphs
        system = _grey(_draw(monkeypatch, None, bundled=True))
        d_system = abs(shipped - system).mean()
        assert d_system < 0.25 * d_tofu, (d_system, d_tofu)


def test_the_start_up_check_names_chromium_and_fonts_when_missing(monkeypatch):
    monkeypatch.setenv("INTL_BROWSER_PATH", "/nonexistent/chromium")
    items = render.export_check()
    errors = [text for level, text in items if level == "error"]
    assert errors and "chromium" in errors[0].lower() and "fonts-wqy-microhei" in errors[0]
    assert "INTL_BROWSER_PATH" in errors[0], "names where it looked"
    zh = [text for level, text in render.export_check(lang="zh") if level == "error"]
    assert zh and "没有可用" in zh[0] and "apt-get install chromium fonts-wqy-microhei" in zh[0]
    monkeypatch.setattr("dashboard.report.fonts.system_cjk_fonts", lambda: [])
    warn = [text for level, text in render.export_check() if level == "warning"]
    assert warn and "bundled WenQuanYi Micro Hei" in warn[0] and "apt-get install fonts-wqy-microhei" in warn[0]


def test_the_font_is_unpacked_once_and_found_by_the_next_process(tmp_path):
    """Unpacking takes seconds of CPU: each server worker and CLI export would pay it at start. The
    first process leaves the TrueType file in the user's cache; the next one, unable to unpack
    (fontTools hidden), finds it there."""
    import os
    import sys

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    code = ("import sys\nif sys.argv[1] == 'blocked': sys.modules['fontTools'] = None\n"
            "from dashboard.report import fonts\nprint(fonts.bundled_ttf())")

    def run(mode):
        return subprocess.run([sys.executable, "-c", code, mode], capture_output=True, text=True, env=env,
                              timeout=300)

    r = run("blocked")  # nothing cached yet, and no fontTools: the error names what to install
    assert r.returncode != 0 and "fonts-wqy-microhei" in r.stderr, r.stderr[-2000:]
    first = run("unpack")
    assert first.returncode == 0, first.stderr[-2000:]
    ttf = Path(first.stdout.strip())
    assert ttf.is_relative_to(tmp_path / "cache" / "intl-dashboard" / "fonts") and ttf.stat().st_size > 1_000_000
    assert ttf.read_bytes()[:4] == b"\x00\x01\x00\x00"  # TrueType, not the woff2
    again = run("blocked")
    assert again.returncode == 0, again.stderr[-2000:]
    assert Path(again.stdout.strip()) == ttf
    assert [p.name for p in ttf.parent.iterdir() if p.name.endswith(".part")] == []
