"""The demo data loads through the real importers, is idempotent, and contains what the README promises."""

from workforce.organisations.tables import School, Trust, TrustMembership
from workforce.people.accounts import user_authenticate
from workforce.people.tables import Employment, StaffMember, UserAccount
from workforce.seeding.demo import DEMO_PASSWORD, demo_logins, seed_demo
from workforce.training.tables import CpdRecord, Qualification


async def _counts() -> dict[str, int]:
    tables = [School, Trust, TrustMembership, StaffMember, Employment, CpdRecord, Qualification, UserAccount]
    return {table._meta.tablename: await table.count() for table in tables}


async def test_demo_loads_once_and_again_changes_nothing():
    await seed_demo(progress=lambda _line: None)
    first = await _counts()
    assert first["school"] == 8
    assert first["trust"] == 1
    assert first["user_account"] == len(demo_logins()) == 6
    await seed_demo(progress=lambda _line: None)
    assert await _counts() == first


async def test_demo_has_every_role_and_a_real_gap():
    await seed_demo(progress=lambda _line: None)
    roles = {row["role"] for row in await Employment.select(Employment.role)}
    assert {"teacher", "ta", "senco", "headteacher", "deputy-head", "trust-leader"} <= roles
    special = await School.objects().where(School.urn == 149004).first()
    assert special.scope_group == "special"
    khan = await StaffMember.objects().where(StaffMember.last_name == "Khan").first()
    senco_post = await Employment.objects().where(
        (Employment.staff == khan.id) & (Employment.role == "senco")
    ).first()
    assert str(senco_post.start_date) == "2023-01-03"
    passed = await Qualification.count().where(
        (Qualification.staff == khan.id) & (Qualification.status == "passed")
    )
    assert passed == 0


async def test_every_demo_login_signs_in_with_the_documented_password():
    await seed_demo(progress=lambda _line: None)
    for login in demo_logins():
        account = await user_authenticate(email=login.email, password=DEMO_PASSWORD)
        assert account is not None, login.email
        assert account.role == login.role
    assert await user_authenticate(email="teacher@demo.example", password="wrong-password-123") is None
