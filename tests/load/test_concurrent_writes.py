"""A bounded load test on loopback: concurrent CPD writes and concurrent imports, then count what was stored.

At the same time, against one served app:
- TEACHERS teachers each log CPD_PER_TEACHER records through the My CPD form (every third with an evidence file);
- IMPORTERS HR leads each check the same shared CPD file through /uploads and apply it at the same moment (the
  same rows race to be created), then check and apply FILES_PER_IMPORTER files of their own.

Afterwards the database is counted: every acknowledged form write is there once under the id it was acknowledged
with, every row of every applied file is there once (the shared file's rows too), nothing else appeared. The
summary line gives requests, errors, lost and duplicated records, throughput and latency. Loopback only; the
work is fixed in size, and the run stops by itself after LOAD_DEADLINE seconds whatever happens.
"""

from __future__ import annotations

import csv
import io
import os
import re
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
import pytest
from browser.live_server import (
    create_teacher,
    csrf_token,
    db_query,
    dispose_server,
    http_sign_in,
    make_server,
    summary_line,
)

from workforce.paths import SEED_DIR

TEACHERS = int(os.environ.get("LOAD_TEACHERS", "8"))
CPD_PER_TEACHER = int(os.environ.get("LOAD_CPD_PER_TEACHER", "30"))
IMPORTERS = int(os.environ.get("LOAD_IMPORTERS", "3"))
FILES_PER_IMPORTER = 2
ROWS_PER_FILE = 40
DEADLINE = float(os.environ.get("LOAD_DEADLINE", "300"))
TRUST = "17001"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _demo_staff() -> tuple[list[str], list[str]]:
    """(teachers without an account, everyone) employed at the demo trust's schools."""
    rows = list(csv.DictReader((SEED_DIR / "demo" / "staff.csv").open(encoding="utf-8", newline="")))
    in_trust = [r for r in rows if r["school_urn"].startswith("1490")]
    demo_teacher = (SEED_DIR / "demo" / "demo_teacher_staff_id.txt").read_text().strip()
    teachers = [r["staff_id"] for r in in_trust if r["role"] == "teacher" and r["staff_id"] != demo_teacher]
    return list(dict.fromkeys(teachers)), list(dict.fromkeys(r["staff_id"] for r in in_trust))


@dataclass
class Tally:
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    acknowledged: dict[str, int] = field(default_factory=dict)  # form write title -> record id
    applied_refs: set[str] = field(default_factory=set)  # record ids of the rows of applied files
    unfinished: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, send):
        started = time.perf_counter()
        try:
            return send()
        finally:
            with self.lock:
                self.requests += 1
                self.latencies.append(time.perf_counter() - started)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def _cpd_file(refs: list[str], staff: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "staff_id",
            "record_id",
            "title",
            "provider",
            "date",
            "hours",
            "send",
            "send_area",
            "mandatory_module",
            "evidence_ref",
            "reflection",
            "status",
        ]
    )
    for i, ref in enumerate(refs):
        writer.writerow(
            [
                staff[i % len(staff)],
                ref,
                f"Imported {ref}",
                "Load test",
                "2025-10-06",
                "1.5",
                "yes",
                "general",
                "no",
                "",
                "",
                "self-reported",
            ]
        )
    return out.getvalue().encode("utf-8")


def _teacher(base_url: str, email: str, number: int, deadline: float, tally: Tally) -> None:
    with httpx.Client(base_url=base_url, timeout=120) as client:
        tally.timed(lambda: http_sign_in(client, email))
        token = csrf_token(tally.timed(lambda: client.get("/my-cpd/new")).text)
        for n in range(1, CPD_PER_TEACHER + 1):
            if time.monotonic() > deadline:
                with tally.lock:
                    tally.unfinished += CPD_PER_TEACHER - n + 1
                return
            title = f"load t{number} n{n}"
            files = (
                {"evidence_file": (f"certificate-{n}.pdf", PDF, "application/pdf")} if n % 3 == 0 else None
            )
            data = {
                "_csrf_token": token,
                "activity_date-day": "6",
                "activity_date-month": "10",
                "activity_date-year": "2025",
                "title": title,
                "hours": "1",
                "send_area": "general",
            }
            try:
                response = tally.timed(
                    lambda data=data, files=files: client.post(
                        "/my-cpd/new", data=data, files=files, follow_redirects=False
                    )
                )
            except httpx.HTTPError as exc:
                tally.error(f"{title}: {exc!r}")
                continue
            match = re.search(r"/my-cpd/(\d+)\?", response.headers.get("location", ""))
            if response.status_code == 303 and match:
                with tally.lock:
                    tally.acknowledged[title] = int(match.group(1))
            else:
                tally.error(f"{title}: {response.status_code}")


def _check_file(
    client: httpx.Client, email: str, name: str, content: bytes, tally: Tally
) -> tuple[str, str] | None:
    """Upload a file for checking; the apply URL and its form's CSRF token, or None (an error is recorded)."""
    token = csrf_token(tally.timed(lambda: client.get("/uploads")).text)
    preview = tally.timed(
        lambda: client.post(
            "/uploads",
            data={"_csrf_token": token, "kind": "cpd"},
            files={"file": (name, content, "text/csv")},
        )
    )
    action = re.search(r'action="(/uploads/[A-Za-z0-9_-]{32}/apply)"', preview.text)
    if preview.status_code != 200 or not action:
        tally.error(f"{email} {name}: check answered {preview.status_code}")
        return None
    return action.group(1), csrf_token(preview.text)


def _apply(
    client: httpx.Client, email: str, name: str, checked: tuple[str, str], refs: list[str], tally: Tally
):
    url, token = checked
    applied = tally.timed(lambda: client.post(url, data={"_csrf_token": token}))
    if applied.status_code == 200:
        with tally.lock:
            tally.applied_refs.update(refs)
    else:
        tally.error(f"{email} {name}: apply answered {applied.status_code}")


def _importer(
    base_url: str,
    email: str,
    shared,
    own_files,
    start_together: threading.Barrier,
    deadline: float,
    tally: Tally,
) -> None:
    """Check the shared file, apply it at the same moment as the other importers, then check and apply our own."""
    with httpx.Client(base_url=base_url, timeout=300) as client:
        try:
            tally.timed(lambda: http_sign_in(client, email))
            checked = _check_file(client, email, shared[0], shared[1], tally)
        except (httpx.HTTPError, AssertionError) as exc:
            tally.error(f"{email}: {exc!r}")
            checked = None
        try:
            start_together.wait(timeout=120)
        except threading.BrokenBarrierError:
            tally.error(f"{email}: the importers never met to apply the shared file together")
            return
        try:
            if checked:
                _apply(client, email, shared[0], checked, shared[2], tally)
            for name, content, refs in own_files:
                if time.monotonic() > deadline:
                    with tally.lock:
                        tally.unfinished += 1
                    return
                checked = _check_file(client, email, name, content, tally)
                if checked:
                    _apply(client, email, name, checked, refs, tally)
        except httpx.HTTPError as exc:
            tally.error(f"{email}: {exc!r}")


@pytest.fixture
def load_server():
    server = make_server("load")
    try:
        server.prepare(demo=True)
        teachers, _ = _demo_staff()
        assert len(teachers) >= TEACHERS, f"the demo data has {len(teachers)} teachers without accounts"
        for t in range(TEACHERS):
            create_teacher(server, f"load.teacher{t}@demo.example", teachers[t])
        for i in range(1, IMPORTERS):
            server.cli(
                "users",
                "create",
                f"load.hr{i}@demo.example",
                "--role",
                "hr_lead",
                "--trust",
                TRUST,
                "--password-stdin",
                input="demo-password-2026\n",
            )
        server.start()
        yield server
    finally:
        dispose_server(server)


def test_concurrent_cpd_writes_and_imports_lose_and_duplicate_nothing(load_server):
    server = load_server
    _, staff = _demo_staff()
    shared_refs = [f"LOAD-S-{n:03d}" for n in range(ROWS_PER_FILE)]
    shared = ("shared.csv", _cpd_file(shared_refs, staff), shared_refs)
    importer_files = []
    for i in range(IMPORTERS):
        own = []
        for f in range(FILES_PER_IMPORTER):
            refs = [f"LOAD-I{i}-F{f}-{n:03d}" for n in range(ROWS_PER_FILE)]
            own.append((f"importer{i}-{f}.csv", _cpd_file(refs, staff[i::IMPORTERS] or staff), refs))
        importer_files.append(own)
    hr_emails = ["hr.lead@demo.example", *[f"load.hr{i}@demo.example" for i in range(1, IMPORTERS)]]

    tally = Tally()
    deadline = time.monotonic() + DEADLINE
    start_together = threading.Barrier(IMPORTERS)
    threads = [
        threading.Thread(
            target=_teacher, args=(server.base_url, f"load.teacher{t}@demo.example", t, deadline, tally)
        )
        for t in range(TEACHERS)
    ] + [
        threading.Thread(
            target=_importer,
            args=(server.base_url, hr_emails[i], shared, importer_files[i], start_together, deadline, tally),
        )
        for i in range(IMPORTERS)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DEADLINE + 120)
    elapsed = time.perf_counter() - started
    hung = sum(thread.is_alive() for thread in threads)

    # Count what the database holds, from outside the app.
    form_rows = db_query(server, "SELECT id, title FROM cpd_record WHERE title LIKE 'load t%'")
    form_counts = Counter(title for _, title in form_rows)
    form_ids = {title: record_id for record_id, title in form_rows}
    import_counts = Counter(
        ref for (ref,) in db_query(server, "SELECT record_ref FROM cpd_record WHERE record_ref LIKE 'LOAD-%'")
    )
    expected_refs = set(shared_refs) | {
        ref for files in importer_files for _, _, refs in files for ref in refs
    }
    lost = sorted(set(tally.acknowledged) - set(form_counts)) + sorted(
        tally.applied_refs - set(import_counts)
    )
    duplicated = sorted(k for k, n in (form_counts + import_counts).items() if n > 1)
    unexpected = sorted(set(form_counts) - set(tally.acknowledged)) + sorted(
        set(import_counts) - expected_refs
    )
    wrong_id = sorted(t for t, i in tally.acknowledged.items() if form_ids.get(t, i) != i)
    not_applied = sorted(expected_refs - tally.applied_refs)
    latencies = sorted(tally.latencies)
    p50 = statistics.median(latencies) * 1000 if latencies else 0
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else 0
    summary_line(
        f"load ({server.engine}): {tally.requests} requests in {elapsed:.1f} s "
        f"({tally.requests / elapsed:.1f}/s, p50 {p50:.0f} ms, p95 {p95:.0f} ms) by {TEACHERS} teachers and "
        f"{IMPORTERS} importers: errors {len(tally.errors)}, records lost {len(lost)}, "
        f"duplicated {len(duplicated)}, unexpected {len(unexpected)}; "
        f"{len(tally.acknowledged)} CPD form writes and {len(tally.applied_refs)} imported rows stored"
    )
    assert hung == 0, f"{hung} load threads did not stop"
    assert tally.unfinished == 0, f"{tally.unfinished} pieces of work not done within {DEADLINE:.0f} s"
    assert not tally.errors, f"errors: {tally.errors[:10]}"
    assert not lost, f"records lost: {lost[:10]}"
    assert not duplicated, f"records duplicated: {duplicated[:10]}"
    assert not unexpected, f"records nobody wrote: {unexpected[:10]}"
    assert not wrong_id, f"records under another id than acknowledged: {wrong_id[:10]}"
    assert len(tally.acknowledged) == TEACHERS * CPD_PER_TEACHER
    assert not not_applied, f"rows of files that were never applied: {not_applied[:10]}"
