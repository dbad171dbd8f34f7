"""The Jinja environment: our templates/ plus the GOV.UK Frontend macros, autoescaped and strict.

- ``templates/`` (``workforce.paths.TEMPLATES_DIR``) holds ``layouts/``, ``components/`` (our macros) and one
  folder per domain.
- GOV.UK macros are imported as ``govuk_frontend_jinja/components/<name>/macro.html`` (a prefix loader over the
  govuk-frontend-jinja package, as that package documents).
- Undefined values are strict in our templates, so a typo fails a test instead of rendering blank. Inside the
  GOV.UK macros they stay lenient, because those macros test optional parameters (``params.hint``...) by design.
"""

from __future__ import annotations

import base64
import hashlib
import sys
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import govuk_frontend_jinja
import jinja2
from jinja2 import (
    ChainableUndefined,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    UndefinedError,
    select_autoescape,
)
from jinja2.utils import missing
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from markupsafe import Markup, escape

from workforce.compliance.selectors import outcome_tag
from workforce.config import get_settings
from workforce.paths import STATIC_DIR, TEMPLATES_DIR
from workforce.web.navigation import NavItem, nav_for
from workforce.web.security import current_user

SERVICE_NAME = "SEND Workforce"
STATIC_URL = "/static"
GOVUK_PREFIX = "govuk_frontend_jinja/"

# GOV.UK Frontend's snippet that marks the page as JavaScript-enabled before it paints. It is the page's only
# inline script; the Content-Security-Policy allows exactly this text by its hash.
JS_ENABLED_SNIPPET = (
    "document.body.className += ' js-enabled' + "
    "('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');"
)
JS_ENABLED_SNIPPET_HASH = "sha256-" + base64.b64encode(hashlib.sha256(JS_ENABLED_SNIPPET.encode()).digest()).decode()


_JINJA_DIR = str(Path(jinja2.__file__).resolve().parent)
_GOVUK_TEMPLATES_DIR = str(Path(govuk_frontend_jinja.__file__).resolve().parent / "templates")


def _created_in_govuk_macro() -> bool:
    """Was the undefined value being built created by the code of a GOV.UK macro template?

    The nearest stack frame outside Jinja itself is the compiled template that asked for the missing value;
    its code's filename is the template file.
    """
    frame = sys._getframe(2)
    for _ in range(8):
        if frame is None:
            return False
        filename = frame.f_code.co_filename
        if not filename.startswith(_JINJA_DIR) and filename != __file__:
            return filename.startswith(_GOVUK_TEMPLATES_DIR)
        frame = frame.f_back
    return False


class WorkforceUndefined(ChainableUndefined):
    """StrictUndefined for our templates; Jinja's ordinary (chainable) Undefined inside GOV.UK macros."""

    __slots__ = ("_lenient",)

    def __init__(self, hint=None, obj=missing, name=None, exc=UndefinedError) -> None:
        super().__init__(hint=hint, obj=obj, name=name, exc=exc)
        # ``caller`` is undefined in a macro that was not given a {% call %} body: GOV.UK macros test it.
        self._lenient = name == "caller" or _created_in_govuk_macro()

    def _strict(self):
        if not self._lenient:
            self._fail_with_undefined_error()

    def __str__(self) -> str:
        self._strict()
        return ""

    def __html__(self) -> str:
        self._strict()
        return ""

    def __iter__(self):
        self._strict()
        return iter(())

    def __bool__(self) -> bool:
        self._strict()
        return False

    def __len__(self) -> int:
        self._strict()
        return 0

    def __eq__(self, other: object) -> bool:
        self._strict()
        return type(self) is type(other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return id(type(self))

    def __contains__(self, item: object) -> bool:
        self._strict()
        return False

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__":
            raise AttributeError(name)
        self._strict()
        return self

    def __getitem__(self, name: str) -> Any:
        self._strict()
        return self


@lru_cache(maxsize=256)
def _asset_version(path: str) -> str:
    file = STATIC_DIR / path
    if not file.is_file():
        raise FileNotFoundError(f"static asset {path!r} does not exist under {STATIC_DIR}")
    return hashlib.sha256(file.read_bytes()).hexdigest()[:12]


def static_url(path: str) -> str:
    """URL of a file under src/workforce/static/, versioned by its content so caches refresh on change."""
    path = path.lstrip("/")
    return f"{STATIC_URL}/{path}?v={_asset_version(path)}"


def field_error(errors: dict[str, str] | None, field: str) -> dict[str, str] | None:
    """The ``errorMessage`` parameter of a GOV.UK form macro for ``field`` (None when it has no error)."""
    if errors and errors.get(field):
        return {"text": errors[field]}
    return None


def error_summary_items(errors: dict[str, str] | None, anchors: dict[str, str] | None = None) -> list[dict]:
    """``errorList`` for govukErrorSummary: one link per field error, to the field's id."""
    anchors = anchors or {}
    return [{"text": message, "href": "#" + anchors.get(field, field)} for field, message in (errors or {}).items()]


FRAGMENT_CACHE_SIZE = 256
_fragments: OrderedDict[str, Markup] = OrderedDict()


def cached_fragment(
    *key: Any, caller: Callable[[], str], keep: bool = True, fill: dict[str, str] | None = None
) -> Markup:
    """``{% call cached_fragment('name', a, b) %}...{% endcall %}``: the block's HTML, rendered once per key.

    Only for blocks whose HTML depends on nothing but the values in the key (the page layout's GOV.UK header,
    menu and footer; GET forms built from GOV.UK macros, whose rendering costs more than the rest of a page:
    the standard and date form, the matrix filters; a school's matrix and findings, keyed by the state of the
    records they show). The most recently used ``FRAGMENT_CACHE_SIZE`` are kept, in this process only.
    ``keep=false``: render and keep nothing. ``fill``: placeholders in the block replaced, after it is kept,
    by HTML that differs on every page (e.g. a form carrying the visitor's CSRF token), escaped unless Markup.
    """
    if not keep:
        html = Markup(caller())
    else:
        name = repr(key)
        html = _fragments.get(name)
        if html is None:
            html = Markup(caller())
            _fragments[name] = html
            if len(_fragments) > FRAGMENT_CACHE_SIZE:
                _fragments.popitem(last=False)
        else:
            _fragments.move_to_end(name)
    for placeholder, value in (fill or {}).items():
        html = Markup(str(html).replace(placeholder, str(escape(value))))
    return html


def make_environment(nav_items: list[NavItem] | None = None) -> Environment:
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(str(TEMPLATES_DIR)),
                PrefixLoader({GOVUK_PREFIX.rstrip("/"): PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(enabled_extensions=("html", "xml", "svg"), default_for_string=True),
        undefined=WorkforceUndefined,
        # Re-reading templates from disk when they change costs a stat per template per page: development only.
        auto_reload=get_settings().environment == "development",
    )
    items = list(nav_items or [])
    env.globals.update(
        service_name=SERVICE_NAME,
        static_url=static_url,
        js_enabled_snippet=Markup(JS_ENABLED_SNIPPET),
        field_error=field_error,
        error_summary_items=error_summary_items,
        navigation=lambda user: nav_for(items, user),
        current_user=current_user,
        outcome_tag=outcome_tag,
        cached_fragment=cached_fragment,
    )
    return env


def make_template_config(nav_items: list[NavItem] | None = None) -> TemplateConfig:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(make_environment(nav_items)))
