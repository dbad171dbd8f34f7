"""Sign in, sign out and password reset pages."""

from __future__ import annotations

import datetime as dt
import logging
import re

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_410_GONE, HTTP_422_UNPROCESSABLE_ENTITY, HTTP_429_TOO_MANY_REQUESTS

from workforce.config import get_settings
from workforce.people import accounts
from workforce.web.errors import safe_next
from workforce.web.mail import MailError, send_email
from workforce.web.navigation import NavItem
from workforce.web.security import PUBLIC, SESSION_USER_KEY, current_user, requires_role
from workforce.web.sessions import rotate_session
from workforce.web.throttle import (
    login_attempt_record,
    login_attempts_prune,
    login_lockout,
    reset_request_allowed,
)

log = logging.getLogger("workforce.web.auth")

WRONG_DETAILS = "Enter a correct email address and password"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _sign_in_page(
    *, email: str = "", next_path: str = "/", errors: dict | None = None, notice: str = "", status: int = 200
) -> Template:
    return Template(
        template_name="auth/sign_in.html",
        context={"email": email, "next": safe_next(next_path), "errors": errors or {}, "notice": notice},
        status_code=status,
    )


@get("/sign-in", opt=PUBLIC)
async def sign_in_page(request: Request, next: FromQuery[str] = "/", reset: FromQuery[bool] = False) -> Response:  # noqa: A002
    if current_user(request) is not None:
        return Redirect(path=safe_next(next), status_code=303)
    notice = "Your password has been changed. Sign in with your new password." if reset else ""
    return _sign_in_page(next_path=next, notice=notice)


@post("/sign-in", opt=PUBLIC)
async def sign_in(request: Request) -> Response:
    form = await request.form()
    email = str(form.get("email", "")).strip()
    password = str(form.get("password", ""))
    next_path = str(form.get("next", "/"))
    errors: dict[str, str] = {}
    if not email:
        errors["email"] = "Enter your email address"
    if not password:
        errors["password"] = "Enter your password"
    if errors:
        return _sign_in_page(email=email, next_path=next_path, errors=errors, status=HTTP_422_UNPROCESSABLE_ENTITY)

    address = _client_address(request)
    lockout = await login_lockout(email=email, address=address)
    if lockout is not None:
        unit = "minute" if lockout.minutes == 1 else "minutes"
        message = f"Too many attempts to sign in. Try again in {lockout.minutes} {unit}."
        return _sign_in_page(
            email=email, next_path=next_path, errors={"email": message}, status=HTTP_429_TOO_MANY_REQUESTS
        )

    account = await accounts.user_authenticate(email=email, password=password)
    await login_attempt_record(email=email, address=address, succeeded=account is not None)
    if account is None:
        return _sign_in_page(
            email=email, next_path=next_path, errors={"email": WRONG_DETAILS}, status=HTTP_422_UNPROCESSABLE_ENTITY
        )

    # A fresh session with a new id: whatever id the browser had before signing in stops working.
    request.set_session(
        {SESSION_USER_KEY: account.id, "signed_in_at": dt.datetime.now(dt.timezone.utc).isoformat()}
    )
    rotate_session(request)
    await accounts.user_record_sign_in(user_id=account.id)
    store = request.app.stores.get("sessions")
    if hasattr(store, "delete_expired"):
        await store.delete_expired()
    await login_attempts_prune()
    return Redirect(path=safe_next(next_path), status_code=303)


@post("/sign-out", opt=PUBLIC)
async def sign_out(request: Request) -> Redirect:
    """Ends the session (its row is deleted, so the old cookie no longer works). Public: harmless when signed out."""
    request.clear_session()
    return Redirect(path="/", status_code=303)


# ---------------------------------------------------------------- password reset


def _reset_request_page(*, email: str = "", errors: dict | None = None, status: int = 200) -> Template:
    return Template(
        template_name="auth/password_reset_request.html",
        context={"email": email, "errors": errors or {}, "minutes": accounts.RESET_TOKEN_MINUTES},
        status_code=status,
    )


@get("/password-reset", opt=PUBLIC)
async def password_reset_page() -> Template:
    return _reset_request_page()


@post("/password-reset", opt=PUBLIC)
async def password_reset_request(request: Request) -> Template:
    form = await request.form()
    email = str(form.get("email", "")).strip()
    if not _EMAIL.match(email):
        message = "Enter your email address" if not email else "Enter an email address in the correct format"
        return _reset_request_page(email=email, errors={"email": message}, status=HTTP_422_UNPROCESSABLE_ENTITY)
    # The same page follows whether or not the email has an account, and whether or not it was rate limited.
    if await reset_request_allowed(email=email):
        issued = await accounts.password_reset_token_create(email=email)
        if issued is not None:
            account, token = issued
            link = f"{get_settings().base_url}/password-reset/{token}"
            try:
                await send_email(
                    to=account.email,
                    subject="Reset your SEND Workforce password",
                    body=(
                        "Someone asked to reset the password of your SEND Workforce account.\n\n"
                        f"To set a new password, open this link:\n{link}\n\n"
                        f"The link works once, for {accounts.RESET_TOKEN_MINUTES} minutes.\n\n"
                        "If you did not ask for this, you can ignore this email: your password has not changed.\n"
                    ),
                )
            except MailError:
                log.exception("password reset email to account %s could not be sent", account.id)
    return Template(
        template_name="auth/password_reset_sent.html",
        context={"email": email, "minutes": accounts.RESET_TOKEN_MINUTES},
    )


def _invalid_link() -> Template:
    return Template(
        template_name="auth/password_reset_invalid.html",
        context={"minutes": accounts.RESET_TOKEN_MINUTES},
        status_code=HTTP_410_GONE,
    )


def _new_password_page(*, token: str, email: str, errors: dict | None = None, status: int = 200) -> Template:
    return Template(
        template_name="auth/password_reset.html",
        context={
            "action": f"/password-reset/{token}",
            "email": email,
            "errors": errors or {},
            "min_length": accounts.PASSWORD_MIN_LENGTH,
        },
        status_code=status,
    )


@get("/password-reset/{token:str}", opt=PUBLIC)
async def password_reset_form(token: FromPath[str]) -> Template:
    account = await accounts.password_reset_account(token)
    if account is None:
        return _invalid_link()
    return _new_password_page(token=token, email=account.email)


@post("/password-reset/{token:str}", opt=PUBLIC)
async def password_reset_submit(request: Request, token: FromPath[str]) -> Response:
    account = await accounts.password_reset_account(token)
    if account is None:
        return _invalid_link()
    form = await request.form()
    password = str(form.get("password", ""))
    confirm = str(form.get("confirm", ""))
    errors: dict[str, str] = {}
    problem = accounts.password_problem(password, email=account.email) if password else "Enter a new password"
    if problem:
        errors["password"] = problem
    elif confirm != password:
        errors["confirm"] = "The passwords do not match"
    if errors:
        return _new_password_page(
            token=token, email=account.email, errors=errors, status=HTTP_422_UNPROCESSABLE_ENTITY
        )
    try:
        await accounts.password_reset_complete(token=token, password=password)
    except accounts.AccountError as exc:
        if exc.field == "token":
            return _invalid_link()
        return _new_password_page(
            token=token, email=account.email, errors={"password": exc.message}, status=HTTP_422_UNPROCESSABLE_ENTITY
        )
    request.clear_session()
    return Redirect(path="/sign-in?reset=true", status_code=303)


# ---------------------------------------------------------------- accounts (admin)


@get("/admin/users", guards=[requires_role("admin")])
async def users_page() -> Template:
    """Every account, its role and scope (accounts are created with `workforce users create`)."""
    return Template(
        template_name="auth/users.html",
        context={"accounts": await accounts.user_list(), "role_labels": accounts.ROLE_LABELS},
    )


nav_items = [
    NavItem(
        label="Users",
        href="/admin/users",
        roles=frozenset({"admin"}),
        description="See every account, its role and what it can see.",
        order=90,
    )
]

route_handlers = [
    users_page,
    sign_in_page,
    sign_in,
    sign_out,
    password_reset_page,
    password_reset_request,
    password_reset_form,
    password_reset_submit,
]
