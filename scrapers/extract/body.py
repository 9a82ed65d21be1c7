"""From blocks to the article body: chrome lines out, captions to images, byline out, HTML built."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import nh3

from scrapers.extract import budget
from scrapers.extract.blocks import Block
from scrapers.extract.byline import split_author, take_byline
from scrapers.extract.captions import attach_captions
from scrapers.extract.chrome import is_chrome_line, is_end_marker, page_phrases
from scrapers.extract.metadata import absolute
from scrapers.items import Image
from scrapers.extract.chrome import fold

_SENTENCE_END = re.compile(r"[.!?:;…\"”')\]»]$")
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
                parts.append(f"<li>{html.escape(block.text)}</li>")
                continue
            if open_list:
                parts.append(f"</{open_list}>")
                open_list = ""
            if block.kind == "img":
                alt = html.escape(block.alt, quote=True)
                parts.append(f'<p><img src="{html.escape(block.src, quote=True)}" alt="{alt}"></p>')
            elif block.kind in ("h2", "h3", "h4"):
                parts.append(f"<{block.kind}>{html.escape(block.text)}</{block.kind}>")
            elif block.kind == "table":
                rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                               for row in block.rows)
                parts.append(f"<table>{rows}</table>")
            else:
                parts.append(f"<p>{html.escape(block.text)}</p>")
        if open_list:
            parts.append(f"</{open_list}>")
        return nh3.clean("".join(parts), tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRS)


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


def assemble(blocks: list[Block], *, url: str, title: str, page_chrome: list[str]) -> Body:
    """Clean ``blocks`` into a Body: the article's own lines only."""
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
            if src and all(i.src != src for i in images):
                images.append(Image(src=src, caption=captions.get(index, ""), alt=block.alt))
                kept.append(Block("img", src=src, alt=captions.get(index, "") or block.alt))
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
        key = fold(text)
        if key == title_key or key.removeprefix("null ") == title_key or key in seen:
            continue
        seen.add(key)
        kept.append(block)
    kept = _rejoin_hard_breaks(kept)
    lines, author, source = _byline(kept)
    return Body(lines=lines, images=images, author=author, source=source)


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
