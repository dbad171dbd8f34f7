"""Saved evaluation results (a dated, reproducible snapshot of a standard's findings) and the stored figures
and facts pages read instead of gathering them each time."""

from piccolo.columns import JSON, BigInt, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from workforce.organisations.tables import School


class EvaluationSnapshot(Table, tablename="evaluation_snapshot"):
    standard_id = Varchar(length=64, index=True)
    standard_version = Varchar(length=32)
    as_of = Date(index=True)
    scope = Varchar(length=16, default="national")  # national | trust | school
    scope_ref = Varchar(length=16, null=True, default=None)  # trust UID or school URN
    params = JSON(default="{}")  # what-if overrides, {} for the published standard
    finding_count = Integer(default=0)
    content_hash = Varchar(length=64)  # sha256 of the canonical findings JSON
    created_at = Timestamptz(index=True)
    created_by = Varchar(length=255, default="")


class SnapshotFinding(Table, tablename="snapshot_finding"):
    snapshot = ForeignKey(references=EvaluationSnapshot, on_delete=OnDelete.cascade, index=True)
    rule = Varchar(length=64)
    subject = Varchar(length=8)  # school | trust | person
    urn = Integer(null=True, default=None, index=True)
    trust_uid = Varchar(length=16, null=True, default=None, index=True)
    person_id = Integer(null=True, default=None)
    outcome = Varchar(length=16)
    basis = Varchar(length=20)
    due = Date(null=True, default=None)
    reason = Text()
    metrics = JSON(null=True, default=None)  # figures behind a ratio finding (FTE, pupils, thresholds)


class NationalFiguresSummary(Table, tablename="national_figures_summary"):
    """The national staffing figures (pupils and FTE per scope group, phase and role) for one as-of date,
    kept so a school's page reads one row instead of aggregating every employment in the country."""

    as_of = Date(unique=True)
    figures = JSON()  # {"pupils": [[scope_group, phase, schools, pupils], ...], "fte": [[..., role, fte], ...]}
    computed_at = Timestamptz(index=True)


class SchoolSummary(Table, tablename="school_summary"):
    """One school's facts as its page last gathered them, and whether they are still current
    (``facts_version == version``): see ``workforce.compliance.summaries``."""

    school = ForeignKey(references=School, unique=True, on_delete=OnDelete.cascade)
    version = BigInt(default=0)  # one more after every change to records the school's facts include
    facts_version = BigInt(default=0)  # the version read before ``facts`` were gathered
    facts_epoch = BigInt(default=0)  # the epoch (``SchoolSummaryEpoch``) read before ``facts`` were gathered
    as_of = Date(null=True, default=None)
    facts = Text(null=True, default=None)  # JSON: workforce.compliance.summaries.facts_to_json
    computed_at = Timestamptz(null=True, default=None)


class SchoolSummaryEpoch(Table, tablename="school_summary_epoch"):
    """One row: one more after every applied import, which makes every stored school summary out of date."""

    value = BigInt(default=0)
