"""Organisations: regions, local authorities, trusts, schools and trust memberships.

Table definitions only; logic lives in the domain's service and selector modules.
"""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns import OnDelete
from piccolo.table import Table


class Region(Table, tablename="region"):
    code = Varchar(length=8, unique=True)  # GIAS "GOR (code)", e.g. "H"
    name = Varchar(length=100)


class LocalAuthority(Table, tablename="local_authority"):
    code = Varchar(length=8, unique=True)  # GIAS "LA (code)", e.g. "202"
    name = Varchar(length=100)
    region = ForeignKey(references=Region, null=True, on_delete=OnDelete.set_null)


class Trust(Table, tablename="trust"):
    uid = Varchar(length=16, unique=True)  # GIAS group UID ("Trusts (code)")
    name = Varchar(length=255)
    trust_type = Varchar(length=8, default="MAT")  # MAT | SAT | OTHER (foundation trusts)
    updated_at = Timestamptz()


class School(Table, tablename="school"):
    urn = Integer(unique=True)
    name = Varchar(length=255)
    local_authority = ForeignKey(references=LocalAuthority, null=True, on_delete=OnDelete.set_null)
    region = ForeignKey(references=Region, null=True, on_delete=OnDelete.set_null)
    type_code = Integer()
    type_name = Varchar(length=120, default="")
    phase = Varchar(length=60, default="")
    status_code = Integer(default=1)  # 1 open, 2 closed, 3 open but proposed to close, 4 proposed to open
    status_name = Varchar(length=60, default="")
    open_date = Date(null=True, default=None)
    close_date = Date(null=True, default=None)
    number_of_pupils = Integer(null=True, default=None)
    sen_support_pupils = Integer(null=True, default=None)  # GIAS SENNoStat
    ehc_plan_pupils = Integer(null=True, default=None)  # GIAS SENStat
    resourced_provision = Boolean(default=False)
    sen_unit = Boolean(default=False)
    scope_group = Varchar(length=32, default="out-of-scope", index=True)
    opted_in = Boolean(default=False)  # out-of-scope establishments a user chose to include
    updated_at = Timestamptz()


class TrustMembership(Table, tablename="trust_membership"):
    trust = ForeignKey(references=Trust, on_delete=OnDelete.cascade, index=True)
    school = ForeignKey(references=School, on_delete=OnDelete.cascade, index=True)
    joined_on = Date(null=True, default=None)
    left_on = Date(null=True, default=None)
