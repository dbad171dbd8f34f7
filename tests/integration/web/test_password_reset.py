"""Password reset by a time-limited, single-use emailed link."""

from __future__ import annotations

import datetime as dt
import re

from workforce.people.accounts import token_digest
from workforce.people.tables import UserAccount
from workforce.web import throttle
from workforce.web.tables import PasswordResetToken, WebSession

NEW_PASSWORD = "a brand new passphrase"
LINK = re.compile(r"http://\S+/password-reset/(\S+)")


async def _request_link(client, smtp_server, email_address: str) -> str:
    response = await client.post("/password-reset", {"email": email_address})
    assert response.status_code == 200
    assert "Check your email" in response.text
    bodies = smtp_server.bodies_to(email_address)
    assert len(bodies) == 1, bodies
    match = LINK.search(bodies[0])
    assert match, bodies[0]
    return match.group(1)


async def test_reset_link_is_emailed_and_sets_a_new_password_once(client, other_client, login_as, smtp_server):
    account = await login_as("admin")
    assert await WebSession.count() == 1
    token = await _request_link(other_client, smtp_server, account.email)
    # Only a hash of the token is stored.
    rows = await PasswordResetToken.select(PasswordResetToken.token_hash)
    assert [row["token_hash"] for row in rows] == [token_digest(token)]

    form = await other_client.page(f"/password-reset/{token}")
    assert account.email in form.text
    response = await other_client.post(f"/password-reset/{token}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 303 and response.headers["location"] == "/sign-in?reset=true"
    banner = await other_client.page("/sign-in?reset=true")
    assert "Your password has been changed" in banner.text

    # Every session of the account ended; the old password no longer works, the new one does.
    assert await WebSession.count() == 0
    assert (await client.get("/admin/users")).status_code == 303
    assert (await other_client.sign_in(account.email, client.password)).status_code == 422
    assert (await other_client.sign_in(account.email, NEW_PASSWORD)).status_code == 303

    # The link works once.
    again = await other_client.http.get(f"/password-reset/{token}")
    assert again.status_code == 410
    assert "expired or has already been used" in again.text
    reuse = await other_client.post(f"/password-reset/{token}", {"password": "yet another passphrase", "confirm": "yet another passphrase"})
    assert reuse.status_code == 410
    await other_client.sign_out()
    assert (await other_client.sign_in(account.email, NEW_PASSWORD)).status_code == 303


async def test_reset_link_expires(client, login_as, smtp_server):
    account = await login_as("admin")
    await client.sign_out()
    token = await _request_link(client, smtp_server, account.email)
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    await PasswordResetToken.update({PasswordResetToken.expires_at: past}, force=True)
    assert (await client.http.get(f"/password-reset/{token}")).status_code == 410
    response = await client.post(f"/password-reset/{token}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 410
    assert (await client.sign_in(account.email, NEW_PASSWORD)).status_code == 422


async def test_a_new_password_is_checked(client, login_as, smtp_server, check_page):
    account = await login_as("admin")
    await client.sign_out()
    token = await _request_link(client, smtp_server, account.email)
    short = await client.post(f"/password-reset/{token}", {"password": "short", "confirm": "short"})
    assert short.status_code == 422
    check_page(short)
    assert "Password must be 12 characters or more" in short.text
    mismatch = await client.post(f"/password-reset/{token}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"})
    assert mismatch.status_code == 422 and "The passwords do not match" in mismatch.text
    # Failed attempts do not use the link up.
    ok = await client.post(f"/password-reset/{token}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert ok.status_code == 303


async def test_unknown_email_gets_the_same_page_and_no_email(client, smtp_server):
    response = await client.post("/password-reset", {"email": "nobody@example.org"})
    assert response.status_code == 200 and "Check your email" in response.text
    assert smtp_server.messages == []
    assert await PasswordResetToken.count() == 0


async def test_disabled_account_gets_no_link(client, login_as, smtp_server):
    account = await login_as("admin")
    await UserAccount.update({UserAccount.active: False}).where(UserAccount.id == account.id)
    response = await client.post("/password-reset", {"email": account.email})
    assert response.status_code == 200
    assert smtp_server.messages == []


async def test_reset_requests_are_rate_limited(client, login_as, smtp_server):
    account = await login_as("admin")
    for _ in range(throttle.MAX_RESET_REQUESTS_PER_EMAIL + 2):
        response = await client.post("/password-reset", {"email": account.email})
        assert response.status_code == 200
    assert len(smtp_server.bodies_to(account.email)) == throttle.MAX_RESET_REQUESTS_PER_EMAIL


async def test_invalid_email_gets_an_error_summary(client, check_page):
    response = await client.post("/password-reset", {"email": "not-an-email"})
    assert response.status_code == 422
    check_page(response)
    assert "Enter an email address in the correct format" in response.text


async def test_made_up_token_is_refused(client):
    response = await client.http.get("/password-reset/made-up-token")
    assert response.status_code == 410
