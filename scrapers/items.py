"""The Article record: the one schema that extraction, pipelines, storage and export speak."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Image:
    """An image of the article body, with the caption the page gives it."""

    src: str
    caption: str = ""
    alt: str = ""


@dataclass
class Attachment:
    """A linked document (PDF, DOC, DOCX, XLS...) of the article."""

    url: str
    name: str = ""
    type: str = ""  # lower-case extension without the dot: "pdf", "docx", ...


@dataclass
class Article:
    """A clean article extracted from one page.

    Dates are ISO 8601 strings in Asia/Ho_Chi_Minh (``2022-07-14T14:39:00+07:00``), or a bare
    ``YYYY-MM-DD`` when the page gives no time. ``body`` is plain text, one paragraph (or heading,
    or list item) per line. ``status`` is ``"ok"`` or ``"failed"``; a failed article carries the
    reason in ``failure`` and is never stored as an article.
    """

    url: str
    title: str = ""
    body: str = ""
    canonical_url: str = ""
    published_at: str | None = None
    updated_at: str | None = None
    author: str = ""
    source: str = ""
    category: str = ""
    breadcrumb: list[str] = field(default_factory=list)
    body_html: str = ""
    images: list[Image] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    language: str = "vi"
    word_count: int = 0
    method: str = ""  # the profile used ("liferay", "nukeviet", ...) or "generic"
    status: str = "ok"
    failure: str = ""
    # Set by spiders and pipelines, never by extraction:
    site: str = ""
    found_on: str = ""  # the listing, feed or sitemap URL the article was found under
    reform: bool = False  # found under an administrative-reform (CCHC) category
    fetched_at: str | None = None
    http_status: int | None = None
    # The WARC response record of the page, {"file", "offset", "length"}: stored with the row.
    warc: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict of every field."""
        return asdict(self)

    @classmethod
    def failed(cls, url: str, reason: str, method: str = "") -> "Article":
        """An article that could not be extracted, with a reason a person understands."""
        return cls(url=url, status="failed", failure=reason, method=method)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Article":
        """Rebuild an Article from :meth:`to_dict` output (unknown keys are ignored)."""
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        values["images"] = [Image(**i) if isinstance(i, dict) else i for i in values.get("images", [])]
        values["attachments"] = [
            Attachment(**a) if isinstance(a, dict) else a for a in values.get("attachments", [])
        ]
        return cls(**values)


@dataclass
class CrawlError:
    """A page that could not be fetched or turned into an article, and why (for `crawl_errors`)."""

    url: str
    reason: str
    site: str = ""
    http_status: int | None = None
    kind: str = ""  # short machine key: "http", "dns", "timeout", "extraction", "soft404", ...

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict of every field."""
        return asdict(self)
