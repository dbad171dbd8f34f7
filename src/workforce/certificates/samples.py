"""A realistic certificate of a large trust, built without a database: for the page-count test and bench/.

    from workforce.certificates.samples import sample_trust_certificate_html
    from workforce.certificates.rendering import render_pdf

    html = sample_trust_certificate_html(schools=50)   # deterministic: the same HTML every call
    html = sample_school_certificate_html()            # one school
    pdf = render_pdf(html)                             # a bare WeasyPrint render of it (the floor)

    # The service's path (a migrated database): a worker process the first time, the render store after.
    from workforce.certificates.services import pdf_render_cached
    pdf, sha256 = await pdf_render_cached(html)        # cold, then cached

The findings are those the standards engine gives a trust of ``schools`` schools with 40 staff each: every
rule for every school, the SENCO time and TA ratios with their figures, leaders' gaps and due-soon items
(named), and staff CPD gaps (counted). The content goes through the same ``content_build`` and template as
an issued certificate.
"""

from __future__ import annotations

import datetime as dt

from workforce.certificates.selectors import CertificateContent, content_build
from workforce.certificates.tables import Certificate

SAMPLE_AS_OF = dt.date(2026, 3, 1)
SAMPLE_ISSUED_AT = dt.datetime(2026, 3, 2, 9, 30, 15, tzinfo=dt.UTC)
SAMPLE_TRUST_UID = "17999"
SAMPLE_TRUST_NAME = "Sample Multi-Academy Trust"
SAMPLE_CODE = "SWC-SAMP-LE23-4567"
STAFF_PER_SCHOOL = 40
FIRST_URN = 150000


def _school_rows(n: int, urn: int) -> list[dict]:
    """The findings of school number ``n`` (varied by ``n`` so schools differ, as real ones do)."""
    rows: list[dict] = []

    def add(
        rule, outcome, *, subject="school", person_id=None, basis="law", due=None, reason="", metrics=None
    ):
        rows.append(
            {
                "rule": rule,
                "subject": subject,
                "urn": urn,
                "trust_uid": None,
                "person_id": person_id,
                "outcome": outcome,
                "basis": basis,
                "due": due,
                "reason": reason,
                "metrics": metrics,
            }
        )

    person = urn * 100
    add("senco-designated", "met", reason=f"Ms Senco{n} is the SENCO and a qualified teacher.")
    if n % 3 == 0:
        add(
            "senco-qualification",
            "gap",
            subject="person",
            person_id=person + 1,
            due=dt.date(2026, 1, 3),
            reason=f"Ms Senco{n} became SENCO on 3 January 2023 and has no passed NPQ for SENCOs; "
            "the deadline was 3 January 2026.",
        )
    elif n % 3 == 1:
        add(
            "senco-qualification",
            "due-soon",
            subject="person",
            person_id=person + 1,
            due=dt.date(2026, 9, 1),
            reason=f"Ms Senco{n} became SENCO on 1 September 2023 and must hold the NPQ for SENCOs by "
            "1 September 2026.",
        )
    else:
        add(
            "senco-qualification",
            "met",
            subject="person",
            person_id=person + 1,
            reason="Holds the NPQ for SENCOs.",
        )
    add(
        "head-send-qualification",
        "due-soon" if n % 4 == 0 else "met",
        subject="person",
        person_id=person + 2,
        basis="committee",
        due=dt.date(2026, 6, 30) if n % 4 == 0 else None,
        reason=f"Mr Head{n}, headteacher since 1 July 2022, needs a SEND qualification by 30 June 2026."
        if n % 4 == 0
        else f"Mr Head{n} holds a SEND qualification.",
    )
    add(
        "slt-senco-qualified", "met", basis="committee", reason="A senior leader holds a SENCO qualification."
    )
    add(
        "governance-send",
        "gap" if n % 7 == 0 else "met",
        basis="guidance",
        reason="No governor has SEND responsibility." if n % 7 == 0 else "Mrs Governor is the SEND governor.",
    )
    sen_pupils = 60 + (n * 17) % 140
    senco_fte = round(0.2 + (n % 5) * 0.1, 2)
    per_100 = round(senco_fte / sen_pupils * 100, 2)
    add(
        "senco-capacity",
        "met" if per_100 >= 0.35 else "advisory",
        basis="project-default",
        reason=f"SENCO time {senco_fte} FTE for {sen_pupils} pupils with SEN: {per_100} FTE per 100.",
        metrics={
            "senco_fte": senco_fte,
            "sen_pupils": sen_pupils,
            "fte_per_100_sen": per_100,
            "required_fte": 0.35,
        },
    )
    pupils = 200 + (n * 37) % 900
    ta_fte = round(4 + (n % 9) * 1.5, 1)
    per_ta = round(pupils / ta_fte, 1)
    add(
        "ta-capacity",
        "met" if per_ta <= 37.5 else "advisory",
        basis="project-default",
        reason=f"{per_ta} pupils per TA FTE, against a limit of 37.5.",
        metrics={
            "pupils": pupils,
            "ta_fte": ta_fte,
            "pupils_per_ta_fte": per_ta,
            "limit_pupils_per_ta_fte": 37.5,
            "national_pupils_per_ta_fte": 25,
        },
    )
    add("mq-sensory", "not-applicable", reason="No class of pupils with sensory impairment.")
    for k in range(STAFF_PER_SCHOOL):
        add(
            "send-cpd-annual",
            "gap" if (k + n) % 6 == 0 else "met",
            subject="person",
            person_id=person + 10 + k,
            basis="committee",
            reason=f"Staff{n}-{k} has no SEND CPD this academic year."
            if (k + n) % 6 == 0
            else f"Staff{n}-{k} completed SEND CPD.",
        )
    for k in range(2):
        add(
            "specialist-placement",
            "due-soon" if (k + n) % 5 == 0 else "met",
            subject="person",
            person_id=person + 60 + k,
            basis="committee",
            due=dt.date(2026, 7, 31) if (k + n) % 5 == 0 else None,
            reason=f"Early-career teacher Ect{n}-{k} has a specialist placement planned by 31 July 2026."
            if (k + n) % 5 == 0
            else f"Ect{n}-{k} has had a specialist placement.",
        )
    return rows


def sample_trust_findings(schools: int = 50) -> tuple[dict[int, str], list[dict]]:
    """(URN -> school name, finding rows) of a trust of ``schools`` schools (deterministic).

    Rows have the columns of ``SnapshotFinding`` (without ``id``/``snapshot``), so a test can save them as a
    snapshot and issue a real certificate from it.
    """
    names: dict[int, str] = {}
    rows: list[dict] = []
    for n in range(1, schools + 1):
        urn = FIRST_URN + n
        names[urn] = f"Sample Academy {n}"
        rows.extend(_school_rows(n, urn))
    rows.append(
        {
            "rule": "trust-senco-qualified",
            "subject": "trust",
            "urn": None,
            "trust_uid": SAMPLE_TRUST_UID,
            "person_id": None,
            "outcome": "met",
            "basis": "committee",
            "due": None,
            "reason": "The trust's director of inclusion holds the NPQ for SENCOs.",
            "metrics": None,
        }
    )
    return names, rows


def sample_trust_content(schools: int = 50) -> CertificateContent:
    """The content of a certificate for a trust of ``schools`` schools (deterministic)."""
    names, rows = sample_trust_findings(schools)
    rows = [dict(row, id=position) for position, row in enumerate(rows, start=1)]
    return content_build(
        rows=rows,
        school_names=names,
        snapshot_id=0,
        scope="trust",
        scope_ref=SAMPLE_TRUST_UID,
        organisation_name=SAMPLE_TRUST_NAME,
        standard_id="statutory-2024",
        standard_version="2024.1",
        as_of=SAMPLE_AS_OF,
        evaluated_at=SAMPLE_ISSUED_AT,
        snapshot_hash="0" * 64,
    )


def sample_school_content() -> CertificateContent:
    """The content of a certificate for one school (40 staff), deterministic."""
    urn = FIRST_URN + 1
    rows = [dict(row, id=position) for position, row in enumerate(_school_rows(3, urn), start=1)]
    return content_build(
        rows=rows,
        school_names={urn: "Sample Primary School"},
        snapshot_id=0,
        scope="school",
        scope_ref=str(urn),
        organisation_name="Sample Primary School",
        standard_id="statutory-2024",
        standard_version="2024.1",
        as_of=SAMPLE_AS_OF,
        evaluated_at=SAMPLE_ISSUED_AT,
        snapshot_hash="0" * 64,
    )


def sample_certificate(content: CertificateContent) -> Certificate:
    """An unsaved certificate record for sample content (placeholder key id and signature)."""
    return Certificate(
        code=SAMPLE_CODE,
        snapshot=None,
        scope=content.scope,
        scope_ref=content.scope_ref,
        organisation_name=content.organisation_name,
        standard_id=content.standard_id,
        standard_version=content.standard_version,
        as_of=content.as_of,
        snapshot_hash=content.snapshot_hash,
        key_id="0" * 16,
        signature="A" * 88,
        pdf_sha256="",
        issued_at=SAMPLE_ISSUED_AT,
        issued_by="sample",
    )


def sample_trust_certificate_html(schools: int = 50) -> str:
    """The HTML of a sample ``schools``-school trust certificate, as the service would render it."""
    return _html(sample_trust_content(schools))


def sample_school_certificate_html() -> str:
    """The HTML of a sample school certificate, as the service would render it."""
    return _html(sample_school_content())


def _html(content: CertificateContent) -> str:
    from workforce.certificates.services import certificate_html  # services imports rendering (WeasyPrint)

    return certificate_html(content, sample_certificate(content))
