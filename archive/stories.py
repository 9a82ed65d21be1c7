"""Stories: every copy of one text (on one site or many) grouped, the earliest original canonical."""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from archive import neardup, verify
from archive.clock import now_iso
from scrapers.extract.text import fold

if TYPE_CHECKING:
    from sqlite_utils import Database

MAX_CANDIDATES = 20  # candidates verified per article, most shared LSH bands first
_SOURCE_LINE = re.compile(r"^\(?\s*(?:nguồn|theo)\s*[:：]?\s*(.+?)\)?\s*$", re.I)


def body_hash(body: str) -> str:
    """Hash of the folded body alone (the exact-copy key across sites and titles)."""
    return hashlib.sha256(fold(body or "").encode("utf-8")).hexdigest()[:16]


def source_of(source: str, body: str) -> str:
    """The outlet an article credits: its source field, else a closing "Nguồn: ..." line."""
    if source.strip():
        return source.strip()
    for line in reversed((body or "").splitlines()[-3:]):
        found = _SOURCE_LINE.match(line.strip())
        if found and len(found.group(1)) < 120:
            return found.group(1)
    return ""


def names_site(credit: str, site: dict[str, Any]) -> bool:
    """Whether a credit line names ``site`` (its name, agency, portal host or slug)."""
    key = fold(credit)
    host = (site.get("base_url") or "").split("//")[-1].split("/")[0].removeprefix("www.")
    names = [fold(site.get("name") or ""), fold(site.get("agency") or ""), fold(host.replace(".", " "))]
    return any(n and len(n) > 6 and n in key for n in names)


class StoriesMixin:
    """Methods of :class:`archive.store.Archive` that place articles in stories."""

    db: "Database"
    _pending_checked: bool = False

    def _bands(self) -> neardup.BandIndex:
        return neardup.BandIndex(self.db)

    def find_copy(self, article_id: str, body: str, hashed: str,
                  sketch: neardup.Sketch) -> tuple[int, str, float] | None:
        """(story id, "exact"|"near", Jaccard) of an archived copy of ``body``, or None."""
        if not sketch.matchable:
            return None  # short notices ("Xem file đính kèm") are never merged across pages
        twin = self.db.execute(
            "select story_id from articles where body_hash = ? and id != ? and story_id is not null "
            "and near_indexed = 1 order by published_at is null, published_at limit 1",
            [hashed, article_id],
        ).fetchone()
        if twin:
            return int(twin[0]), "exact", 1.0
        best: tuple[int, str, float] | None = None
        ids = self._bands().candidates(sketch.keys, exclude=article_id)[:MAX_CANDIDATES]
        if not ids:
            return None
        marks = ",".join("?" * len(ids))
        for other_story, other_body in self.db.execute(
            f"select story_id, body from articles where id in ({marks}) and story_id is not null", ids
        ).fetchall():
            other_sequence = neardup.shingle_sequence(other_body)
            other_set = np.unique(other_sequence)
            copy, jaccard = verify.is_copy(sketch.shingles, other_set, sketch.sequence, other_sequence)
            copy = copy and verify.same_facts(body, other_body, sketch.shingles, other_set)
            if copy and (best is None or jaccard > best[2]):
                best = (int(other_story), "near", round(jaccard, 4))
        return best

    def place_in_story(self, row: dict[str, Any]) -> int:
        """Put a stored article in the story of its copy, or a new story; index its bands."""
        sketch = neardup.sketch(row["body"])
        hashed = body_hash(row["body"])
        found = self.find_copy(row["id"], row["body"], hashed, sketch)
        now = now_iso()
        current = self.db.execute("select story_id from articles where id = ?", [row["id"]]).fetchone()
        if found:
            story_id, match, score = found
        elif current and current[0] is not None:
            story_id, match, score = int(current[0]), "first", 1.0
        else:
            story_id = int(self.db.execute(
                "insert into stories (canonical_article_id, title, published_at, copies, sites, created_at, "
                "updated_at) values (?, ?, ?, 1, 1, ?, ?)",
                [row["id"], row["title"], row["published_at"], now, now],
            ).lastrowid)
            match, score = "first", 1.0
        self.db.execute(
            "update articles set story_id = ?, story_match = ?, story_score = ?, body_hash = ?, "
            "near_indexed = 1 where id = ?",
            [story_id, match, score, hashed, row["id"]],
        )
        self._bands().add(row["id"], sketch.keys)
        if current and current[0] is not None and int(current[0]) != story_id:
            self.refresh_story(int(current[0]))
        self.refresh_story(story_id)
        return story_id

    def reindex_revision(self, article_id: str, old_body: str, new_body: str) -> None:
        """After a revision: the new text's bands and body hash replace the old ones (same story)."""
        old = neardup.sketch(old_body)
        new = neardup.sketch(new_body)
        bands = self._bands()
        bands.remove(article_id, old.keys)
        bands.add(article_id, new.keys)
        self.db.execute("update articles set body_hash = ? where id = ?", [body_hash(new_body), article_id])
        story = self.db.execute("select story_id from articles where id = ?", [article_id]).fetchone()
        if story and story[0] is not None:
            self.refresh_story(int(story[0]))

    def refresh_story(self, story_id: int) -> None:
        """Recount a story's copies and choose its canonical copy (an empty story is removed)."""
        members = list(self.db.query(
            "select a.id, a.site, a.title, a.published_at, a.first_seen, a.source, a.body, "
            "s.name, s.agency, s.base_url from articles a left join sites s on s.slug = a.site "
            "where a.story_id = ?", [story_id],
        ))
        if not members:
            self.db.execute("delete from stories where id = ?", [story_id])
            return
        credits = {m["id"]: source_of(m["source"] or "", m["body"]) for m in members}

        def rank(m: dict[str, Any]) -> tuple[Any, ...]:
            named = any(c and names_site(c, m) for i, c in credits.items() if i != m["id"])
            credits_other = bool(credits[m["id"]]) and not names_site(credits[m["id"]], m)
            return (m["published_at"] is None, m["published_at"] or "", not named, credits_other,
                    m["first_seen"] or "", m["id"])

        canonical = min(members, key=rank)
        self.db.execute(
            "update stories set canonical_article_id = ?, title = ?, published_at = ?, copies = ?, "
            "sites = ?, updated_at = ? where id = ?",
            [canonical["id"], canonical["title"], canonical["published_at"], len(members),
             len({m["site"] for m in members}), now_iso(), story_id],
        )

    def index_pending(self) -> int:
        """Match articles archived before stories existed (oldest first); return how many."""
        rows = list(self.db.query(
            "select rowid, id, title, body, published_at from articles where near_indexed = 0 "
            "order by published_at is null, published_at, rowid"
        ))
        for row in rows:
            with self.db.atomic():
                self.place_in_story(row)
        return len(rows)

    def rebuild_bands(self) -> int:
        """Recompute every article's LSH band keys (after the shingling or MinHash scheme changed)."""
        with self.db.atomic():
            self.db.execute("delete from minhash_bands")
            rows = self.db.execute("select id, body from articles where near_indexed = 1").fetchall()
            for article_id, body in rows:
                self._bands().add(article_id, neardup.sketch(body).keys)
        return len(rows)

    def _index_pending_once(self) -> None:
        if self._pending_checked:
            return
        self._pending_checked = True
        scheme = self.get_meta("neardup_scheme")  # type: ignore[attr-defined]
        if scheme != neardup.SCHEME:
            if scheme is not None:
                self.rebuild_bands()
            self.set_meta("neardup_scheme", neardup.SCHEME)  # type: ignore[attr-defined]
        if self.db.execute("select 1 from articles where near_indexed = 0 limit 1").fetchone():
            self.index_pending()
