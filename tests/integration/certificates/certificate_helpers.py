"""Helpers for certificate tests: schools, trusts and saved snapshots written straight to the tables,
and reading a PDF back as text."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
import subprocess
import tempfile
import threading

from workforce.compliance.tables import EvaluationSnapshot, SnapshotFinding
from workforce.organisations.tables import School, Trust, TrustMembership

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


async def make_school(urn: int = 100001, name: str = "Oakfield Primary School", type_code: int = 1) -> int:
    rows = await School.insert(
        School(urn=urn, name=name, type_code=type_code, scope_group="mainstream-maintained", updated_at=NOW)
    ).returning(School.id)
    return rows[0]["id"]


async def make_trust(
    uid: str = "5001", name: str = "Riverside Learning Trust", urns: tuple[int, ...] = ()
) -> int:
    rows = await Trust.insert(Trust(uid=uid, name=name, updated_at=NOW)).returning(Trust.id)
    trust_id = rows[0]["id"]
    for urn in urns:
        school = await School.select(School.id).where(School.urn == urn).first()
        await TrustMembership.insert(TrustMembership(trust=trust_id, school=school["id"]))
    return trust_id


def finding(
    rule,
    outcome,
    *,
    subject="school",
    urn=None,
    trust_uid=None,
    person_id=None,
    basis="law",
    due=None,
    reason="",
):
    return {
        "rule": rule,
        "subject": subject,
        "urn": urn,
        "trust_uid": trust_uid,
        "person_id": person_id,
        "outcome": outcome,
        "basis": basis,
        "due": due,
        "reason": reason,
    }


async def make_snapshot(
    findings: list[dict],
    *,
    scope: str = "school",
    scope_ref: str = "100001",
    standard_id: str = "statutory-2024",
    standard_version: str = "1.0",
    as_of: dt.date = dt.date(2026, 3, 1),
    created_at: dt.datetime = NOW,
    params: dict | None = None,
) -> int:
    canonical = json.dumps(findings, sort_keys=True, default=str).encode()
    rows = await EvaluationSnapshot.insert(
        EvaluationSnapshot(
            standard_id=standard_id,
            standard_version=standard_version,
            as_of=as_of,
            scope=scope,
            scope_ref=scope_ref,
            params=json.dumps(params or {}),
            finding_count=len(findings),
            content_hash=hashlib.sha256(canonical).hexdigest(),
            created_at=created_at,
            created_by="test",
        )
    ).returning(EvaluationSnapshot.id)
    snapshot_id = rows[0]["id"]
    if findings:
        await SnapshotFinding.insert(*[SnapshotFinding(snapshot=snapshot_id, **f) for f in findings])
    return snapshot_id


SCHOOL_FINDINGS = [
    finding("senco-designated", "met", urn=100001, reason="Ms A Khan is the SENCO and a qualified teacher."),
    finding(
        "senco-qualification",
        "gap",
        subject="person",
        urn=100001,
        person_id=1,
        due=dt.date(2026, 1, 3),
        reason="Ms A Khan became SENCO on 3 January 2023 and has no passed NPQ for SENCOs; "
        "the deadline was 3 January 2026.",
    ),
    finding(
        "head-send-qualification",
        "due-soon",
        subject="person",
        urn=100001,
        person_id=2,
        basis="committee",
        due=dt.date(2026, 6, 30),
        reason="Mr B Osei, headteacher since 1 July 2022, needs a SEND qualification by 30 June 2026.",
    ),
    finding(
        "send-cpd-annual",
        "gap",
        subject="person",
        urn=100001,
        person_id=3,
        basis="committee",
        reason="Ms C Private has no SEND CPD this academic year.",
    ),
    finding(
        "send-cpd-annual",
        "gap",
        subject="person",
        urn=100001,
        person_id=4,
        basis="committee",
        reason="Mr D Hidden has no SEND CPD this academic year.",
    ),
    finding(
        "send-cpd-annual",
        "met",
        subject="person",
        urn=100001,
        person_id=5,
        basis="committee",
        reason="Ms E Shown completed SEND CPD.",
    ),
    finding(
        "senco-capacity",
        "advisory",
        urn=100001,
        basis="project-default",
        reason="SENCO time 0.3 FTE for 120 pupils with SEN: 0.25 FTE per 100, below 0.35.",
    ),
    finding(
        "ta-capacity",
        "met",
        urn=100001,
        basis="project-default",
        reason="21.4 pupils per TA FTE, within 1.5 x the primary figure of 25.",
    ),
]


def pdftotext(pdf: bytes, *, layout: bool = False) -> str:
    """The PDF's text by poppler's pdftotext: reading order, or physical layout (a table row on a line)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as handle:
        handle.write(pdf)
        path = handle.name
    try:
        result = subprocess.run(
            ["pdftotext", *(["-layout"] if layout else []), path, "-"],
            capture_output=True,
            check=True,
            timeout=60,
        )
        return result.stdout.decode("utf-8")
    finally:
        os.unlink(path)


def squash(text: str) -> str:
    """Text with runs of whitespace (line breaks, layout columns) made single spaces."""
    return " ".join(text.split())


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.requests: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    data = conn.recv(4096)
                except OSError:
                    data = b""
                self.requests.append(data)
                try:
                    conn.sendall(
                        b"HTTP/1.0 200 OK\r\nContent-Type: image/svg+xml\r\n\r\n"
                        b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
                    )
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()
