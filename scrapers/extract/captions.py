"""Image captions: the line under an image (table row, figcaption, italic or centred line)."""

from __future__ import annotations

import re

from scrapers.extract.blocks import Block
from scrapers.extract.text import word_count

_PHOTO_CREDIT = re.compile(r"(?:\(|-|–|\s)\s*(?:ảnh|nguồn ảnh|photo)\s*:\s*[^.]{1,40}\)?\s*$", re.I)
_TRAILING_BAR = re.compile(r"\s*\|\s*$")
MAX_CAPTION_WORDS = 70


def _looks_like_caption(block: Block, image: Block) -> bool:
    """Whether ``block`` (the first text after ``image``) is that image's caption."""
    if block.kind in ("img", "table") or word_count(block.text) > MAX_CAPTION_WORDS:
        return False
    if block.kind == "caption" or block.caption_hint:
        return True
    if image.table_id and block.table_id == image.table_id:
        return True
    if block.text.rstrip().endswith("|") or _PHOTO_CREDIT.search(block.text):
        return True
    if block.italic and word_count(block.text) <= 50:
        return True
    return block.centered and image.centered and word_count(block.text) <= 40


def clean_caption(text: str) -> str:
    """A caption without the " |" a table layout leaves."""
    return _TRAILING_BAR.sub("", text).strip()


def attach_captions(blocks: list[Block]) -> tuple[list[Block], dict[int, str]]:
    """Blocks without caption lines, and each image block's index mapped to its caption."""
    out: list[Block] = []
    captions: dict[int, str] = {}
    i = 0
    while i < len(blocks):
        block = blocks[i]
        out.append(block)
        i += 1
        if block.kind != "img":
            continue
        image_index = len(out) - 1
        # Several images in a row share the caption under the last one; look past them.
        if i < len(blocks) and _looks_like_caption(blocks[i], block):
            parts = [blocks[i].text]
            i += 1
            # A caption split over two lines of the same caption cell.
            while (i < len(blocks) and blocks[i].kind == "caption" and block.table_id == 0
                   and blocks[i - 1].kind == "caption"):
                parts.append(blocks[i].text)
                i += 1
            captions[image_index] = clean_caption(" ".join(parts))
        elif block.table_id:
            # Stray caption cells of an image table (text in the same table) are captions too.
            while i < len(blocks) and blocks[i].table_id == block.table_id and blocks[i].kind != "img" \
                    and word_count(blocks[i].text) <= MAX_CAPTION_WORDS:
                captions[image_index] = clean_caption(
                    (captions.get(image_index, "") + " " + blocks[i].text).strip())
                i += 1
    return out, captions
