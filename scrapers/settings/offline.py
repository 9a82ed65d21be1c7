"""Replay the bundled offline web: requests keep their real URLs, answers come from the snapshot."""

import os

from scrapers.settings.base import *  # noqa: F401,F403

DOWNLOAD_HANDLERS = {
    "http": "scrapers.replay.SnapshotDownloadHandler",
    "https": "scrapers.replay.SnapshotDownloadHandler",
}
# The directory `snapshot.build.build_snapshot` writes (index.jsonl, bodies/, manifest.json).
SNAPSHOT_DIR = os.environ.get("REFORMNEWS_SNAPSHOT_DIR", "data/snapshot")
# Nothing leaves the machine, so there is no server to be polite to.
AUTOTHROTTLE_ENABLED = False
DOWNLOAD_DELAY = 0
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 8
REGISTRY_DOWNLOAD_SLOTS = False  # the registry's per-site download_delay and concurrency are not applied
LOG_LEVEL = os.environ.get("REFORMNEWS_LOG_LEVEL", "WARNING")
# The snapshot lives on this machine: its hosts are not private servers to protect.
ALLOW_PRIVATE_ADDRESSES = True
RETRY_BACKOFF_BASE = 0.0
