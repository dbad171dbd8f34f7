"""Training write services: validation, atomic writes with audit entries, evidence files, and selectors."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest

from workforce.organisations.tables import School
from workforce.people.tables import AuditEntry, StaffMember
from workforce.training import selectors, services
from workforce.training.evidence import EvidenceFile, evidence_dir, evidence_path
from workforce.training.services import TrainingError
from workforce.training.tables import CpdRecord, Placement, Qualification

NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


async def new_staff(ref: str = "S1") -> int:
    staff = StaffMember(staff_ref=ref, first_name="Ada", last_name="Lovelace", created_at=NOW, updated_at=NOW)
    await staff.save()
    return staff.id


async def new_school(urn: int = 123456) -> int:
    school = School(urn=urn, name="Host School", type_code=1, updated_at=NOW)
    await school.save()
    return school.id


def cpd_args(staff_id: int, **overrides):
    args = dict(
        staff_id=staff_id,
        actor="hr@example.org",
        title="Autism awareness",
        provider="Local authority",
        activity_date=dt.date(2024, 10, 3),
        hours=3,
        send_area="communication-and-interaction",
    )
    args.update(overrides)
    return args


async def audit(entity: str) -> list[dict]:
    """Audit entries of one entity, oldest first, with before/after as dicts on either engine."""
    rows = await AuditEntry.select().where(AuditEntry.entity == entity).order_by(AuditEntry.id)
    for row in rows:
        for key in ("before", "after"):
            if isinstance(row[key], str):
                row[key] = json.loads(row[key])
    return rows


async def test_create_saves_record_and_audit_entry():
    staff_id = await new_staff()
    record = await services.cpd_record_create(**cpd_args(staff_id, reflection="Changed my seating plans"))
    row = await CpdRecord.select().where(CpdRecord.id == record.id).first()
    assert row["title"] == "Autism awareness"
    assert row["hours"] == 3.0
    assert row["status"] == "self-reported" and row["verified_by"] is None
    entries = await audit("cpd_record")
    assert len(entries) == 1
    entry = entries[0]
    assert entry["action"] == "create" and entry["actor"] == "hr@example.org"
    assert entry["staff"] == staff_id and entry["entity_id"] == record.id
    assert entry["after"]["title"] == "Autism awareness"
    assert entry["after"]["activity_date"] == "2024-10-03"


async def test_actor_may_be_a_signed_in_user():
    class User:
        email = "lead@example.org"

    staff_id = await new_staff()
    await services.cpd_record_create(**cpd_args(staff_id, actor=User()))
    assert (await audit("cpd_record"))[0]["actor"] == "lead@example.org"


async def test_created_as_verified_records_the_verifier():
    staff_id = await new_staff()
    record = await services.cpd_record_create(**cpd_args(staff_id, status="verified"))
    assert record.verified_by == "hr@example.org" and record.verified_at is not None


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"title": "  "}, "title", "Enter a title"),
        ({"title": "x" * 256}, "title", "255 characters"),
        ({"hours": -1}, "hours", "between 0 and 1000"),
        ({"hours": "lots"}, "hours", "must be a number"),
        ({"send_area": "astrology"}, "send_area", "Select a SEND area"),
        ({"activity_date": dt.date.today() + dt.timedelta(days=1)}, "activity_date", "today or in the past"),
        ({"activity_date": None}, "activity_date", "Enter the date"),
        ({"status": "approved"}, "status", "Select a status"),
        ({"actor": ""}, "actor", "who is making"),
        ({"is_send": "yes"}, "is_send", "yes or no"),
    ],
)
async def test_create_refuses_bad_input_and_writes_nothing(override, field, message):
    staff_id = await new_staff()
    with pytest.raises(TrainingError) as caught:
        await services.cpd_record_create(**cpd_args(staff_id, **override))
    assert caught.value.field == field
    assert message in caught.value.message
    assert await CpdRecord.count() == 0
    assert await AuditEntry.count() == 0


async def test_create_for_unknown_staff_is_refused():
    with pytest.raises(TrainingError) as caught:
        await services.cpd_record_create(**cpd_args(99999))
    assert caught.value.field == "staff_id"


async def test_send_area_aliases_are_accepted():
    staff_id = await new_staff()
    record = await services.cpd_record_create(**cpd_args(staff_id, send_area="SEMH"))
    assert record.send_area == "social-emotional-and-mental-health"


async def test_evidence_file_is_stored_and_removed_with_the_record():
    staff_id = await new_staff()
    record = await services.cpd_record_create(
        **cpd_args(staff_id, evidence_file=EvidenceFile("certificate.pdf", PDF))
    )
    path = evidence_path(record.evidence_file)
    assert path.read_bytes() == PDF
    assert path.parent == evidence_dir()
    assert record.evidence_file != "certificate.pdf"
    await services.cpd_record_delete(record_id=record.id, actor="hr@example.org")
    assert not path.exists()
    assert await CpdRecord.count() == 0
    deleted = (await audit("cpd_record"))[-1]
    assert deleted["action"] == "delete" and deleted["before"]["title"] == "Autism awareness"


async def test_wrong_type_evidence_is_refused_and_nothing_is_written():
    staff_id = await new_staff()
    before = set(evidence_dir().glob("*")) if evidence_dir().exists() else set()
    with pytest.raises(TrainingError) as caught:
        await services.cpd_record_create(
            **cpd_args(staff_id, evidence_file=EvidenceFile("notes.pdf", b"<html><script>alert(1)</script>"))
        )
    assert caught.value.field == "evidence_file"
    assert "PDF, PNG, JPEG or Word" in caught.value.message
    assert await CpdRecord.count() == 0
    after = set(evidence_dir().glob("*")) if evidence_dir().exists() else set()
    assert after == before


async def test_evidence_saved_for_a_failed_write_is_removed(monkeypatch):
    staff_id = await new_staff()

    async def broken_audit(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    before = set(evidence_dir().glob("*")) if evidence_dir().exists() else set()
    with pytest.raises(RuntimeError):
        await services.cpd_record_create(**cpd_args(staff_id, evidence_file=("a.docx", docx_bytes())))
    assert await CpdRecord.count() == 0  # the record was rolled back with its audit entry
    assert set(evidence_dir().glob("*")) == before


async def test_update_audits_only_what_changed_and_replaces_evidence():
    staff_id = await new_staff()
    record = await services.cpd_record_create(**cpd_args(staff_id, evidence_file=("a.pdf", PDF)))
    first_file = evidence_path(record.evidence_file)
    updated = await services.cpd_record_update(
        record_id=record.id, actor="t@example.org", hours=4.5, title="Autism awareness",
        evidence_file=("b.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20),
    )
    assert updated.hours == 4.5 and updated.evidence_file.endswith(".png")
    assert not first_file.exists()
    assert evidence_path(updated.evidence_file).exists()
    entry = (await audit("cpd_record"))[-1]
    assert entry["action"] == "update"
    assert set(entry["after"]) == {"hours", "evidence_file"}
    assert entry["before"]["hours"] == 3.0 and entry["after"]["hours"] == 4.5


async def test_update_with_evidence_none_removes_the_file():
    staff_id = await new_staff()
    record = await services.cpd_record_create(**cpd_args(staff_id, evidence_file=("a.pdf", PDF)))
    path = evidence_path(record.evidence_file)
    updated = await services.cpd_record_update(record_id=record.id, actor="t@example.org", evidence_file=None)
    assert updated.evidence_file is None and not path.exists()


async def test_update_without_changes_writes_no_audit_entry():
    staff_id = await new_staff()
    record = await services.cpd_record_create(**cpd_args(staff_id))
    await services.cpd_record_update(record_id=record.id, actor="t@example.org", title="Autism awareness")
    assert len(await audit("cpd_record")) == 1


async def test_update_refuses_unknown_fields_and_bad_values():
    staff_id = await new_staff()
    record = await services.cpd_record_create(**cpd_args(staff_id))
    with pytest.raises(TrainingError) as caught:
        await services.cpd_record_update(record_id=record.id, actor="t@example.org", staff=5)
    assert "cannot be changed" in caught.value.message
    with pytest.raises(TrainingError):
        await services.cpd_record_update(record_id=record.id, actor="t@example.org", hours=5000)
    with pytest.raises(TrainingError) as caught:
        await services.cpd_record_update(record_id=record.id + 100, actor="t@example.org", hours=1)
    assert caught.value.field == "record_id"
    assert (await CpdRecord.select().first())["hours"] == 3.0


async def test_verify_records_who_and_when_once():
    staff_id = await new_staff()
    record = await services.cpd_record_create(**cpd_args(staff_id))
    verified = await services.cpd_record_verify(record_id=record.id, actor="hr@example.org")
    assert verified.status == "verified" and verified.verified_by == "hr@example.org"
    assert verified.verified_at is not None
    again = await services.cpd_record_verify(record_id=record.id, actor="other@example.org")
    assert again.verified_by == "hr@example.org"
    actions = [e["action"] for e in await audit("cpd_record")]
    assert actions == ["create", "verify"]


async def test_update_back_to_self_reported_clears_verification():
    staff_id = await new_staff()
    record = await services.cpd_record_create(**cpd_args(staff_id, status="verified"))
    updated = await services.cpd_record_update(record_id=record.id, actor="hr@example.org", status="self-reported")
    assert updated.verified_by is None and updated.verified_at is None


async def test_qualification_create_and_update():
    staff_id = await new_staff()
    q = await services.qualification_record(
        staff_id=staff_id, kind="NPQSENCO", status="in-progress", actor="hr@example.org",
        start_date=dt.date(2024, 9, 1),
    )
    assert q.kind == "npq-senco"
    with pytest.raises(TrainingError) as caught:
        await services.qualification_record(
            staff_id=staff_id, kind="npq-senco", status="passed", actor="hr@example.org", qualification_id=q.id,
        )
    assert caught.value.field == "award_date"
    with pytest.raises(TrainingError) as caught:
        await services.qualification_record(
            staff_id=staff_id, kind="npq-senco", status="passed", actor="hr@example.org", qualification_id=q.id,
            start_date=dt.date(2024, 9, 1), award_date=dt.date(2024, 1, 1),
        )
    assert caught.value.field == "award_date"
    updated = await services.qualification_record(
        staff_id=staff_id, kind="npq-senco", status="passed", actor="hr@example.org", qualification_id=q.id,
        start_date=dt.date(2024, 9, 1), award_date=dt.date(2025, 7, 1),
    )
    assert updated.id == q.id and updated.status == "passed" and updated.award_date == dt.date(2025, 7, 1)
    assert await Qualification.count() == 1
    entries = await audit("qualification")
    assert [e["action"] for e in entries] == ["create", "update"]
    assert entries[1]["after"] == {"status": "passed", "award_date": "2025-07-01"}


async def test_qualification_of_someone_else_cannot_be_updated():
    staff_a, staff_b = await new_staff("A"), await new_staff("B")
    q = await services.qualification_record(staff_id=staff_a, kind="nasenco", status="registered", actor="x@e.org")
    with pytest.raises(TrainingError) as caught:
        await services.qualification_record(
            staff_id=staff_b, kind="nasenco", status="withdrawn", actor="x@e.org", qualification_id=q.id
        )
    assert caught.value.field == "qualification_id"
    assert (await Qualification.select().first())["status"] == "registered"


async def test_qualification_bad_kind():
    staff_id = await new_staff()
    with pytest.raises(TrainingError) as caught:
        await services.qualification_record(staff_id=staff_id, kind="phd", status="passed", actor="x@e.org")
    assert caught.value.field == "kind"


async def test_placement_create_update_and_checks():
    staff_id = await new_staff()
    await new_school(123456)
    p = await services.placement_record(
        staff_id=staff_id, route="itt", host_urn=123456, start_date=dt.date(2024, 9, 1), days=10, actor="x@e.org"
    )
    assert p.route == "ITT" and p.days == 10
    with pytest.raises(TrainingError) as caught:
        await services.placement_record(
            staff_id=staff_id, route="ITT", host_urn=654321, start_date=dt.date(2024, 9, 1), actor="x@e.org"
        )
    assert caught.value.field == "host_urn" and "654321" in caught.value.message
    with pytest.raises(TrainingError) as caught:
        await services.placement_record(
            staff_id=staff_id, route="ITT", host_urn=123456, start_date=dt.date(2024, 9, 1),
            end_date=dt.date(2024, 8, 1), actor="x@e.org",
        )
    assert caught.value.field == "end_date"
    with pytest.raises(TrainingError) as caught:
        await services.placement_record(
            staff_id=staff_id, route="PGCE", host_urn=123456, start_date=dt.date(2024, 9, 1), actor="x@e.org"
        )
    assert caught.value.field == "route"
    updated = await services.placement_record(
        staff_id=staff_id, route="ITT", host_urn=123456, start_date=dt.date(2024, 9, 1), days=12,
        end_date=dt.date(2025, 7, 1), actor="x@e.org", placement_id=p.id,
    )
    assert updated.days == 12 and updated.end_date == dt.date(2025, 7, 1)
    assert await Placement.count() == 1
    assert [e["action"] for e in await audit("placement")] == ["create", "update"]
    rows = await selectors.placements_for_staff(staff_id)
    assert rows[0]["host_name"] == "Host School"


async def test_cpd_selectors_by_academic_year_and_page():
    staff_id = await new_staff()
    other = await new_staff("other")
    for day in (dt.date(2023, 10, 1), dt.date(2024, 8, 31), dt.date(2024, 9, 1), dt.date(2024, 12, 1)):
        await services.cpd_record_create(**cpd_args(staff_id, activity_date=day, title=f"On {day}"))
    await services.cpd_record_create(**cpd_args(other))
    all_rows = await selectors.cpd_records_for_staff(staff_id)
    assert [r["activity_date"] for r in all_rows] == [
        dt.date(2024, 12, 1), dt.date(2024, 9, 1), dt.date(2024, 8, 31), dt.date(2023, 10, 1)
    ]
    this_year = await selectors.cpd_records_for_staff(staff_id, academic_year="2024/25")
    assert [r["activity_date"] for r in this_year] == [dt.date(2024, 12, 1), dt.date(2024, 9, 1)]
    by_date = await selectors.cpd_records_for_staff(staff_id, academic_year=dt.date(2024, 1, 1))
    assert [r["activity_date"] for r in by_date] == [dt.date(2024, 8, 31), dt.date(2023, 10, 1)]
    page = await selectors.cpd_records_page(staff_id, page=2, per_page=3)
    assert page.total == 4 and page.pages == 2 and len(page.records) == 1 and page.total_hours == 12.0
    assert page.has_previous and not page.has_next
    mine = all_rows[0]["id"]
    assert await selectors.cpd_record_for_owner(mine, staff_id) is not None
    assert await selectors.cpd_record_for_owner(mine, other) is None


async def test_an_empty_file_input_is_no_file():
    class EmptyUpload:  # what a form sends for a file input left empty
        filename = ""

        async def read(self):
            return b""

    staff_id = await new_staff()
    record = await services.cpd_record_create(**cpd_args(staff_id, evidence_file=EmptyUpload()))
    assert record.evidence_file is None
    with_file = await services.cpd_record_update(record_id=record.id, actor="x@e.org", evidence_file=("a.pdf", PDF))
    kept = await services.cpd_record_update(record_id=record.id, actor="x@e.org", evidence_file=EmptyUpload())
    assert kept.evidence_file == with_file.evidence_file
    assert evidence_path(kept.evidence_file).exists()


async def test_an_empty_named_file_is_refused():
    staff_id = await new_staff()
    with pytest.raises(TrainingError) as caught:
        await services.cpd_record_create(**cpd_args(staff_id, evidence_file=("empty.pdf", b"")))
    assert caught.value.message == "The selected file is empty"
