"""Identification's models: rosters, findings and check jobs (checks); the 12345 procedure's
applications and their steps (procedure); public notices and objections (notices); complaints."""

from .checks import (
    MONEY,
    CheckJob,
    CheckRule,
    Finding,
    FindingQuerySet,
    Roster,
    RosterEntry,
    RosterQuerySet,
    RosterType,
)
from .complaints import Complaint, ComplaintQuerySet
from .notices import Holiday, Notice, NoticeItem, NoticePeriod, Objection
from .procedure import Application, ApplicationQuerySet, Attachment, StepRecord, VillageQuota

__all__ = [
    "MONEY",
    "Application",
    "ApplicationQuerySet",
    "Attachment",
    "CheckJob",
    "CheckRule",
    "Complaint",
    "ComplaintQuerySet",
    "Finding",
    "FindingQuerySet",
    "Holiday",
    "Notice",
    "NoticeItem",
    "NoticePeriod",
    "Objection",
    "Roster",
    "RosterEntry",
    "RosterQuerySet",
    "RosterType",
    "StepRecord",
    "VillageQuota",
]
