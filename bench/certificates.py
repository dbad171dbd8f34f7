"""Certificate PDF render time: cold (rendered in the warmed worker pool and stored) and cached (from the store).

For each of a few schools of the benchmark database, a certificate is issued (evaluation, snapshot,
signature), then its PDF is fetched with ``certificate_pdf(code)``:

- cold: the stored rendering is deleted first, so the service renders the HTML again in its worker process
  (WeasyPrint off the event loop), checks it is byte for byte the document issued, and stores it;
- cached: fetched again, served from the render store.

The floor is a bare WeasyPrint render of the very same HTML in this process (``HTML(string=...)
.write_pdf(...)`` with the same options, no worker, no store), measured in the same run. A render in a
fresh worker pool (spawning the worker process: what warming the pool at app start-up hides) is reported
separately.

    python -m bench certificates [--scale 0.01] [--engine both] [--count 8]
"""

from __future__ import annotations

import argparse
import asyncio
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


async def child_main(args) -> None:
    from weasyprint import HTML

    from workforce.certificates import rendering
    from workforce.certificates.selectors import certificate_content
    from workforce.certificates.services import certificate_html, certificate_issue_for_scope, certificate_pdf
    from workforce.certificates.tables import CertificateRender
    from workforce.database import close_pool, open_pool
    from workforce.organisations.tables import School
    from workforce.seeding.national import REFERENCE_DATE

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
        first_cert, _ = await certificate_issue_for_scope(
            scope="school",
            scope_ref=str(schools[0]["urn"]),
            standard_id=STANDARD,
            actor="bench",
            as_of=REFERENCE_DATE,
        )
        first_html = certificate_html(await certificate_content(first_cert.snapshot), first_cert)
        rendering.renderer_shutdown()
        began = time.perf_counter()
        await rendering.render_pdf_async(first_html)
        first_process_s = time.perf_counter() - began
        cold, cached, floor, sizes = [], [], [], []
        for row in schools[1:]:
            cert, _ = await certificate_issue_for_scope(
                scope="school",
                scope_ref=str(row["urn"]),
                standard_id=STANDARD,
                actor="bench",
                as_of=REFERENCE_DATE,
            )
            html = certificate_html(await certificate_content(cert.snapshot), cert)
            await CertificateRender.delete().where(CertificateRender.pdf_sha256 == cert.pdf_sha256)
            began = time.perf_counter()
            pdf = await certificate_pdf(cert.code)
            cold.append(time.perf_counter() - began)
            began = time.perf_counter()
            again = await certificate_pdf(cert.code)
            cached.append(time.perf_counter() - began)
            assert again == pdf
            began = time.perf_counter()
            HTML(string=html, base_url=rendering.FONTS_DIR.as_uri() + "/").write_pdf(**rendering.PDF_OPTIONS)
            floor.append(time.perf_counter() - began)
            sizes.append(len(pdf))
        emit(
            "certificates",
            count=len(cold),
            first_process_ms=round(first_process_s * 1000, 1),
            cold_ms=round(median(cold) * 1000, 1),
            cached_ms=round(median(cached) * 1000, 2),
            floor_ms=round(median(floor) * 1000, 1),
            pdf_kb=round(median(sizes) / 1024, 1),
            fast_font_subsetting=rendering.fast_font_subsetting(),
        )
    finally:
        rendering.renderer_shutdown()
        await close_pool()


def run(*, engines=ENGINES, scale: float = 0.01, seed: int = 42, count: int = 8) -> list[dict]:
    results = []
    for engine in engines:
        args = ["--scale", str(scale), "--seed", str(seed), "--count", str(count)]
        for result in run_child("certificates", args, national_dataset(engine, scale, seed)):
            if result["kind"] == "certificates":
                results.append(dict(result, engine=engine))
    report(results)
    save("certificates", results)
    return results


def report(results: list[dict]) -> None:
    rows = [
        [
            r["engine"],
            r["count"],
            r["floor_ms"],
            r["cold_ms"],
            ratio(r["cold_ms"], r["floor_ms"]),
            r["cached_ms"],
            ratio(r["cached_ms"], r["floor_ms"]),
            r["first_process_ms"],
            r["pdf_kb"],
            "yes" if r["fast_font_subsetting"] else "NO",
        ]
        for r in results
    ]
    print("\nCertificate PDF (median ms) vs a bare WeasyPrint render of the same HTML")
    print(
        table(
            [
                "engine",
                "certs",
                "floor ms",
                "cold ms",
                "cold ratio",
                "cached ms",
                "cached ratio",
                "new pool ms",
                "PDF KB",
                "fast subsetting",
            ],
            rows,
        )
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench certificates",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--count", type=int, default=8)
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
    )


if __name__ == "__main__":
    main()
