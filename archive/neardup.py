"""Near-duplicate bodies: syllable shingles, MinHash signatures, LSH band keys kept in SQLite.

A body is folded (``scrapers.extract.text.fold``, word by word through a cache), cut into
3-syllable shingles and sketched with datasketch's MinHash (128 permutations). The signature is cut into the bands that
datasketch's ``MinHashLSH`` chooses for :data:`LSH_THRESHOLD`; each band becomes one 64-bit key
in the ``minhash_bands`` table, so a new article is matched against the whole archive between
cron runs. A candidate is a copy only when the texts really agree (``archive.verify``).

datasketch changed its hash scheme in 2.0: the version is pinned, and :data:`SCHEME` is stored
in ``archive_meta`` so that a future change can rebuild the keys instead of silently missing.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable
from itertools import chain
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from datasketch import MinHash, MinHashLSH
from datasketch.minhash import _fmix  # the scheme's pre-mix (datasketch pinned to 2.0.0)

from scrapers.extract.text import fold

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


@lru_cache(maxsize=200_000)
def _word_ids(word: str) -> tuple[int, ...]:
    """64-bit ids of the folded syllables of one lower-case word (cached: the vocabulary is small)."""
    return tuple(zlib.crc32(s.encode()) | (zlib.adler32(s.encode()) << 32) for s in fold(word).split())


def syllable_ids(body: str) -> list[int]:
    """The ids of ``fold(body).split()``, computed word by word through a cache."""
    words = _WORD.findall(unicodedata.normalize("NFC", body).lower())
    return list(chain.from_iterable(map(_word_ids, words)))


def _splitmix(values: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        z = values + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def shingles(body: str) -> np.ndarray:
    """Sorted unique 64-bit hashes of the SHINGLE-syllable shingles of the folded body."""
    return np.unique(shingle_sequence(body))


def shingle_sequence(body: str, words: list[int] | None = None) -> np.ndarray:
    """The 64-bit hashes of the body's SHINGLE-syllable shingles, in text order."""
    words = syllable_ids(body) if words is None else words
    if not words:
        return np.zeros(0, dtype=np.uint64)
    ids = np.array(words, dtype=np.uint64)
    if len(ids) < SHINGLE:
        ids = np.concatenate([ids, np.zeros(SHINGLE - len(ids), dtype=np.uint64)])
    n = len(ids) - SHINGLE + 1
    with np.errstate(over="ignore"):
        mixed = sum((ids[i:i + n] * _MIX[i] for i in range(SHINGLE)), np.zeros(n, dtype=np.uint64))
    return _splitmix(mixed)


def signature(shingle_set: np.ndarray) -> MinHash:
    """The datasketch MinHash of a shingle set (32-bit inputs, the default affine32 scheme)."""
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, permutations=_permutations(),
                      scheme="affine32")
    if len(shingle_set):
        low = ((shingle_set ^ (shingle_set >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        # MinHash.update_batch(low.tolist()) computes exactly this (tests/test_dedupe.py checks
        # it), but calls hashfunc once per shingle in Python; this is the same arithmetic in numpy.
        a, b = minhash.permutations
        with np.errstate(over="ignore"):
            permuted = _fmix(low.reshape(-1, 1), 32) * a + b
        minhash.hashvalues = np.minimum(minhash.hashvalues, permuted.min(axis=0))
    return minhash


def band_keys(minhash: MinHash) -> list[int]:
    """One signed 64-bit key per LSH band (band number mixed in, so one table holds all bands)."""
    b, r = bands()
    values = np.asarray(minhash.hashvalues[: b * r], dtype=np.uint64).reshape(b, r)
    with np.errstate(over="ignore"):
        key = np.arange(b, dtype=np.uint64) * np.uint64(0xD6E8FEB86659FD93)
        for j in range(r):
            key = _splitmix(key ^ values[:, j])
    return key.view(np.int64).tolist()


@dataclass
class Sketch:
    """What the index needs of one body: its shingles (set and text order) and its band keys."""

    shingles: np.ndarray
    sequence: np.ndarray
    keys: list[int]
    body: str = ""

    @property
    def matchable(self) -> bool:
        """Long enough to be matched approximately."""
        return len(self.shingles) >= MIN_SHINGLES


def sketch(body: str, words: list[int] | None = None) -> Sketch:
    """Shingles and band keys of a body (``words``: its syllable_ids, when already computed)."""
    sequence = shingle_sequence(body, words)
    shingle_set = np.unique(sequence)
    keys = band_keys(signature(shingle_set)) if len(shingle_set) >= MIN_SHINGLES else []
    return Sketch(shingle_set, sequence, keys, body)


class BandIndex:
    """The ``minhash_bands`` table: band key → article ids, queried for candidates."""

    def __init__(self, db: "Database") -> None:
        self.db = db

    def candidates(self, keys: Iterable[int], exclude: str = "") -> list[str]:
        """Article ids sharing at least one band key, most shared bands first."""
        keys = list(keys)
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(
            f"select article_id, count(*) as n from minhash_bands where key in ({marks}) "
            "group by article_id order by n desc, article_id",
            keys,
        ).fetchall()
        return [row[0] for row in rows if row[0] != exclude]

    def add(self, article_id: str, keys: Iterable[int]) -> None:
        """Index an article's band keys."""
        self.db.conn.executemany(
            "insert or ignore into minhash_bands (key, article_id) values (?, ?)",
            [(k, article_id) for k in keys],
        )

    def remove(self, article_id: str, keys: Iterable[int]) -> None:
        """Forget an article's (old) band keys."""
        self.db.conn.executemany(
            "delete from minhash_bands where key = ? and article_id = ?", [(k, article_id) for k in keys]
        )
