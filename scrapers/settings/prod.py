"""Production crawling from cron: the base defaults with overrides read from the environment."""

import os

from scrapers.settings.base import *  # noqa: F401,F403

LOG_LEVEL = os.environ.get("REFORMNEWS_LOG_LEVEL", "INFO")
# `reformnews crawl` writes the crawl's log to a rotating file itself (REFORMNEWS_LOG_FILE, default
# logs/crawl.log beside the archive); a bare `scrapy crawl` logs to stderr.
CONCURRENT_REQUESTS = int(os.environ.get("REFORMNEWS_CONCURRENT_REQUESTS", "16"))
CONCURRENT_REQUESTS_PER_DOMAIN = min(2, int(os.environ.get("REFORMNEWS_CONCURRENT_PER_SITE", "2")))
DOWNLOAD_DELAY = float(os.environ.get("REFORMNEWS_DOWNLOAD_DELAY", "2.0"))
