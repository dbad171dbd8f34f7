"""The start page (signed out), the role-based landing page (signed in), and the cookies page."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Template

from workforce.config import get_settings
from workforce.web.navigation import nav_for
from workforce.web.security import PUBLIC, current_user
from workforce.web.sessions import SESSION_COOKIE


@get("/", opt=PUBLIC)
async def home(request: Request) -> Template:
    user = current_user(request)
    if user is None:
        return Template(template_name="home/start.html")
    links = nav_for(request.app.state.nav_items, user)
    return Template(template_name="home/dashboard.html", context={"user": user, "links": links})


@get("/cookies", opt=PUBLIC)
async def cookies(request: Request) -> Template:
    return Template(
        template_name="home/cookies.html",
        context={
            "session_cookie": SESSION_COOKIE,
            "csrf_cookie": request.app.csrf_config.cookie_name if request.app.csrf_config else "csrftoken",
            "idle_minutes": get_settings().session_idle_minutes,
        },
    )


route_handlers = [home, cookies]
