"""Certificate PDF render time, for a school and for a 50-school trust: cold and cached, against a bare render.

Three kinds of certificate are measured in each run:

- **school**: for a few schools of the benchmark database, a certificate is issued (evaluation, snapshot,
  signature), then its PDF fetched with ``certificate_pdf(code)``;
- **trust (issued)**: the same for the trust of the benchmark database whose size is nearest to 50 schools
  (only where the data set has a trust of 40 schools or more: the national set at scale 1.0 has);
- **trust (50 schools)**: the deterministic 50-school trust certificate of ``workforce.certificates.samples``
  (every rule for every school, 40 staff each), through ``pdf_render_cached(html)``, at any scale.

Each is timed **cold** (its stored rendering deleted first, so the service renders the HTML again in its
worker process, off the event loop, and stores it; for an issued certificate it also checks the new PDF is
byte for byte the one issued) and **cached** (fetched again: served from the render store). The **floor** is
a bare WeasyPrint render of the very same HTML in this process (``HTML(string=...).write_pdf(...)`` with the
same options, no worker, no store), measured in the same run, right after. A render in a fresh worker pool
(spawning the worker process: what warming the pool at app start-up hides) is reported separately.

    python -m bench certificates [--scale 0.01] [--engine both] [--count 8] [--trust-repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import time

from bench.common import (
    ENGINES,
    child_setup,
    emit,
    ensure_national,
    median,
    national_dataset,
    print_machine,
    ratio,
    run_child,
    save,
    table,
)

STANDARD = "statutory-2024"
TRUST_SIZE = 50  # the issue's "trust certificate with 50 schools"
TRUST_MIN = 40  # an issued trust certificate is measured only for a trust at least this big


def pdf_pages(pdf: bytes) -> int | None:
    """Pages of a PDF, by poppler's pdfinfo (a system package of the project); None without it."""
    if shutil.which("pdfinfo") is None:
        return None
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True, text=False).stdout
    found = re.search(rb"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(found.group(1)) if found else None


def floor_render(html: str) -> float:
    """Seconds for a bare WeasyPrint render of ``html`` (no worker process, no store)."""
    from weasyprint import HTML

    from workforce.certificates import rendering

    began = time.perf_counter()
    HTML(string=html, base_url=rendering.FONTS_DIR.as_uri() + "/").write_pdf(**rendering.PDF_OPTIONS)
    return time.perf_counter() - began


async def timed(call) -> tuple[float, bytes]:
    began = time.perf_counter()
    result = await call()
    return time.perf_counter() - began, result


async def measure_issued(cert, html: str) -> tuple[float, float, float, int, int]:
    """(cold s, cached s, floor s, PDF bytes, PDF pages) for an issued certificate."""
    from workforce.certificates.services import certificate_pdf
    from workforce.certificates.tables import CertificateRender

    await CertificateRender.delete().where(CertificateRender.pdf_sha256 == cert.pdf_sha256)
    cold, pdf = await timed(lambda: certificate_pdf(cert.code))
    cached, again = await timed(lambda: certificate_pdf(cert.code))
    assert again == pdf
    return cold, cached, floor_render(html), len(pdf), pdf_pages(pdf)


async def measure_html(html: str) -> tuple[float, float, float, int, int]:
    """(cold s, cached s, floor s, PDF bytes, PDF pages) for HTML through the service's render store."""
    from workforce.certificates.services import pdf_render_cached, sha256_hex
    from workforce.certificates.tables import CertificateRender

    await CertificateRender.delete().where(CertificateRender.html_sha256 == sha256_hex(html.encode("utf-8")))
    cold, (pdf, _sha) = await timed(lambda: pdf_render_cached(html))
    cached, (again, _sha) = await timed(lambda: pdf_render_cached(html))
    assert again == pdf
    return cold, cached, floor_render(html), len(pdf), pdf_pages(pdf)


def summary(kind: str, measured: list[tuple[float, float, float, int, int]], **extra) -> None:
    cold, cached, floor, sizes, pages = zip(*measured, strict=True)
    emit(
        "certificates",
        certificate=kind,
        count=len(measured),
        cold_ms=round(median(list(cold)) * 1000, 1),
        cached_ms=round(median(list(cached)) * 1000, 2),
        floor_ms=round(median(list(floor)) * 1000, 1),
        pdf_kb=round(median(list(sizes)) / 1024, 1),
        pages=pages[0],
        **extra,
    )


async def nearest_trust(size: int) -> tuple[str, int] | None:
    """(UID, open schools) of the trust whose current size is nearest to ``size`` (at least TRUST_MIN)."""
    from workforce.organisations.tables import School

    rows = await School.raw(
        "SELECT t.uid AS uid, COUNT(*) AS schools FROM trust_membership tm JOIN trust t ON t.id = tm.trust "
        "JOIN school s ON s.id = tm.school WHERE tm.left_on IS NULL AND s.status_code <> 2 "
        "GROUP BY t.uid HAVING COUNT(*) >= {} ORDER BY ABS(COUNT(*) - {}), t.uid LIMIT 1",
        TRUST_MIN,
        size,
    )
    return (rows[0]["uid"], int(rows[0]["schools"])) if rows else None


async def child_main(args) -> None:
    from workforce.certificates import rendering
    from workforce.certificates.samples import sample_trust_certificate_html
    from workforce.certificates.selectors import certificate_content
    from workforce.certificates.services import certificate_html, certificate_issue_for_scope
    from workforce.database import close_pool, open_pool
    from workforce.organisations.tables import School
    from workforce.seeding.national import REFERENCE_DATE

    async def issue(scope: str, ref: str):
        cert, _ = await certificate_issue_for_scope(
            scope=scope, scope_ref=ref, standard_id=STANDARD, actor="bench", as_of=REFERENCE_DATE
        )
        return cert, certificate_html(await certificate_content(cert.snapshot), cert)

    await open_pool()
    try:
        await ensure_national(scale=args.scale, seed=args.seed)
        schools = await (
            School.select(School.urn)
            .where((School.status_code != 2) & (School.scope_group == "mainstream-academy"))
            .order_by(School.urn)
            .limit(args.count + 1)
        )
        # a fresh worker pool: spawning the worker process and its first render (what warming at start-up hides)
        _first, first_html = await issue("school", str(schools[0]["urn"]))
        rendering.renderer_shutdown()
        first_process_s, _pdf = await timed(lambda: rendering.render_pdf_async(first_html))
        emit("certificates-pool", first_process_ms=round(first_process_s * 1000, 1))

        measured = []
        for row in schools[1:]:
            cert, html = await issue("school", str(row["urn"]))
            measured.append(await measure_issued(cert, html))
        summary("school (issued)", measured, fast_font_subsetting=rendering.fast_font_subsetting())

        trust = await nearest_trust(TRUST_SIZE)
        if trust is not None:
            uid, size = trust
            cert, html = await issue("trust", uid)
            measured = [await measure_issued(cert, html) for _ in range(args.trust_repeats)]
            summary(
                f"trust of {size} schools (issued)",
                measured,
                fast_font_subsetting=rendering.fast_font_subsetting(),
            )

        html = sample_trust_certificate_html(schools=TRUST_SIZE)
        measured = [await measure_html(html) for _ in range(args.trust_repeats)]
        summary(
            f"trust of {TRUST_SIZE} schools (sample)",
            measured,
            fast_font_subsetting=rendering.fast_font_subsetting(),
        )
    finally:
        rendering.renderer_shutdown()
        await close_pool()


def run(
    *, engines=ENGINES, scale: float = 0.01, seed: int = 42, count: int = 8, trust_repeats: int = 3
) -> list[dict]:
    results, pools = [], {}
    for engine in engines:
        args = [
            "--scale",
            str(scale),
            "--seed",
            str(seed),
            "--count",
            str(count),
            "--trust-repeats",
            str(trust_repeats),
        ]
        for result in run_child("certificates", args, national_dataset(engine, scale, seed)):
            if result["kind"] == "certificates":
                results.append(dict(result, engine=engine))
            elif result["kind"] == "certificates-pool":
                pools[engine] = result["first_process_ms"]
    for result in results:
        result["first_process_ms"] = pools.get(result["engine"])
    report(results)
    save("certificates", results)
    return results


def report(results: list[dict]) -> None:
    rows = [
        [
            r["engine"],
            r["certificate"],
            r["count"],
            r["pages"],
            r["floor_ms"],
            r["cold_ms"],
            ratio(r["cold_ms"], r["floor_ms"]),
            r["cached_ms"],
            ratio(r["cached_ms"], r["floor_ms"]),
            r["pdf_kb"],
            "yes" if r["fast_font_subsetting"] else "NO",
        ]
        for r in results
    ]
    print("\nCertificate PDF (median ms) vs a bare WeasyPrint render of the same HTML (floor)")
    print(
        table(
            [
                "engine",
                "certificate",
                "renders",
                "pages",
                "floor ms",
                "cold ms",
                "cold ratio",
                "cached ms",
                "cached ratio",
                "PDF KB",
                "fast subsetting",
            ],
            rows,
        )
    )
    for engine in dict.fromkeys(r["engine"] for r in results):
        first = next(r["first_process_ms"] for r in results if r["engine"] == engine)
        print(f"{engine}: first render in a new worker pool (process start included): {first} ms")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench certificates",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--count", type=int, default=8, help="school certificates measured")
    parser.add_argument("--trust-repeats", type=int, default=3, help="renders of each trust certificate")
    parser.add_argument("--engine", choices=[*ENGINES, "both"], default="both")
    args = parser.parse_args(argv)
    if args.child:
        child_setup()
        asyncio.run(child_main(args))
        return
    print_machine()
    run(
        engines=ENGINES if args.engine == "both" else (args.engine,),
        scale=args.scale,
        seed=args.seed,
        count=args.count,
        trust_repeats=args.trust_repeats,
    )


if __name__ == "__main__":
    main()
