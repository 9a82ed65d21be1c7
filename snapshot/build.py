"""Builds the offline web: `build_snapshot(out_dir)` writes index.jsonl, bodies/ and manifest.json."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sys
import unicodedata
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

from w3lib.url import safe_url_string

from snapshot import dates, docs, feeds, generate, images as image_files, textgen, urls
from snapshot.markup import Block, body_lines, encode_page, render_body
from snapshot.model import Art, SiteSpec, load_sites
from snapshot.pages import TITLES, page_html
from snapshot.render import Renderer, site_context

SAPO_FAMILIES = {"sharepoint", "aspnet", "slug_id_portal", "drupal"}
HTML_HEADERS = {
    "liferay": {"Server": "Apache", "Liferay-Portal": "Liferay Community Edition Portal 7.0.6 GA7 (Wilberforce / Build 7005 / April 17, 2018)"},
    "sharepoint": {"Server": "Microsoft-IIS/10.0", "MicrosoftSharePointTeamServices": "16.0.0.4522", "X-SharePointHealthScore": "0", "X-Powered-By": "ASP.NET"},
    "aspnet": {"Server": "Microsoft-IIS/8.5", "X-AspNet-Version": "4.0.30319", "X-Powered-By": "ASP.NET"},
    "nukeviet": {"Server": "nginx", "X-Powered-By": "PHP/7.4.33"},
    "joomla": {"Server": "Apache/2.4.29 (Ubuntu)", "X-Powered-By": "PHP/5.6.40"},
    "drupal": {"Server": "nginx", "X-Generator": "Drupal 7 (http://drupal.org)", "X-Drupal-Cache": "MISS"},
    "custom_php": {"Server": "Apache/2.4.6 (CentOS) PHP/7.2.24"},
    "slug_id_portal": {"Server": "Microsoft-IIS/10.0", "X-Powered-By": "ASP.NET"},
    "custom": {"Server": "Apache"},
}
ID_RULES = {  # first id, step (per site, in date order)
    "binhdinh_skhcn": (4302, 3), "dongthap_skhcn": (1900417, 37), "yenbai_sokhoahocvacongnghe": (121, 4),
    "hanam_skhcn": (480011237, 13579), "tayninh_sokhcn": (41, 3), "nghean_hcc": (2017, 17), "gialai_tttt": (303, 5),
    "cantho_sokhcn": (11027, 23), "danang_dost": (9013, 31), "longan_skhcn": (100412, 2711), "langson_sokhcn": (2003, 7),
    "khcnhungyen": (2803, 9),
}
AUTHOR_PREFIXES = ("Tin ảnh ", "Tin, ảnh: ", "Tác giả: ", "Ảnh: ")
# Sites whose listings turn their pages by ASP.NET postback: page 1 answers a GET of the listing URL,
# page n a POST of its form to that URL with __EVENTTARGET = the pager and __EVENTARGUMENT = Page$n.
POSTBACK_PAGERS = {"cantho_sokhcn": "ctl00$ContentPlaceHolder1$ucDanhSachTin$pager"}


def http_date(dt: datetime) -> str:
    """An HTTP date (GMT) for a Vietnam-local naive datetime."""
    return format_datetime((dt - timedelta(hours=7)).replace(tzinfo=timezone.utc), usegmt=True)


class Store:
    """Collects stored responses (index.jsonl rows) and writes their bodies."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.rows: dict[str, dict] = {}

    def add(self, url: str, body: bytes | None, ctype: str | None, *, status: int = 200, headers: dict | None = None,
            modified: datetime | None = None, etag: bool = True, ext: str = ".html", form: dict | None = None) -> str:
        """Store one response; returns the normalised URL.

        With ``form`` the response answers a POST to ``url`` whose form holds those fields (an ASP.NET
        postback); index.jsonl keys it by method and form, beside the GET answer of the same URL.
        """
        url = safe_url_string(url.split("#", 1)[0])
        h: dict[str, str] = {}
        if ctype:
            h["Content-Type"] = ctype
        h.update(headers or {})
        row: dict = {"url": url, "status": status, "headers": h}
        key = url
        if form:
            row.update(method="POST", form=dict(form))
            key = f"POST {url} {urlencode(sorted(form.items()))}"  # sorts before every GET row
        if body is not None:
            host = urlsplit(url).hostname or "unknown"
            name = hashlib.sha1(key.encode()).hexdigest()[:20] + ext
            path = self.out / "bodies" / host / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
            row["body"] = f"bodies/{host}/{name}"
            if etag:
                h["ETag"] = '"' + hashlib.md5(body).hexdigest()[:16] + '"'
            if modified:
                h["Last-Modified"] = http_date(modified)
        self.rows[key] = row
        return url

    def write(self) -> None:
        """Write index.jsonl, one row per line: POST answers first, then GET ones in URL order."""
        with (self.out / "index.jsonl").open("w", encoding="utf-8") as fh:
            for key in sorted(self.rows):
                fh.write(json.dumps(self.rows[key], ensure_ascii=False, sort_keys=True) + "\n")


def _assign_ids(site: SiteSpec, arts: list[Art]) -> None:
    arts.sort(key=lambda a: (a.dt, a.story))
    rng = random.Random(f"ids-{site.slug}")
    seen: set[str] = set()
    for i, art in enumerate(arts):
        art.title = art.draft.title
        if art.title in seen:
            art.title = f"{site.province}: {art.title}"
        seen.add(art.title)
        if site.slug == "quangtri_sokhcn":
            art.item_id = int((art.dt - timedelta(hours=7)).replace(tzinfo=timezone.utc).timestamp() * 1000) + rng.randint(0, 999)
        else:
            first, step = ID_RULES[site.slug]
            art.item_id = first + i * step + rng.randint(0, step - 1 if step > 1 else 0)
        first_url, _, _ = site.listings[art.cat]
        key = urls.category_key(site.slug, first_url, art.cat)
        art.url = safe_url_string(urls.article_url(site.slug, site.base, art.cat, key, art.item_id, art.title, art.item_id))
        if site.slug == "yenbai_sokhoahocvacongnghe":
            art.aliases = [art.url.replace("&lv=30", "")]
        elif site.slug == "dongthap_skhcn":
            art.aliases = [art.url.split("?", 1)[0]]


def _blocks(site: SiteSpec, art: Art) -> tuple[list[Block], list[Block]]:
    """(lead-less body blocks, display blocks in page order) of one article."""
    d = art.draft
    style = site.data["body"]
    paras = d.paras[:-1] if art.trim_last else list(d.paras)
    body: list[Block] = []
    captions = list(d.captions)
    img_at = {0: 0, 3: 1, 6: 2}
    for i, para in enumerate(paras):
        if i in d.headings:
            body.append(Block("h", d.headings[i]))
        if d.bullets and d.bullets[0] == i:
            body.append(Block("ul", items=d.bullets[1]))
        body.append(Block("p", para))
        k = img_at.get(i)
        if k is not None and k < len(captions):
            cap = captions[k]
            if style.get("caption") == "italic":
                cap = f"{cap} - Ảnh: {art.author_raw.split()[-1] if art.author_raw else 'BBT'}"
            src = urls.image_url(site.slug, site.base, art.dt.year, art.dt.month, art.item_id, k + 1)
            body.append(Block("img", src=src, caption=cap))
    intro = [Block("p", art.intro_line)] if art.intro_line else []
    lead = Block("p", d.lead)
    if site.family in SAPO_FAMILIES:
        return intro + body, [lead] + intro + body
    return intro + [lead] + body, intro + [lead] + body


def _author(raw: str) -> str:
    for prefix in AUTHOR_PREFIXES:
        if raw.startswith(prefix):
            return raw[len(prefix):]
    return raw


def _author_line(site: SiteSpec, raw: str) -> str:
    if not raw:
        return ""
    if site.slug == "longan_skhcn":
        return f"Tác giả: {raw}"
    return raw


def build_snapshot(out_dir: Path) -> Path:
    """Generate the whole offline web into ``out_dir``; returns the manifest path."""
    out = Path(out_dir)
    if (out / "bodies").exists():
        shutil.rmtree(out / "bodies")
    out.mkdir(parents=True, exist_ok=True)
    store = Store(out)
    renderer = Renderer()
    sites = load_sites()
    by_site = {s.slug: generate.site_articles(s) for s in sites}
    generate.republish(by_site, sites)
    for site in sites:
        _assign_ids(site, by_site[site.slug])
    manifest: dict = {"generated_for": dates.TODAY.strftime("%Y-%m-%d"), "sites": {}}
    documents_made: dict[str, bytes] = {}
    images_made: dict[str, dict] = {}
    for site in sites:
        manifest["sites"][site.slug] = _build_site(site, by_site[site.slug], store, renderer, documents_made,
                                                   images_made)
    # Every article image's URL -> what it answers: "ok" (with sha256, mime, size), or the hostile
    # kind ("missing": 404, "html": an error page sent with status 200, "corrupt": a cut-off JPEG).
    manifest["images"] = images_made
    store.write()
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def _build_site(site: SiteSpec, arts: list[Art], store: Store, renderer: Renderer, made: dict,
                images_made: dict | None = None) -> dict:
    """Render and store every page of one site; returns its manifest entry (image files in ``images_made``)."""
    fam = site.family
    data = site.data
    enc = "windows-1258" if site.slug == "gialai_tttt" else "utf-8"
    if site.slug == "cantho_sokhcn":
        ctype = "text/html"
    else:
        ctype = f"text/html; charset={enc}"
    extra = HTML_HEADERS.get(fam, {})
    ctx_site = site_context(site)
    newest = max(a.dt for a in arts)
    non_articles: list[str] = []
    images_made = {} if images_made is None else images_made
    hostile_left = image_files.HOSTILE.get(site.slug)

    def page_bytes(html: str, encoding: str = enc) -> bytes:
        return encode_page(html, encoding)

    # Listings (category pages) and the home page.
    size = data["page_size"]
    listing_urls: list[str] = []
    pager = POSTBACK_PAGERS.get(site.slug, "")
    postback_pages: list[dict] = []
    for cat, (first, label, reform) in enumerate(site.listings):
        items = sorted((a for a in arts if a.cat == cat), key=lambda a: a.dt, reverse=True)
        pages = [items[i:i + size] for i in range(0, len(items), size)] or [[]]
        if pager:  # every page is the listing URL; the pager posts the form back
            page_urls = [first] * len(pages)
        else:
            page_urls = [urls.listing_url(site.slug, first, n, size) for n in range(1, len(pages) + 1)]
        for n, chunk in enumerate(pages, 1):
            url = page_urls[n - 1]
            for a in chunk:
                a.found_on = safe_url_string(url)
            listing = renderer.listing_ctx(site, label, url, chunk, page_urls, n, len(items), size, postback=pager)
            html = renderer.render(fam, "listing.html", site=ctx_site, listing=listing, **renderer.extras(site, url, "category"))
            if pager:
                # Every page answers its postback (page 1 too, as the pager of page 2 links back to it);
                # a postback answer is private: no validators.
                form = {"__EVENTTARGET": pager, "__EVENTARGUMENT": f"Page${n}"}
                store.add(url, page_bytes(html), ctype, headers={**extra, "Cache-Control": "private"}, etag=False,
                          form=form)
                if n > 1:
                    postback_pages.append({"url": safe_url_string(url), "page": n, "form": form,
                                           "articles": [a.url for a in chunk]})
                    continue
            listing_urls.append(store.add(url, page_bytes(html), ctype, headers=extra, modified=chunk[0].dt if chunk else newest))
    home_items = sorted(arts, key=lambda a: a.dt, reverse=True)[:10]
    redirect_from = ""
    if site.slug == "hanam_skhcn":
        target = home_items[2]
        redirect_from = safe_url_string(f"{site.base}/Pages/{textgen.ascii_slug(target.title, keep_case=True, max_words=6)}-{target.item_id - 913}.aspx")
        store.add(redirect_from, None, None, status=301, headers={"Location": target.url, **extra}, etag=False)
    home = renderer.home_ctx(site, home_items, redirect_from)
    html = renderer.render(fam, "listing.html", site=ctx_site, listing=home, **renderer.extras(site, site.base_url, "home"))
    store.add(site.base_url, page_bytes(html), ctype, headers=extra, modified=newest)
    non_articles.append(safe_url_string(site.base_url))

    # Non-article pages.
    for key, path in urls.PAGES[site.slug].items():
        url = site.base + path
        content = {"title": TITLES[key], "html": page_html(key, ctx_site)}
        html = renderer.render(fam, "page.html", site=ctx_site, content=content, **renderer.extras(site, url, "page"))
        if site.slug == "danang_dost" and key == "login":
            final = site.base + "/Account/Login?ReturnUrl=%2Fdang-nhap"
            store.add(url, None, None, status=302, headers={"Location": final, **extra}, etag=False)
            non_articles.append(safe_url_string(url))
            url = final
        non_articles.append(store.add(url, page_bytes(html), ctype, headers=extra, modified=dates.TODAY - timedelta(days=40)))

    # Article pages.
    entries = []
    by_cat_sorted = sorted(arts, key=lambda a: a.dt, reverse=True)
    for idx, art in enumerate(sorted(arts, key=lambda a: a.dt)):
        body_only, display = _blocks(site, art)
        author_line = _author_line(site, art.author_raw)
        tail = [x for x in (author_line if fam != "nukeviet" else "", art.source_line if fam != "nukeviet" else "") if x]
        attachments = []
        for doc in art.documents:
            attachments.append(_make_document(site, art, doc, store, made))
        related = [a for a in by_cat_sorted if a is not art and a.cat == art.cat and a.dt <= art.dt][:5]
        if len(related) < 3:
            related = [a for a in by_cat_sorted if a is not art and a.cat == art.cat][:5]
        latest = [a for a in by_cat_sorted if a is not art][:5]
        if fam == "nukeviet":  # "Những tin mới hơn" / "Những tin cũ hơn": newer and older of the category
            latest = [a for a in by_cat_sorted if a.cat == art.cat and a.dt > art.dt][-5:]
            related = [a for a in by_cat_sorted if a.cat == art.cat and a.dt < art.dt][:5]
        body_html = render_body(body_only, data["body"], title=art.title, tail=tail)
        actx = renderer.article_ctx(site, art, body_html, attachments, related, latest)
        html = renderer.render(fam, "article.html", site=ctx_site, a=actx, **renderer.extras(site, art.url, "article"))
        encoding = enc
        if site.slug == "danang_dost" and idx % 3 == 0:
            encoding = "utf-8-nfd"
        body = page_bytes(html, encoding)
        store.add(art.url, body, ctype, headers=extra, modified=art.dt + timedelta(hours=1))
        for alias in art.aliases:
            store.add(alias, body, ctype, headers=extra, modified=art.dt + timedelta(hours=1))
        if site.slug == "nghean_hcc":
            ptext = renderer.render(fam, "print.html", site=ctx_site, a=actx)
            store.add(actx["save_url"], page_bytes(ptext), ctype, headers=extra, modified=art.dt)
        if site.slug == "gialai_tttt":
            ptext = renderer.render(fam, "print.html", site=ctx_site, a=actx)
            store.add(actx["print_url"], page_bytes(ptext), ctype, headers=extra, modified=art.dt)
        lines = [unicodedata.normalize("NFC", x) for x in body_lines(display)]
        images = [urljoin(art.url, b.src) for b in body_only if b.kind == "img"]
        for number, image_url in enumerate(images, 1):
            hostile = hostile_left if number == 1 else None
            hostile_left = None if hostile else hostile_left
            images_made[safe_url_string(image_url)] = _make_image(art, number, image_url, store, hostile)
        entries.append({
            "url": art.url,
            "title": art.title,
            "published_at": dates.iso(site.slug, art.dt),
            "author": _author(art.author_raw),
            "author_line": author_line,
            "source": art.source_line.removeprefix("Nguồn: "),
            "category": site.listings[art.cat][1],
            "reform": site.listings[art.cat][2],
            "story": art.story,
            "body_first": lines[0],
            "body_last": lines[-1],
            "body_lines": lines,
            "captions": [b.caption for b in body_only if b.kind == "img"],
            "images": images,
            "attachments": [{"url": a["url"], "name": a["name"], "type": a["type"]} for a in attachments],
            "found_on": art.found_on,
            "aliases": list(art.aliases),
            "redirects_from": [redirect_from] if redirect_from and art is home_items[2] else [],
            "encoding": encoding,
        })

    # Feeds, sitemaps, robots.
    def feed_items(selection: list[Art]) -> list[dict]:
        return [{"title": a.title, "link": a.url, "description": a.draft.lead, "date": (a.dt - timedelta(hours=7)).replace(tzinfo=timezone.utc)} for a in selection]

    for feed in site.feeds:
        chosen = [a for a in by_cat_sorted if a.cat == 0] if "cai-cach" in feed else by_cat_sorted
        xml = feeds.rss(data["portal_title"], site.base_url, data["portal_title"], feed_items(chosen[:15]))
        store.add(feed, xml.encode("utf-8"), "application/rss+xml; charset=utf-8" if site.registered else "text/xml; charset=utf-8", modified=newest, ext=".xml")
    for smap in site.sitemaps:
        entries_sm = [(site.base_url, newest)] + [(u, None) for u in listing_urls] + [(a.url, a.dt) for a in by_cat_sorted]
        entries_sm += [(u, None) for u in non_articles[1:]]
        store.add(smap, feeds.sitemap(entries_sm).encode("utf-8"), "application/xml; charset=utf-8", modified=newest, ext=".xml")
    robots = feeds.robots(urls.ROBOTS_DISALLOW[site.slug], site.sitemaps, urls.CRAWL_DELAY.get(site.slug))
    store.add(site.base + "/robots.txt", robots.encode("utf-8"), "text/plain; charset=utf-8", etag=False, ext=".txt")

    return {
        "host": site.host,
        "family": fam,
        "registered": site.registered,
        "base_url": site.base_url,
        "name": site.name,
        "articles": entries,
        "non_articles": non_articles,
        "chrome": list(data["chrome"]),
        "listings": listing_urls,
        # Listing pages only a form POST reaches (URL posted to, page, form fields, the articles they list).
        "postback_pages": postback_pages,
        "feeds": list(site.feeds),
        "sitemaps": list(site.sitemaps),
        "encoding": enc,
        "content_type": ctype,
    }


def _make_image(art: Art, number: int, url: str, store: Store, hostile: str | None) -> dict:
    """Store the body of one article image (or its hostile stand-in); returns its manifest entry."""
    blob, fmt, width, height = image_files.picture(art.story, number)
    ext = ".png" if fmt == "PNG" else ".jpg"
    if hostile:
        status, body, ctype = image_files.hostile_body(hostile, blob)
        if status is not None:
            store.add(url, body, ctype, status=status, modified=art.dt, ext=".html" if hostile == "html" else ext)
        return {"expect": hostile, "story": art.story}
    store.add(url, blob, image_files.MIME[fmt], modified=art.dt, ext=ext)
    return {"expect": "ok", "story": art.story, "sha256": hashlib.sha256(blob).hexdigest(),
            "mime": image_files.MIME[fmt], "width": width, "height": height, "bytes": len(blob)}


def _make_document(site: SiteSpec, art: Art, doc: dict, store: Store, made: dict) -> dict:
    """Generate and store one attached document; returns its link data."""
    rng = random.Random(f"doc-{site.slug}-{doc['number']}")
    d = dict(doc)
    d["province"] = site.province
    d["agency_upper"] = site.data["name_upper"]
    d["signer_title"] = "PHÓ GIÁM ĐỐC" if rng.random() < 0.3 else "GIÁM ĐỐC"
    d["signer"] = textgen.person(rng)
    slots = textgen.make_slots(rng, site.slot_site(), int(doc["date"][:4]), int(doc["date"][5:7]), int(doc["date"][8:10]))
    t = textgen.topic(doc["topic"])
    paras: list[str] = []
    sections = ["I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "II. KẾT QUẢ THỰC HIỆN", "III. ĐÁNH GIÁ CHUNG", "IV. NHIỆM VỤ, GIẢI PHÁP TRỌNG TÂM", "V. KIẾN NGHỊ, ĐỀ XUẤT"]
    pool = textgen.load("stories.toml")["pool"]["reform"]
    paras.append(textgen.fill(t["leads"][0], slots))
    for n, sec in enumerate(sections):
        paras.append(sec)
        for p in t["paras"][n::2] + pool[n::3]:
            paras.append(textgen.fill(p, slots))
    paras.append(f"Trên đây là {doc['doc_type'].lower()} của {site.name} về {doc['title'][0].lower() + doc['title'][1:]}./.")
    ext = doc["kind"]
    fname = textgen.ascii_slug(f"{doc['number'].split('/')[0]} {doc['doc_type']} {doc['title']}", max_words=10) + f".{ext}"
    url = safe_url_string(urls.file_url(site.slug, site.base, fname, art.dt.year, art.item_id))
    blob = docs.make_pdf(d, paras) if ext == "pdf" else docs.make_docx(d, paras)
    mime = "application/pdf" if ext == "pdf" else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    store.add(url, blob, mime, modified=art.dt, ext=f".{ext}", headers={"Content-Disposition": f'inline; filename="{fname}"'})
    return {"url": url, "name": f"{doc['doc_type']} {doc['title']}", "type": ext, "size": f"{len(blob) // 1024} KB",
            "mime": mime, "length": len(blob), "icon": "application-pdf" if ext == "pdf" else "x-office-document"}


def main(argv: list[str] | None = None) -> int:
    """`python -m snapshot.build OUT_DIR`."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m snapshot.build OUT_DIR", file=sys.stderr)
        return 2
    path = build_snapshot(Path(args[0]))
    manifest = json.loads(path.read_text(encoding="utf-8"))
    n = sum(len(s["articles"]) for s in manifest["sites"].values())
    print(f"{path}: {len(manifest['sites'])} sites, {n} articles")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
