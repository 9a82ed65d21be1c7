"""Stories: every copy of one text (on one site or many) grouped, the earliest original canonical."""

from __future__ import annotations

import re
from collections import Counter
from itertools import chain
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
    """Hash of the folded body alone (the exact-copy key across sites and titles): sha256 of
    ``fold(body)``, folded word by word (``neardup.analyse``)."""
    return neardup.body_hash(neardup.analyse(body or "")[1])


def _select_in(conn: Any, sql: str, values: list[Any], size: int = 900) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` (one ``in ({})``) for every value, a few hundred values per query."""
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(values), size):
        part = values[start:start + size]
        rows.extend(conn.execute(sql.format(",".join("?" * len(part))), part).fetchall())
    return rows


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

    def place_in_story(self, row: dict[str, Any]) -> int:
        """Put a stored article in the story of its copy, or a new story; index its bands."""
        return self.place_batch([row])[0]

    def place_batch(self, rows: list[dict[str, Any]], sketches: list[neardup.Sketch] | None = None,
                    *, near: bool = True) -> list[int]:
        """Place stored articles (oldest first) in stories, as :meth:`place_in_story` one by one
        would, with a few queries for the whole batch: the body hashes and band keys of the
        batch are looked up at once, and a copy of an article earlier in the batch is found in
        memory. ``rows``: id, title, published_at, body (rowid and story_id are read when
        missing); ``sketches``: their :func:`neardup.sketch`, when already computed (in worker
        processes). ``near=False`` matches exact bodies only (the bench's baseline). Returns the
        story ids. The caller holds the transaction."""
        if not rows:
            return []
        conn = self.db.conn
        sketches = sketches if sketches is not None else [neardup.sketch(r["body"]) for r in rows]
        for row, sk in zip(rows, sketches):
            if not sk.hashed:
                sk.hashed = body_hash(row["body"])
        if any("rowid" not in r or "story_id" not in r for r in rows):
            known = _select_in(conn, "select id, rowid, story_id from articles where id in ({})", [r["id"] for r in rows])
            place = {a: (rowid, story) for a, rowid, story in known}
            rows = [{**r, "rowid": place[r["id"]][0], "story_id": place[r["id"]][1]} for r in rows]
        rowids = {r["rowid"] for r in rows}
        # Exact copies already placed: the earliest published of each body hash.
        hashes = sorted({sk.hashed for sk in sketches if sk.matchable})
        exact: dict[str, tuple[tuple[Any, ...], int]] = {}
        for hashed, story, published, rowid in _select_in(
            conn, "select body_hash, story_id, published_at, rowid from articles where body_hash in ({}) "
            "and story_id is not null and near_indexed = 1", hashes,
        ):
            if rowid in rowids:
                continue
            rank = (published is None, published or "", rowid)
            if hashed not in exact or rank < exact[hashed][0]:
                exact[hashed] = (rank, int(story))
        stored = self._bands().lookup(chain.from_iterable(sk.keys for sk in sketches)) if near else {}
        in_batch: dict[int, tuple[int, ...]] = {}  # band key -> rowids placed earlier in this batch
        placed: dict[int, tuple[int, dict[str, Any], neardup.Sketch]] = {}  # rowid -> story, row, sketch
        now = now_iso()
        results: list[tuple[int, str, float]] = []
        refresh: set[int] = set()
        for row, sk in zip(rows, sketches):
            found = self._match(row, sk, exact, stored, in_batch, placed) if sk.matchable else None
            if found:
                story_id, match, score = found
                refresh.add(story_id)
            elif row["story_id"] is not None:
                story_id, match, score = int(row["story_id"]), "first", 1.0
                refresh.add(story_id)
            else:
                story_id = int(conn.execute(
                    "insert into stories (canonical_article_id, title, published_at, copies, sites, created_at, "
                    "updated_at) values (?, ?, ?, 1, 1, ?, ?)",
                    [row["id"], row["title"], row["published_at"], now, now],
                ).lastrowid)
                match, score = "first", 1.0
            if row["story_id"] is not None and int(row["story_id"]) != story_id:
                refresh.add(int(row["story_id"]))
            results.append((story_id, match, score))
            placed[row["rowid"]] = (story_id, row, sk)
            if sk.matchable:
                rank = (row["published_at"] is None, row["published_at"] or "", row["rowid"])
                if sk.hashed not in exact or rank < exact[sk.hashed][0]:
                    exact[sk.hashed] = (rank, story_id)
            if near and sk.keys:
                mine = dict.fromkeys(sk.keys, (row["rowid"],))
                for key in mine.keys() & in_batch.keys():  # rare: a copy's keys, already there
                    mine[key] = in_batch[key] + mine[key]
                in_batch.update(mine)
        conn.executemany(
            "update articles set story_id = ?, story_match = ?, story_score = ?, body_hash = ?, "
            "near_indexed = 1 where rowid = ?",
            [(story, match, score, sk.hashed, row["rowid"])
             for (story, match, score), row, sk in zip(results, rows, sketches)],
        )
        if near:
            self._bands().add_arrays(
                np.fromiter(chain.from_iterable(sk.keys for sk in sketches), dtype=np.int64),
                np.repeat(np.array([row["rowid"] for row in rows], dtype=np.int64), [len(sk.keys) for sk in sketches]))
        for story_id in sorted(refresh):
            self.refresh_story(story_id)
        return [story for story, _, _ in results]

    def _match(self, row: dict[str, Any], sk: neardup.Sketch, exact: dict[str, tuple[tuple[Any, ...], int]],
               stored: dict[int, list[int]], in_batch: dict[int, tuple[int, ...]],
               placed: dict[int, tuple[int, dict[str, Any], neardup.Sketch]]) -> tuple[int, str, float] | None:
        """(story id, "exact"|"near", Jaccard) of an already placed copy of the row's body, or None."""
        if sk.hashed in exact:
            return exact[sk.hashed][1], "exact", 1.0
        shared = [k for k in sk.keys if k in stored or k in in_batch]
        if not shared:
            return None
        counts = Counter(chain.from_iterable(stored.get(k, ()) for k in shared))
        counts.update(chain.from_iterable(in_batch.get(k, ()) for k in shared))
        counts.pop(row["rowid"], None)
        if not counts:
            return None
        ids = sorted(counts, key=lambda a: (-counts[a], a))[:MAX_CANDIDATES]
        others: list[tuple[int, str, np.ndarray | None, np.ndarray | None]] = []
        earlier = [a for a in ids if a in placed]
        if len(earlier) < len(ids):
            fetched = _select_in(self.db.conn, "select rowid, story_id, body from articles where rowid in ({}) "
                                 "and story_id is not null", [a for a in ids if a not in placed])
            by_id = {rowid: (story, body) for rowid, story, body in fetched}
        else:
            by_id = {}
        for a in ids:
            if a in placed:
                story, other_row, other_sk = placed[a]
                others.append((story, other_row["body"], other_sk.shingles, other_sk.sequence))
            elif a in by_id:
                others.append((by_id[a][0], by_id[a][1], None, None))
        # Cheap checks first (shingle similarity, gap rate); the line and figure checks only for
        # the candidates that pass, the most similar first: the first that holds is the best.
        passed = []
        for order, (other_story, other_body, other_set, other_sequence) in enumerate(others):
            if other_sequence is None:
                other_sequence = verify.lines_of(other_body).sequence
                other_set = neardup.unique(other_sequence)
            copy, jaccard = verify.is_copy(sk.shingles, other_set, sk.sequence, other_sequence)
            if copy:
                passed.append((-jaccard, order, other_story, other_body, other_set))
        for negative, _, other_story, other_body, other_set in sorted(passed, key=lambda p: p[:2]):
            if verify.same_facts(row["body"], other_body, sk.shingles, other_set):
                return int(other_story), "near", round(-negative, 4)
        return None

    def reindex_revision(self, article_id: str, old_body: str, new_body: str) -> None:
        """After a revision: the new text's bands and body hash replace the old ones (same story)."""
        old = neardup.sketch(old_body)
        new = neardup.sketch(new_body)
        rowid, story = self.db.execute("select rowid, story_id from articles where id = ?", [article_id]).fetchone()
        bands = self._bands()
        bands.remove(rowid, old.keys)
        bands.add(rowid, new.keys)
        self.db.execute("update articles set body_hash = ? where rowid = ?", [new.hashed, rowid])
        if story is not None:
            self.refresh_story(int(story))

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

    def index_pending(self, batch: int = 500) -> int:
        """Match articles archived before stories existed (oldest first), a batch per
        transaction (:meth:`place_batch`); return how many."""
        rows = list(self.db.query(
            "select rowid, id, title, body, published_at, story_id from articles where near_indexed = 0 "
            "order by published_at is null, published_at, rowid"
        ))
        for start in range(0, len(rows), batch):
            with self.db.atomic():
                self.place_batch(rows[start:start + batch])
        return len(rows)

    def rebuild_bands(self) -> int:
        """Recompute every article's LSH band keys (after the shingling or MinHash scheme changed)."""
        with self.db.atomic():
            bands = self._bands()
            bands.clear()
            rows = self.db.execute("select rowid, body from articles where near_indexed = 1").fetchall()
            for start in range(0, len(rows), 1000):
                bands.add_many((key, rowid) for rowid, body in rows[start:start + 1000]
                               for key in neardup.sketch(body).keys)
            bands.merge()
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
