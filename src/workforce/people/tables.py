"""People: staff, their employment, SENCO exemptions, governance roles, user accounts and the audit log."""

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Real,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns import OnDelete
from piccolo.table import Table

from workforce.organisations.tables import School, Trust


class StaffMember(Table, tablename="staff_member"):
    staff_ref = Varchar(length=64, unique=True)  # the employer's staff id (internal id)
    trn = Varchar(length=7, null=True, default=None, unique=True)  # teacher reference number
    title = Varchar(length=20, default="")
    first_name = Varchar(length=100)
    last_name = Varchar(length=100)
    email = Varchar(length=255, null=True, default=None)
    qts = Boolean(default=False)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Employment(Table, tablename="employment"):
    staff = ForeignKey(references=StaffMember, on_delete=OnDelete.cascade, index=True)
    school = ForeignKey(references=School, null=True, on_delete=OnDelete.cascade, index=True)
    trust = ForeignKey(references=Trust, null=True, on_delete=OnDelete.cascade, index=True)  # trust-level posts
    role = Varchar(length=32, index=True)
    fte = Real(default=1.0)
    start_date = Date()
    end_date = Date(null=True, default=None)
    senior_leader = Boolean(default=False)
    senco_fte = Real(null=True, default=None)  # SENCO time in FTE (for SENCOs)
    sensory_class = Varchar(length=16, null=True, default=None)  # hearing | visual | multi-sensory
    sensory_class_since = Date(null=True, default=None)
    updated_at = Timestamptz()


class SencoExemption(Table, tablename="senco_exemption"):
    """A SENCO who served more than 12 months as SENCO before 1 September 2009."""

    staff = ForeignKey(references=StaffMember, on_delete=OnDelete.cascade, index=True)
    served_from = Date(null=True, default=None)
    served_to = Date(null=True, default=None)
    note = Text(default="")
    recorded_at = Timestamptz()


class GovernanceRole(Table, tablename="governance_role"):
    """A governor (school) or trustee (trust); not necessarily a member of staff."""

    full_name = Varchar(length=200)
    school = ForeignKey(references=School, null=True, on_delete=OnDelete.cascade, index=True)
    trust = ForeignKey(references=Trust, null=True, on_delete=OnDelete.cascade, index=True)
    role = Varchar(length=32, default="governor")  # governor | trustee | chair
    send_responsibility = Boolean(default=False)
    send_expertise = Text(default="")  # expertise or lived experience recorded
    start_date = Date(null=True, default=None)
    end_date = Date(null=True, default=None)


class UserAccount(Table, tablename="user_account"):
    email = Varchar(length=255, unique=True)
    password_hash = Varchar(length=255)
    role = Varchar(length=32)  # teacher | school_lead | hr_lead | inspector | dfe_analyst | admin
    school = ForeignKey(references=School, null=True, on_delete=OnDelete.set_null)
    trust = ForeignKey(references=Trust, null=True, on_delete=OnDelete.set_null)
    staff = ForeignKey(references=StaffMember, null=True, on_delete=OnDelete.set_null)
    display_name = Varchar(length=200, default="")
    active = Boolean(default=True)
    created_at = Timestamptz()
    last_login_at = Timestamptz(null=True, default=None)


class AuditEntry(Table, tablename="audit_entry"):
    """Every change to people's records: who, when, what (before and after)."""

    at = Timestamptz(index=True)
    actor = Varchar(length=255)  # user email, or "cli:<command>"
    action = Varchar(length=32)  # create | update | delete | import | verify | ...
    entity = Varchar(length=64)  # table name
    entity_id = Integer(null=True, default=None)
    staff = ForeignKey(references=StaffMember, null=True, on_delete=OnDelete.set_null, index=True)
    before = JSON(null=True, default=None)
    after = JSON(null=True, default=None)
