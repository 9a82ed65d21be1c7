"""Downloader middlewares of the archive: politeness, address checks, WARC recording, per-site figures."""
