"""Every model of the app, for Django to find: each lives in the feature it belongs to."""

from meetings.audit.models import AuditChainHead, AuditErasure, AuditRetention, AuditVerification
from meetings.core.models import (
    ChainedEntry,
    FinalRecordError,
    MeetingRecord,
    MeetingRecordQuerySet,
    OutcomeNotice,
    records_written,
    week_of,
)
from meetings.history.models import ExportJob
from meetings.presets.models import MeetingTemplate

__all__ = [
    "AuditChainHead", "AuditErasure", "AuditRetention", "AuditVerification", "ChainedEntry", "ExportJob",
    "FinalRecordError", "MeetingRecord", "MeetingRecordQuerySet", "MeetingTemplate", "OutcomeNotice",
    "records_written", "week_of",
]
