"""Item pipelines, one concern per module: normalise → validate → dedupe → store."""

from pipelines.dedupe import DedupePipeline
from pipelines.drops import DuplicateArticle, InvalidArticle
from pipelines.normalize import NormalizePipeline
from pipelines.store import ArchivePipeline
from pipelines.validate import ValidatePipeline

__all__ = [
    "ArchivePipeline",
    "DedupePipeline",
    "DuplicateArticle",
    "InvalidArticle",
    "NormalizePipeline",
    "ValidatePipeline",
]
