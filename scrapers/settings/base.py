"""Polite defaults for crawling small government servers; every deployment imports these."""

import os

BOT_NAME = "reformnews"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

USER_AGENT = (
    "reformnews-archive/0.1 (open archive of Vietnamese administrative-reform news; "
    "+https://github.com/reformnews/reformnews; crawls at most 2 pages at a time per site)"
)
ROBOTSTXT_OBEY = True
# Each site's robots.txt is kept in the archive (robots_cache) and obeyed without a request for this
# many hours after it was last checked; then it is asked again conditionally (ETag/Last-Modified).
# A 5xx answer is never kept (the last kept rules apply meanwhile).
ROBOTSTXT_CACHE_HOURS = float(os.environ.get("REFORMNEWS_ROBOTSTXT_CACHE_HOURS", "24"))
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
DEPTH_LIMIT = 12
DEPTH_PRIORITY = 0
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry, doubled each time (with jitter)
RETRY_BACKOFF_MAX = 300.0  # a Retry-After asking for longer is capped here
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("REFORMNEWS_LOG_LEVEL", "INFO")
# Listings are never cached (HTTPCACHE with RFC2616Policy serves Last-Modified pages without asking):
# the archive keeps ETag/Last-Modified per URL and sends conditional requests itself.
HTTPCACHE_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    # robots.txt obeyed as Scrapy does, but kept in the archive across runs (ROBOTSTXT_CACHE_HOURS).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scrapers.middlewares.robots.CachedRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapers.middlewares.retry.BackoffRetryMiddleware": 550,
    "scrapers.middlewares.private.PrivateAddressMiddleware": 50,
    # Hostile pages become crawl errors with a reason: soft 404s, login walls, binary data, huge
    # pages (580); charsets that lie (585); redirect loops, off-site and private redirects (610);
    # the last failure's reason once retries are used up (545).
    "scrapers.middlewares.faults.FaultReasonsMiddleware": 545,
    "scrapers.middlewares.soft404.HostilePageMiddleware": 580,
    "scrapers.middlewares.charset.CharsetRepairMiddleware": 585,
    "scrapers.middlewares.faults.RedirectGuardMiddleware": 610,
    "scrapers.middlewares.sitestats.SiteStatsMiddleware": 940,
    "scrapers.middlewares.warc.WarcWriterMiddleware": 950,
}
EXTENSIONS = {
    "scrapers.middlewares.diskguard.ArchiveWriteGuard": 100,
    "scrapers.extensions.crawlstate.CrawlStateExtension": 500,
    # After AutoThrottle (order 0): keeps a site's registry download_delay as its slot's floor.
    "scrapers.extensions.slotdelay.SlotDelayFloor": 600,
}
# Per-site options of the registry (`options = { ... }` in sites.toml): the registry spider turns
# download_delay and concurrency into DOWNLOAD_SLOTS (one slot per host) when the crawl starts;
# download_timeout, listing_max_pages and revisit_after_days replace the settings they are named after.
REGISTRY_DOWNLOAD_SLOTS = True

# Incremental crawling: known articles are fetched again only once they are this old (a
# conditional request; 304 costs no body), at most REVISIT_MAX_PER_SITE of them per site and run.
REVISIT_AFTER_DAYS = float(os.environ.get("REFORMNEWS_REVISIT_AFTER_DAYS", "30"))
REVISIT_MAX_PER_SITE = int(os.environ.get("REFORMNEWS_REVISIT_MAX_PER_SITE", "20"))
# A listing walk follows its pages one by one and stops at a page where at least this share of
# the article links is already archived (listings are newest first), or after LISTING_MAX_PAGES.
LISTING_STOP_KNOWN_SHARE = 0.5
LISTING_MAX_PAGES = 300
# A frontier URL that failed this many runs in a row is given up.
FRONTIER_MAX_ATTEMPTS = 3
# Raw responses: WARC files under WARC_DIR (default: warc/ beside the archive), one set per run.
WARC_ENABLED = True
WARC_DIR = os.environ.get("REFORMNEWS_WARC_DIR", "")
WARC_MAX_BYTES = 1024 ** 3

ITEM_PIPELINES = {
    "pipelines.faults.FaultReasonPipeline": 50,
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.template.TemplatePipeline": 150,
    "pipelines.validate.ValidatePipeline": 200,
    "pipelines.dedupe.DedupePipeline": 300,
    "pipelines.store.ArchivePipeline": 400,
    "pipelines.attachments.AttachmentsPipeline": 500,
    "pipelines.images.ImagesPipeline": 550,
}
# Attachments (PDF, DOC, DOCX...) linked from articles: downloaded, kept, text extracted.
ATTACHMENTS_MAXSIZE = 25 * 1024 * 1024
ATTACHMENTS_OCR = False
# Article images: a copy kept in the archive (verified with Pillow, once per sha256), 5 MB cap each.
IMAGES_ENABLED = True
IMAGES_MAXSIZE = 5 * 1024 * 1024

# Where the archive lives; `reformnews --db` and REFORMNEWS_DB override it.
ARCHIVE_DB = os.environ.get("REFORMNEWS_DB", "data/archive.db")
# Registry file; tests point it at their own.
SITE_REGISTRY = os.environ.get("REFORMNEWS_REGISTRY", "")
# Only the offline snapshot, tests and `--allow-private` may fetch loopback/private addresses.
ALLOW_PRIVATE_ADDRESSES = False
