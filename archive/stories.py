"""Stories: every copy of one text (on one site or many) grouped, the earliest original canonical."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np

from archive import neardup, verify
from archive.clock import now_iso
from archive.search_order import search_key
from scrapers.extract.text import fold

if TYPE_CHECKING:
    from sqlite_utils import Database

MAX_CANDIDATES = 20  # candidates verified per article, most shared LSH bands first
FILTER_MIN_KEYS = 20_000  # band keys looked up at once from which placement keeps a BandFilter
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


class _map_later:  # noqa: N801 - stands in for a pool's map_async
    """``map_async`` in this process: the work is done when the result is asked for."""

    def __init__(self, function: Callable[[Any], Any], items: list[Any]) -> None:
        self.function, self.items = function, items

    def get(self) -> list[Any]:
        return list(map(self.function, self.items))


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
    _band_filter: neardup.BandFilter | None = None
    # How candidates are verified: None (here, in this process), or a ``map_async`` such as a
    # multiprocessing pool's: called as ``verify_map(verify.copies_of, jobs)``, answering ``.get()``.
    verify_map: Callable[[Callable[[verify.Job], Any], list[verify.Job]], Any] | None = None

    def _bands(self, bulk: bool = False) -> neardup.BandIndex:
        """The band index, with this archive's in-memory filter of its keys when that is in step
        with the tables; ``bulk`` (many keys to look up): load the filter when there is none."""
        index = neardup.BandIndex(self.db)
        if self._band_filter is not None and not index.in_step(self._band_filter):
            self._band_filter = None  # band keys written by another process, or rolled back
        if self._band_filter is None and bulk:
            self._band_filter = index.load_filter()
        index.filter = self._band_filter
        return index

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
        story ids. The caller holds the transaction. New articles are cheaper with
        :meth:`add_batch` (each row written once)."""
        if not rows:
            return []
        conn = self.db.conn
        sketches = self._sketches(rows, sketches)
        if any("rowid" not in r or "story_id" not in r for r in rows):
            known = _select_in(conn, "select id, rowid, story_id from articles where id in ({})", [r["id"] for r in rows])
            place = {a: (rowid, story) for a, rowid, story in known}
            rows = [{**r, "rowid": place[r["id"]][0], "story_id": place[r["id"]][1]} for r in rows]
        results, refresh = self._place(rows, sketches, near)
        conn.executemany(
            "update articles set story_id = ?, story_match = ?, story_score = ?, body_hash = ?, "
            "near_indexed = 1 where rowid = ?",
            [(story, match, score, sk.hashed, row["rowid"])
             for (story, match, score), row, sk in zip(results, rows, sketches)],
        )
        for story_id in sorted(refresh):
            self.refresh_story(story_id)
        return [story for story, _, _ in results]

    def add_batch(self, rows: list[dict[str, Any]], sketches: list[neardup.Sketch] | None = None,
                  *, near: bool = True) -> list[int]:
        """Insert new articles (oldest first) already placed in their stories: each row is written
        once, with its story, match, body hash and its site's provinces (no update after the
        insert, no trigger rewriting it). ``rows``: ``articles`` columns (the same keys in every
        row); a row without a ``rowid`` is given the next free one (set in the dict), and each row's
        ``search_key`` is set from its date and rowid (archive/search_order.py). Otherwise
        as :meth:`place_batch`. Returns the story ids. The caller holds the transaction."""
        if not rows:
            return []
        conn = self.db.conn
        sketches = self._sketches(rows, sketches)
        last = max([int(conn.execute("select coalesce(max(rowid), 0) from articles").fetchone()[0])]
                   + [int(r["rowid"]) for r in rows if r.get("rowid") is not None])
        for row in rows:
            row.setdefault("story_id", None)
            if row.get("rowid") is None:
                last += 1
                row["rowid"] = last
            row["search_key"] = search_key(row.get("published_at"), int(row["rowid"]))  # no trigger rewrite
        results, refresh = self._place(rows, sketches, near)
        provinces = {slug: (p, p2025) for slug, p, p2025 in _select_in(
            conn, "select slug, nullif(province, ''), nullif(province_2025, '') from sites where slug in ({})",
            sorted({r["site"] for r in rows}))}
        placed = ("story_id", "story_match", "story_score", "body_hash", "near_indexed", "province", "province_2025")
        columns = [c for c in rows[0] if c not in placed and c != "rowid"]
        conn.executemany(
            f"insert into articles (rowid, {', '.join(columns)}, {', '.join(placed)}) "
            f"values ({', '.join('?' * (len(columns) + len(placed) + 1))})",
            [(row["rowid"], *(row[c] for c in columns), story, match, score, sk.hashed, 1,
              *provinces.get(row["site"], (None, None)))
             for (story, match, score), row, sk in zip(results, rows, sketches)],
        )
        for row, (story, _, _) in zip(rows, results):
            row["story_id"] = story
        for story_id in sorted(refresh):
            self.refresh_story(story_id)
        return [story for story, _, _ in results]

    @staticmethod
    def _sketches(rows: list[dict[str, Any]], sketches: list[neardup.Sketch] | None) -> list[neardup.Sketch]:
        """The rows' sketches (computed when not given), each with its body hash."""
        sketches = sketches if sketches is not None else neardup.sketch_many(r["body"] for r in rows)
        for row, sk in zip(rows, sketches):
            if not sk.hashed:
                sk.hashed = body_hash(row["body"])
        return sketches

    def _place(self, rows: list[dict[str, Any]], sketches: list[neardup.Sketch],
               near: bool) -> tuple[list[tuple[int, str, float]], set[int]]:
        """(story id, match, score) of every row, oldest first, new stories created, the rows'
        band keys indexed; and the stories whose members changed (to refresh once the rows are
        written).

        Which earlier article a row could copy does not depend on where earlier rows are placed,
        so the candidates of the whole batch are chosen first, then verified all at once (by
        :attr:`verify_map` when set, e.g. in worker processes, while the batch's band keys are
        written), then the rows placed in order: as :meth:`place_in_story` one by one would."""
        conn = self.db.conn
        rowids = {r["rowid"] for r in rows}
        # Exact copies already placed: the earliest published of each body hash.
        hashes = sorted({sk.hashed for sk in sketches if sk.matchable})
        exact: dict[str, tuple[tuple[Any, ...], tuple[str, int]]] = {}
        for hashed, story, published, rowid in _select_in(
            conn, "select body_hash, story_id, published_at, rowid from articles where body_hash in ({}) "
            "and story_id is not null and near_indexed = 1", hashes,
        ):
            if rowid in rowids:
                continue
            rank = (published is None, published or "", rowid)
            if hashed not in exact or rank < exact[hashed][0]:
                exact[hashed] = (rank, ("story", int(story)))
        if near:
            keys = list(chain.from_iterable(sk.keys for sk in sketches))
            stored = self._bands(bulk=len(keys) >= FILTER_MIN_KEYS).lookup(keys)
        else:
            stored = {}
        # In order, each row's exact copy (("story", id), or ("row", index) earlier in the batch)
        # or its near candidates (("row", index) earlier in the batch, or ("db", rowid)).
        in_batch: dict[int, tuple[int, ...]] = {}  # band key -> rowids placed earlier in this batch
        earlier: dict[int, int] = {}  # rowid -> index, of the rows placed earlier in this batch
        copies: dict[int, tuple[str, int]] = {}
        candidates: dict[int, list[tuple[str, int]]] = {}
        for k, (row, sk) in enumerate(zip(rows, sketches)):
            if sk.matchable:
                if sk.hashed in exact:
                    copies[k] = exact[sk.hashed][1]
                elif found := self._candidates(row, sk, stored, in_batch, earlier):
                    candidates[k] = found
                rank = (row["published_at"] is None, row["published_at"] or "", row["rowid"])
                if sk.hashed not in exact or rank < exact[sk.hashed][0]:
                    exact[sk.hashed] = (rank, ("row", k))
            earlier[row["rowid"]] = k
            if near and sk.keys:
                mine = dict.fromkeys(sk.keys, (row["rowid"],))
                for key in mine.keys() & in_batch.keys():  # rare: a copy's keys, already there
                    mine[key] = in_batch[key] + mine[key]
                in_batch.update(mine)
        # The stored candidates' bodies, at once; then every candidate list verified (a job each).
        wanted = sorted({a for found in candidates.values() for kind, a in found if kind == "db"})
        stored_rows = {rowid: (int(story), body) for rowid, story, body in _select_in(
            conn, "select rowid, story_id, body from articles where rowid in ({}) and story_id is not null", wanted)}
        jobs: list[verify.Job] = []
        job_of: dict[int, int] = {}  # row index -> its job
        refs: list[list[tuple[str, int]]] = []  # each job's candidates
        for k, found in candidates.items():
            found = [(kind, a) for kind, a in found if kind == "row" or a in stored_rows]
            if found:
                job_of[k] = len(jobs)
                jobs.append((rows[k]["body"], sketches[k].shingles, sketches[k].sequence,
                             [(rows[a]["body"], sketches[a].shingles, sketches[a].sequence) if kind == "row"
                              else (stored_rows[a][1], None, None) for kind, a in found],
                             [None if kind == "row" else stored_rows[a][0] for kind, a in found]))
                refs.append(found)
        pending = (self.verify_map or _map_later)(verify.copies_of, jobs)
        if near:  # while the candidates are verified
            self._bands().add_arrays(
                np.fromiter(chain.from_iterable(sk.keys for sk in sketches), dtype=np.int64),
                np.repeat(np.array([row["rowid"] for row in rows], dtype=np.int64), [len(sk.keys) for sk in sketches]))
        verdicts = pending.get() if jobs else []
        now = now_iso()
        results: list[tuple[int, str, float]] = []
        refresh: set[int] = set()
        new_stories: list[tuple[Any, ...]] = []
        # A story merged away keeps its id in story_merges (its old page leads to the story it joined):
        # never given to a new story.
        stored_stories = next_story = int(conn.execute(
            "select max((select coalesce(max(id), 0) from stories), "
            "(select coalesce(max(story_id), 0) from story_merges))").fetchone()[0])
        merged: dict[int, int] = {}  # story -> the story it was merged into, in this batch
        bridges: list[tuple[int, int, str]] = []  # (merged story, into, the article that bridged them)

        def find(story: int) -> int:
            while story in merged:
                story = merged[story]
            return story

        def story_of(ref: tuple[str, int]) -> int:
            kind, a = ref
            return find(results[a][0] if kind == "row" else stored_rows[a][0] if kind == "db" else a)

        for k, row in enumerate(rows):
            verdict = verdicts[job_of[k]] if k in job_of else []
            if k in copies:
                story_id, match, score = story_of(copies[k]), "exact", 1.0
            elif verdict:
                joined = {story_of(refs[job_of[k]][order]) for order, _ in verdict}
                story_id, match, score = min(joined), "near", round(verdict[0][1], 4)
                for other in sorted(joined - {story_id}):  # the row copies two stories: one story
                    merged[other] = story_id
                    bridges.append((other, story_id, row["id"]))
            elif row["story_id"] is not None:
                story_id, match, score = int(row["story_id"]), "first", 1.0
            else:
                next_story += 1
                story_id, match, score = next_story, "first", 1.0
                new_stories.append((story_id, row["id"], row["title"], row["published_at"], now, now))
            if match != "first" or row["story_id"] is not None:
                refresh.add(story_id)
            if row["story_id"] is not None and int(row["story_id"]) != story_id:
                refresh.add(int(row["story_id"]))
            results.append((story_id, match, score))
        results = [(find(story), match, score) for story, match, score in results]
        refresh = {find(story) for story in refresh}
        conn.executemany(
            "insert into stories (id, canonical_article_id, title, published_at, copies, sites, created_at, "
            "updated_at) values (?, ?, ?, ?, 1, 1, ?, ?)", [s for s in new_stories if s[0] not in merged])
        self._merge_stories([(story, find(into), article) for story, into, article in bridges
                             if story <= stored_stories], now)
        return results, refresh

    def _merge_stories(self, merges: list[tuple[int, int, str]], now: str) -> None:
        """Move every copy of each stored story merged away into the story it joined (``merges``:
        story, into, the article that showed they are one), recorded in ``story_merges`` so that the
        old story id still leads to its copies; the merged story's row goes."""
        conn = self.db.conn
        for story, into, article in merges:
            conn.execute("update articles set story_id = ? where story_id = ?", [into, story])
            conn.execute("update story_merges set merged_into = ? where merged_into = ?", [into, story])
            conn.execute("insert or replace into story_merges (story_id, merged_into, merged_at, article_id) "
                         "values (?, ?, ?, ?)", [story, into, now, article])
            conn.execute("delete from stories where id = ?", [story])

    @staticmethod
    def _candidates(row: dict[str, Any], sk: neardup.Sketch, stored: dict[int, list[int]],
                    in_batch: dict[int, tuple[int, ...]], earlier: dict[int, int]) -> list[tuple[str, int]] | None:
        """The articles the row could copy (sharing LSH bands), most shared bands first, at most
        :data:`MAX_CANDIDATES`: ("row", index) of a row earlier in the batch, else ("db", rowid)."""
        known, recent = stored.keys() & sk.keys, in_batch.keys() & sk.keys
        if not known and not recent:
            return None
        counts = Counter(chain.from_iterable(map(stored.__getitem__, known)))
        counts.update(chain.from_iterable(map(in_batch.__getitem__, recent)))
        counts.pop(row["rowid"], None)
        if not counts:
            return None
        ids = sorted(counts, key=lambda a: (-counts[a], a))[:MAX_CANDIDATES]
        return [("row", earlier[a]) if a in earlier else ("db", a) for a in ids]

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

    def index_pending(self, batch: int = 2000) -> int:
        """Match articles archived before stories existed (oldest first), a batch per
        transaction (:meth:`place_batch`; a batch this large looks its band keys up through the
        Bloom filter, :data:`FILTER_MIN_KEYS`); return how many."""
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
