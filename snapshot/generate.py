"""Decides what each site publishes: articles per category, look-alikes, documents, republished copies."""

from __future__ import annotations

import copy
import random
from datetime import datetime, timedelta

from snapshot import textgen
from snapshot.model import Art, SiteSpec

START = datetime(2019, 1, 7)
END = datetime(2026, 2, 10)
REPUBLISHED = 12  # stories copied to other sites


def _dates(rng: random.Random, n: int) -> list[datetime]:
    span = (END - START).days
    days = sorted(rng.sample(range(span), n))
    out = []
    for d in days:
        hour = rng.choice([1, 7, 8, 8, 9, 9, 10, 10, 11, 14, 14, 15, 15, 16, 17, 20, 21])
        out.append(START + timedelta(days=d, hours=hour, minutes=rng.randint(0, 59)))
    return out


def _author(rng: random.Random, site: SiteSpec) -> str:
    if rng.random() < 0.2:
        return ""
    return rng.choice(site.data["authors"])


def _source(rng: random.Random, site: SiteSpec) -> str:
    if site.slug == "quangtri_sokhcn" and rng.random() < 0.45:
        return rng.choice(["https://baoquangtri.vn/", "Nguồn: Báo Quảng Trị"])
    if rng.random() < 0.08:
        return f"Nguồn: Báo {site.province}"
    return ""


def site_articles(site: SiteSpec) -> list[Art]:
    """The original articles of one site (before republished copies are added)."""
    rng = random.Random(f"reformnews-snapshot-{site.slug}")
    stories = textgen.load("stories.toml")
    slot_site = site.slot_site()
    arts: list[Art] = []
    seen: set[str] = set()
    counter = 0

    def add(cat: int, topic_id: str, dt: datetime, title: str | None = None, docs: list[dict] | None = None) -> None:
        nonlocal counter
        for _ in range(12):
            d = textgen.draft(rng, slot_site, topic_id, (dt.year, dt.month, dt.day), title)
            if d.title not in seen:
                break
            topic_id = rng.choice([t["id"] for t in textgen.topics(reform=cat == 0)])
        seen.add(d.title)
        counter += 1
        arts.append(
            Art(site=site.slug, story=f"{site.slug}-{counter:03d}", cat=cat, draft=d, dt=dt, views=rng.randint(24, 2400),
                author_raw=_author(rng, site), source_line=_source(rng, site), documents=docs or [])
        )

    forced: list[tuple[int, str, datetime, str | None, list[dict]]] = []
    for doc in stories.get("document", []):
        if doc["site"] == site.slug:
            when = datetime.strptime(doc["date"], "%Y-%m-%d") + timedelta(days=2, hours=9, minutes=rng.randint(0, 59))
            forced.append((0, doc["topic"], when, doc["article_title"], [doc]))
    for look in stories.get("lookalike", []):
        if site.slug in look["sites"]:
            when = datetime(look["year"], rng.randint(1, 3), rng.randint(2, 27), rng.randint(7, 16), rng.randint(0, 59))
            forced.append((0, look["topic"], when, look["title"], []))
    for cat, kind, n in ((0, True, site.data["reform"]), (1, False, site.data["other"])):
        pool = [t["id"] for t in textgen.topics(reform=kind)]
        rng.shuffle(pool)
        mine = [f for f in forced if f[0] == cat]
        dates = _dates(rng, n - len(mine))
        for i, dt in enumerate(dates):
            add(cat, pool[i % len(pool)], dt)
        for cat_, topic_id, when, title, docs in mine:
            add(cat_, topic_id, when, title, docs)
    return arts


def republish(by_site: dict[str, list[Art]], sites: list[SiteSpec]) -> int:
    """Copy stories to other sites with small edits; returns how many copies were made."""
    registered = [s for s in sites if s.registered]
    names = {s.slug: s for s in sites}
    rng = random.Random("reformnews-snapshot-republish")
    copies = 0
    for k in range(REPUBLISHED):
        src_site = registered[k % len(registered)]
        candidates = [a for a in by_site[src_site.slug] if not a.documents and a.story.startswith(src_site.slug)]
        src = candidates[(k * 3 + 1) % len(candidates)]
        targets = [registered[(k + 1) % len(registered)]]
        if k < 6:
            targets.append(registered[(k + 5) % len(registered)])
        for j, target in enumerate(targets):
            d = copy.deepcopy(src.draft)
            edit = (k + j) % 4
            art = Art(site=target.slug, story=src.story, cat=src.cat, draft=d,
                      dt=src.dt + timedelta(days=1 + (k + j) % 4, hours=2), views=rng.randint(15, 900),
                      author_raw=rng.choice(target.data["authors"]) if edit == 1 else src.author_raw)
            if edit == 0:
                art.intro_line = f"(Tin từ {names[src_site.slug].name})"
            if edit in (0, 2):
                art.source_line = f"Nguồn: {names[src_site.slug].data['portal_title']}"
            if edit == 2:
                d.captions = [c + " (ảnh: tư liệu)" for c in d.captions] or ["Ảnh minh họa"]
            if edit == 3 and len(d.paras) > 3:
                art.trim_last = True
                art.source_line = f"Nguồn: {src_site.host}" if hasattr(src_site, "host") else ""
            if (k + j) % 5 == 4:
                d.title = f"{src_site.province}: {d.title}"
            by_site[target.slug].append(art)
            copies += 1
    return copies
