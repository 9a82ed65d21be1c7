"""Walk a body container into blocks: paragraphs, headings, list items, images, tables."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field

from lxml import html as lxml_html

from scrapers.extract import budget
from scrapers.extract.text import clean_line

BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd table thead tbody tfoot tr td th blockquote section "
    "article figure figcaption center header main pre address hr caption summary details".split()
)
_HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}
_SKIP = frozenset({"script", "style", "noscript", "template", "head", "title", "select", "option", "button"})
_ITALIC = frozenset({"i", "em", "cite"})
_INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i", "a": "a"}  # inline markup body_html keeps
_SPACES = re.compile(r"\s+")
_CAPTION_CLASS = re.compile(r"caption|chu-?thich|chuthich|image[-_]?desc|img[-_]?desc|photo[-_]?desc|"
                            r"desc[-_]?img|note[-_]?img|imgnote|figcaption|mota|expNoEdit", re.I)
_CENTER_STYLE = re.compile(r"text-align\s*:\s*center", re.I)
_ICON_SRC = re.compile(r"icon|spacer|blank\.gif|pixel|/print|email\.|facebook|zalo|twitter|share|logo|"
                       r"loading|arrow|bullet|btn_|button|rss\.", re.I)
MAX_NODES = 60_000  # a container with more elements than this is not one article


@dataclass
class Block:
    """One line of the body (or an image) with the hints caption detection needs."""

    kind: str  # "p", "h2", "h3", "h4", "li", "img", "table", "caption"
    text: str = ""
    src: str = ""
    alt: str = ""
    italic: bool = False
    centered: bool = False
    caption_hint: bool = False
    table_id: int = 0  # the layout table (with an image) the block sits in, or 0
    list_type: str = ""  # "ul" or "ol" for list items
    rows: list[list[str]] = field(default_factory=list)  # a data table's cells
    html: str = ""  # the line with its inline b/i/a markup (escaped text otherwise)
    guessed: bool = False  # kept on the generic path although trafilatura dropped it
    byline_only: bool = False  # kept on the generic path only because it may be the closing byline


@dataclass
class _Ctx:
    kind: str = "p"
    centered: bool = False
    caption_hint: bool = False
    italic: bool = False
    table_id: int = 0
    list_type: str = ""


class _Walker:
    """Depth-first walk collecting inline text into lines and emitting blocks."""

    def __init__(self, limit: int = 0) -> None:
        self.limit = limit  # stop after this many blocks (0: no limit)
        self.blocks: list[Block] = []
        self.buffer: list[tuple[str, bool, str]] = []
        self.buffer_ctx = _Ctx()
        self.tables = 0
        self.nodes = 0

    def flush(self) -> None:
        """Turn the inline buffer into one block per line."""
        if not self.buffer:
            return
        ctx = self.buffer_ctx
        lines: list[list[tuple[str, bool, str]]] = [[]]
        for text, italic, markup in self.buffer:
            if text == "\n":
                lines.append([])
                continue
            lines[-1].append((text, italic, markup))
        self.buffer = []
        for segs in lines:
            text = clean_line("".join(t for t, _, _ in segs))
            if not text:
                continue
            italic = all(it for t, it, _ in segs if t.strip())
            markup = _SPACES.sub(" ", clean_line("".join(m for _, _, m in segs)))
            self.blocks.append(Block(ctx.kind, text, italic=italic or ctx.italic, centered=ctx.centered,
                                     caption_hint=ctx.caption_hint, table_id=ctx.table_id,
                                     list_type=ctx.list_type, html=markup))

    def add_text(self, text: str | None, ctx: _Ctx, italic: bool) -> None:
        """Append inline text under ``ctx``."""
        if not text:
            return
        if not self.buffer:
            self.buffer_ctx = ctx
        text = text.replace("\n", " ").replace("\r", " ").replace("\x00", "")
        self.buffer.append((text, italic, html_lib.escape(text, quote=False)))

    def add_markup(self, markup: str, ctx: _Ctx, italic: bool) -> None:
        """Append an inline tag (no text) under ``ctx``."""
        if not self.buffer:
            self.buffer_ctx = ctx
        self.buffer.append(("", italic, markup))

    def walk(self, el: lxml_html.HtmlElement, ctx: _Ctx, italic: bool = False) -> None:
        """Walk ``el`` and its children (not its tail)."""
        self.nodes += 1
        if self.nodes > MAX_NODES or (self.limit and len(self.blocks) >= self.limit):
            return
        if self.nodes % 1000 == 0:
            budget.check()
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag:  # comments, processing instructions
            return
        tag = tag.lower()
        if tag in _SKIP:
            return
        if tag == "br":
            self.buffer.append(("\n", italic, ""))
            return
        if tag == "img":
            self.flush()
            src = el.get("data-src") or el.get("data-original") or el.get("data-lazy-src") or el.get("src") or ""
            if src and not src.startswith("data:") and not _is_icon(el, src):
                self.blocks.append(Block("img", src=src.strip(), alt=clean_line(el.get("alt") or ""),
                                         table_id=ctx.table_id, centered=ctx.centered))
            return
        if tag == "table" and _is_data_table(el):
            self.flush()
            self.blocks.append(Block("table", rows=_rows(el)))
            return
        child_ctx = ctx
        if tag in BLOCK_TAGS:
            self.flush()
            child_ctx = _block_ctx(el, tag, ctx, self)
        it = italic or tag in _ITALIC or "italic" in (el.get("style") or "")
        inline = _INLINE.get(tag, "")
        if inline:
            href = html_lib.escape((el.get("href") or "").strip(), quote=True) if inline == "a" else ""
            self.add_markup(f'<a href="{href}">' if href else f"<{inline}>" if inline != "a" else "", child_ctx, it)
        self.add_text(el.text, child_ctx, it)
        for child in el:
            self.walk(child, child_ctx, it)
            if child.tail:
                self.add_text(child.tail, child_ctx, it)
        if inline and (inline != "a" or el.get("href")):
            self.add_markup(f"</{inline}>", child_ctx, it)
        if tag in BLOCK_TAGS:
            self.flush()


def _block_ctx(el: lxml_html.HtmlElement, tag: str, ctx: _Ctx, walker: _Walker) -> _Ctx:
    """The context a block element gives its content."""
    cls = f"{el.get('class') or ''} {el.get('id') or ''}"
    centered = ctx.centered or bool(_CENTER_STYLE.search(el.get("style") or "")) or (
        (el.get("align") or "").lower() == "center") or tag == "center"
    kind = ctx.kind
    if tag in _HEADINGS:
        kind = _HEADINGS[tag]
    elif tag == "li":
        kind = "li"
    elif tag in ("figcaption", "caption"):
        kind = "caption"
    elif tag in ("p", "div", "blockquote", "td", "th", "dd", "dt", "pre", "address") and ctx.kind != "caption":
        kind = "p" if ctx.kind not in ("li",) else "li"
    table_id = ctx.table_id
    if tag == "table" and el.find(".//img") is not None:
        walker.tables += 1
        table_id = walker.tables
    list_type = tag if tag in ("ul", "ol") else ctx.list_type
    return _Ctx(kind, centered, ctx.caption_hint or bool(_CAPTION_CLASS.search(cls)),
                ctx.italic, table_id, list_type)


def _is_icon(el: lxml_html.HtmlElement, src: str) -> bool:
    """True for icons, spacers and buttons rather than article images."""
    for attr in ("width", "height"):
        value = (el.get(attr) or "").strip().rstrip("px")
        if value.isdigit() and int(value) <= 32:
            return True
    return bool(_ICON_SRC.search(src.rsplit("/", 1)[-1] if "/" in src else src))


def _is_data_table(table: lxml_html.HtmlElement) -> bool:
    """A table of data (several columns, no image), as opposed to a layout table."""
    if table.find(".//img") is not None or table.find(".//table") is not None:
        return False
    rows = table.findall(".//tr")
    return len(rows) >= 1 and any(len(r.findall("./td") + r.findall("./th")) >= 2 for r in rows)


def _rows(table: lxml_html.HtmlElement) -> list[list[str]]:
    """The cell texts of a data table, row by row."""
    rows = []
    for tr in table.iter("tr"):
        cells = [clean_line(" ".join(c.itertext())) for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
        if any(cells):
            rows.append(cells)
    return rows


_CONSONANT_CAP = re.compile(r"^[BCDĐGHKLMNPQRSTVX]$")


def rejoin_drop_caps(blocks: list[Block]) -> list[Block]:
    """Join a drop cap ("T") with the paragraph it starts ("hời gian" -> "Thời gian")."""
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if prev is not None and prev.kind != "img" and block.text[:1].islower() and (
            _CONSONANT_CAP.match(prev.text) or re.fullmatch(r"[A-ZĐ]", prev.text)
        ):
            prev.text = prev.text + block.text
            prev.kind = block.kind
            continue
        match = re.match(r"^([BCDĐGHKLMNPQRSTVX]) ([a-zđà-ỹ]+)", block.text)
        if match and block.kind != "img":
            block.text = match.group(1) + block.text[2:]
        out.append(block)
    return out


def walk(container: lxml_html.HtmlElement, limit: int = 0) -> list[Block]:
    """The blocks of ``container`` in reading order, drop caps rejoined (the first ``limit`` if given)."""
    walker = _Walker(limit)
    walker.walk(container, _Ctx())
    walker.flush()
    return rejoin_drop_caps(walker.blocks)
