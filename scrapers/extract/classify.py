"""looks_like_article: whether a page of unknown shape is a dated news article."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scrapers.extract.article import extract_article
from scrapers.extract.chrome import vocabulary
from scrapers.extract.chrome import fold

MIN_WORDS = 80  # news articles on these sites run to a few hundred words; stubs are not news
MIN_PARAGRAPHS = 2
_CALENDAR_LINE = re.compile(r"^(?:thứ\s+\w+|chủ\s+nhật|\d{1,2}h\d{0,2}|ngày\s+\d)", re.I)
# Whole path segments of pages that are never news (the home page, search, login, intro...).
_NOT_ARTICLE_PATH = re.compile(r"(?:^/?$|/(?:tim-kiem|search|dang-nhap|login|lien-he|gioi-thieu|so-do[\w-]*|"
                               r"lich-cong-tac|thu-tuc-hanh-chinh|co-cau-to-chuc)(?:/|\.\w+)?$)", re.I)


def _soft404(title: str, body: str) -> bool:
    """True when the title or the start of the body says the page does not exist."""
    head = fold(title + " " + body[:300])
    return any(phrase in head for phrase in vocabulary().soft404)


def looks_like_article(html: bytes | str, url: str) -> bool:
    """True only for a news article: a dated title over substantial body prose."""
    parts = urlsplit(url)
    if _NOT_ARTICLE_PATH.search(parts.path) or re.search(r"(?:^|&)(?:q|keyword|tukhoa|search)=", parts.query):
        return False
    article = extract_article(html, url)
    if article.status != "ok" or not article.title or not article.published_at:
        return False
    if article.title.isupper():  # a site banner ("SỞ KHOA HỌC VÀ CÔNG NGHỆ ..."), not a headline
        return False
    if _soft404(article.title, article.body):
        return False
    if fold(article.title) in vocabulary().not_article:
        return False
    lines = article.body.splitlines()
    prose = [line for line in lines if len(line.split()) >= 12]
    if len(prose) < MIN_PARAGRAPHS or sum(len(p.split()) for p in prose) < MIN_WORDS:
        return False
    if sum(1 for line in lines if _CALENDAR_LINE.match(line)) > len(lines) / 3:
        return False  # a work calendar
    # Listings and procedure lists: many short lines, little prose.
    return sum(len(p) for p in prose) >= 0.5 * sum(len(line) for line in lines)
