"""The fixed lists of values the HR imports accept, with the aliases people actually type.

Values are matched case-insensitively and with spaces or underscores read as hyphens
("Deputy Head" = "deputy_head" = "deputy-head"). Web forms offering the same choices should use
these lists too, so a value accepted in one place is accepted everywhere.
"""

from __future__ import annotations

from functools import lru_cache

ROLES = ("teacher", "ta", "senco", "headteacher", "deputy-head", "assistant-head", "trust-leader", "other")

SENSORY_CLASSES = ("hearing", "visual", "multi-sensory")
SENSORY_CLASS_ALIASES = {
    "multisensory": "multi-sensory",
    "msi": "multi-sensory",
    "hi": "hearing",
    "vi": "visual",
}

QUALIFICATION_KINDS = (
    "npq-senco",
    "nasenco",
    "npq-headship",
    "head-send",
    "send-leadership",
    "mq-hearing",
    "mq-visual",
    "mq-multi-sensory",
)
# DfE course identifiers and the names of the mandatory qualifications for sensory impairment.
QUALIFICATION_ALIASES = {
    "npqsenco": "npq-senco",
    "npqs": "npq-senco",
    "npqh": "npq-headship",
    "mqhi": "mq-hearing",
    "mqvi": "mq-visual",
    "mqmsi": "mq-multi-sensory",
}
QUALIFICATION_STATUSES = ("registered", "in-progress", "passed", "failed", "withdrawn", "voided")

# The four broad areas of need of the SEND Code of Practice (6.28-6.35), plus general SEND practice.
SEND_AREAS = (
    "general",
    "communication-and-interaction",
    "cognition-and-learning",
    "social-emotional-and-mental-health",
    "sensory-and-physical",
)
SEND_AREA_ALIASES = {
    "semh": "social-emotional-and-mental-health",
    "c-and-i": "communication-and-interaction",
    "c-and-l": "cognition-and-learning",
}
CPD_STATUSES = ("self-reported", "verified")

PLACEMENT_ROUTES = ("ITT", "ECF")

GOVERNANCE_ROLES = ("governor", "trustee", "chair")


def normalise_choice(raw: str) -> str:
    """Lower case, with spaces and underscores read as hyphens and runs of them collapsed."""
    value = raw.strip().lower().replace("_", "-").replace(" ", "-")
    while "--" in value:
        value = value.replace("--", "-")
    return value


@lru_cache(maxsize=64)
def _by_lower(choices: tuple[str, ...]) -> dict[str, str]:
    return {choice.lower(): choice for choice in choices}


def match_choice(raw: str, choices: tuple[str, ...], aliases: dict[str, str] | None = None) -> str | None:
    """The canonical value for ``raw``, or None when it is not one of ``choices`` (or their aliases)."""
    value = normalise_choice(raw)
    by_lower = _by_lower(choices)
    if value in by_lower:
        return by_lower[value]
    if aliases:
        if value in aliases:
            return aliases[value]
        compact = value.replace("-", "")
        if compact in aliases:
            return aliases[compact]
    return None
