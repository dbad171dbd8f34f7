"""Signing in and out, sessions, throttling and CSRF."""

from __future__ import annotations

import datetime as dt
import re

from workforce.people.accounts import user_disable
from workforce.web import throttle
from workforce.web.auth_routes import WRONG_DETAILS
from workforce.web.sessions import session_key
from workforce.web.tables import LoginAttempt, WebSession

TEST_PASSWORD = "correct horse battery staple"  # what login_as gives every account (WebClient.password)


async def _account(login_as, client, role="admin"):
    """Create an account by signing in once, then sign out again (the client keeps the CSRF cookie)."""
    account = await login_as(role)
    await client.post("/sign-out")
    return account


async def test_sign_in_page_renders(client):
    response = await client.page("/sign-in")
    assert 'name="email"' in response.text and 'name="password"' in response.text


async def test_sign_in_succeeds_and_lands_on_the_home_page(client, login_as):
    account = await login_as("admin")
    response = await client.page("/")
    assert account.email in response.text
    assert "Sign out" in response.text


async def test_wrong_password_and_unknown_email_get_the_same_answer(client, login_as):
    account = await _account(login_as, client)
    wrong_password = await client.sign_in(account.email, "not the password at all")
    unknown_email = await client.sign_in("nobody-here@example.org", "not the password at all")
    assert wrong_password.status_code == unknown_email.status_code == 422
    assert WRONG_DETAILS in wrong_password.text and WRONG_DETAILS in unknown_email.text
    # Apart from the email typed back into the form, the two pages are identical.
    assert wrong_password.text.replace(account.email, "EMAIL") == unknown_email.text.replace(
        "nobody-here@example.org", "EMAIL"
    )
    assert client.session_id is None


async def test_empty_form_gets_an_error_summary(client, check_page):
    response = await client.post("/sign-in", {"email": "", "password": ""})
    assert response.status_code == 422
    check_page(response)
    assert "govuk-error-summary" in response.text
    assert "Enter your email address" in response.text and "Enter your password" in response.text
    assert response.text.count("<title>Error: Sign in") == 1


async def test_repeated_failures_lock_the_email_for_a_while(client, login_as):
    account = await _account(login_as, client)
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL):
        response = await client.sign_in(account.email, "wrong password, again")
        assert response.status_code == 422
    # The right password no longer helps while the lock lasts.
    locked = await client.sign_in(account.email, TEST_PASSWORD)
    assert locked.status_code == 429
    assert "Too many attempts to sign in. Try again in 15 minutes." in locked.text
    assert client.session_id is None
    # An unknown email is locked in exactly the same way (nothing reveals which emails exist).
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL):
        await client.sign_in("ghost@example.org", "wrong password, again")
    assert (await client.sign_in("ghost@example.org", "x" * 12)).status_code == 429


async def test_lock_ends_when_the_failures_leave_the_window(client, login_as):
    account = await _account(login_as, client)
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL):
        await client.sign_in(account.email, "wrong password, again")
    assert (await client.sign_in(account.email, TEST_PASSWORD)).status_code == 429
    old = dt.datetime.now(dt.timezone.utc) - throttle.WINDOW - dt.timedelta(seconds=5)
    await LoginAttempt.update({LoginAttempt.attempted_at: old}).where(LoginAttempt.succeeded == "n")
    assert (await client.sign_in(account.email, TEST_PASSWORD)).status_code == 303


async def test_a_success_resets_the_email_count(client, login_as):
    account = await _account(login_as, client)
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL - 1):
        await client.sign_in(account.email, "wrong password, again")
    assert (await client.sign_in(account.email, TEST_PASSWORD)).status_code == 303
    await client.post("/sign-out")
    await client.sign_in(account.email, "wrong password, again")
    assert (await client.sign_in(account.email, TEST_PASSWORD)).status_code == 303


async def test_one_address_trying_many_emails_is_locked(client):
    for number in range(throttle.MAX_FAILURES_PER_ADDRESS):
        await client.sign_in(f"guess{number}@example.org", "wrong password, again")
    response = await client.sign_in("another-guess@example.org", "wrong password, again")
    assert response.status_code == 429


async def test_session_id_changes_at_sign_in(client, login_as):
    account = await _account(login_as, client)
    # Plant a session id before signing in (as an attacker fixing the session would).
    planted = "a" * 64
    client.set_cookie("workforce_session", planted)
    response = await client.sign_in(account.email)
    assert response.status_code == 303
    new_id = client.session_id
    assert new_id and new_id != planted
    assert await WebSession.exists().where(WebSession.session_key == session_key(new_id))
    assert not await WebSession.exists().where(WebSession.session_key == session_key(planted))
    # Signing in again (from a signed-in session) rotates once more and the previous id stops working.
    await client.sign_in(account.email)
    assert client.session_id != new_id
    assert not await WebSession.exists().where(WebSession.session_key == session_key(new_id))


async def test_session_row_stores_only_a_hash_of_the_id(client, login_as):
    await login_as("admin")
    rows = await WebSession.select(WebSession.session_key)
    assert len(rows) == 1
    assert rows[0]["session_key"] == session_key(client.session_id)
    assert rows[0]["session_key"] != client.session_id


async def test_old_session_id_is_invalid_after_sign_out(client, other_client, login_as):
    await login_as("admin")
    stolen = client.session_id
    assert (await client.get("/admin/users")).status_code == 200
    response = await client.post("/sign-out")
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert not await WebSession.exists().where(WebSession.session_key == session_key(stolen))
    # Someone replaying the old cookie gets nothing.
    other_client.set_cookie("workforce_session", stolen)
    replay = await other_client.get("/admin/users")
    assert replay.status_code == 303
    assert replay.headers["location"].startswith("/sign-in")


async def test_anonymous_visits_create_no_session_rows(client):
    await client.get("/")
    await client.get("/sign-in")
    await client.post("/sign-in", {"email": "", "password": ""})
    assert await WebSession.count() == 0
    assert client.session_id is None


async def _backdate(**columns):
    await WebSession.update({getattr(WebSession, name): value for name, value in columns.items()}, force=True)


async def test_idle_timeout_ends_the_session(client, login_as):
    await login_as("admin")
    idle = dt.timedelta(minutes=30)  # SESSION_IDLE_MINUTES default
    now = dt.datetime.now(dt.timezone.utc)
    await _backdate(last_seen_at=now - idle + dt.timedelta(minutes=1))
    assert (await client.get("/admin/users")).status_code == 200  # 29 minutes idle: still signed in
    await _backdate(last_seen_at=now - idle - dt.timedelta(minutes=1))
    response = await client.get("/admin/users")
    assert response.status_code == 303 and response.headers["location"] == "/sign-in?next=/admin/users"
    assert await WebSession.count() == 0


async def test_requests_keep_the_session_alive(client, login_as):
    await login_as("admin")
    before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=20)
    await _backdate(last_seen_at=before)
    assert (await client.get("/admin/users")).status_code == 200
    row = await WebSession.select(WebSession.last_seen_at).first()
    assert row["last_seen_at"] > before + dt.timedelta(minutes=19)


async def test_a_page_reads_the_session_row_and_its_account_once(client, login_as, monkeypatch):
    """The end of a request compares the session with the row its start read, instead of reading it again;
    the signed-in account comes with that row, not from a query of its own."""
    from workforce import database

    await login_as("admin")
    assert (await client.get("/admin/users")).status_code == 200
    reads: list[str] = []
    engine_class = type(database.engine())
    original = engine_class.run_querystring

    async def counted(self, querystring, *args, **kwargs):
        if str(querystring).lstrip().upper().startswith("SELECT"):
            reads.append(str(querystring))
        return await original(self, querystring, *args, **kwargs)

    monkeypatch.setattr(engine_class, "run_querystring", counted)
    assert (await client.get("/admin/users")).status_code == 200
    session_reads = [q for q in reads if re.search(r"\bweb_session\b", q)]
    assert len(session_reads) == 1, session_reads
    assert "user_account" in session_reads[0]
    account_reads = [q for q in reads if re.search(r"FROM \"?user_account\"? u\b.*WHERE u\.id", q, re.S)]
    assert account_reads == [], account_reads


async def test_absolute_timeout_ends_even_an_active_session(client, login_as):
    await login_as("admin")
    now = dt.datetime.now(dt.timezone.utc)
    await _backdate(created_at=now - dt.timedelta(hours=12, minutes=1), last_seen_at=now)
    response = await client.get("/admin/users")
    assert response.status_code == 303
    assert await WebSession.count() == 0


async def test_disabled_account_is_signed_out_at_once(client, login_as):
    account = await login_as("admin")
    await user_disable(email=account.email, actor="test")
    response = await client.get("/admin/users")
    assert response.status_code == 303
    assert (await client.sign_in(account.email)).status_code == 422


async def test_session_cookie_flags(client, login_as):
    account = await _account(login_as, client)
    response = await client.sign_in(account.email)
    cookie = next(v for v in response.headers.get_list("set-cookie") if v.startswith("workforce_session="))
    flags = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    assert not any(flag.startswith("max-age") or flag.startswith("expires") for flag in flags)
    assert "secure" not in flags  # only in production (see test_production_cookies_are_secure)


async def test_form_without_csrf_token_is_refused(client, login_as, check_page):
    account = await _account(login_as, client)
    response = await client.post("/sign-in", {"email": account.email, "password": TEST_PASSWORD}, csrf=False)
    assert response.status_code == 403
    check_page(response)
    assert "Your session has expired" in response.text
    assert client.session_id is None


async def test_form_with_a_forged_csrf_token_is_refused(client, login_as):
    await login_as("admin")
    forged = "0" * 64 + "f" * 64
    response = await client.http.post("/sign-out", data={"_csrf_token": forged})
    assert response.status_code == 403
    assert (await client.get("/admin/users")).status_code == 200  # still signed in: the sign-out was refused


async def test_htmx_requests_send_the_token_in_a_header(client, login_as):
    await login_as("admin")
    page = await client.get("/")
    token = await client.csrf_token()
    assert f'hx-headers=\'{{"X-CSRFToken": "{token}"}}\'' in page.text
    response = await client.http.post("/sign-out", headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 303


async def test_next_parameter_returns_to_the_page_but_never_off_site(client, login_as):
    account = await _account(login_as, client)
    response = await client.post("/sign-in", {"email": account.email, "password": TEST_PASSWORD, "next": "/admin/users"})
    assert response.headers["location"] == "/admin/users"
    await client.post("/sign-out")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = await client.post("/sign-in", {"email": account.email, "password": TEST_PASSWORD, "next": target})
        assert response.headers["location"] == "/", target
        await client.post("/sign-out")


async def test_signed_in_user_visiting_sign_in_goes_home(client, login_as):
    await login_as("admin")
    response = await client.get("/sign-in")
    assert response.status_code == 303 and response.headers["location"] == "/"


async def test_oversized_request_body_is_refused(client):
    token = await client.csrf_token()
    response = await client.http.post(
        "/sign-in", data={"_csrf_token": token, "email": "a@example.org", "password": "x" * (300 * 1024)}
    )
    assert response.status_code == 413
