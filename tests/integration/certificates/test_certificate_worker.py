"""Rendering happens off the event loop, in a worker process started (and warmed) once."""

from __future__ import annotations

import asyncio
import os

from workforce.certificates import rendering

BIG = (
    '<!doctype html><html lang="en"><head><title>big</title><style>@font-face{font-family:L;'
    'src:url("Lato-Regular.ttf")} body{font-family:L}</style></head><body>'
    + "".join(f"<h2>Section {n}</h2><p>{'Lorem ipsum dolor sit amet. ' * 40}</p>" for n in range(60))
    + "</body></html>"
)


async def test_warm_starts_one_worker_process_and_rendering_leaves_the_loop_free():
    rendering.renderer_shutdown()
    rendering.set_render_mode("process")
    await rendering.renderer_warm()
    await rendering._warm_future  # the warm-up render finished in the worker
    pool = rendering._pool
    assert pool is not None
    workers = list(pool._processes.values())
    assert len(workers) == rendering.render_workers() == 1
    assert all(p.pid != os.getpid() and p.is_alive() for p in workers)

    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        pdf = await rendering.render_pdf_async(BIG)
    finally:
        task.cancel()
    assert pdf.startswith(b"%PDF-")
    # The event loop kept running while the document was rendered (a render on the loop allows no tick).
    assert ticks >= 5, ticks
    assert rendering._pool is pool and list(pool._processes.values()) == workers  # the same warm worker


async def test_thread_mode_also_leaves_the_loop_free():
    rendering.set_render_mode("thread")
    try:
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.create_task(ticker())
        try:
            pdf = await rendering.render_pdf_async(BIG)
        finally:
            task.cancel()
        assert pdf.startswith(b"%PDF-") and ticks >= 3, ticks
    finally:
        rendering.set_render_mode("process")
