"""Rendering happens off the event loop, in a worker process started (and warmed) once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

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


def test_the_worker_process_exits_when_the_app_process_dies(tmp_path):
    """A killed app (even SIGKILL) leaves no orphaned render worker behind."""
    script = tmp_path / "app_process.py"
    pid_file = tmp_path / "worker.pid"
    script.write_text(
        "import asyncio, os, sys\n"
        "from workforce.certificates import rendering\n"
        "async def main():\n"
        "    await rendering.renderer_warm()\n"
        "    await rendering._warm_future\n"
        "    with open(sys.argv[1], 'w') as f:\n"
        "        f.write(' '.join(str(p.pid) for p in rendering._pool._processes.values()))\n"
        "    os.kill(os.getpid(), 9)\n"
        "if __name__ == '__main__':\n"
        "    asyncio.run(main())\n"
    )
    # No pipes: a surviving worker would inherit them and keep the run waiting.
    result = subprocess.run(
        [sys.executable, str(script), str(pid_file)],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
        env=dict(os.environ),
    )
    assert result.returncode == -9
    pids = [int(pid) for pid in pid_file.read_text().split()]
    assert len(pids) == 1
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(pids[0]):
        time.sleep(0.2)
    alive = _alive(pids[0])
    if alive:
        os.kill(pids[0], 9)
    assert not alive, "the render worker outlived the app process"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except FileNotFoundError:
        return False
