"""Fixtures for every integration test.

Database: one migrated database per run, emptied before every test.

Pages: an app, a browser-like client, signing in as any role, factories, an SMTP server.

- ``app``: one app per test session, started with its lifespan.
- ``client``: a fresh ``WebClient`` per test (its own cookies). ``client.post`` sends the CSRF token like a
  form would (``csrf=False`` to leave it out); ``client.page(path)`` fetches a page, asserts its status and runs
  the page checks (one <h1>, title starts with it, forms with action and CSRF token, no duplicate ids, labels);
  ``client.sign_in(email, password=client.password)``, ``client.sign_out()``.
- ``login_as(role, ...)``: creates an account of that role (with a school, trust or member of staff to scope it
  to unless given) and signs the ``client`` in with it; returns the ``UserAccount``.
- ``make_school``, ``make_trust``, ``make_staff``: minimal organisation and staff rows.
- ``smtp_server``: a local SMTP server that keeps what it receives (``smtp_server.messages``); the app's
  SMTP_HOST/SMTP_PORT point at it for the test.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import itertools
import socketserver
import threading
from dataclasses import dataclass, field

import httpx
import pytest
from asgi_lifespan import LifespanManager

from workforce import database
from workforce.app import CSRF_COOKIE, create_app
from workforce.config import get_settings
from workforce.db import is_postgres
from workforce.organisations.tables import School, Trust, TrustMembership
from workforce.people import accounts
from workforce.people.tables import Employment, StaffMember
from workforce.web.page_check import CSRF_FIELD, page_problems
from workforce.web.sessions import SESSION_COOKIE


async def _drop_everything() -> None:
    db = database.engine()
    if is_postgres(db):
        await db.run_ddl("DROP SCHEMA public CASCADE")
        await db.run_ddl("CREATE SCHEMA public")


@pytest.fixture(scope="session")
async def migrated_db():
    await _drop_everything()
    await database.migrate()
    await database.open_pool()
    yield database.engine()
    await database.close_pool()


@pytest.fixture(autouse=True)
async def clean_db(migrated_db):
    await database.truncate_all()
    yield migrated_db


BASE_URL = "http://testserver"
COOKIE_DOMAIN = "testserver.local"  # how the cookie jar records cookies set by a dotless host
TEST_PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


# ---------------------------------------------------------------- app and client


@pytest.fixture(scope="session")
async def app(migrated_db):
    application = create_app()
    async with LifespanManager(application):
        yield application


class WebClient:
    """An httpx client for the app that behaves like a browser submitting GOV.UK forms."""

    password = TEST_PASSWORD  # the password ``login_as`` gives every account

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def sign_in(self, email_address: str, password: str = TEST_PASSWORD) -> httpx.Response:
        """Submit the sign-in form (303 on success)."""
        return await self.post("/sign-in", {"email": email_address, "password": password})

    async def sign_out(self) -> httpx.Response:
        return await self.post("/sign-out")

    async def get(self, path: str, **kwargs) -> httpx.Response:
        return await self.http.get(path, **kwargs)

    async def csrf_token(self) -> str:
        """The token a form on a page would carry (the CSRF cookie, set by any GET)."""
        if not self.cookie(CSRF_COOKIE):
            await self.http.get("/sign-in")
        token = self.cookie(CSRF_COOKIE)
        assert token, "the app did not set a CSRF cookie"
        return token

    async def post(self, path: str, data: dict | None = None, *, csrf: bool = True, **kwargs) -> httpx.Response:
        form = dict(data or {})
        if csrf:
            form[CSRF_FIELD] = await self.csrf_token()
        return await self.http.post(path, data=form, **kwargs)

    async def page(self, path: str, status: int = 200, **kwargs) -> httpx.Response:
        """GET a page, check its status and run the page checks on it."""
        response = await self.http.get(path, **kwargs)
        assert response.status_code == status, f"GET {path}: {response.status_code}, expected {status}"
        assert_page_ok(response)
        return response

    def use_app(self, app) -> None:
        """Send this client's requests to another app (e.g. one built with probe routes), keeping cookies."""
        self.http._transport = httpx.ASGITransport(app=app)

    def cookie(self, name: str) -> str | None:
        values = [c.value for c in self.http.cookies.jar if c.name == name]
        return values[-1] if values else None

    def set_cookie(self, name: str, value: str) -> None:
        """Set a cookie as if the app had set it (replacing the app's own)."""
        for existing in [c for c in self.http.cookies.jar if c.name == name]:
            self.http.cookies.jar.clear(existing.domain, existing.path, existing.name)
        self.http.cookies.set(name, value, domain=COOKIE_DOMAIN, path="/")

    @property
    def session_id(self) -> str | None:
        return self.cookie(SESSION_COOKIE)


def assert_page_ok(response: httpx.Response) -> None:
    assert response.headers["content-type"].startswith("text/html"), response.headers["content-type"]
    problems = page_problems(response.text)
    assert not problems, f"{response.request.method} {response.request.url.path}: " + "; ".join(problems)


@pytest.fixture
def check_page():
    """``check_page(response)``: assert an HTML response passes the page checks."""
    return assert_page_ok


@pytest.fixture
async def client(app):
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL, follow_redirects=False
    ) as http:
        yield WebClient(http)


@pytest.fixture
async def other_client(app):
    """A second browser, for tests about two users at once."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL, follow_redirects=False
    ) as http:
        yield WebClient(http)


# ---------------------------------------------------------------- factories


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@pytest.fixture
def make_school():
    async def _make(*, urn: int | None = None, name: str | None = None, type_code: int = 1, **fields) -> School:
        number = next(_numbers)
        school = School(
            urn=urn if urn is not None else 900000 + number,
            name=name or f"Test School {number}",
            type_code=type_code,
            updated_at=_now(),
            **fields,
        )
        await school.save()
        return school

    return _make


@pytest.fixture
def make_trust():
    async def _make(
        *, uid: str | None = None, name: str | None = None, schools=(), joined_on: dt.date | None = None,
        left_on: dt.date | None = None,
    ) -> Trust:
        number = next(_numbers)
        trust = Trust(uid=uid or f"T{9000 + number}", name=name or f"Test Trust {number}", updated_at=_now())
        await trust.save()
        for school in schools:
            await TrustMembership.insert(
                TrustMembership(trust=trust.id, school=school.id, joined_on=joined_on, left_on=left_on)
            )
        return trust

    return _make


@pytest.fixture
def make_staff():
    async def _make(
        *, school: School | None = None, role: str = "teacher", first_name: str = "Sam", last_name: str | None = None,
        start_date: dt.date = dt.date(2020, 9, 1), end_date: dt.date | None = None,
    ) -> StaffMember:
        number = next(_numbers)
        staff = StaffMember(
            staff_ref=f"S{number:05d}",
            first_name=first_name,
            last_name=last_name or f"Tester{number}",
            created_at=_now(),
            updated_at=_now(),
        )
        await staff.save()
        if school is not None:
            await Employment.insert(
                Employment(
                    staff=staff.id, school=school.id, role=role, start_date=start_date, end_date=end_date,
                    updated_at=_now(),
                )
            )
        return staff

    return _make


# ---------------------------------------------------------------- signing in


@pytest.fixture
def login_as(client, make_school, make_trust, make_staff):
    """``await login_as(role, school=..., trust=..., staff=..., email=..., client=...)`` -> UserAccount.

    Without a scope, a school lead gets a new school, an HR lead a new trust, and a teacher a new member of
    staff employed at a new school.
    """

    async def _login(
        role: str,
        *,
        school: School | None = None,
        trust: Trust | None = None,
        staff: StaffMember | None = None,
        email: str | None = None,
        display_name: str = "",
        client: WebClient = client,
    ):
        if role == "school_lead" and school is None:
            school = await make_school()
        if role == "hr_lead" and trust is None:
            trust = await make_trust(schools=[await make_school()])
        if role == "teacher" and staff is None and school is None:
            school = await make_school()
            staff = await make_staff(school=school)
        account = await accounts.user_create(
            email=email or f"{role.replace('_', '-')}-{next(_numbers)}@example.org",
            role=role,
            password=TEST_PASSWORD,
            school_urn=school.urn if school is not None else None,
            trust_uid=trust.uid if trust is not None else None,
            staff_id=staff.id if staff is not None else None,
            display_name=display_name,
        )
        response = await client.sign_in(account.email)
        assert response.status_code == 303, f"sign-in as {role} failed: {response.status_code}"
        return account

    return _login


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    """argon2id with small parameters, so the many sign-ins in tests are quick. The production parameters are
    checked by tests/integration/web/test_accounts.py::test_production_hashes_are_argon2id."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(accounts, "password_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(accounts, "_DUMMY_HASH", None)


# ---------------------------------------------------------------- SMTP


@dataclass
class SMTPStub:
    host: str
    port: int
    messages: list = field(default_factory=list)

    def bodies_to(self, address: str) -> list[str]:
        return [m.get_body(("plain",)).get_content() for m in self.messages if m["To"] == address]


class _SMTPHandler(socketserver.StreamRequestHandler):
    def _reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self) -> None:
        self._reply("220 test-smtp ready")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode("utf-8", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in {"EHLO", "HELO"}:
                self._reply("250 test-smtp")
            elif verb in {"MAIL", "RCPT", "RSET", "NOOP"}:
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 end with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if not line or line in (b".\r\n", b".\n"):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                self.server.stub.messages.append(message)  # type: ignore[attr-defined]
                self._reply("250 queued")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("502 not implemented")


@pytest.fixture
def smtp_server(monkeypatch):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    stub = SMTPStub(host="127.0.0.1", port=server.server_address[1])
    server.stub = stub  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("SMTP_HOST", stub.host)
    monkeypatch.setenv("SMTP_PORT", str(stub.port))
    get_settings.cache_clear()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        monkeypatch.undo()
        get_settings.cache_clear()
