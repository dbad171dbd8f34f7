"""The demo data set: one multi-academy trust and one maintained school, loaded through the real importers.

The CSVs live in `seed/demo/` (regenerate them with `python seed/demo/build.py`); loading them goes through
`workforce.imports.import_file`, the same validated, atomic path as a trust's own files, so loading twice
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from workforce.imports import import_file
from workforce.paths import SEED_DIR
from workforce.people.accounts import user_create, user_get_by_email

DEMO_DIR = SEED_DIR / "demo"
IMPORT_ORDER = ["gias", "staff", "qualifications", "cpd", "placements", "governance"]
DEMO_PASSWORD = "demo-password-2026"
ACTOR = "cli:seed demo"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    sees: str
    school_urn: int | None = None
    trust_uid: str | None = None
    staff_ref: str | None = None


def _demo_teacher_staff_ref() -> str:
    return (DEMO_DIR / "demo_teacher_staff_id.txt").read_text().strip()


def demo_logins() -> list[DemoLogin]:
    return [
        DemoLogin("teacher@demo.example", "teacher",
                  "their own CPD and requirements (a class teacher at Hillcrest Primary Academy)",
                  staff_ref=_demo_teacher_staff_ref()),
        DemoLogin("school.lead@demo.example", "school_lead",
                  "Hillcrest Primary Academy (URN 149002): its staff, findings and certificates", school_urn=149002),
        DemoLogin("hr.lead@demo.example", "hr_lead",
                  "all schools of Riverside Learning Trust (UID 17001), imports and exports", trust_uid="17001"),
        DemoLogin("inspector@demo.example", "inspector",
                  "read-only compliance pages and certificates of schools that granted access"),
        DemoLogin("analyst@demo.example", "dfe_analyst", "national aggregates, charts, scenarios and the API"),
        DemoLogin("admin@demo.example", "admin", "everything, including user accounts"),
    ]


async def seed_demo(*, progress=print) -> None:
    """Load the demo organisations, people and training, then the demo accounts (idempotent)."""
    for kind in IMPORT_ORDER:
        report = await import_file(kind, DEMO_DIR / f"{kind}.csv", actor=ACTOR)
        if not report.applied:
            raise RuntimeError(f"demo {kind} data was rejected:\n" + "\n".join(report.error_lines()))
        progress(report.summary())
    for login in demo_logins():
        if await user_get_by_email(login.email) is not None:
            continue
        await user_create(
            email=login.email,
            role=login.role,
            password=DEMO_PASSWORD,
            school_urn=login.school_urn,
            trust_uid=login.trust_uid,
            staff_ref=login.staff_ref,
            display_name=login.role.replace("_", " ").title() + " (demo)",
            actor=ACTOR,
        )
        progress(f"created demo account {login.email} ({login.role})")


def demo_logins_table() -> str:
    lines = ["Demo sign-ins (password for every account: " + DEMO_PASSWORD + ")", ""]
    width = max(len(login.email) for login in demo_logins())
    for login in demo_logins():
        lines.append(f"  {login.email.ljust(width)}  {login.role.ljust(11)}  sees {login.sees}")
    return "\n".join(lines)
