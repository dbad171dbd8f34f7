"""The Jinja environment: strict in our templates, lenient inside GOV.UK macros, forms always carry CSRF."""

from __future__ import annotations

from pathlib import Path

import govuk_frontend_jinja
import pytest
from jinja2 import UndefinedError

from workforce.web.navigation import NavItem, nav_for
from workforce.web.templating import JS_ENABLED_SNIPPET, make_environment, static_url

GOVUK = Path(govuk_frontend_jinja.__file__).parent / "templates"


@pytest.fixture(scope="module")
def env():
    return make_environment()


def test_undefined_names_and_attributes_fail_in_our_templates(env):
    with pytest.raises(UndefinedError):
        env.from_string("{{ typo }}").render()
    with pytest.raises(UndefinedError):
        env.from_string("{% if typo %}x{% endif %}").render()
    with pytest.raises(UndefinedError):
        env.from_string("{{ row.nmae }}").render(row={"name": "x"})
    with pytest.raises(UndefinedError):
        env.from_string("{% for x in rows.items_ %}{% endfor %}").render(rows={})
    # Tests for definedness and defaults still work.
    assert env.from_string("{{ typo is defined }}|{{ typo | default('d') }}").render() == "False|d"


def test_autoescape_is_on(env):
    assert env.from_string("{{ name }}").render(name="<script>") == "&lt;script&gt;"


def test_gov_uk_macros_accept_their_optional_parameters(env):
    html = env.from_string(
        '{% from "govuk_frontend_jinja/components/input/macro.html" import govukInput %}'
        "{{ govukInput({'label': {'text': 'Name'}, 'id': 'name', 'name': 'name'}) }}"
    ).render()
    assert 'id="name"' in html and "govuk-input" in html


# Every component with the smallest parameters its documentation allows.
COMPONENTS = {
    "accordion": {"id": "acc", "items": [{"heading": {"text": "H"}, "content": {"text": "C"}}]},
    "back-link": {"href": "/"},
    "breadcrumbs": {"items": [{"text": "Home", "href": "/"}]},
    "button": {"text": "Save"},
    "character-count": {"id": "cc", "name": "cc", "maxlength": 10, "label": {"text": "L"}},
    "checkboxes": {"name": "c", "items": [{"value": "a", "text": "A"}]},
    "cookie-banner": {"messages": [{"text": "Cookies"}]},
    "date-input": {"id": "d", "namePrefix": "d"},
    "details": {"summaryText": "S", "text": "T"},
    "error-message": {"text": "Wrong"},
    "error-summary": {"titleText": "There is a problem", "errorList": [{"text": "Wrong", "href": "#x"}]},
    "exit-this-page": {},
    "fieldset": {"legend": {"text": "L"}},
    "file-upload": {"id": "f", "name": "f", "label": {"text": "L"}},
    "footer": {},
    "header": {},
    "hint": {"text": "H"},
    "input": {"id": "i", "name": "i", "label": {"text": "L"}},
    "inset-text": {"text": "T"},
    "label": {"text": "L"},
    "notification-banner": {"text": "T"},
    "pagination": {"next": {"href": "/2"}},
    "panel": {"titleText": "Done"},
    "password-input": {"id": "p", "name": "p", "label": {"text": "L"}},
    "phase-banner": {"tag": {"text": "Beta"}, "text": "New"},
    "radios": {"name": "r", "items": [{"value": "a", "text": "A"}]},
    "select": {"id": "s", "name": "s", "items": [{"value": "a", "text": "A"}]},
    "service-navigation": {"serviceName": "S", "navigation": [{"href": "/", "text": "Home"}]},
    "skip-link": {"text": "Skip", "href": "#main"},
    "summary-list": {"rows": [{"key": {"text": "K"}, "value": {"text": "V"}}]},
    "table": {"rows": [[{"text": "A"}]]},
    "tabs": {"items": [{"label": "A", "id": "a", "panel": {"text": "P"}}]},
    "tag": {"text": "Done"},
    "task-list": {"items": [{"title": {"text": "T"}, "status": {"text": "Done"}}]},
    "textarea": {"id": "t", "name": "t", "label": {"text": "L"}},
    "warning-text": {"text": "W"},
}


def _macro_name(component: str) -> str:
    return "govuk" + "".join(part.capitalize() for part in component.split("-"))


def test_the_list_covers_every_component_of_the_package():
    assert set(COMPONENTS) == {p.name for p in (GOVUK / "components").iterdir() if p.is_dir()} - {"generic-header"}


@pytest.mark.parametrize("component", sorted(COMPONENTS))
def test_every_gov_uk_component_renders(env, component):
    name = _macro_name(component)
    source = (
        f'{{% from "govuk_frontend_jinja/components/{component}/macro.html" import {name} %}}'
        f"{{{{ {name}(params) }}}}"
    )
    html = env.from_string(source).render(params=COMPONENTS[component])
    assert "govuk-" in html


def test_js_enabled_snippet_is_gov_uk_frontends_own():
    template = (GOVUK / "template.html").read_text()
    assert f">{JS_ENABLED_SNIPPET}</script>" in template


def test_form_macro_always_adds_the_csrf_token(env):
    html = env.from_string(
        '{% from "components/forms.html" import form, button_form with context %}'
        "{% call form('/things') %}<input name='a'>{% endcall %}{{ button_form('/things/1/delete', 'Delete') }}"
        "{% call form('/search', method='get') %}{% endcall %}"
    ).render(csrf_input='<input type="hidden" name="_csrf_token" value="tok">')
    assert html.count('name="_csrf_token" value="tok"') == 2
    assert '<form action="/things" method="post" novalidate>' in html
    assert '<form action="/search" method="get" novalidate>' in html


def test_form_macro_fails_loudly_when_imported_without_context(env):
    with pytest.raises(UndefinedError, match="csrf_input"):
        env.from_string(
            '{% from "components/forms.html" import form %}{% call form("/x") %}{% endcall %}'
        ).render(csrf_input="token")


def test_error_summary_links_to_fields(env):
    html = env.from_string(
        '{% from "components/forms.html" import error_summary with context %}{{ error_summary(errors) }}'
    ).render(errors={"email": "Enter your email address"})
    assert 'href="#email"' in html and "Enter your email address" in html and "There is a problem" in html
    assert env.from_string(
        '{% from "components/forms.html" import error_summary with context %}{{ error_summary({}) }}'
    ).render().strip() == ""


def test_static_url_is_versioned_by_content():
    url = static_url("css/app.css")
    assert url.startswith("/static/css/app.css?v=") and len(url.split("v=")[1]) == 12
    with pytest.raises(FileNotFoundError):
        static_url("css/missing.css")


class _User:
    def __init__(self, role):
        self.role = role


def test_navigation_is_filtered_by_role_and_ordered():
    items = [
        NavItem(label="Trust", href="/trust", roles={"hr_lead"}, order=20),
        NavItem(label="My CPD", href="/my-cpd", roles={"teacher"}, order=10),
        NavItem(label="Schools", href="/schools", roles={"hr_lead", "school_lead"}, order=10),
    ]
    assert [i.label for i in nav_for(items, _User("hr_lead"))] == ["Schools", "Trust"]
    assert [i.label for i in nav_for(items, _User("teacher"))] == ["My CPD"]
    assert nav_for(items, None) == []
    assert items[0].is_active("/trust/1001") and not items[0].is_active("/trustees")
