"""Near-duplicate bodies: syllable shingles, MinHash signatures, LSH band keys kept in SQLite.

A body is folded (``scrapers.extract.text.fold``, word by word through a cache), cut into
3-syllable shingles and sketched with datasketch's MinHash (128 permutations). The signature is cut into the bands that
datasketch's ``MinHashLSH`` chooses for :data:`LSH_THRESHOLD`; each band becomes one 64-bit key
in the ``minhash_bands`` table (band key → the article's rowid), so a new article is matched against the whole archive between
cron runs. A candidate is a copy only when the texts really agree (``archive.verify``).

datasketch changed its hash scheme in 2.0: the version is pinned, and :data:`SCHEME` is stored
in ``archive_meta`` so that a future change can rebuild the keys instead of silently missing.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable
from itertools import chain
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from datasketch import MinHash, MinHashLSH
from datasketch.minhash import _fmix  # the scheme's pre-mix (datasketch pinned to 2.0.0)

from scrapers.extract.text import _SPACE_TABLE, fold

_SPACE_TABLE_CHARS = [chr(c) for c in _SPACE_TABLE]

if TYPE_CHECKING:
    from sqlite_utils import Database

NUM_PERM = 128
SHINGLE = 3  # syllables per shingle
SEED = 1
LSH_THRESHOLD = 0.4  # candidate generation; datasketch picks 32 bands of 4 rows
MIN_SHINGLES = 25  # shorter bodies are matched exactly, never approximately
SCHEME = f"datasketch-2.0.0/affine32/p{NUM_PERM}/s{SHINGLE}/t{LSH_THRESHOLD}"

_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)


@lru_cache(maxsize=1)
def bands() -> tuple[int, int]:
    """(bands, rows per band) that datasketch's MinHashLSH picks for LSH_THRESHOLD."""
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    return MinHash(num_perm=NUM_PERM, seed=SEED).permutations


_WORD = re.compile(r"\w+")


class _Tokens(dict):
    """A whitespace-separated token (lower case) -> the ids of its words' folded syllables; a
    plain dict, so a hit costs no Python call. ``\\w+`` never spans whitespace, so the words of a
    text are the words of its tokens, in order."""

    def __missing__(self, token: str) -> tuple[int, ...]:
        if len(self) > 500_000:
            self.clear()
            _FOLDED.clear()
            _ONE.clear()
        folds = [fold(word) for word in _WORD.findall(token)]
        ids = tuple(zlib.crc32(s.encode()) | (zlib.adler32(s.encode()) << 32) for f in folds for s in f.split())
        self[token] = ids
        # An empty fold, or a character after which folding word by word could differ from
        # folding the whole text (never a space: ``split`` cut there): analyse falls back.
        risky = not all(folds) or not _risky().isdisjoint(token)
        _FOLDED[token] = "  " if risky else " ".join(folds)
        return ids


class _Folded(dict):  # token -> its words' folds joined ("" for a token without words)
    def __missing__(self, token: str) -> str:
        _IDS[token]
        return self[token]


class _One(dict):  # token -> the id of its one syllable; 0 for a token of none or several
    def __missing__(self, token: str) -> int:
        ids = _IDS[token]
        self[token] = value = ids[0] if len(ids) == 1 else 0
        return value


_IDS = _Tokens()
_FOLDED = _Folded()
_ONE = _One()


def _token_ids(tokens: list[str]) -> np.ndarray:
    """The syllable ids of ``tokens`` in order (``chain(*map(_IDS.__getitem__, tokens))``) as uint64: one
    id per token through a cache, the few tokens of no or several syllables spliced in."""
    ids = np.fromiter(map(_ONE.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
    odd = np.flatnonzero(ids == 0)
    if not len(odd):
        return ids
    parts, start = [], 0
    for k in odd.tolist():
        parts += [ids[start:k], np.array(_IDS[tokens[k]], dtype=np.uint64)]
        start = k + 1
    parts.append(ids[start:])
    return np.concatenate(parts)


def member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """``np.isin(values, sorted_set)`` for a sorted set (a shingle set), by binary search."""
    if not len(sorted_set) or not len(values):
        return np.zeros(len(values), dtype=bool)
    at = np.searchsorted(sorted_set, values)
    at[at == len(sorted_set)] = 0
    return sorted_set[at] == values


_RISKY: list[frozenset[str]] = []


def _risky() -> frozenset[str]:
    """Characters after which folding word by word could differ from folding the whole text:
    the spaces and invisible characters that ``fold`` rewrites, and every combining mark (NFC
    composes the tone marks of Vietnamese; a mark left loose is rare)."""
    if not _RISKY:
        marks = (chr(c) for c in range(0x300, 0x110000) if unicodedata.combining(chr(c)))
        _RISKY.append(frozenset(chain(marks, _SPACE_TABLE_CHARS)))
    return _RISKY[0]


def analyse(body: str) -> tuple[list[int], str]:
    """``(syllable_ids(body), fold(body))`` in one pass over the words (each folded once, cached).

    The folded text is ``fold(body)`` exactly: the words' folds joined when no token has a
    character that folding the whole text treats differently (checked once per token, cached),
    else ``fold`` itself.
    """
    ids, folded = _analyse(body)
    return ids.tolist(), folded


def _analyse(body: str) -> tuple[np.ndarray, str]:
    """:func:`analyse` with the syllable ids as a uint64 array."""
    tokens = unicodedata.normalize("NFC", body).lower().split()
    ids = _token_ids(tokens)
    folded = " ".join(filter(None, map(_FOLDED.__getitem__, tokens)))
    if "  " in folded or folded[:1] == " " or folded[-1:] == " ":
        return ids, fold(body)
    return ids, folded


def syllable_ids(body: str) -> list[int]:
    """The ids of ``fold(body).split()``, computed word by word through a cache."""
    return syllable_array(body).tolist()


def syllable_array(body: str) -> np.ndarray:
    """:func:`syllable_ids` as a uint64 array."""
    return _token_ids(unicodedata.normalize("NFC", body).lower().split())


_SPLITMIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(30), np.uint64(0xBF58476D1CE4E5B9), np.uint64(27),
             np.uint64(0x94D049BB133111EB), np.uint64(31))


def _splitmix(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser of a uint64 array (array arithmetic wraps silently: no errstate)."""
    add, s1, m1, s2, m2, s3 = _SPLITMIX
    z = values + add
    z ^= z >> s1
    z *= m1
    z ^= z >> s2
    z *= m2
    z ^= z >> s3
    return z


def unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` of a 1-d array (sorted, then the repeats dropped: faster on small arrays)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def shingles(body: str) -> np.ndarray:
    """Sorted unique 64-bit hashes of the SHINGLE-syllable shingles of the folded body."""
    return unique(shingle_sequence(body))


def shingle_sequence(body: str, words: list[int] | None = None) -> np.ndarray:
    """The 64-bit hashes of the body's SHINGLE-syllable shingles, in text order."""
    words = syllable_ids(body) if words is None else words
    if not len(words):
        return np.zeros(0, dtype=np.uint64)
    ids = np.asarray(words, dtype=np.uint64)
    if len(ids) < SHINGLE:
        ids = np.concatenate([ids, np.zeros(SHINGLE - len(ids), dtype=np.uint64)])
    n = len(ids) - SHINGLE + 1
    mixed = ids[:n] * _MIX[0]
    for i in range(1, SHINGLE):
        mixed += ids[i:i + n] * _MIX[i]
    return _splitmix(mixed)


def signature(shingle_set: np.ndarray) -> MinHash:
    """The datasketch MinHash of a shingle set (32-bit inputs, the default affine32 scheme)."""
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, permutations=_permutations(),
                      scheme="affine32")
    if len(shingle_set):
        minhash.hashvalues = np.minimum(minhash.hashvalues, _hashvalues(shingle_set))
    return minhash


@lru_cache(maxsize=1)
def _affine32() -> tuple[np.ndarray, np.ndarray]:
    a, b = _permutations()
    return a.astype(np.uint32).reshape(-1, 1), b.astype(np.uint32).reshape(-1, 1)


def _hashvalues(shingle_set: np.ndarray) -> np.ndarray:
    """The MinHash values of a non-empty shingle set: what ``MinHash.update_batch`` of the
    shingles' low 32 bits (high 32 bits folded in) computes (tests/test_dedupe.py checks it), as
    numpy arithmetic instead of one Python call per shingle."""
    low = (shingle_set ^ (shingle_set >> np.uint64(32))).astype(np.uint32)  # the cast keeps 32 bits
    a, b = _affine32()
    permuted = a * _fmix(low, 32)  # (permutations, shingles), uint32 arithmetic wrapping mod 2^32
    permuted += b
    return permuted.min(axis=1)


def band_keys(minhash: MinHash) -> list[int]:
    """One signed 64-bit key per LSH band (band number mixed in, so one table holds all bands)."""
    return _band_keys(np.asarray(minhash.hashvalues).reshape(1, -1))[0].tolist()


def _band_keys(values: np.ndarray) -> np.ndarray:
    """The band keys (int64, one row each) of MinHash values (one signature per row)."""
    b, r = bands()
    values = values[:, : b * r].astype(np.uint64).reshape(len(values), b, r)
    key = np.broadcast_to(np.arange(b, dtype=np.uint64) * np.uint64(0xD6E8FEB86659FD93), values.shape[:2])
    for j in range(r):
        key = _splitmix(key ^ values[:, :, j])
    return key.view(np.int64)


def body_hash(folded: str) -> str:
    """The exact-copy key of a folded body (``archive.stories.body_hash`` of the body)."""
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:16]


@dataclass
class Sketch:
    """What the index needs of one body: its shingles (set and text order), its band keys and
    its exact-copy key (``stories.body_hash``)."""

    shingles: np.ndarray
    sequence: np.ndarray
    keys: list[int]
    body: str = ""
    hashed: str = ""

    @property
    def matchable(self) -> bool:
        """Long enough to be matched approximately."""
        return len(self.shingles) >= MIN_SHINGLES


def sketch(body: str) -> Sketch:
    """Shingles, band keys and body hash of a body."""
    return sketch_many([body])[0]


def sketch_many(bodies: Iterable[str]) -> list[Sketch]:
    """:func:`sketch` of every body; the band keys of all of them computed at once."""
    found: list[Sketch] = []
    signed: list[int] = []
    values: list[np.ndarray] = []
    for body in bodies:
        ids, folded = _analyse(body)
        sequence = shingle_sequence(body, ids)
        shingle_set = unique(sequence)
        if len(shingle_set) >= MIN_SHINGLES:
            signed.append(len(found))
            values.append(_hashvalues(shingle_set))
        found.append(Sketch(shingle_set, sequence, [], body, body_hash(folded)))
    if values:
        for k, keys in zip(signed, _band_keys(np.stack(values)).tolist()):
            found[k].keys = keys
    return found


class BandFilter:
    """A Bloom filter of the stored band keys, in memory: :meth:`might_hold` is False only for
    a key never added, so a lookup can leave it out (a few percent of the others pass falsely).
    It grows by segments, each taking twice as many keys as the last, so adding keys never means
    rebuilding it. ``stamp``: the ``bands_stamp`` of ``archive_meta`` it reflects (every write of
    band keys changes it)."""

    BITS_PER_KEY = 10
    PROBES = 3

    def __init__(self, first: int = 1 << 20, stamp: str | None = None) -> None:
        self.first = first
        self.stamp = stamp
        self.clear()

    def clear(self) -> None:
        """Forget every key."""
        self.segments: list[np.ndarray] = []
        self.room = 0  # keys the last segment still takes
        self.next = self.first  # keys the next segment takes

    def _positions(self, keys: np.ndarray, bits: int) -> list[np.ndarray]:
        low, high = keys & np.uint64(0xFFFFFFFF), keys >> np.uint64(32)  # two hashes (keys are mixed)
        return [(low + np.uint64(i) * high) % np.uint64(bits) for i in range(self.PROBES)]

    def add(self, keys: np.ndarray) -> None:
        """Remember ``keys`` (int64)."""
        keys = np.asarray(keys, dtype=np.int64).view(np.uint64)
        while len(keys):
            if not self.room:
                self.segments.append(np.zeros((self.next * self.BITS_PER_KEY + 7) // 8, dtype=np.uint8))
                self.room, self.next = self.next, self.next * 2
            part, keys = keys[: self.room], keys[self.room:]
            segment = self.segments[-1]
            for at in self._positions(part, len(segment) * 8):
                np.bitwise_or.at(segment, at >> np.uint64(3), np.left_shift(1, at & np.uint64(7)).astype(np.uint8))
            self.room -= len(part)

    def might_hold(self, keys: np.ndarray) -> np.ndarray:
        """For each key (int64): whether it may have been added (False: surely not)."""
        keys = np.asarray(keys, dtype=np.int64).view(np.uint64)
        held = np.zeros(len(keys), dtype=bool)
        for segment in self.segments:
            here = np.ones(len(keys), dtype=bool)
            for at in self._positions(keys, len(segment) * 8):
                here &= (segment[at >> np.uint64(3)] >> (at & np.uint64(7)).astype(np.uint8)) & np.uint8(1) == 1
            held |= here
        return held


class BandIndex:
    """Band key → article (its ``articles`` rowid), queried for candidates.

    Two tables, as a log-structured index: new keys go to the small ``minhash_bands_recent``
    (its pages stay in the cache, so an insert is cheap), which is merged in key order into the
    large ``minhash_bands`` once it holds :data:`MERGE_ROWS` rows. Inserting random 64-bit keys
    straight into a large B-tree dirties one page per key, and every page is written again at
    each commit. Lookups read both tables.
    """

    MERGE_ROWS = 1_500_000
    TABLES = ("minhash_bands", "minhash_bands_recent")

    def __init__(self, db: "Database") -> None:
        self.db = db
        # The caller's in-memory filter of the stored keys, set when in step with the tables (see :meth:`in_step`).
        self.filter: BandFilter | None = None

    def stamp(self) -> str | None:
        """The ``bands_stamp`` of ``archive_meta``: changed by every write of band keys."""
        return self._meta("bands_stamp")

    def in_step(self, band_filter: BandFilter) -> bool:
        """Whether ``band_filter`` holds every stored key (no write since it last saw the tables)."""
        return band_filter.stamp is not None and band_filter.stamp == self.stamp()

    def load_filter(self) -> BandFilter:
        """A :class:`BandFilter` of every stored key (read from both tables; inside the caller's
        transaction, which stamps the keys when they have no stamp yet)."""
        if self.stamp() is None:
            self._stamp()
        count = sum(self.db.conn.execute(f"select count(*) from {t}").fetchone()[0] for t in self.TABLES)
        band_filter = BandFilter(max(1 << 20, 2 * count), self.stamp())
        for table in self.TABLES:
            cursor = self.db.conn.execute(f"select key from {table}")
            while rows := cursor.fetchmany(1 << 20):
                band_filter.add(np.array(rows, dtype=np.int64).reshape(-1))
        return band_filter

    def lookup(self, keys: Iterable[int]) -> dict[int, list[int]]:
        """Articles (rowids) of every stored band key among ``keys``, in one query (only the
        keys the filter may hold, with a filter)."""
        array = unique(np.fromiter(keys, dtype=np.int64))
        if self.filter is not None and len(array):
            array = array[self.filter.might_hold(array)]
        wanted = array.tolist()
        found: dict[int, list[int]] = {}
        if not wanted:
            return found
        rows = self.db.conn.execute(
            "select b.key, b.article from json_each(?1) j join minhash_bands b on b.key = j.value "
            "union all select r.key, r.article from json_each(?1) j join minhash_bands_recent r on r.key = j.value",
            [json.dumps(wanted)],
        )
        for key, article in rows:
            found.setdefault(key, []).append(article)
        return found

    def candidates(self, keys: Iterable[int], exclude: int | None = None) -> list[int]:
        """Articles (rowids) sharing at least one band key, most shared bands first."""
        counts = Counter(set(chain.from_iterable(  # an article in both tables counts once per key
            ((key, a) for a in articles) for key, articles in self.lookup(keys).items())))
        counted = Counter(a for _, a in counts)
        counted.pop(exclude, None)
        return sorted(counted, key=lambda a: (-counted[a], a))

    def add(self, article: int, keys: Iterable[int]) -> None:
        """Index an article's band keys."""
        self.add_many((k, article) for k in keys)

    def add_many(self, rows: Iterable[tuple[int, int]]) -> None:
        """Index (band key, article rowid) pairs; merge the recent table when it is full."""
        pairs = np.array(list(rows), dtype=np.int64).reshape(-1, 2)
        self.add_arrays(pairs[:, 0], pairs[:, 1])

    def add_arrays(self, keys: np.ndarray, articles: np.ndarray) -> None:
        """Index keys[i] -> articles[i] (inserted in key order, so the B-tree is filled in order)."""
        if not len(keys):
            return
        order = np.lexsort((articles, keys))
        self.db.conn.executemany("insert or ignore into minhash_bands_recent (key, article) values (?, ?)",
                                 zip(keys[order].tolist(), articles[order].tolist()))
        if self.filter is not None:
            self.filter.add(keys)
        self._stamp()
        held = int(self._meta("bands_recent_rows") or 0) + len(keys)
        if held >= self.MERGE_ROWS:
            self.merge()
        else:
            self._set_meta("bands_recent_rows", str(held))

    def merge(self) -> None:
        """Move the recent keys into the large table, in key order (each page written once)."""
        self.db.conn.execute("insert or ignore into minhash_bands (key, article) "
                             "select key, article from minhash_bands_recent order by key, article")
        self.db.conn.execute("delete from minhash_bands_recent")
        self._set_meta("bands_recent_rows", "0")

    def remove(self, article: int, keys: Iterable[int]) -> None:
        """Forget an article's (old) band keys."""
        pairs = [(k, article) for k in keys]
        for table in self.TABLES:
            self.db.conn.executemany(f"delete from {table} where key = ? and article = ?", pairs)
        self._stamp()  # a filter still holds every stored key; stamped all the same

    def clear(self) -> None:
        """Forget every key."""
        for table in self.TABLES:
            self.db.conn.execute(f"delete from {table}")
        self._set_meta("bands_recent_rows", "0")
        if self.filter is not None:
            self.filter.clear()
        self._stamp()

    def _stamp(self) -> None:
        """Mark the band keys changed (a filter kept by this index follows)."""
        stamp = secrets.token_hex(8)
        self._set_meta("bands_stamp", stamp)
        if self.filter is not None:
            self.filter.stamp = stamp

    def _meta(self, key: str) -> str | None:
        row = self.db.conn.execute("select value from archive_meta where key = ?", [key]).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.conn.execute("insert into archive_meta (key, value) values (?, ?) "
                             "on conflict(key) do update set value = excluded.value", [key, value])
