"""Account services and the `workforce users` commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from workforce.people import accounts
from workforce.people.tables import AuditEntry, UserAccount
from workforce.web.tables import WebSession

PASSWORD = "a long enough passphrase"
WORKFORCE = str(Path(sys.executable).parent / "workforce")


async def test_production_hashes_are_argon2id(monkeypatch):
    monkeypatch.setattr(accounts, "password_hasher", PasswordHasher())
    hashed = await accounts.password_hash(PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert "m=65536,t=3,p=4" in hashed
    assert await accounts.password_verify(hashed, PASSWORD)
    assert not await accounts.password_verify(hashed, PASSWORD + "x")


async def test_create_teacher_with_staff_record(make_school, make_staff):
    school = await make_school()
    staff = await make_staff(school=school)
    account = await accounts.user_create(
        email="  Teacher@Example.ORG ", role="teacher", password=PASSWORD, staff_id=staff.id
    )
    row = await UserAccount.select().where(UserAccount.id == account.id).first()
    assert row["email"] == "teacher@example.org"
    assert row["staff"] == staff.id and row["school"] is None and row["trust"] is None
    assert row["password_hash"].startswith("$argon2id$") and PASSWORD not in row["password_hash"]
    audit = await AuditEntry.select().where(AuditEntry.entity == "user_account").first()
    assert audit["action"] == "create" and audit["entity_id"] == account.id and audit["staff"] == staff.id


@pytest.mark.parametrize(
    ("role", "scope", "message"),
    [
        ("teacher", {}, "A teacher account needs the member of staff it belongs to"),
        ("school_lead", {}, "A school lead account needs a school (--school URN)"),
        ("hr_lead", {}, "An HR lead account needs a trust (--trust UID)"),
        ("hr_lead", {"school": True}, "An HR lead account is scoped to a trust (--trust UID), not a school"),
        ("school_lead", {"trust": True, "school": True}, "An account is scoped to a school or to a trust, not both"),
        ("dfe_analyst", {"school": True}, "A dfe_analyst account is not scoped to a school or a trust"),
        ("superuser", {}, "Role must be one of: teacher, school_lead, hr_lead, inspector, dfe_analyst, admin"),
    ],
)
async def test_role_and_scope_must_fit(make_school, make_trust, role, scope, message):
    school = await make_school()
    trust = await make_trust(schools=[school])
    with pytest.raises(accounts.AccountError) as error:
        await accounts.user_create(
            email="someone@example.org",
            role=role,
            password=PASSWORD,
            school_urn=school.urn if scope.get("school") else None,
            trust_uid=trust.uid if scope.get("trust") else None,
        )
    assert message in error.value.message
    assert await UserAccount.count() == 0


async def test_unknown_school_trust_and_staff_are_named(make_school):
    with pytest.raises(accounts.AccountError, match="No school with URN 123456"):
        await accounts.user_create(email="a@example.org", role="school_lead", password=PASSWORD, school_urn=123456)
    with pytest.raises(accounts.AccountError, match="No trust with UID 9999"):
        await accounts.user_create(email="a@example.org", role="hr_lead", password=PASSWORD, trust_uid="9999")
    with pytest.raises(accounts.AccountError, match="No member of staff with reference 'X1'"):
        await accounts.user_create(email="a@example.org", role="teacher", password=PASSWORD, staff_ref="X1")


async def test_email_password_and_duplicates_are_checked():
    with pytest.raises(accounts.AccountError, match="correct format"):
        await accounts.user_create(email="not an email", role="admin", password=PASSWORD)
    with pytest.raises(accounts.AccountError, match="12 characters or more"):
        await accounts.user_create(email="a@example.org", role="admin", password="short")
    await accounts.user_create(email="a@example.org", role="admin", password=PASSWORD)
    with pytest.raises(accounts.AccountError, match="already exists"):
        await accounts.user_create(email="A@example.org", role="admin", password=PASSWORD)
    assert await UserAccount.count() == 1


async def test_authenticate(make_school):
    await accounts.user_create(email="a@example.org", role="admin", password=PASSWORD)
    assert (await accounts.user_authenticate(email="A@EXAMPLE.ORG", password=PASSWORD)).email == "a@example.org"
    assert await accounts.user_authenticate(email="a@example.org", password=PASSWORD + "!") is None
    assert await accounts.user_authenticate(email="b@example.org", password=PASSWORD) is None
    await accounts.user_disable(email="a@example.org", actor="test")
    assert await accounts.user_authenticate(email="a@example.org", password=PASSWORD) is None


async def test_user_list_shows_scope(make_school, make_trust):
    school = await make_school(urn=111111, name="Alpha School")
    trust = await make_trust(uid="5001", name="Beta Trust", schools=[school])
    await accounts.user_create(email="lead@example.org", role="school_lead", password=PASSWORD, school_urn=111111)
    await accounts.user_create(email="hr@example.org", role="hr_lead", password=PASSWORD, trust_uid=trust.uid)
    rows = {row["email"]: row for row in await accounts.user_list()}
    assert rows["lead@example.org"]["school_urn"] == 111111 and rows["lead@example.org"]["school_name"] == "Alpha School"
    assert rows["hr@example.org"]["trust_uid"] == "5001" and rows["hr@example.org"]["school_urn"] is None


# ---------------------------------------------------------------- CLI (the real entry point, in a subprocess)


def _workforce(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [WORKFORCE, *args], input=stdin, capture_output=True, text=True, env=dict(os.environ), timeout=60
    )


async def test_cli_create_list_and_disable(make_school, make_trust, make_staff):
    school = await make_school(urn=222222, name="Gamma School")
    trust = await make_trust(uid="6001", name="Delta Trust", schools=[school])
    staff = await make_staff(school=school)

    created = _workforce("users", "create", "HR@example.org", "--role", "hr_lead", "--trust", "6001",
                         "--password-stdin", stdin=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    assert "Created hr_lead account hr@example.org" in created.stdout
    teacher = _workforce("users", "create", "t@example.org", "--role", "teacher", "--staff-id", staff.staff_ref,
                         "--password-stdin", stdin=PASSWORD + "\n")
    assert teacher.returncode == 0, teacher.stderr
    row = await UserAccount.select().where(UserAccount.email == "t@example.org").first()
    assert row["staff"] == staff.id

    listed = _workforce("users", "list")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("hr@example.org\thr_lead\tactive\ttrust 6001 Delta Trust")
    assert lines[1].startswith(f"t@example.org\tteacher\tactive\tstaff {staff.staff_ref}")

    # The password given on stdin works for signing in.
    assert (await accounts.user_authenticate(email="hr@example.org", password=PASSWORD)) is not None

    disabled = _workforce("users", "disable", "hr@example.org")
    assert disabled.returncode == 0, disabled.stderr
    assert (await UserAccount.select(UserAccount.active).where(UserAccount.email == "hr@example.org").first()) == {
        "active": False
    }
    assert "hr@example.org\thr_lead\tdisabled" in _workforce("users", "list").stdout
    assert trust.id is not None


async def test_cli_errors_are_clear_and_change_nothing():
    missing_scope = _workforce("users", "create", "x@example.org", "--role", "school_lead", "--password-stdin",
                               stdin=PASSWORD + "\n")
    assert missing_scope.returncode != 0
    assert "A school lead account needs a school (--school URN)" in missing_scope.stderr
    no_password = _workforce("users", "create", "x@example.org", "--role", "admin", "--password-stdin", stdin="")
    assert no_password.returncode != 0 and "No password on standard input" in no_password.stderr
    bad_role = _workforce("users", "create", "x@example.org", "--role", "boss", "--password-stdin", stdin=PASSWORD)
    assert bad_role.returncode != 0 and "boss" in bad_role.stderr
    unknown = _workforce("users", "disable", "nobody@example.org")
    assert unknown.returncode != 0 and "No account with the email nobody@example.org" in unknown.stderr
    assert await UserAccount.count() == 0


async def test_disabling_ends_sessions(client, login_as):
    account = await login_as("admin")
    assert await WebSession.count() == 1
    await accounts.user_disable(email=account.email, actor="test")
    assert await WebSession.count() == 0
