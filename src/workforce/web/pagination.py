"""Pagination for long lists: which slice to show and the links of the GOV.UK pagination component.

    pages = paginate(total=len(rows), page=page_number(request.query_params.get("page")), per_page=50,
                     path=request.url.path, query=request.query_params)
    shown = rows[pages.start:pages.end]             # or LIMIT pages.per_page OFFSET pages.start in SQL
    {{ govukPagination(pages.govuk()) }}             # nothing is rendered when there is one page

Links keep the page's other query parameters (filters), so paging never loses a filter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

MAX_PAGE = 1_000_000


def page_number(raw: Any) -> int:
    """The page asked for: a positive whole number; anything else means page 1."""
    text = str(raw or "").strip()
    if not text.isdigit():
        return 1
    return max(1, min(int(text), MAX_PAGE))


@dataclass(frozen=True)
class Pagination:
    page: int
    per_page: int
    total: int
    path: str
    query: tuple[tuple[str, str], ...] = field(default=())
    param: str = "page"

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def start(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def end(self) -> int:
        return min(self.start + self.per_page, self.total)

    @property
    def first_shown(self) -> int:
        return self.start + 1 if self.total else 0

    def url(self, page: int) -> str:
        params = [(k, v) for k, v in self.query if k != self.param]
        if page > 1:
            params.append((self.param, str(page)))
        return self.path + (f"?{urlencode(params)}" if params else "")

    def govuk(self) -> dict[str, Any]:
        """Parameters of ``govukPagination``: previous/next and numbered links with ellipses."""
        if self.pages <= 1:
            return {"items": []}
        numbers = sorted(
            {1, self.pages, self.page - 1, self.page, self.page + 1} & set(range(1, self.pages + 1))
        )
        items: list[dict[str, Any]] = []
        previous = 0
        for number in numbers:
            if number - previous > 1:
                items.append({"ellipsis": True})
            items.append({"number": number, "href": self.url(number), "current": number == self.page})
            previous = number
        params: dict[str, Any] = {"items": items, "landmarkLabel": "Pages"}
        if self.page > 1:
            params["previous"] = {"href": self.url(self.page - 1)}
        if self.page < self.pages:
            params["next"] = {"href": self.url(self.page + 1)}
        return params


def paginate(
    *,
    total: int,
    page: int,
    per_page: int,
    path: str,
    query: Mapping[str, Any] | None = None,
    param: str = "page",
) -> Pagination:
    """The page to show (a page past the end shows the last page)."""
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    pages = max(1, -(-total // per_page))
    items: list[tuple[str, str]] = []
    if query is not None:
        multi = getattr(query, "multi_items", None)
        pairs = multi() if callable(multi) else query.items()
        items = [(str(k), str(v)) for k, v in pairs if str(v) != ""]
    return Pagination(
        page=min(max(1, page), pages),
        per_page=per_page,
        total=total,
        path=path,
        query=tuple(items),
        param=param,
    )
