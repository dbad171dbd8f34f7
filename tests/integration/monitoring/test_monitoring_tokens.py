"""API tokens: issued to analysts only, shown once, stored hashed, expiring, revocable (service and CLI)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from click.testing import CliRunner

from workforce.cli import main, run_async
from workforce.database import engine
from workforce.monitoring import tokens as svc
from workforce.monitoring.tables import ApiToken
from workforce.people.tables import AuditEntry, UserAccount

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


async def make_user(email: str, role: str = "dfe_analyst", active: bool = True) -> UserAccount:
    user = UserAccount(email=email, password_hash="x", role=role, active=active, created_at=NOW)
    await user.save()
    return user


async def test_token_is_shown_once_and_stored_only_as_a_hash():
    user = await make_user("analyst@dfe.example")
    issued = await svc.api_token_create(email="Analyst@DfE.example", name="Notebook", days=30, actor="t", now=NOW)
    assert issued.token.startswith("wfa_") and len(issued.token) > 40
    assert issued.expires_at == NOW + dt.timedelta(days=30)
    rows = await ApiToken.select()
    assert len(rows) == 1
    row = rows[0]
    assert row["token_hash"] == hashlib.sha256(issued.token.encode()).hexdigest()
    assert issued.token not in str(row.values())
    assert row["token_prefix"] == issued.token[:10] and row["user"] == user.id
    audit = await AuditEntry.select().where(AuditEntry.entity == "api_token")
    assert [a["action"] for a in audit] == ["create"] and issued.token not in str(audit)


async def test_only_active_analysts_and_admins_get_tokens():
    await make_user("admin@dfe.example", role="admin")
    await make_user("lead@school.example", role="school_lead")
    await make_user("gone@dfe.example", active=False)
    assert (await svc.api_token_create(email="admin@dfe.example", actor="t")).token
    for email, message in [
        ("lead@school.example", "Only DfE analysts and administrators"),
        ("gone@dfe.example", "is disabled"),
        ("nobody@dfe.example", "No account"),
    ]:
        with pytest.raises(svc.TokenError, match=message):
            await svc.api_token_create(email=email, actor="t")
    with pytest.raises(svc.TokenError, match="Days must be"):
        await svc.api_token_create(email="admin@dfe.example", days=0, actor="t")
    assert await ApiToken.count() == 1


async def test_authenticate_checks_expiry_revocation_and_the_account():
    user = await make_user("analyst@dfe.example")
    issued = await svc.api_token_create(email=user.email, days=1, actor="t", now=NOW)
    assert (await svc.api_token_authenticate(issued.token, now=NOW + dt.timedelta(hours=1))).id == user.id
    row = await ApiToken.select().first()
    assert row["last_used_at"] == NOW + dt.timedelta(hours=1)
    # expired a day later
    assert await svc.api_token_authenticate(issued.token, now=NOW + dt.timedelta(days=1)) is None
    # a changed character, another prefix, or nothing at all
    assert await svc.api_token_authenticate(issued.token[:-1] + ("A" if issued.token[-1] != "A" else "B"), now=NOW) is None
    assert await svc.api_token_authenticate("", now=NOW) is None
    assert await svc.api_token_authenticate(issued.token.replace("wfa_", "xyz_"), now=NOW) is None
    # the account loses its role: the token stops working
    await UserAccount.update({UserAccount.role: "teacher"}).where(UserAccount.id == user.id)
    assert await svc.api_token_authenticate(issued.token, now=NOW) is None
    await UserAccount.update({UserAccount.role: "dfe_analyst", UserAccount.active: False}).where(
        UserAccount.id == user.id
    )
    assert await svc.api_token_authenticate(issued.token, now=NOW) is None


async def test_revoke_stops_the_token_and_only_the_owner_may_revoke_from_the_web():
    alice = await make_user("alice@dfe.example")
    bob = await make_user("bob@dfe.example")
    issued = await svc.api_token_create(email=alice.email, actor="t", now=NOW)
    with pytest.raises(svc.TokenError):
        await svc.api_token_revoke(token_id=issued.id, actor="bob", user_id=bob.id)
    assert await svc.api_token_authenticate(issued.token, now=NOW) is not None
    await svc.api_token_revoke(token_id=issued.id, actor="alice", user_id=alice.id, now=NOW)
    assert await svc.api_token_authenticate(issued.token, now=NOW) is None
    listed = await svc.api_tokens_list(user_id=alice.id)
    assert [t["status"] for t in listed] == ["revoked"]
    assert "token_hash" not in listed[0]
    with pytest.raises(svc.TokenError, match="No API token"):
        await svc.api_token_revoke(token_id=9999, actor="t")


@pytest.fixture
def cli():
    db = engine()
    saved = getattr(db, "pool", None)
    if saved is not None:
        db.pool = None
    runner = CliRunner()
    yield lambda *args: runner.invoke(main, ["tokens", *map(str, args)], catch_exceptions=False)
    if saved is not None:
        db.pool = saved


def test_tokens_commands_create_list_revoke(cli):
    run_async(make_user("analyst@dfe.example"))
    run_async(make_user("teacher@school.example", role="teacher"))

    created = cli("create", "analyst@dfe.example", "--name", "Pipeline", "--days", "7")
    assert created.exit_code == 0, created.output
    lines = created.stdout.splitlines()
    assert lines[0].startswith("Created API token 1 (Pipeline), expires")
    token = lines[-1]
    assert token.startswith("wfa_")
    assert run_async(svc.api_token_authenticate(token)) is not None

    listed = cli("list", "analyst@dfe.example")
    assert listed.exit_code == 0
    assert "Pipeline" in listed.stdout and "active" in listed.stdout and token not in listed.stdout

    refused = cli("create", "teacher@school.example")
    assert refused.exit_code == 1 and "Only DfE analysts" in refused.stderr
    assert cli("create", "analyst@dfe.example", "--days", "0").exit_code == 2

    revoked = cli("revoke", "1")
    assert revoked.exit_code == 0 and revoked.stdout.strip() == "Revoked API token 1 (Pipeline)."
    assert run_async(svc.api_token_authenticate(token)) is None
    assert "revoked" in cli("list", "analyst@dfe.example").stdout
    assert cli("revoke", "42").exit_code == 1
