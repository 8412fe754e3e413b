"""The CRM's rows, one module per area; each company's CRM is its own workspace
(``workspace``: the company whose people keep these rows), and no row is ever seen by
another company."""

from .accounts import Account, Contact, CustomField, CustomFieldType, Lifecycle, Segment, Tag
from .activities import Activity, ActivityKind, CalendarFeed
from .documents import DocumentTemplate, DocumentTemplateVersion, GeneratedDocument, TemplateKind
from .imports import ImportJob, ImportStatus
from .pipeline import (
    Lead,
    LeadSource,
    LeadStatus,
    LostReason,
    Opportunity,
    OpportunityStatus,
    Pipeline,
    PipelineKind,
    SalesTarget,
    Stage,
    StageChange,
    StageKind,
)
from .timeline import TimelineEntry, TimelineKind

__all__ = [
    "Account",
    "Activity",
    "ActivityKind",
    "CalendarFeed",
    "Contact",
    "CustomField",
    "CustomFieldType",
    "DocumentTemplate",
    "DocumentTemplateVersion",
    "GeneratedDocument",
    "ImportJob",
    "ImportStatus",
    "Lead",
    "LeadSource",
    "LeadStatus",
    "Lifecycle",
    "LostReason",
    "Opportunity",
    "OpportunityStatus",
    "Pipeline",
    "PipelineKind",
    "SalesTarget",
    "Segment",
    "Stage",
    "StageChange",
    "StageKind",
    "Tag",
    "TemplateKind",
    "TimelineEntry",
    "TimelineKind",
]
