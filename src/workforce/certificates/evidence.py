"""Evidence packs: one zip an inspector can keep, holding a certificate and the findings behind it.

``evidence_pack(code) -> EvidencePack`` builds, for an issued certificate:

- ``SWC-XXXX-XXXX-XXXX.pdf``: the issued PDF, byte for byte (its signature still verifies);
- ``findings.csv``: one row per finding of the certified snapshot, in the snapshot's order, written with the
  shared formula-safe CSV writer (``workforce.csv_export``). Reasons that name a member of staff who is not a
  leader are withheld, as on the certificate (``selectors.withheld``);
- ``README.txt``: what the pack is, how to check it, and the SHA-256 of each file (``sha256sum`` format).

The pack is deterministic: the same certificate gives the same bytes (file times are the issue time).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

from workforce.certificates.selectors import (
    RATIO_RULES,
    certificate_get,
    rule_title,
    school_names_of,
    standard_info,
    withheld,
)
from workforce.certificates.services import CertificateNotFound, certificate_pdf, verify_url
from workforce.compliance.tables import SnapshotFinding
from workforce.csv_export import csv_bytes

FINDINGS_FILE = "findings.csv"
README_FILE = "README.txt"
FINDINGS_HEADER = [
    "rule",
    "rule_title",
    "subject",
    "urn",
    "school",
    "trust_uid",
    "outcome",
    "basis",
    "due",
    "reason",
    "figures",
]
WITHHELD_REASON = "Withheld: this finding is about a member of staff who is not a leader."


@dataclass(frozen=True)
class EvidencePack:
    filename: str
    content: bytes


def _figures(row: dict) -> str:
    """The engine's figures behind a ratio finding, as compact JSON (empty for other findings)."""
    if row["rule"] not in RATIO_RULES or row["subject"] == "person":
        return ""
    metrics = row.get("metrics")
    if isinstance(metrics, str):
        try:
            metrics = json.loads(metrics or "null")
        except ValueError:
            metrics = None
    return json.dumps(metrics, sort_keys=True, separators=(",", ":")) if metrics else ""


async def findings_csv(snapshot_id: int, standard_id: str) -> bytes:
    """The snapshot's findings as CSV: one row per finding, in the order the engine produced them."""
    rows = (
        await SnapshotFinding.select()
        .where(SnapshotFinding.snapshot == snapshot_id)
        .order_by(SnapshotFinding.id)
    )
    names = await school_names_of(row["urn"] for row in rows)
    info = standard_info(standard_id)
    titles = info.rule_titles if info else {}
    body = [
        [
            row["rule"],
            rule_title(row["rule"], titles),
            row["subject"],
            row["urn"],
            names.get(row["urn"], "") if row["urn"] is not None else "",
            row["trust_uid"],
            row["outcome"],
            row["basis"],
            row["due"],
            WITHHELD_REASON if withheld(row) else row["reason"],
            _figures(row),
        ]
        for row in rows
    ]
    return csv_bytes(FINDINGS_HEADER, body)


def _readme(cert, files: dict[str, bytes], *, finding_count: int) -> bytes:
    where = (
        f"school, URN {cert.scope_ref}" if cert.scope == "school" else f"trust, group UID {cert.scope_ref}"
    )
    lines = [
        "SEND Workforce evidence pack",
        "",
        f"Certificate:       {cert.code}",
        f"Organisation:      {cert.organisation_name} ({where})",
        f"Standard:          {cert.standard_id}, version {cert.standard_version}",
        f"Compliance as of:  {cert.as_of.isoformat()}",
        f"Issued:            {cert.issued_at.strftime('%Y-%m-%dT%H:%M:%SZ')} by SEND Workforce",
        f"Evaluation fingerprint (SHA-256 of the findings): {cert.snapshot_hash}",
        "",
        "Files:",
        f"  {cert.code}.pdf  the certificate as issued (signed; its bytes are those the service recorded)",
        f"  {FINDINGS_FILE}  the {finding_count} findings of the certified evaluation, one per row",
        "    (reasons about staff who are not leaders are withheld, as on the certificate)",
        f"  {README_FILE}  this file",
        "",
        "Check the certificate is genuine and still current:",
        f"  {verify_url(cert.code)}",
        f"  or: workforce certificate verify {cert.code}.pdf",
        "",
        "SHA-256 of each file (check with: sha256sum --check --ignore-missing README.txt):",
    ]
    lines += [f"{hashlib.sha256(data).hexdigest()}  {name}" for name, data in files.items()]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


async def evidence_pack(code: str) -> EvidencePack:
    """The evidence pack of an issued certificate (``CertificateNotFound`` for an unknown code)."""
    cert = await certificate_get(code)
    if cert is None:
        raise CertificateNotFound(f"No certificate {code}")
    pdf = await certificate_pdf(cert.code)
    findings = await findings_csv(cert.snapshot, cert.standard_id)
    files = {f"{cert.code}.pdf": pdf, FINDINGS_FILE: findings}
    finding_count = await SnapshotFinding.count().where(SnapshotFinding.snapshot == cert.snapshot)
    files[README_FILE] = _readme(cert, dict(files), finding_count=finding_count)
    stamp = cert.issued_at.timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for filename, data in files.items():
            info = zipfile.ZipInfo(filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return EvidencePack(filename=f"evidence-{cert.code}.zip", content=buffer.getvalue())
