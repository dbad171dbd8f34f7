"""Training: CPD records, qualifications and ITT/ECF placements."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Real, Text, Timestamptz, Varchar
from piccolo.columns import OnDelete
from piccolo.table import Table

from workforce.people.tables import StaffMember


class CpdRecord(Table, tablename="cpd_record"):
    staff = ForeignKey(references=StaffMember, on_delete=OnDelete.cascade, index=True)
    record_ref = Varchar(length=64, null=True, default=None)  # importer's id, for idempotent re-imports
    title = Varchar(length=255)
    provider = Varchar(length=255, default="")
    activity_date = Date(index=True)
    hours = Real(default=0.0)
    is_send = Boolean(default=True)
    send_area = Varchar(length=40, default="general")
    mandatory_module = Boolean(default=False)
    evidence_ref = Varchar(length=255, default="")
    evidence_file = Varchar(length=255, null=True, default=None)  # random stored name under uploads/
    reflection = Text(default="")
    status = Varchar(length=16, default="self-reported")  # self-reported | verified
    verified_by = Varchar(length=255, null=True, default=None)
    verified_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Qualification(Table, tablename="qualification"):
    staff = ForeignKey(references=StaffMember, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=32, index=True)  # npq-senco | nasenco | npq-headship | head-send | send-leadership | mq-*
    status = Varchar(length=16)  # registered | in-progress | passed | failed | withdrawn | voided
    provider = Varchar(length=255, default="")
    start_date = Date(null=True, default=None)
    award_date = Date(null=True, default=None)
    updated_at = Timestamptz()


class Placement(Table, tablename="placement"):
    staff = ForeignKey(references=StaffMember, on_delete=OnDelete.cascade, index=True)
    route = Varchar(length=8)  # ITT | ECF
    host_urn = Integer(index=True)
    start_date = Date()
    end_date = Date(null=True, default=None)
    days = Integer(default=0)
    updated_at = Timestamptz()
