"""The leadership report as a PowerPoint deck (python-pptx), 16:9.

Every slide is drawn from shapes of our own (no template file to keep in step) on the default
"Title Only" layout, whose title placeholder carries the slide's heading (outline view and
screen readers see it): a title
slide in the brand colour, the key figures as six cards, one chart per slide with its
source note, the agreements expiring within a year as a native table (editable, and
split over several slides when long), and a slide on method and sources. Text runs carry
a Latin and an East-Asian typeface, so PowerPoint picks a CJK font for Chinese.

Shapes that tests and people look for are named: ``kf-value:<key>`` for a key figure's
number, ``chart:<name>`` for a chart picture, ``expiring-table`` for the table.
"""
from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from dashboard.report import labels as L
from dashboard.report.content import ReportContent

W, H = Inches(13.333), Inches(7.5)
M = Inches(0.5)
LATIN_FONT = "Arial"
EA_FONT = "Microsoft YaHei"     # Windows and Office; others substitute their own CJK face
TABLE_ROWS_PER_SLIDE = 11


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


class Deck:
    def __init__(self, content: ReportContent):
        self.c = content
        self.colors = content.branding.colors
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = W, H
        # "Title Only": every slide's heading is the slide's real title placeholder, so
        # PowerPoint's outline view, navigation and screen readers see it.
        self.layout = next((lay for lay in self.prs.slide_layouts if lay.name == "Title Only"),
                           self.prs.slide_layouts[5])

    # -- primitives ---------------------------------------------------------------------
    def text(self, slide, x, y, w, h, text: str, *, size: int = 14, bold: bool = False, color: str | None = None,
             align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP, name: str | None = None):
        box = slide.shapes.add_textbox(x, y, w, h)
        if name:
            box.name = name
        tf = box.text_frame
        tf.word_wrap = True
        tf.vertical_anchor = anchor
        tf.margin_left = tf.margin_right = Inches(0.05)
        for i, line in enumerate(text.split("\n")):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            p.alignment = align
            self.run(p, line, size=size, bold=bold, color=color or self.colors["text"])
        return box

    def run(self, paragraph, text: str, *, size: int, bold: bool = False, color: str | None = None):
        r = paragraph.add_run()
        r.text = text
        f = r.font
        f.size, f.bold, f.name = Pt(size), bold, LATIN_FONT
        f.color.rgb = _rgb(color or self.colors["text"])
        rpr = r._r.get_or_add_rPr()  # noqa: SLF001 - python-pptx has no API for the East-Asian typeface
        latin = rpr.find(qn("a:latin"))
        ea = rpr.find(qn("a:ea"))
        if ea is None:
            ea = rpr.makeelement(qn("a:ea"), {})
            latin.addnext(ea)
        ea.set("typeface", EA_FONT)
        return r

    def rect(self, slide, x, y, w, h, color: str, shape=MSO_SHAPE.RECTANGLE):
        s = slide.shapes.add_shape(shape, x, y, w, h)
        s.fill.solid()
        s.fill.fore_color.rgb = _rgb(color)
        s.line.fill.background()
        s.shadow.inherit = False
        return s

    def title(self, slide, x, y, w, h, text: str, *, size: int, color: str, name: str) -> None:
        """Fill the slide's title placeholder: placed, styled, and drawn above the other shapes."""
        ph = slide.shapes.title
        ph.left, ph.top, ph.width, ph.height = x, y, w, h
        ph.name = name
        tf = ph.text_frame
        tf.clear()
        tf.word_wrap = True
        tf.vertical_anchor = MSO_ANCHOR.TOP
        tf.margin_left = tf.margin_right = Inches(0.05)
        p = tf.paragraphs[0]
        p.alignment = PP_ALIGN.LEFT
        self.run(p, text, size=size, bold=True, color=color)
        tree = slide.shapes._spTree  # noqa: SLF001 - z-order: python-pptx has no API to bring a shape forward
        tree.remove(ph._element)  # noqa: SLF001
        tree.append(ph._element)  # noqa: SLF001

    def slide(self, heading: str | None = None):
        s = self.prs.slides.add_slide(self.layout)
        n = len(self.prs.slides)
        if heading is not None:
            self.title(s, M, Inches(0.3), W - 2 * M, Inches(0.7), heading, size=26, color=self.colors["primary"],
                       name="heading")
            self.rect(s, M, Inches(1.0), Inches(1.2), Inches(0.06), self.colors["accent"])
        brand = self.c.branding.display_name(self.c.lang)
        self.text(s, M, H - Inches(0.45), Inches(9), Inches(0.3), brand, size=10, color=self.colors["muted"])
        page = f"{L.text('page', self.c.lang)} {n}" + (" 页" if self.c.lang == "zh" else "")
        self.text(s, W - M - Inches(2), H - Inches(0.45), Inches(2), Inches(0.3), page, size=10,
                  color=self.colors["muted"], align=PP_ALIGN.RIGHT)
        return s

    # -- slides -------------------------------------------------------------------------
    def title_slide(self) -> None:
        c, t = self.c, L.text
        s = self.prs.slides.add_slide(self.layout)
        band = Inches(4.4)
        self.rect(s, 0, 0, W, band, self.colors["primary"])
        self.rect(s, 0, band, W, Inches(0.08), self.colors["accent"])
        if c.branding.logo:
            pic = s.shapes.add_picture(str(c.branding.logo), 0, 0, height=Inches(1.1))
            pic.left, pic.top, pic.name = W - M - pic.width, Inches(0.45), "logo"
        self.title(s, M, Inches(1.3), Inches(10.5), Inches(1.2), c.title, size=40, color="#FFFFFF", name="title")
        self.text(s, M, Inches(2.5), Inches(11), Inches(0.7), c.branding.display_name(c.lang), size=22,
                  color="#FFFFFF")
        self.text(s, M, Inches(3.3), Inches(11), Inches(0.6), f"{t('period', c.lang)}{L.colon(c.lang)}{c.period}", size=20,
                  color="#FFFFFF")
        lines = [c.filters_text, f"{t('data_as_of', c.lang)}{L.colon(c.lang)}{c.as_of()}",
                 f"{t('generated', c.lang)}{L.colon(c.lang)}{c.generated:%Y-%m-%d %H:%M}"]
        self.text(s, M, Inches(4.8), W - 2 * M, Inches(1.8), "\n".join(lines), size=14, color=self.colors["text"])

    def key_figures_slide(self) -> None:
        c = self.c
        s = self.slide(L.text("key_figures", c.lang))
        cols, gap = 3, Inches(0.3)
        cw = int((W - 2 * M - gap * (cols - 1)) / cols)
        ch = Inches(2.35)
        for i, kf in enumerate(c.key_figures[:6]):
            x = M + (i % cols) * (cw + gap)
            y = Inches(1.35) + (i // cols) * (ch + gap)
            card = self.rect(s, x, y, cw, ch, self.colors["light"], MSO_SHAPE.ROUNDED_RECTANGLE)
            card.adjustments[0] = 0.06
            pad = Inches(0.25)
            self.text(s, x + pad, y + Inches(0.15), cw - 2 * pad, Inches(0.45), kf.heading(), size=15,
                      color=self.colors["muted"])
            value = f"{kf.value:,}" if kf.value is not None else "–"
            self.text(s, x + pad, y + Inches(0.6), cw - 2 * pad, Inches(0.9), value, size=40, bold=True,
                      color=self.colors["primary"], name=f"kf-value:{kf.key}")
            d = kf.change
            tone = ("#117733" if d and d > 0 else "#B2182B" if d and d < 0 else self.colors["muted"])
            self.text(s, x + pad, y + Inches(1.5), cw - 2 * pad, Inches(0.4), kf.change_text(c.lang),
                      size=14, bold=True, color=tone, name=f"kf-change:{kf.key}")
            self.text(s, x + pad, y + Inches(1.9), cw - 2 * pad, Inches(0.4), kf.context, size=12,
                      color=self.colors["muted"])
        if c.key_figures_note:
            self.text(s, M, Inches(1.35) + 2 * ch + gap + Inches(0.1), W - 2 * M, Inches(0.5), c.key_figures_note,
                      size=12, color=self.colors["muted"], name="kf-note")

    def chart_slide(self, chart) -> None:
        s = self.slide(chart.title)
        top, bottom = Inches(1.2), H - Inches(1.05)
        box_w, box_h = W - 2 * M, bottom - top
        ratio = chart.width / chart.height
        w = min(box_w, int(box_h * ratio))
        h = int(w / ratio)
        pic = s.shapes.add_picture(io.BytesIO(chart.png), M + (box_w - w) // 2, top, width=Emu(w), height=Emu(h))
        pic.name = f"chart:{chart.name}"
        self.text(s, M, bottom + Inches(0.05), W - 2 * M, Inches(0.5),
                  f"{chart.filters}\n{chart.note}", size=10, color=self.colors["muted"], name="note")

    def expiring_slides(self) -> None:
        c = self.c
        df = c.expiring
        title = L.text("expiring", c.lang)
        if df.empty:
            s = self.slide(title)
            self.text(s, M, Inches(1.4), W - 2 * M, Inches(1), L.text("expiring_none", c.lang), size=18,
                      name="expiring-none")
            return
        chunks = [df.iloc[i:i + TABLE_ROWS_PER_SLIDE] for i in range(0, len(df), TABLE_ROWS_PER_SLIDE)]
        widths = [3.4, 1.5, 2.6, 1.3, 1.0, 2.53]
        for k, part in enumerate(chunks):
            s = self.slide(title + (f" ({L.text('continued', c.lang)})" if k else ""))
            shape = s.shapes.add_table(len(part) + 1, len(df.columns), M, Inches(1.35), W - 2 * M,
                                       Inches(0.42) * (len(part) + 1))
            shape.name = "expiring-table"
            table = shape.table
            for j, wi in enumerate(widths[:len(df.columns)]):
                table.columns[j].width = Inches(wi)
            for j, col in enumerate(df.columns):
                self._cell(table.cell(0, j), str(col), bold=True, color="#FFFFFF", fill=self.colors["primary"])
            for i, row in enumerate(part.itertuples(index=False), start=1):
                for j, v in enumerate(row):
                    self._cell(table.cell(i, j), "" if v is None else str(v),
                               fill="#FFFFFF" if i % 2 else self.colors["light"])

    def _cell(self, cell, text: str, *, bold: bool = False, color: str | None = None, fill: str | None = None):
        cell.text = ""
        p = cell.text_frame.paragraphs[0]
        self.run(p, text, size=12, bold=bold, color=color)
        cell.margin_left = cell.margin_right = Inches(0.08)
        if fill:
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(fill)

    def method_slide(self) -> None:
        c, t = self.c, L.text
        s = self.slide(t("method", c.lang))
        self.text(s, M, Inches(1.35), W - 2 * M, Inches(3.6), c.method, size=15, name="method")
        i = c.info
        facts = [f"{t('data_as_of', c.lang)}{L.colon(c.lang)}{c.as_of()}",
                 f"{t('etl_run', c.lang)}{L.colon(c.lang)}{i.run_id if i.run_id is not None else '–'}",
                 f"{t('docs_in_scope', c.lang)}{L.colon(c.lang)}{i.documents:,}",
                 f"{t('docs_total', c.lang)}{L.colon(c.lang)}{i.documents_total:,}",
                 f"{t('reports', c.lang)}{L.colon(c.lang)}{i.reports:,}",
                 f"{t('generated', c.lang)}{L.colon(c.lang)}{c.generated:%Y-%m-%d %H:%M}"]
        self.text(s, M, Inches(5.0), W - 2 * M, Inches(1.9), "\n".join(facts), size=13,
                  color=self.colors["muted"], name="sources")

    def build(self) -> bytes:
        self.title_slide()
        self.key_figures_slide()
        for chart in self.c.charts:
            self.chart_slide(chart)
        self.expiring_slides()
        self.method_slide()
        buf = io.BytesIO()
        self.prs.save(buf)
        return buf.getvalue()


def write_pptx(content: ReportContent) -> bytes:
    return Deck(content).build()
