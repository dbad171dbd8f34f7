"""Role-based navigation, contributed by each feature's routes module.

A routes module listed in ``workforce.app.ROUTE_MODULES`` may define ``nav_items = [NavItem(...)]`` next to its
``route_handlers``; the header navigation and the signed-in home page show the items for the user's role.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NavItem:
    label: str  # short: shown in the header's service navigation
    href: str
    roles: frozenset[str]
    description: str = ""  # one sentence: shown on the home page under the link
    order: int = 100  # lower first
    in_header: bool = True  # False: only on the home page
    match_prefix: str | None = field(default=None)  # marks the item active on paths under it (default: href)

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", frozenset(self.roles))

    def is_active(self, path: str) -> bool:
        prefix = self.match_prefix or self.href
        if prefix == "/":
            return path == "/"
        return path == prefix or path.startswith(prefix.rstrip("/") + "/")


def nav_for(items: Iterable[NavItem], user) -> list[NavItem]:  # noqa: ANN001
    """The items a user may see, in order (none for a signed-out visitor)."""
    if user is None:
        return []
    role = getattr(user, "role", None)
    return sorted((item for item in items if role in item.roles), key=lambda item: (item.order, item.label))
