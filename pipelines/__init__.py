"""Item pipelines, one concern per module: fault reasons → normalise → template → validate → dedupe → store → attachments."""

from pipelines.attachments import AttachmentsPipeline
from pipelines.dedupe import DedupePipeline
from pipelines.drops import DuplicateArticle, InvalidArticle
from pipelines.faults import FaultReasonPipeline
from pipelines.normalize import NormalizePipeline
from pipelines.store import ArchivePipeline
from pipelines.template import TemplatePipeline
from pipelines.validate import ValidatePipeline

__all__ = [
    "ArchivePipeline",
    "AttachmentsPipeline",
    "DedupePipeline",
    "DuplicateArticle",
    "FaultReasonPipeline",
    "InvalidArticle",
    "NormalizePipeline",
    "TemplatePipeline",
    "ValidatePipeline",
]
