"""Run axe-core (vendored, pinned: vendor/axe-core.json) in a Playwright page and judge the result.

``axe_violations(page)`` runs axe with the WCAG 2.0/2.1/2.2 A and AA rules and returns the violations whose
impact is serious or critical; ``assert_accessible(page)`` fails the test with a readable list of them.

axe is evaluated through the DevTools protocol (``page.evaluate``), not added as a ``<script>`` element, so the
app's Content-Security-Policy stays exactly as it is in production while the page is checked.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "vendor"
AXE_FILE = VENDOR / "axe.min.js"
PINS = json.loads((VENDOR / "axe-core.json").read_text())

# WCAG 2.2 AA, as GOV.UK services must meet (axe tags every rule with the criteria level it belongs to).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}


@lru_cache(maxsize=1)
def axe_source() -> str:
    """axe.min.js, after checking it is the pinned release (run scripts/vendor-axe if it is missing)."""
    if not AXE_FILE.exists():
        raise RuntimeError(f"{AXE_FILE} is missing: run scripts/vendor-axe (make test does)")
    data = AXE_FILE.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != PINS["axe_min_sha256"]:
        raise RuntimeError(f"{AXE_FILE} has sha256 {digest}, not the pinned {PINS['axe_min_sha256']}")
    return data.decode("utf-8")


_RUN = """
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return {
    version: axe.version,
    violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200), impact: n.impact})),
    })),
  };
}
"""


def axe_run(page) -> dict:
    """All WCAG A/AA violations axe finds on the page as it is now, with axe's version."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate(_RUN, WCAG_TAGS)
    if result["version"] != PINS["version"]:
        raise RuntimeError(f"axe {result['version']} ran, expected {PINS['version']}")
    return result


def axe_violations(page) -> list[dict]:
    """The serious and critical WCAG A/AA violations on the page."""
    return [v for v in axe_run(page)["violations"] if v["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    at {node['target']}: {node['html']}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, (
        f"axe found serious/critical WCAG 2.2 AA problems on {page.url}:\n{describe(violations)}"
    )
