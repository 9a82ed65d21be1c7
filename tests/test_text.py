"""The folded key: what search and dedupe match on, whatever tone marks, tone placement or đ."""

import unicodedata

import pytest

from scrapers.extract.text import clean_line, fold


@pytest.mark.parametrize(("a", "b"), [
    ("Cải cách hành chính", "cai cach hanh chinh"),
    ("Đà Nẵng", "da nang"),
    ("ĐẮK LẮK", "dak lak"),
    ("hoà", "hòa"),            # old and new tone placement
    ("thuỷ lợi", "thủy lợi"),
    ("khoẻ", "khỏe"),
    ("qúy", "quý"),
    (unicodedata.normalize("NFD", "Thủ tục hành chính"), "thu tuc hanh chinh"),  # decomposed text
    ("một\u00a0cửa\u200b liên thông", "mot cua lien thong"),  # nbsp, zero-width space
])
def test_fold_matches_how_people_type(a: str, b: str) -> None:
    assert fold(a) == fold(b)


def test_fold_is_a_key_not_text() -> None:
    assert fold("Sở KH&CN: 100% TTHC!") == "so kh cn 100 tthc"


def test_stored_text_keeps_its_marks() -> None:
    assert clean_line(unicodedata.normalize("NFD", "  Hòa\u00a0Bình\u200b ")) == "Hòa Bình"
