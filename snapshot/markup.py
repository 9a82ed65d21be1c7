"""Body markup in the messy styles real CMS editors produce, and the byte encodings pages use."""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass, field

TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


@dataclass
class Block:
    """One body element: a paragraph, heading, list or image with its caption."""

    kind: str  # "p" | "h" | "ul" | "img"
    text: str = ""
    items: list[str] = field(default_factory=list)
    src: str = ""
    caption: str = ""


def e(text: str) -> str:
    """HTML-escape text (quotes kept readable)."""
    return html.escape(text, quote=False)


def _para(text: str, style: dict, index: int, first: bool) -> str:
    body = e(text)
    if first and style.get("dropcap") and len(text) > 1:
        body = f'<span class="dropcap">{e(text[0])}</span>{e(text[1:])}'
    mode = style.get("para", "p")
    if mode == "p_styled":
        if index % 3 == 1:
            return f'<p style="text-align: justify;"><span style="font-size:14px;"><span style="font-family:arial,helvetica,sans-serif;">{body}</span></span></p>'
        return f'<p style="text-align: justify; line-height: 1.5;">{body}</p>'
    if mode == "div_span":
        return f"<div style=\"text-align: justify;\"><span style=\"font-size: 12pt; font-family: 'Times New Roman', serif;\">{body}</span></div>"
    return f"<p>{body}</p>"


def _image(block: Block, style: dict, alt: str) -> str:
    cap = e(block.caption)
    mode = style.get("caption", "figure")
    if mode == "table_pipe":
        return (
            '<table align="center" border="0" cellpadding="3" cellspacing="0" class="image" style="width: 600px;"><tbody>'
            f'<tr><td><img alt="{e(alt)}" src="{block.src}" style="width: 600px; height: 400px;" /></td></tr>'
            f'<tr><td class="image_desc" style="text-align: center;"><span style="font-size:12px;">{cap}</span></td></tr>'
            "</tbody></table>"
        )
    if mode == "italic":
        return (
            f'<p style="text-align: center;"><img alt="" src="{block.src}" width="640" height="427" /></p>'
            f'<p style="text-align: center;"><em>{cap}</em></p>'
        )
    if mode == "p_center":
        return (
            f'<div style="text-align: center;"><img alt="{e(alt)}" src="{block.src}" style="max-width:100%" /></div>'
            f'<div style="text-align: center;"><span style="font-size: 10pt;"><i>{cap}</i></span></div>'
        )
    return f'<figure class="image"><img alt="{e(alt)}" src="{block.src}" /><figcaption>{cap}</figcaption></figure>'


def render_body(blocks: list[Block], style: dict, *, title: str, tail: list[str]) -> str:
    """The body HTML of one article; ``tail`` are the author/source lines printed after it."""
    out: list[str] = []
    if style.get("title_in_body"):
        out.append(f'<p style="text-align: center;"><strong><span style="font-size:16px;">{e(title)}</span></strong></p>')
    texts = [b for b in blocks if b.kind == "p"]
    first_p = texts[0] if texts else None
    br_run: list[str] = []
    n = 0
    for block in blocks:
        if block.kind == "p":
            if style.get("para") == "br" and block is not first_p:
                br_run.append(e(block.text))
                continue
            out.append(_para(block.text, style, n, block is first_p))
            n += 1
            if style.get("nbsp") and n % 4 == 2:
                out.append("<p>&nbsp;</p>")
            continue
        if br_run:
            out.append("<p>" + "<br />\n<br />\n".join(br_run) + "</p>")
            br_run = []
        if block.kind == "h":
            out.append(f"<h3><strong>{e(block.text)}</strong></h3>")
        elif block.kind == "ul":
            out.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in block.items) + "</ul>")
        elif block.kind == "img":
            out.append(_image(block, style, title))
    if br_run:
        out.append("<p>" + "<br />\n<br />\n".join(br_run) + "</p>")
    if style.get("nbsp"):
        out.append("<p>&nbsp;</p>")
    for line in tail:
        if line.startswith("http"):
            out.append(f'<p style="text-align: right;"><a href="{e(line)}">{e(line)}</a></p>')
        else:
            out.append(f'<p style="text-align: right;"><strong>{e(line)}</strong></p>')
    return "\n".join(out)


def body_lines(blocks: list[Block]) -> list[str]:
    """The body paragraphs as the manifest lists them: paragraphs, headings and list items."""
    lines: list[str] = []
    for block in blocks:
        if block.kind in ("p", "h"):
            lines.append(block.text)
        elif block.kind == "ul":
            lines.extend(block.items)
    return lines


def encode_cp1258(text: str) -> bytes:
    """windows-1258 bytes: letters cp1258 lacks become base letter + combining tone mark."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            ch.encode("cp1258")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out.append(base + tones)
    return "".join(out).encode("cp1258", errors="xmlcharrefreplace")


def encode_page(text: str, encoding: str) -> bytes:
    """The bytes a page is served as: 'utf-8', 'utf-8-nfd' (decomposed) or 'windows-1258'."""
    if encoding == "windows-1258":
        return encode_cp1258(text)
    if encoding == "utf-8-nfd":
        return unicodedata.normalize("NFD", text).encode("utf-8")
    return text.encode("utf-8")
