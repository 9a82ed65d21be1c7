"""Production crawling from cron: the base defaults with overrides read from the environment."""

import os

from scrapers.settings.base import *  # noqa: F401,F403

LOG_LEVEL = os.environ.get("REFORMNEWS_LOG_LEVEL", "INFO")
LOG_FILE = os.environ.get("REFORMNEWS_LOG_FILE") or None
CONCURRENT_REQUESTS = int(os.environ.get("REFORMNEWS_CONCURRENT_REQUESTS", "16"))
DOWNLOAD_DELAY = float(os.environ.get("REFORMNEWS_DOWNLOAD_DELAY", "2.0"))
