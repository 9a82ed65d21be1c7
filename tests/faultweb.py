"""A hostile local web for reliability tests: a small Vietnamese news site plus every fault a government server shows.

`FaultWeb().start()` serves on 127.0.0.1 at a free port (a threaded http.server; nothing leaves the
machine). ``/`` is the site with every fault linked from it; ``/sach/`` is a clean copy (articles
only) for crash tests. :meth:`FaultWeb.expected` says, per fault kind, which URLs must be archived
and which must land in ``crawl_errors`` with which words in the reason.
"""

from __future__ import annotations

import gzip
import io
import os
import random
import socket
import struct
import threading
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from snapshot.markup import encode_cp1258 as cp1258
from spiders.lock import CrawlLock, CrawlLocked

SITE = "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH THỬ NGHIỆM"
UNITS = ["Sở Nội vụ", "Sở Tư pháp", "Sở Khoa học và Công nghệ", "Ủy ban nhân dân huyện Đông Sơn",
         "Trung tâm Phục vụ hành chính công", "Sở Tài chính", "Sở Giáo dục và Đào tạo", "Sở Y tế",
         "Ủy ban nhân dân thị xã Bình Minh", "Sở Xây dựng", "Văn phòng Ủy ban nhân dân tỉnh", "Sở Công Thương"]
TASKS = ["rà soát thủ tục hành chính", "số hóa hồ sơ một cửa", "thanh toán trực tuyến phí và lệ phí",
         "chỉ số hài lòng của người dân", "dịch vụ công trực tuyến toàn trình", "chữ ký số cho cán bộ",
         "cắt giảm giấy tờ công dân", "kiểm soát thủ tục hành chính", "liên thông khai sinh và thường trú",
         "đánh giá chỉ số cải cách hành chính", "chuyển đổi số trong cơ quan nhà nước", "tiếp nhận hồ sơ qua bưu chính"]
PLACES = ["xã Tân Lập", "phường Hòa Bình", "thị trấn Yên Định", "xã Quỳnh Lưu", "phường Đống Đa", "xã Ea Tu",
          "xã Phú Lộc", "phường Nghĩa Tân", "xã Thạch Hà", "thị trấn Cẩm Xuyên", "xã Hương Trà", "phường Vĩnh Ninh"]
SENTENCES = [
    "Trong năm {y}, {u} đã tập trung chỉ đạo thực hiện {t} với {n} hồ sơ được tiếp nhận và giải quyết đúng hạn.",
    "Lãnh đạo {u} yêu cầu các phòng chuyên môn phối hợp chặt chẽ với {p} để đẩy nhanh tiến độ {t}.",
    "Kết quả kiểm tra cho thấy {n} phần trăm thủ tục được công khai đầy đủ tại bộ phận một cửa của {p}.",
    "Người dân {p} cho biết thời gian chờ đợi đã giảm rõ rệt kể từ khi {u} triển khai {t}.",
    "Hội nghị đã thảo luận những khó khăn, vướng mắc khi áp dụng {t} tại cơ sở và đề xuất {n} giải pháp cụ thể.",
    "Đoàn công tác của {u} đã làm việc trực tiếp tại {p} và ghi nhận nhiều cách làm sáng tạo trong {t}.",
    "Theo báo cáo, {u} đứng thứ {k} trong bảng xếp hạng của tỉnh về {t} trong quý {q} năm {y}.",
    "Cán bộ, công chức được tập huấn kỹ năng sử dụng phần mềm mới phục vụ {t} trong {n} buổi.",
    "Dự kiến đến cuối năm {y}, toàn bộ {n} thủ tục thuộc thẩm quyền của {u} sẽ được cung cấp trực tuyến.",
    "Các ý kiến phản ánh, kiến nghị của tổ chức và công dân tại {p} đều được {u} trả lời trong vòng {k} ngày.",
    "{u} đã ban hành kế hoạch kiểm tra công vụ, tập trung vào {t} và kỷ luật, kỷ cương hành chính.",
    "Qua {k} tháng thực hiện, mô hình thí điểm ở {p} đã giúp tiết kiệm khoảng {n} triệu đồng chi phí.",
    "Phát biểu chỉ đạo, đồng chí Giám đốc {u} đề nghị tiếp tục nâng cao chất lượng {t} trong thời gian tới.",
    "Bộ phận tiếp nhận và trả kết quả của {p} đã được trang bị thêm {k} máy tính và máy quét tài liệu.",
    "Nhiều hồ sơ về {t} được giải quyết trước hạn, góp phần nâng cao sự hài lòng của người dân {p}.",
    "Tổ công tác liên ngành đã rà soát {n} văn bản quy phạm pháp luật liên quan đến {t} do {u} chủ trì.",
    "Việc niêm yết công khai quy trình {t} được thực hiện cả trên cổng thông tin và tại trụ sở {p}.",
    "{u} sẽ tổ chức sơ kết {k} tháng để đánh giá hiệu quả {t} và nhân rộng mô hình ra các địa phương khác.",
    "Đến hết quý {q}, tỷ lệ hồ sơ trực tuyến về {t} tại {p} đạt {n} phần trăm, tăng mạnh so với cùng kỳ.",
    "Các đơn vị thuộc {u} đã ký cam kết thực hiện nghiêm {t}, không để xảy ra tình trạng nhũng nhiễu.",
    "Ông Trưởng phòng Kiểm soát thủ tục hành chính cho biết {u} đã tiếp nhận {n} ý kiến góp ý về {t}.",
    "Trong tháng {k}, {p} tổ chức tuyên truyền về {t} bằng loa phát thanh và mạng xã hội.",
    "Những kết quả bước đầu về {t} tạo tiền đề để {u} hoàn thành các chỉ tiêu cải cách hành chính năm {y}.",
    "Sau buổi làm việc, {u} đã thống nhất {k} nhóm nhiệm vụ trọng tâm về {t} cho {p} trong năm {y}.",
]


def article_text(n: int) -> tuple[str, list[str], str]:
    """(title, paragraphs, date) of article number ``n``: distinct Vietnamese prose, the same every time."""
    rng = random.Random(n * 7919 + 17)
    unit, task, place = UNITS[n % len(UNITS)], TASKS[(n * 5) % len(TASKS)], PLACES[(n * 7) % len(PLACES)]
    year = 2023 + n % 3
    title = f"{unit} đẩy mạnh {task} tại {place} (bài {n})"
    chosen = rng.sample(SENTENCES, 9)
    paragraphs = []
    for i in range(3):
        parts = [s.format(u=unit, t=task, p=place, y=year, n=rng.randint(12, 980), k=rng.randint(2, 11),
                          q=rng.randint(1, 4)) for s in chosen[i * 3:(i + 1) * 3]]
        paragraphs.append(" ".join(parts))
    date = f"{1 + n % 28:02d}/{1 + n % 12:02d}/{year} {8 + n % 9:02d}:{(n * 13) % 60:02d}"
    return title, paragraphs, date


def page(title: str, main: str, *, head: str = "", links: list[tuple[str, str]] = (), prefix: str = "") -> str:
    """A page of the site (or of its clean copy under ``prefix``): header, menu, breadcrumb, main block, links, footer."""
    entries = [(f"{prefix}/", "Trang chủ"), (f"{prefix}/tin-tuc?page=1", "Tin tức")]
    menu = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in
                   entries + ([] if prefix else [("/gioi-thieu.html", "Giới thiệu")]))
    more = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return (f"<!DOCTYPE html><html lang=\"vi\"><head>{head}<title>{title}</title></head><body>"
            f"<div class=\"header\"><div class=\"logo\">{SITE}</div><ul class=\"menu\">{menu}</ul></div>"
            f"<div class=\"breadcrumb\"><a href=\"{prefix}/\">Trang chủ</a> » <a href=\"{prefix}/tin-tuc?page=1\">Tin tức</a></div>"
            f"<div class=\"main\">{main}</div>"
            f"<div class=\"links\"><h3>Liên kết</h3><ul>{more}</ul></div>"
            f"<div class=\"footer\">Bản quyền thuộc {SITE}. Địa chỉ: 01 Đường Thử Nghiệm. Điện thoại: 0123 456 789</div>"
            "</body></html>")


def article_html(n: int, *, charset_meta: bool = True, prefix: str = "") -> str:
    """Article number ``n`` in the CMS layout."""
    title, paragraphs, date = article_text(n)
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    main = (f"<div class=\"news-detail\"><h1 class=\"title\">{title}</h1>"
            f"<div class=\"date\">Ngày đăng: {date}</div><div class=\"content\">{body}</div>"
            f"<div class=\"author\">Tác giả: Phòng Thông tin {n}</div></div>"
            f"<div class=\"other\"><h3>Các tin khác</h3><ul><li><a href=\"{prefix}/tin-tuc?page=1\">Xem thêm</a></li></ul></div>")
    head = '<meta charset="utf-8">' if charset_meta else ""
    return page(title, main, head=head, prefix=prefix)


@dataclass
class Expect:
    """What a crawl must do with the pages of one fault kind."""

    good: list[str] = field(default_factory=list)  # paths to archive
    bad: dict[str, str] = field(default_factory=dict)  # path -> words the crawl_errors reason must hold
    bounded: str = ""  # path prefix of a trap: only counted, never archived
    trap: str = ""  # words of the one crawl_errors reason the trap must leave


# Article numbers of the good pages of the fault site.
LISTED = list(range(1, 13))  # 12 articles on listing pages 1-3
SPECIAL = {"flaky": 20, "wrong_charset": 21, "no_charset": 22, "truncated": 23, "malformed": 24, "spaces": 25,
           "vn_raw": 26, "vn_encoded": 27}
VN_RAW = "/tin-tức/cải-cách-hành-chính-một-cửa.html"
VN_ENCODED = "/tin-tức/dịch-vụ-công-trực-tuyến.html"
CLEAN_ARTICLES = 24
BIG_CHUNK = 64 * 1024


def expected() -> dict[str, Expect]:
    """Per fault kind: the pages a crawl of ``/`` must archive and the ones it must record as errors."""
    return {
        "normal articles (listing + pagination)": Expect(good=[f"/tin-tuc/bai-{n}.html" for n in LISTED]),
        "503 twice, then recovers": Expect(good=["/tin-tuc/phuc-hoi.html"]),
        "windows-1258 labelled utf-8": Expect(good=["/tin-tuc/sai-bang-ma.html"]),
        "no charset anywhere": Expect(good=["/tin-tuc/khong-bang-ma.html"]),
        "truncated HTML": Expect(good=["/tin-tuc/bi-cat.html"]),
        "malformed HTML": Expect(good=["/tin-tuc/loi-the.html"]),
        "link with spaces": Expect(good=["/tin tuc/bai co dau cach.html"]),
        "Vietnamese path (raw, %-encoded)": Expect(good=[VN_RAW, VN_ENCODED]),
        "timeout": Expect(bad={"/cham/trang-cham.html": "did not answer"}),
        "HTTP 500": Expect(bad={"/loi/500.html": "server error 500 after 3 tries"}),
        "HTTP 503 + Retry-After": Expect(bad={"/loi/503-retry-after.html": "server error 503 after 3 tries"}),
        "HTTP 503": Expect(bad={"/loi/503.html": "server error 503 after 3 tries"}),
        "HTTP 404": Expect(bad={"/tin-tuc/da-go.html": "404"}),
        "connection reset": Expect(bad={"/loi/ngat-ket-noi.html": "connection"}),
        "redirect loop A→B→A": Expect(bad={"/vong/b.html": "redirect loop"}),
        "self-redirect": Expect(bad={"/vong/tu-chuyen.html": "redirect loop"}),
        "redirect off-site": Expect(bad={"/chuyen/ra-ngoai.html": "off the site"}),
        "redirect to private address": Expect(bad={"/chuyen/noi-bo.html": "off the site",
                                                   "/chuyen/metadata.html": "off the site"}),
        "10 MB page": Expect(bad={"/lon/10mb.html": "too large to be an article"}),
        "200 MB page (streamed)": Expect(bad={"/lon/200mb.html": "larger than 20 MB"}),
        "gzip bomb": Expect(bad={"/lon/bom.html": "larger than 20 MB"}),
        "soft 404 (200 + 'Không tìm thấy trang')": Expect(bad={"/tin-tuc/bai-da-xoa.html": "soft 404",
                                                              "/trang-khong-ton-tai.html": "soft 404"}),
        "login page (and a redirect to one)": Expect(bad={"/quan-tri/": "login", "/tai-lieu-noi-bo.html": "login"}),
        "binary data as text/html": Expect(bad={"/tin-tuc/du-lieu.html": "binary"}),
        "endless calendar": Expect(bounded="/su-kien/", trap="calendar trap: stopped following /su-kien/"),
        "endless pagination": Expect(bounded="/tin-moi?", trap="pagination trap: stopped following /tin-moi?page="),
    }


class FaultWeb:
    """The server: ``start()``, ``url``, ``hits`` (requests per path), ``stop()``."""

    def __init__(self, *, delay: float = 0.0, sleep: float = 3.0, flaky_failures: int = 2) -> None:
        self.delay = delay  # added to every clean page (crash tests slow the crawl down)
        self.sleep = sleep  # how long the timeout page stalls
        self.flaky_failures = flaky_failures
        self.hits: Counter[str] = Counter()
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None
        self._bomb: bytes | None = None

    @property
    def url(self) -> str:
        """The root URL, e.g. http://127.0.0.1:43121/."""
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def start(self) -> "FaultWeb":
        """Serve on a free port of 127.0.0.1 in a background thread."""
        web = self

        class Handler(FaultHandler):
            owner = web

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (stalled handlers wake up and give up)."""
        self.stopping.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)

    def __enter__(self) -> "FaultWeb":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def count(self, path: str) -> int:
        """Requests the server got for ``path`` (query included)."""
        with self.lock:
            return self.hits[path]

    def bomb(self) -> bytes:
        """A gzip member that inflates to 100 MB of HTML whitespace (about 100 KB compressed)."""
        if self._bomb is None:
            compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
            out = io.BytesIO()
            out.write(compressor.compress(b"<html><body><p>"))
            block = b" " * (1024 * 1024)
            for _ in range(100):
                out.write(compressor.compress(block))
            out.write(compressor.flush())
            self._bomb = out.getvalue()
        return self._bomb


class FaultHandler(BaseHTTPRequestHandler):
    """Answers every path of the fault web."""

    owner: FaultWeb
    protocol_version = "HTTP/1.0"
    server_version = "FaultWeb/1.0"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - silence the access log
        return None

    # --- plumbing -----------------------------------------------------------------------
    def send(self, status: int, body: bytes | str, *, ctype: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        try:
            self.send_response(status)
            if ctype:
                self.send_header("Content-Type", ctype)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def redirect(self, location: str, status: int = 302) -> None:
        self.send(status, "", headers={"Location": location})

    def stream(self, total: int, *, length: bool) -> None:
        """``total`` bytes of HTML made chunk by chunk (never held in memory)."""
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            if length:
                self.send_header("Content-Length", str(total))
            self.end_headers()
            head = b"<html><head><title>Danh m\xe1\xbb\xa5c</title></head><body>"
            self.wfile.write(head)
            chunk = (b"<p>" + "Dữ liệu thống kê hồ sơ một cửa. ".encode() * 1800 + b"</p>\n")[:BIG_CHUNK]
            sent = len(head)
            while sent < total and not self.owner.stopping.is_set():
                piece = chunk[: total - sent]
                self.wfile.write(piece)
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass

    def reset(self) -> None:
        """Close the connection with a TCP reset (SO_LINGER 0) before answering."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        try:
            self.connection.close()
        except OSError:
            pass

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        owner = self.owner
        with owner.lock:
            owner.hits[self.path] += 1
            tries = owner.hits[self.path]
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = parse_qs(parts.query)
        try:
            self.route(path, query, tries)
        except (BrokenPipeError, ConnectionResetError):
            pass

    # --- the site -----------------------------------------------------------------------
    def route(self, path: str, query: dict[str, list[str]], tries: int) -> None:
        owner = self.owner
        if path == "/robots.txt":
            return self.send(200, "User-agent: *\nAllow: /\n", ctype="text/plain")
        if path.startswith("/sach"):
            return self.clean(path, query)
        if path == "/":
            return self.send(200, home())
        if path == "/tin-tuc":
            return self.send(200, listing(int((query.get("page") or ["1"])[0] or 1)))
        number = path.removeprefix("/tin-tuc/bai-").removesuffix(".html")
        if path.startswith("/tin-tuc/bai-") and path.endswith(".html") and number.isdigit():
            return self.send(200, article_html(int(number))) if int(number) in LISTED else self.send(404, not_found())
        special = {"/tin-tuc/phuc-hoi.html": "flaky", "/tin-tuc/sai-bang-ma.html": "wrong_charset",
                   "/tin-tuc/khong-bang-ma.html": "no_charset", "/tin-tuc/bi-cat.html": "truncated",
                   "/tin-tuc/loi-the.html": "malformed", "/tin tuc/bai co dau cach.html": "spaces",
                   VN_RAW: "vn_raw", VN_ENCODED: "vn_encoded"}
        if path in special:
            return self.special(special[path], tries)
        if path == "/cham/trang-cham.html":
            owner.stopping.wait(owner.sleep)
            return self.send(200, article_html(30))
        if path == "/loi/500.html":
            return self.send(500, "<h1>Internal Server Error</h1>")
        if path == "/loi/503-retry-after.html":
            return self.send(503, "<h1>Service Unavailable</h1>", headers={"Retry-After": "1"})
        if path == "/loi/503.html":
            return self.send(503, "<h1>Service Unavailable</h1>")
        if path == "/loi/ngat-ket-noi.html":
            return self.reset()
        redirects = {"/vong/a.html": "/vong/b.html", "/vong/b.html": "/vong/a.html",
                     "/vong/tu-chuyen.html": "/vong/tu-chuyen.html",
                     "/chuyen/ra-ngoai.html": "http://example.org/tin-tuc.html",
                     "/chuyen/noi-bo.html": "http://10.0.0.1/quan-tri/",
                     "/chuyen/metadata.html": "http://169.254.169.254/latest/meta-data/",
                     "/tai-lieu-noi-bo.html": "/dang-nhap?next=/tai-lieu-noi-bo.html"}
        if path in redirects:
            return self.redirect(redirects[path], 301 if "vong" in path else 302)
        if path == "/lon/10mb.html":
            return self.stream(10 * 1024 * 1024, length=True)
        if path == "/lon/200mb.html":
            return self.stream(200 * 1024 * 1024, length=False)
        if path == "/lon/bom.html":
            return self.send(200, owner.bomb(), headers={"Content-Encoding": "gzip"})
        if path.startswith("/su-kien/"):
            return self.send(200, calendar(path.removeprefix("/su-kien/")))
        if path == "/tin-moi":
            return self.send(200, endless(int((query.get("page") or ["1"])[0] or 1)))
        if path in ("/tin-tuc/bai-da-xoa.html", "/trang-khong-ton-tai.html"):
            words = "Không tìm thấy trang" if "xoa" in path else "Trang không tồn tại"
            return self.send(200, page(f"{words} - {SITE}", f"<h1>{words}</h1><p>Đường dẫn bạn truy cập không "
                                                            "đúng hoặc đã bị xóa. Quay lại trang chủ.</p>"))
        if path in ("/quan-tri/", "/dang-nhap"):
            return self.send(200, page("Đăng nhập hệ thống", login_form()))
        if path == "/tin-tuc/du-lieu.html":
            return self.send(200, random.Random(7).randbytes(40_000), ctype="text/html")
        if path == "/gioi-thieu.html":
            return self.send(200, page("Giới thiệu", "<h1>Giới thiệu</h1><p>Sở Khoa học và Công nghệ là cơ quan "
                                                     "chuyên môn thuộc Ủy ban nhân dân tỉnh.</p>"))
        return self.send(404, not_found())

    def special(self, kind: str, tries: int) -> None:
        n = SPECIAL[kind]
        if kind == "flaky" and tries <= self.owner.flaky_failures:
            return self.send(503, "<h1>Hệ thống đang bảo trì</h1>")
        if kind == "wrong_charset":
            return self.send(200, cp1258(article_html(n, charset_meta=False)), ctype="text/html; charset=utf-8")
        if kind == "no_charset":
            return self.send(200, article_html(n, charset_meta=False).encode("utf-8"), ctype="text/html")
        if kind == "truncated":
            text = article_html(n)
            return self.send(200, text[: text.index("<div class=\"author\">")])
        if kind == "malformed":
            text = article_html(n).replace("</p>", "", 2).replace("<h1 class=\"title\">", "<h1 class=title><b><i>")
            return self.send(200, text.replace("</h1>", "</b></i></h1></div></span>", 1))
        return self.send(200, article_html(n))

    def clean(self, path: str, query: dict[str, list[str]]) -> None:
        """The clean site for crash tests: a home, listing pages of 6 and CLEAN_ARTICLES articles."""
        if self.owner.delay:
            self.owner.stopping.wait(self.owner.delay)
        if path in ("/sach", "/sach/"):
            return self.send(200, page(SITE, "<h1>Tin mới</h1>", links=[("/sach/tin-tuc?page=1", "Tin tức")],
                                      prefix="/sach"))
        if path == "/sach/tin-tuc":
            number = int((query.get("page") or ["1"])[0] or 1)
            first = (number - 1) * 6 + 1
            items = [(f"/sach/bai-{n}.html", article_text(100 + n)[0]) for n in range(first, min(first + 6, CLEAN_ARTICLES + 1))]
            if first + 6 <= CLEAN_ARTICLES:
                items.append((f"/sach/tin-tuc?page={number + 1}", "Trang sau"))
            return self.send(200, page(f"Tin tức - trang {number}", "<h1>Tin tức</h1>", links=items, prefix="/sach"))
        number = path.removeprefix("/sach/bai-").removesuffix(".html")
        if path.startswith("/sach/bai-") and path.endswith(".html") and number.isdigit():
            if 1 <= int(number) <= CLEAN_ARTICLES:
                return self.send(200, article_html(100 + int(number), prefix="/sach"))
        return self.send(404, not_found())


# The reliability wiring (scrapers/settings/base.py gets the same entries); tests pass it with -s.
RELIABILITY_MIDDLEWARES = {
    "scrapers.middlewares.faults.RedirectGuardMiddleware": 610,
    "scrapers.middlewares.charset.CharsetRepairMiddleware": 585,
    "scrapers.middlewares.soft404.HostilePageMiddleware": 580,
    "scrapers.middlewares.faults.FaultReasonsMiddleware": 545,
}
RELIABILITY_PIPELINES = {"pipelines.faults.FaultReasonPipeline": 50}
RELIABILITY_EXTENSIONS = {"scrapers.middlewares.diskguard.ArchiveWriteGuard": 100}


class KillAfterFirstArticle:
    """A crawl extension that SIGKILLs its own process as soon as the first article is stored.

    The item pipelines (the archive's store included) have run; the ``item_scraped`` handlers of
    the extensions after it (the crawl state's, priority 500) have not: the moment a kill used to
    leave the article without its WARC pointer. Enabled with ``EXTENSIONS`` (priority below 500).
    """

    def __init__(self, crawler) -> None:  # noqa: ANN001 - a scrapy Crawler
        from scrapy import signals

        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler) -> "KillAfterFirstArticle":  # noqa: ANN001
        """Built by Scrapy."""
        return cls(crawler)

    def item_scraped(self, item: object, **kwargs: object) -> None:
        """Die at once on the first stored article."""
        import signal

        from scrapers.items import Article

        if isinstance(item, Article):
            os.kill(os.getpid(), signal.SIGKILL)


def crawl_settings(**extra: str) -> dict[str, str]:
    """`run_crawl(settings=...)` for a fast crawl of the fault web with the reliability wiring."""
    import json

    from scrapers.settings import base

    def merged(name: str, ours: dict[str, int]) -> str:
        return json.dumps({**getattr(base, name), **ours})

    return {"DOWNLOADER_MIDDLEWARES": merged("DOWNLOADER_MIDDLEWARES", RELIABILITY_MIDDLEWARES),
            "ITEM_PIPELINES": merged("ITEM_PIPELINES", RELIABILITY_PIPELINES),
            "EXTENSIONS": merged("EXTENSIONS", RELIABILITY_EXTENSIONS),
            "DOWNLOAD_TIMEOUT": "1", "DOWNLOAD_MAXSIZE": str(20 * 1024 * 1024), "RETRY_BACKOFF_BASE": "0",
            "RETRY_BACKOFF_MAX": "1", "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False",
            "CONCURRENT_REQUESTS_PER_DOMAIN": "8", "LOG_LEVEL": "INFO", **extra}


CHILD = """
import json, resource, sys
from spiders.run import run_crawl
args = json.loads(sys.argv[1])
summary = run_crawl(args["db"], url=args["url"], allow_private=True, progress=False, log_file=args["log"],
                    settings=args["settings"])
print(json.dumps({"exit_code": summary.exit_code, "status": summary.status, "counts": summary.counts,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def crawl_in_child(db: str, url: str, log: str, settings: dict[str, str], **popen: object) -> dict:
    """`run_crawl` of ``url`` in a fresh process; its summary and the crawl process's peak RSS (MB)."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    args = json.dumps({"db": db, "url": url, "log": log, "settings": settings})
    done = subprocess.run([sys.executable, "-c", CHILD, args], cwd=root, capture_output=True, text=True,
                          timeout=300, **popen)  # type: ignore[call-overload]
    if done.returncode != 0:
        raise RuntimeError(f"crawl wrapper failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def wait_lock_free(db: Path, timeout: float = 10) -> None:
    """Return once no process holds the archive's crawl lock (a SIGKILLed process group releases it
    only once its last process, the scrapy grandchild, has exited, a moment after the signal);
    raise TimeoutError when it is still held after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while True:
        try:
            CrawlLock(db).acquire().release()
            return
        except CrawlLocked:
            if time.monotonic() >= end:
                raise TimeoutError(f"the crawl lock of {db} is still held after {timeout:g} s") from None
            time.sleep(0.05)


def our_errors(log_text: str) -> list[str]:
    """Log lines showing an exception in the project's code: tracebacks and ERROR lines of our loggers."""
    lines = log_text.splitlines()
    ours = ("[spiders", "[scrapers", "[pipelines", "[archive", "[generic]", "[site]", "[scrapy.core.scraper] ERROR")
    found = [line for line in lines if " ERROR: " in line and any(o in line for o in ours)]
    found += [line for line in lines if line.startswith("Traceback")]
    return found


def clean_paths() -> list[str]:
    """Article paths of the clean site."""
    return [f"/sach/bai-{n}.html" for n in range(1, CLEAN_ARTICLES + 1)]


def home() -> str:
    """The home page: the news listing and a link to every fault."""
    links = [("/tin-tuc?page=1", "Tin tức"), ("/tin-tuc/phuc-hoi.html", "Tin phục hồi"),
             ("/tin-tuc/sai-bang-ma.html", "Sai bảng mã"), ("/tin-tuc/khong-bang-ma.html", "Không bảng mã"),
             ("/tin-tuc/bi-cat.html", "Bị cắt"), ("/tin-tuc/loi-the.html", "Lỗi thẻ"),
             ("/tin tuc/bai co dau cach.html", "Dấu cách"), (VN_RAW, "Đường dẫn tiếng Việt"),
             (quote(VN_ENCODED), "Đường dẫn mã hóa"), ("/cham/trang-cham.html", "Trang chậm"),
             ("/loi/500.html", "Lỗi 500"), ("/loi/503-retry-after.html", "Bảo trì"), ("/loi/503.html", "Quá tải"),
             ("/tin-tuc/da-go.html", "Tin đã gỡ"), ("/loi/ngat-ket-noi.html", "Ngắt kết nối"),
             ("/vong/a.html", "Vòng A"), ("/vong/tu-chuyen.html", "Tự chuyển"),
             ("/chuyen/ra-ngoai.html", "Ra ngoài"), ("/chuyen/noi-bo.html", "Nội bộ"),
             ("/chuyen/metadata.html", "Metadata"), ("/lon/10mb.html", "Trang 10 MB"),
             ("/lon/200mb.html", "Trang 200 MB"), ("/lon/bom.html", "Bom nén"),
             ("/su-kien/2024-01-01", "Sự kiện"), ("/tin-moi?page=1", "Tin mới"),
             ("/tin-tuc/bai-da-xoa.html", "Bài đã xóa"), ("/trang-khong-ton-tai.html", "Trang cũ"),
             ("/quan-tri/", "Quản trị"), ("/tai-lieu-noi-bo.html", "Tài liệu nội bộ"),
             ("/tin-tuc/du-lieu.html", "Dữ liệu"), ("http://sởkhcn.example/", "Sở KHCN (IDN)"),
             ("http://xn--skhcn-0qa5a.example/tin.html", "IDN punycode"), ("javascript:void(0)", "JS"),
             ("http://[::1]:0/", "IPv6"), ("http://127.0.0.1:99999/", "Cổng sai"),
             ("/sach/", "Bản sạch")]
    return page(SITE, "<h1>Cổng thông tin điện tử</h1><p>Chào mừng bạn đến với cổng thông tin.</p>", links=links)


def listing(number: int) -> str:
    """Listing page ``number`` (1-3) of the news category, 4 articles each, with a next link."""
    chosen = LISTED[(number - 1) * 4: number * 4]
    items = [(f"/tin-tuc/bai-{n}.html", article_text(n)[0]) for n in chosen]
    if number < 3:
        items.append((f"/tin-tuc?page={number + 1}", "Trang sau"))
    return page(f"Tin tức - trang {number}", f"<h1>Tin tức</h1><p>Trang {number}</p>", links=items)


def calendar(day: str) -> str:
    """A work calendar day with links to the day before and after, forever."""
    try:
        when = time.strptime(day, "%Y-%m-%d")
    except ValueError:
        when = time.strptime("2024-01-01", "%Y-%m-%d")
    stamp = time.mktime(when)
    before, after = (time.strftime("%Y-%m-%d", time.localtime(stamp + d * 86400 + 3600)) for d in (-1, 1))
    return page(f"Lịch công tác ngày {day}", f"<h1>Lịch công tác ngày {day}</h1><p>Thứ hai: 8h00 họp giao ban.</p>",
                links=[(f"/su-kien/{before}", "Ngày trước"), (f"/su-kien/{after}", "Ngày sau")])


def endless(number: int) -> str:
    """A listing whose "next page" never ends and lists nothing."""
    return page(f"Tin mới - trang {number}", f"<h1>Tin mới</h1><p>Trang {number}</p>",
                links=[(f"/tin-moi?page={number + 1}", "Trang sau")])


def login_form() -> str:
    """A login page."""
    return ("<h1>Đăng nhập</h1><form method=\"post\" action=\"/dang-nhap\"><label>Tên đăng nhập</label>"
            "<input name=\"username\"><label>Mật khẩu</label><input type=\"password\" name=\"password\">"
            "<button>Đăng nhập</button></form>")


def not_found() -> str:
    """A real 404 page."""
    return page("404", "<h1>404</h1><p>Không tìm thấy trang.</p>")


def gzip_bytes(data: bytes) -> bytes:
    """``data`` gzip-compressed (used by tests that build their own bodies)."""
    return gzip.compress(data)


if __name__ == "__main__":  # python tests/faultweb.py: serve until Ctrl-C
    with FaultWeb() as web:
        print(web.url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            os._exit(0)
