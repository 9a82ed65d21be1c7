"""Polite defaults for crawling small government servers; every deployment imports these."""

import os

BOT_NAME = "reformnews"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

USER_AGENT = (
    "reformnews-archive/0.1 (open archive of Vietnamese administrative-reform news; "
    "+https://github.com/reformnews/reformnews)"
)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
DEPTH_LIMIT = 12
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("REFORMNEWS_LOG_LEVEL", "INFO")

ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.validate.ValidatePipeline": 200,
    "pipelines.dedupe.DedupePipeline": 300,
    "pipelines.store.ArchivePipeline": 400,
}

# Where the archive lives; `reformnews --db` and REFORMNEWS_DB override it.
ARCHIVE_DB = os.environ.get("REFORMNEWS_DB", "data/archive.db")
# Registry file; tests point it at their own.
SITE_REGISTRY = os.environ.get("REFORMNEWS_REGISTRY", "")
# Only the offline snapshot, tests and `--allow-private` may fetch loopback/private addresses.
ALLOW_PRIVATE_ADDRESSES = False
