"""Fills the story skeletons of data/stories.toml into Vietnamese article text, deterministically."""

from __future__ import annotations

import random
import string
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data")

HEADINGS = [
    "Kết quả nổi bật",
    "Những tồn tại, hạn chế",
    "Nhiệm vụ trọng tâm thời gian tới",
    "Một số giải pháp chủ yếu",
]
LIST_ITEMS = [
    "Tỷ lệ hồ sơ giải quyết trước và đúng hạn đạt {pct}%;",
    "Tỷ lệ hồ sơ nộp trực tuyến đạt {pct2}%;",
    "100% TTHC được công khai trên Cổng Dịch vụ công quốc gia;",
    "100% văn bản đi được ký số và gửi trên môi trường điện tử;",
    "Không có hồ sơ trễ hạn, không có phản ánh, kiến nghị về quy định hành chính.",
]


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """A TOML data file of the snapshot, parsed once."""
    with (DATA / name).open("rb") as handle:
        return tomllib.load(handle)


def topics(reform: bool | None = None) -> list[dict]:
    """Story topics, optionally only the reform (CCHC) or only the S&T ones."""
    items = load("stories.toml")["topic"]
    return [t for t in items if reform is None or bool(t["reform"]) == reform]


def topic(topic_id: str) -> dict:
    """One topic by id."""
    return next(t for t in topics() if t["id"] == topic_id)


def vn_number(value: float, decimals: int = 1) -> str:
    """A number in Vietnamese notation (decimal comma)."""
    return f"{value:.{decimals}f}".replace(".", ",")


def person(rng: random.Random) -> str:
    """An invented Vietnamese full name."""
    names = load("places.toml")["names"]
    if rng.random() < 0.7:
        return f"{rng.choice(names['family'])} {rng.choice(names['middle_m'])} {rng.choice(names['given_m'])}"
    return f"{rng.choice(names['family'])} {rng.choice(names['middle_f'])} {rng.choice(names['given_f'])}"


class _Slots(dict):
    """Slot values; unknown slots stay visible so a typo in the data shows up in review."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def make_slots(rng: random.Random, site: dict, year: int, month: int, day: int) -> _Slots:
    """Every slot value for one article of ``site`` published on the given date."""
    places = load("places.toml")
    province = site["province"]
    city = province in ("Cần Thơ", "Đà Nẵng")
    tinh = f"thành phố {province}" if city else f"tỉnh {province}"
    district = rng.choice(places["districts"].get(province, ["huyện Châu Thành"]))
    n_tthc = rng.randint(42, 74)
    n_l4 = rng.randint(n_tthc - 20, n_tthc - 2)
    n_hoso = rng.randint(48, 460)
    n_tasks = rng.randint(28, 56)
    crop = rng.choice(places["things"]["crops"])
    slots = _Slots(
        agency=site["agency_short"],
        agency_full=site["agency_full"],
        tinh=tinh,
        province=province,
        district=district,
        year=year,
        prev_year=year - 1,
        next_year=year + 1,
        dm=f"{day}/{month}",
        dm2=f"{min(28, day + rng.randint(5, 20))}/{min(12, month + 1)}",
        months=rng.choice(["6", "9"]) if month >= 6 else "3",
        director=f"Giám đốc {site['agency_short']} {person(rng)}",
        deputy=f"Phó Giám đốc {site['agency_short']} {person(rng)}",
        noivu=f"Phó Giám đốc Sở Nội vụ {person(rng)}",
        person=person(rng),
        person2=person(rng),
        n_tthc=n_tthc,
        n_l3=n_tthc - n_l4,
        n_l4=n_l4,
        n_hoso=n_hoso,
        n_hoso2=f"{rng.randint(12, 96)}.{rng.randint(100, 999)}",
        n_online=rng.randint(n_hoso // 2, n_hoso - 1),
        pct=vn_number(rng.uniform(96.0, 99.9)),
        pct2=rng.randint(62, 98),
        pct3=rng.randint(55, 100),
        score=vn_number(rng.uniform(82.0, 94.5), 2),
        score2=vn_number(rng.uniform(95.0, 99.5), 2),
        delta=vn_number(rng.uniform(0.8, 4.6), 2),
        rank=rng.randint(2, 8),
        n_units=rng.randint(19, 24),
        n_tasks=n_tasks,
        n_done=rng.randint(n_tasks - 9, n_tasks),
        doc=rng.randint(105, 3450),
        doc2=rng.randint(12, 980),
        n_cb=rng.randint(45, 420),
        n_small=rng.randint(2, 5),
        n_small2=rng.randint(6, 15),
        n_small3=rng.randint(16, 60),
        n_vb=rng.randint(9, 28),
        money=f"{rng.randint(3, 9)}.{rng.randint(100, 990)}",
        month=month,
        quarter=(month - 1) // 3 + 1,
        product=rng.choice(places["things"]["products"]),
        crop=crop,
        org=rng.choice(places["things"]["orgs"]),
    )
    slots["detai"] = rng.choice(places["things"]["detai"]).format_map(slots)
    return slots


def fill(template: str, slots: dict) -> str:
    """Fill one template; nested slots (a slot value with slots) are filled too."""
    text = template.format_map(slots)
    if "{" in text:
        text = text.format_map(slots)
    return text


@dataclass
class Draft:
    """An article's text before it is given a site, URL and markup."""

    topic: str
    reform: bool
    title: str
    lead: str
    paras: list[str]
    headings: dict[int, str] = field(default_factory=dict)  # index in paras -> heading
    bullets: tuple[int, list[str]] | None = None  # (index in paras, items)
    captions: list[str] = field(default_factory=list)
    slots: dict = field(default_factory=dict)


def draft(rng: random.Random, site: dict, topic_id: str, date: tuple[int, int, int], title: str | None = None) -> Draft:
    """Write one article of ``topic_id`` for ``site``: title, lead, 3-11 more paragraphs."""
    t = topic(topic_id)
    year, month, day = date
    slots = make_slots(rng, site, year, month, day)
    title_text = title or fill(rng.choice(t["titles"]), slots)
    lead = fill(rng.choice(t["leads"]), slots)
    own = [fill(p, slots) for p in t["paras"]]
    keep = rng.randint(max(3, len(own) - 3), len(own))
    chosen = sorted(rng.sample(range(len(own)), keep))
    paras = [own[i] for i in chosen]
    pool = load("stories.toml")["pool"]["reform" if t["reform"] else "science"]
    extra = rng.sample(pool, rng.randint(0, 3))
    for p in extra:
        paras.insert(rng.randint(1, len(paras)), fill(p, slots))
    paras = paras[:11]
    d = Draft(topic=topic_id, reform=bool(t["reform"]), title=title_text, lead=lead, paras=paras, slots=dict(slots))
    if len(paras) >= 6 and rng.random() < 0.3:
        at = len(paras) // 2
        d.headings[at] = rng.choice(HEADINGS)
    if t["reform"] and rng.random() < 0.25:
        d.bullets = (rng.randint(1, len(paras) - 1), [fill(x, slots) for x in rng.sample(LIST_ITEMS, 3)])
    caps = [fill(c, slots) for c in t.get("captions", [])]
    if caps:
        n = rng.choice([0, 1, 1, 2, 2, 3])
        d.captions = [caps[i % len(caps)] for i in range(n)]
        if len(d.captions) > 1 and d.captions[0] == d.captions[1]:
            d.captions[1] = d.captions[1] + " (ảnh minh họa)"
    return d


def ascii_slug(text: str, *, keep_case: bool = False, max_words: int = 14) -> str:
    """A transliterated URL slug: 'Cải cách hành chính' -> 'cai-cach-hanh-chinh'."""
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    if not keep_case:
        text = text.lower()
    allowed = string.ascii_letters + string.digits
    words = "".join(c if c in allowed else " " for c in text).split()
    return "-".join(words[:max_words])


def mangled_slug(text: str, max_len: int = 90) -> str:
    """NukeViet-style broken transliteration: every non-ASCII letter becomes '-' (Tây Ninh)."""
    out = []
    for c in text.lower():
        if c in string.ascii_lowercase + string.digits:
            out.append(c)
        else:
            out.append("-")
    slug = "-".join(part for part in "".join(out).split("-") if part)
    return slug[:max_len].rstrip("-")
