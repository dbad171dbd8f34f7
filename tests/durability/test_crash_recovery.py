"""Kill the server mid-write, again and again: every acknowledged write survives, exactly once.

Teachers log CPD through the real My CPD form (some with an evidence file) from several threads at once while
the server is killed with SIGKILL (no shutdown, no flushing) at a random moment, then restarted; several rounds.
Afterwards, on the engine under test:

- SQLite: ``PRAGMA integrity_check`` is ``ok``;
- every write the server acknowledged (303 to the new record) is in the database exactly once, under the id it
  was acknowledged with, with its audit entry; a write cut off by the kill is there at most once (it may or may
  not have committed, never half);
- no record refers to an evidence file that is not on disk;
- at least one write was really cut off, so the kills did land mid-write.

Bounded: CRASH_ROUNDS rounds (default 5) of at most ~2 s of writing each.
"""

from __future__ import annotations

import os
import random
import re
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

ROUNDS = int(os.environ.get("CRASH_ROUNDS", "5"))
WRITERS = 4
TEACHER_STAFF = ["RLT0005", "RLT0006", "RLT0018", "RLT0020"]  # teachers in seed/demo/staff.csv
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
TITLE = re.compile(r"^crash r(\d+) w(\d+) n(\d+)$")


@dataclass
class Ledger:
    acknowledged: dict[str, int] = field(default_factory=dict)  # title -> record id the server answered with
    in_doubt: set[str] = field(default_factory=set)  # sent, but the connection died before an answer
    refused: list[str] = field(default_factory=list)  # an answer that was not a success (must not happen)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Writer:
    """A signed-in teacher: the session lives in the database, so it outlives the kills."""

    number: int
    client: httpx.Client
    token: str


def _sign_in_writers(base_url: str) -> list[Writer]:
    writers = []
    for w in range(WRITERS):
        client = httpx.Client(base_url=base_url, timeout=30)
        http_sign_in(client, f"crash.teacher{w}@demo.example")
        writers.append(Writer(w, client, csrf_token(client.get("/my-cpd/new").text)))
    return writers


def _write_until_killed(writer: Writer, round_no: int, stop: threading.Event, ledger: Ledger) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        title = f"crash r{round_no} w{writer.number} n{n}"
        files = {"evidence_file": (f"evidence-{n}.pdf", PDF, "application/pdf")} if n % 2 else None
        data = {
            "_csrf_token": writer.token,
            "activity_date-day": "1",
            "activity_date-month": "10",
            "activity_date-year": "2025",
            "title": title,
            "hours": "1",
            "send_area": "general",
        }
        try:
            response = writer.client.post("/my-cpd/new", data=data, files=files, follow_redirects=False)
        except httpx.HTTPError:
            with ledger.lock:
                ledger.in_doubt.add(title)
            return
        match = re.search(r"/my-cpd/(\d+)\?", response.headers.get("location", ""))
        with ledger.lock:
            if response.status_code == 303 and match:
                ledger.acknowledged[title] = int(match.group(1))
            else:
                ledger.refused.append(f"{title}: {response.status_code} {response.headers.get('location')}")
                return


@pytest.fixture
def crash_server():
    server = make_server("crash")
    try:
        server.prepare(demo=True)
        for i, staff in enumerate(TEACHER_STAFF):
            create_teacher(server, f"crash.teacher{i}@demo.example", staff)
        yield server
    finally:
        dispose_server(server)


def test_acknowledged_writes_survive_repeated_kills_exactly_once(crash_server):
    server = crash_server
    ledger = Ledger()
    rng = random.Random(20260901)
    server.start()
    writers = _sign_in_writers(server.base_url)
    for round_no in range(1, ROUNDS + 1):
        if round_no > 1:
            server.start()
        stop = threading.Event()
        threads = [
            threading.Thread(target=_write_until_killed, args=(writer, round_no, stop, ledger), daemon=True)
            for writer in writers
        ]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.5, 2.0))
        server.kill()
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
            assert not thread.is_alive(), "a writer hung after the kill"
    for writer in writers:
        writer.client.close()

    server.start()  # the database opens again after the last kill (recovery of the WAL)
    assert not ledger.refused, f"the server refused writes: {ledger.refused[:5]}"
    assert ledger.acknowledged, "no write was acknowledged: the test proved nothing"
    assert ledger.in_doubt, "no kill landed during a write: the test proved nothing"

    if not server.database_url:
        assert db_query(server, "PRAGMA integrity_check") == [("ok",)]
        assert db_query(server, "PRAGMA journal_mode") == [("wal",)]

    rows = db_query(server, "SELECT id, title, evidence_file FROM cpd_record WHERE title LIKE 'crash r%'")
    counts = Counter(title for _, title, _ in rows)
    ids = {title: record_id for record_id, title, _ in rows}
    duplicated = {title: n for title, n in counts.items() if n > 1}
    lost = sorted(set(ledger.acknowledged) - set(counts))
    wrong_id = {t: (i, ids.get(t)) for t, i in ledger.acknowledged.items() if t in ids and ids[t] != i}
    unknown = sorted(set(counts) - set(ledger.acknowledged) - ledger.in_doubt)
    audited = Counter(
        entity_id
        for (entity_id,) in db_query(
            server, "SELECT entity_id FROM audit_entry WHERE entity = 'cpd_record' AND action = 'create'"
        )
    )
    unaudited = sorted(title for title, record_id in ids.items() if audited[record_id] != 1)
    evidence_dir = server.data_dir / "uploads" / "evidence"
    dangling = sorted(f for _, _, f in rows if f and not (evidence_dir / f).is_file())
    in_doubt_committed = len(ledger.in_doubt & set(counts))
    summary_line(
        f"crash test ({server.engine}): {ROUNDS} kills, {len(ledger.acknowledged)} acknowledged writes, "
        f"{len(ledger.in_doubt)} cut off by a kill ({in_doubt_committed} of them committed), "
        f"lost {len(lost)}, duplicated {len(duplicated)}, unaudited {len(unaudited)}, "
        f"dangling evidence {len(dangling)}"
    )
    assert not lost, f"acknowledged writes lost: {lost[:10]}"
    assert not duplicated, f"writes stored twice: {duplicated}"
    assert not wrong_id, f"stored under another id than acknowledged: {wrong_id}"
    assert not unknown, f"records nobody sent: {unknown[:10]}"
    assert not unaudited, f"records without exactly one audit entry: {unaudited[:10]}"
    assert not dangling, f"records whose evidence file is missing: {dangling[:10]}"

    # The app still works on the recovered database: a teacher sees their acknowledged records.
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        http_sign_in(client, "crash.teacher0@demo.example")
        mine = [t for t in ledger.acknowledged if TITLE.match(t) and TITLE.match(t).group(2) == "0"]
        if mine:
            record = client.get(f"/my-cpd/{ledger.acknowledged[mine[-1]]}")
            assert record.status_code == 200 and mine[-1] in record.text
