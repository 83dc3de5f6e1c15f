"""The leadership report as a PDF (fpdf2), A4 landscape, the same pages as the deck.

Chinese needs a CJK font embedded in the file. fpdf2 reads TrueType collections
(``collection_font_number``), so the system's WenQuanYi Micro Hei (``.ttc``) is used as
it is, subset to the characters the report uses. The font is searched in the
``[export] cjk_font`` setting, then in the usual Debian/Noto paths; on a host with none
of them, the GB 2312 cut of WenQuanYi Micro Hei the dashboard ships as a web font
(``assets/fonts/*.woff2``) is unpacked once to a TrueType file with fontTools and used.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

from fpdf import FPDF
from fpdf.drawing import DeviceRGB
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from dashboard.report import labels as L
from dashboard.report.content import ReportContent
from dashboard.report import fonts
from dashboard.report.render import ExportError

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
BUNDLED_WOFF2 = fonts.BUNDLED_WOFF2
FONT = "cjk"
PAGE_W, PAGE_H = 297.0, 210.0
MARGIN = 14.0


def cjk_font(configured: str | os.PathLike | None = None) -> Path:
    """A font file with Chinese glyphs that fpdf2 can embed (see the module docstring)."""
    if configured:
        p = Path(configured)
        if not p.is_file():
            raise ExportError(f"[export] cjk_font {str(configured)!r} does not exist")
        return p
    for c in FONT_CANDIDATES:
        if Path(c).is_file():
            return Path(c)
    return _bundled_ttf()


def _bundled_ttf() -> Path:
    try:
        return fonts.bundled_ttf()
    except fonts.FontError as exc:
        raise ExportError(f"No Chinese font for the PDF report: {exc}, or set [export] cjk_font") from None


def _rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


class ReportPDF(FPDF):
    def __init__(self, content: ReportContent, font_path: Path):
        super().__init__(orientation="L", unit="mm", format="A4")
        self.c = content
        self.colors = content.branding.colors
        kw = {"collection_font_number": 0} if font_path.suffix.lower() == ".ttc" else {}
        # One face only: parsing a CJK font takes about a second, and it has no bold anyway;
        # emphasis comes from size and colour.
        self.add_font(FONT, "", str(font_path), **kw)
        self.set_auto_page_break(False)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_title(f"{content.title} · {content.branding.display_name(content.lang)}")
        self.set_author(content.branding.display_name(content.lang))
        self.set_creator("intl-dashboard")
        self.set_lang("zh-CN" if content.lang == "zh" else "en")
        self.wrap = WrapMode.WORD  # breaks at spaces; a run of Chinese without spaces is broken where it must
        self.show_footer = False

    def color(self, key_or_hex: str) -> tuple[int, int, int]:
        return _rgb(self.colors.get(key_or_hex, key_or_hex))

    def footer(self) -> None:
        if not self.show_footer:
            return
        self.set_font(FONT, size=8)
        self.set_text_color(*self.color("muted"))
        self.set_xy(MARGIN, PAGE_H - 10)
        self.cell(180, 5, self.c.branding.display_name(self.c.lang))
        page = f"{L.text('page', self.c.lang)} {self.page_no()}" + (" 页" if self.c.lang == "zh" else "")
        self.set_xy(PAGE_W - MARGIN - 60, PAGE_H - 10)
        self.cell(60, 5, page, align="R")

    def para(self, x: float, y: float, w: float, text: str, *, size: float, color: str = "text",
             line: float | None = None, bold: bool = False) -> float:
        """A wrapped paragraph at (x, y); returns the y below it. ``bold`` is accepted for
        symmetry with the deck and shown by the caller's size and colour."""
        self.set_font(FONT, size=size)
        self.set_text_color(*self.color(color))
        self.set_xy(x, y)
        self.multi_cell(w, line or size * 0.5, text, wrapmode=self.wrap, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return self.get_y()

    def page_with_heading(self, heading: str) -> None:
        self.add_page()
        self.show_footer = True  # after add_page: the title page (closed by that call) has no footer
        self.para(MARGIN, 12, PAGE_W - 2 * MARGIN, heading, size=20, color="primary", bold=True)
        self.set_fill_color(*self.color("accent"))
        self.rect(MARGIN, 24, 30, 1.2, style="F")

    # -- pages ---------------------------------------------------------------------------
    def title_page(self) -> None:
        c, t = self.c, L.text
        self.add_page()
        self.set_fill_color(*self.color("primary"))
        self.rect(0, 0, PAGE_W, 122, style="F")
        self.set_fill_color(*self.color("accent"))
        self.rect(0, 122, PAGE_W, 2, style="F")
        if c.branding.logo:
            self.image(str(c.branding.logo), x=PAGE_W - MARGIN - 30, y=12, h=28)
        self.para(MARGIN, 40, 220, c.title, size=30, color="#FFFFFF", bold=True, line=14)
        self.para(MARGIN, 68, 250, c.branding.display_name(c.lang), size=16, color="#FFFFFF", line=8)
        self.para(MARGIN, 84, 250, f"{t('period', c.lang)}{L.colon(c.lang)}{c.period}", size=15, color="#FFFFFF", line=8)
        lines = [c.filters_text, f"{t('data_as_of', c.lang)}{L.colon(c.lang)}{c.as_of()}",
                 f"{t('generated', c.lang)}{L.colon(c.lang)}{c.generated:%Y-%m-%d %H:%M}"]
        self.para(MARGIN, 134, PAGE_W - 2 * MARGIN, "\n".join(lines), size=11, line=6.5)

    def key_figures_page(self) -> None:
        c = self.c
        self.page_with_heading(L.text("key_figures", c.lang))
        cols, gap = 3, 7.0
        cw = (PAGE_W - 2 * MARGIN - gap * (cols - 1)) / cols
        ch = 64.0
        for i, kf in enumerate(c.key_figures[:6]):
            x = MARGIN + (i % cols) * (cw + gap)
            y = 34 + (i // cols) * (ch + gap)
            self.set_fill_color(*self.color("light"))
            self.rect(x, y, cw, ch, style="F", round_corners=True, corner_radius=3)
            self.para(x + 6, y + 6, cw - 12, kf.heading(), size=12, color="muted")
            self.para(x + 6, y + 17, cw - 12, f"{kf.value:,}" if kf.value is not None else "–", size=30,
                      color="primary", bold=True, line=14)
            d = kf.change
            tone = "#117733" if d and d > 0 else "#B2182B" if d and d < 0 else "muted"
            self.para(x + 6, y + 40, cw - 12, kf.change_text(c.lang), size=11.5, color=tone, bold=True)
            self.para(x + 6, y + 52, cw - 12, kf.context, size=10, color="muted")
        if c.key_figures_note:
            self.para(MARGIN, 34 + 2 * ch + gap + 5, PAGE_W - 2 * MARGIN, c.key_figures_note, size=10, color="muted")

    def chart_page(self, chart) -> None:
        self.page_with_heading(chart.title)
        top, bottom = 30.0, PAGE_H - 28
        box_w, box_h = PAGE_W - 2 * MARGIN, bottom - top
        ratio = chart.width / chart.height
        w = min(box_w, box_h * ratio)
        h = w / ratio
        self.image(io.BytesIO(chart.png), x=MARGIN + (box_w - w) / 2, y=top, w=w, h=h, alt_text=chart.title)
        self.para(MARGIN, bottom + 2, PAGE_W - 2 * MARGIN, f"{chart.filters}\n{chart.note}", size=8,
                  color="muted", line=4)

    def expiring_pages(self) -> None:
        c = self.c
        df = c.expiring
        title = L.text("expiring", c.lang)
        self.page_with_heading(title)
        if df.empty:
            self.para(MARGIN, 34, PAGE_W - 2 * MARGIN, L.text("expiring_none", c.lang), size=14)
            return
        widths = (78, 30, 55, 26, 20, 60)
        self.set_xy(MARGIN, 32)
        self.set_font(FONT, size=9.5)
        self.set_text_color(*self.color("text"))
        self.set_draw_color(*self.color("light"))
        light = self.color("light")
        self.set_fill_color(*light)
        with self.table(col_widths=widths[:len(df.columns)], width=PAGE_W - 2 * MARGIN, text_align="LEFT",
                        line_height=6, headings_style=FontFace(emphasis=None, color=(255, 255, 255),
                                                               fill_color=self.color("primary")),
                        cell_fill_color=DeviceRGB(*(v / 255 for v in light)), cell_fill_mode="ROWS",
                        wrapmode=self.wrap) as table:
            table.row([str(col) for col in df.columns])
            for row in df.itertuples(index=False):
                table.row(["" if v is None else str(v) for v in row])

    def method_page(self) -> None:
        c, t = self.c, L.text
        self.page_with_heading(t("method", c.lang))
        y = self.para(MARGIN, 32, PAGE_W - 2 * MARGIN, c.method, size=11.5, line=6.5)
        i = c.info
        facts = [f"{t('data_as_of', c.lang)}{L.colon(c.lang)}{c.as_of()}",
                 f"{t('etl_run', c.lang)}{L.colon(c.lang)}{i.run_id if i.run_id is not None else '–'}",
                 f"{t('docs_in_scope', c.lang)}{L.colon(c.lang)}{i.documents:,}",
                 f"{t('docs_total', c.lang)}{L.colon(c.lang)}{i.documents_total:,}",
                 f"{t('reports', c.lang)}{L.colon(c.lang)}{i.reports:,}",
                 f"{t('generated', c.lang)}{L.colon(c.lang)}{c.generated:%Y-%m-%d %H:%M}"]
        self.para(MARGIN, y + 8, PAGE_W - 2 * MARGIN, "\n".join(facts), size=10.5, color="muted", line=6)

    def build(self) -> bytes:
        self.title_page()
        self.key_figures_page()
        for chart in self.c.charts:
            self.chart_page(chart)
        self.expiring_pages()
        self.method_page()
        return bytes(self.output())


def write_pdf(content: ReportContent, font: str | os.PathLike | None = None) -> bytes:
    return ReportPDF(content, cjk_font(font)).build()
