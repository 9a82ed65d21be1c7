"""Vietnamese text hygiene: NFC, whitespace, and the folded key used for search and dedupe."""

from __future__ import annotations

import re
import unicodedata

# Spaces that pages put where a plain space belongs, and characters that carry no text.
_SPACE_LIKE = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_SPACE_TABLE = {ord(c): " " for c in _SPACE_LIKE} | {ord(c): None for c in _INVISIBLE}
_RUNS_OF_SPACE = re.compile(r"[ \t\r\f\v]+")
_WORD = re.compile(r"\w+", re.UNICODE)


def _base_letter_table() -> dict[int, str]:
    """Every accented Latin letter mapped to its base letter, đ to d (đ has no decomposition)."""
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0x00C0, 0x1F00):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base.isascii() and base.isalpha() and chr(code) != base:
            table[code] = base
    return table


# One pass strips odd spaces, invisible characters and every diacritic of a precomposed letter.
_FOLD_TABLE = _SPACE_TABLE | _base_letter_table()


def nfc(text: str) -> str:
    """Compose ``text`` to NFC (windows-1258 and some CMSs produce decomposed tone marks)."""
    return unicodedata.normalize("NFC", text)


_ODD_CHARACTER = re.compile(f"[{_SPACE_LIKE}{_INVISIBLE}]")
_RUN_HINTS = ("  ", "\t", "\r", "\f", "\v")


def clean_line(text: str) -> str:
    """One line of text: NFC, odd spaces made plain, invisible characters dropped, runs folded."""
    if not text.isascii():  # ASCII text is NFC and holds no odd space (the common case skips both)
        text = nfc(text)
        if _ODD_CHARACTER.search(text):
            text = text.translate(_SPACE_TABLE)
    if any(hint in text for hint in _RUN_HINTS):
        text = _RUNS_OF_SPACE.sub(" ", text)
    return text.strip()


def clean_text(text: str) -> str:
    """Multi-line text: every line cleaned, empty lines dropped, one paragraph per line."""
    lines = (clean_line(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def fold(text: str) -> str:
    """Fold Vietnamese for matching: lower case, no diacritics, đ→d, one space between words.

    "Cải cách hành chính" and "cai cach hanh chinh" fold alike; so do "hoà"/"hòa" (tone placement
    stops mattering once the tone marks are gone) and "Đà Nẵng"/"da nang". Stored text is never
    folded; this is a key only.
    """
    stripped = nfc(text).translate(_FOLD_TABLE).lower()
    if not stripped.isascii():  # combining marks NFC could not compose, letters outside the table
        stripped = "".join(c for c in unicodedata.normalize("NFD", stripped) if not unicodedata.combining(c))
    return " ".join(_WORD.findall(stripped))


def word_count(text: str) -> int:
    """Number of words (Vietnamese syllables count as words) in ``text``."""
    return len(_WORD.findall(text))
