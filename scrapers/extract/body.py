"""From blocks to the article body: chrome lines out, captions to images, byline out, HTML built."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import nh3

from scrapers.extract import budget
from scrapers.extract.blocks import Block
from scrapers.extract.byline import split_author, split_source, take_byline
from scrapers.extract.captions import attach_captions
from scrapers.extract.chrome import is_chrome_line, is_end_marker, page_phrases
from scrapers.extract.generic import MainText
from scrapers.extract.metadata import absolute
from scrapers.extract.text import clean_line, word_count
from scrapers.items import Image
from scrapers.extract.chrome import fold

_SENTENCE_END = re.compile(r"[.!?:;…\"”')\]»]$")
LEAD_WORDS = 15
REPEAT_WORDS = 10
_ALLOWED_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "table", "thead", "tbody", "tr", "td", "th",
                 "b", "strong", "i", "em", "a", "img", "br"}
_ALLOWED_ATTRS = {"a": {"href"}, "img": {"src", "alt"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


@dataclass
class Body:
    """The article's own text, its images and its byline."""

    lines: list[Block] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    author: str = ""
    source: str = ""

    @property
    def text(self) -> str:
        """Plain text, one paragraph, heading, list item or table row per line."""
        out: list[str] = []
        for block in self.lines:
            if block.kind == "table":
                out.extend(" | ".join(c for c in row if c) for row in block.rows)
            elif block.kind != "img":
                out.append(block.text)
        return "\n".join(line for line in out if line)

    def html(self) -> str:
        """Minimal sanitised HTML of the body."""
        parts: list[str] = []
        open_list = ""
        for block in self.lines:
            if block.kind == "li":
                want = block.list_type or "ul"
                if open_list != want:
                    if open_list:
                        parts.append(f"</{open_list}>")
                    parts.append(f"<{want}>")
                    open_list = want
                parts.append(f"<li>{_inline(block)}</li>")
                continue
            if open_list:
                parts.append(f"</{open_list}>")
                open_list = ""
            if block.kind == "img":
                alt = html.escape(block.alt, quote=True)
                parts.append(f'<p><img src="{html.escape(block.src, quote=True)}" alt="{alt}"></p>')
            elif block.kind in ("h2", "h3", "h4"):
                parts.append(f"<{block.kind}>{_inline(block)}</{block.kind}>")
            elif block.kind == "table":
                rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                               for row in block.rows)
                parts.append(f"<table>{rows}</table>")
            else:
                parts.append(f"<p>{_inline(block)}</p>")
        if open_list:
            parts.append(f"</{open_list}>")
        return nh3.clean("".join(parts), tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRS, link_rel=None)


def _inline(block: Block) -> str:
    """The block's text with its source b/i/a markup, when that markup still spells the same text."""
    if block.html and "<" in block.html:
        plain = nh3.clean(block.html, tags=set())
        if clean_line(html.unescape(plain)) == block.text:
            return block.html
    return html.escape(block.text)


def _rejoin_hard_breaks(blocks: list[Block]) -> list[Block]:
    """Join a paragraph cut mid-sentence ("... các" / "phòng, các đơn vị ...")."""
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if (prev is not None and prev.kind == block.kind == "p" and block.text[:1].islower()
                and not _SENTENCE_END.search(prev.text) and len(prev.text) > 40):
            prev.text = f"{prev.text} {block.text}"
            continue
        out.append(block)
    return out


def assemble(blocks: list[Block], *, url: str, title: str, page_chrome: list[str],
             main_text: MainText | None = None) -> Body:
    """Clean ``blocks`` into a Body: the article's own lines only.

    ``main_text`` (the generic path: what trafilatura kept) keeps only the lines trafilatura also
    kept, besides captions and bylines.
    """
    blocks, captions = attach_captions(_after_title(blocks, fold(title)))
    extra = page_phrases(page_chrome)
    title_key = fold(title)
    images: list[Image] = []
    kept: list[Block] = []
    seen: set[str] = set()
    for index, block in enumerate(blocks):
        if index % 500 == 0:
            budget.check()
        if block.kind == "img":
            src = absolute(url, block.src)
            caption = captions.get(index, "")
            earlier = next((i for i in images if i.src == src), None)
            if src and earlier is None:
                images.append(Image(src=src, caption=caption, alt=block.alt))
                kept.append(Block("img", src=src, alt=caption or block.alt))
            elif earlier is not None and caption and not earlier.caption:
                # The same picture shown twice (a thumbnail above the body, then in it with its caption).
                earlier.caption = caption
                for shown in kept:
                    if shown.kind == "img" and shown.src == src:
                        shown.alt = caption
            continue
        if block.kind == "table":
            kept.append(block)
            continue
        text = block.text
        if is_end_marker(text):
            if any(b.kind != "table" for b in kept):
                break
            continue
        if is_chrome_line(text, extra) and split_author(text) is None:
            continue
        if main_text is not None and not main_text.holds(text):
            started = any(b.kind != "img" for b in kept)
            if _is_byline(text):
                block.byline_only = True  # dropped below unless it closes the body
            # A lead trafilatura took for a teaser; a subheading (kept below only if a kept paragraph follows).
            elif not (_is_lead(text) if not started else block.kind in ("h2", "h3", "h4")):
                continue
            block.guessed = True
        key = fold(text)
        if key == title_key or key.removeprefix("null ") == title_key:
            continue
        # A paragraph printed twice (a lead repeated as the first body line) is kept once; short
        # lines may repeat in an article ("Meal 1", "Eat every 2-3 hours").
        if word_count(text) >= REPEAT_WORDS:
            if key in seen:
                continue
            seen.add(key)
        kept.append(block)
    kept = [b for i, b in enumerate(kept) if not (b.guessed and b.kind in ("h2", "h3", "h4")) or (
        i + 1 < len(kept) and kept[i + 1].kind == "p" and not kept[i + 1].guessed)]
    kept = _rejoin_hard_breaks(kept)
    lines, author, source = _byline(kept)
    # A short line trafilatura dropped that only looked like a byline, away from the end: a menu item.
    lines = [b for b in lines if not b.byline_only]
    return Body(lines=lines, images=images, author=author, source=source)


def _is_byline(line: str) -> bool:
    """Whether ``line`` reads as an author or "Nguồn:" line."""
    return split_author(line) is not None or split_source(line) is not None


def _is_lead(line: str) -> bool:
    """A paragraph of prose (a lead trafilatura may take for a teaser and drop)."""
    return word_count(line) >= LEAD_WORDS and bool(_SENTENCE_END.search(line))


def _after_title(blocks: list[Block], title_key: str) -> list[Block]:
    """Drop what precedes the title when the container holds it (banner, menus, breadcrumb)."""
    for index, block in enumerate(blocks[:40]):
        if title_key and block.kind != "img" and fold(block.text).removeprefix("null ") == title_key:
            return blocks[index + 1 :]
    return blocks


def _byline(blocks: list[Block]) -> tuple[list[Block], str, str]:
    """Take author and source lines off the end of the body."""
    text_blocks = [b for b in blocks if b.kind != "img"]
    texts = [b.text if b.kind != "table" else "\u0000table" for b in text_blocks]
    remaining, author, source = take_byline(texts)
    dropped = {id(b) for b in text_blocks[len(remaining):]}
    return [b for b in blocks if id(b) not in dropped], author, source
