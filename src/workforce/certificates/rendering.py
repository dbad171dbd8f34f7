"""Certificate HTML and PDF: Jinja templates in, WeasyPrint PDF out, in a worker process.

Safety: WeasyPrint reads resources through ``PackagedFilesFetcher``, which serves only files inside the
app's own packaged folders (the bundled fonts, the certificate templates, the static assets). Any other
URL (``http(s)://``, ``data:``, ``file://`` anywhere else, a path escaping a folder through ``..`` or a
symbolic link) stops the rendering with ``RefusedURL``: a certificate is never produced from content that
tried to reach outside. The templates also autoescape every value, so a school called
``<img src=file:///etc/passwd>`` is printed as text.

Performance: rendering is synchronous and CPU-bound, so ``render_pdf_async`` runs it in a process pool
(spawned once per app process and warmed by ``renderer_warm``), never on the event loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import mimetypes
import multiprocessing
import os
import re
import threading
import time
import zlib
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import anyio
import jinja2
import segno

from workforce.paths import STATIC_DIR, TEMPLATES_DIR

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
PDF_TEMPLATES_DIR = TEMPLATES_DIR / "certificates" / "pdf"
CERTIFICATE_TEMPLATE = "certificates/pdf/certificate.html"

# Info-dictionary keys written from <meta name="send-workforce-...">
# (WeasyPrint keeps letters and digits only).
META_CODE = "send-workforce-certificate"
META_SIGNATURE = "send-workforce-signature"
META_PAYLOAD = "send-workforce-payload"
META_KEY_ID = "send-workforce-key-id"
logger = logging.getLogger(__name__)

_INFO_KEYS = {
    name: "".join(ch for ch in name if ch.isalnum())
    for name in (META_CODE, META_SIGNATURE, META_PAYLOAD, META_KEY_ID)
}


class CertificateRenderError(RuntimeError):
    """The certificate could not be rendered."""


def allowed_roots() -> tuple[Path, ...]:
    """The only folders WeasyPrint may read from."""
    return tuple(p.resolve() for p in (FONTS_DIR, PDF_TEMPLATES_DIR, STATIC_DIR))


def _refused_url_class():
    from weasyprint.urls import FatalURLFetchingError

    class RefusedURL(FatalURLFetchingError):
        """A resource outside the app's packaged files was requested: the rendering stops."""

    return RefusedURL


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    refused = _refused_url_class()

    class PackagedFilesFetcher(URLFetcher):
        """Serves ``file://`` URLs inside ``allowed_roots()``; refuses everything else."""

        RefusedURL = refused

        def __init__(self, roots: tuple[Path, ...] | None = None) -> None:
            super().__init__(allowed_protocols={"file"}, fail_on_errors=True, allow_redirects=False)
            self.roots = roots if roots is not None else allowed_roots()
            self.refused: list[str] = []

        def _refuse(self, url: str, why: str):
            self.refused.append(url)
            return self.RefusedURL(f"refused to fetch {url[:200]!r}: {why}")

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme.lower() != "file":
                raise self._refuse(url, "only the app's packaged files may be read")
            if parts.netloc not in ("", "localhost"):
                raise self._refuse(url, "file URLs on other hosts are not allowed")
            path = Path(os.path.realpath(url2pathname(unquote(parts.path))))
            if not any(path.is_relative_to(root) for root in self.roots):
                raise self._refuse(url, "outside the app's packaged files")
            if not path.is_file():
                raise self._refuse(url, "no such packaged file")
            mime, _ = mimetypes.guess_type(path.name)
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": mime or "application/octet-stream"}
            )

    return PackagedFilesFetcher


_FETCHER_CLASS = None


def packaged_files_fetcher(roots: tuple[Path, ...] | None = None):
    """A new URL fetcher that reads only the app's packaged files (see module docstring)."""
    global _FETCHER_CLASS
    if _FETCHER_CLASS is None:
        _FETCHER_CLASS = _fetcher_class()
    return _FETCHER_CLASS(roots)


# --- HTML -------------------------------------------------------------------------------------------

_env_lock = threading.Lock()
_env: jinja2.Environment | None = None


def _format_date(value) -> str:
    """3 January 2026 (GOV.UK style)."""
    if value is None:
        return ""
    return f"{value.day} {value.strftime('%B %Y')}"


def pdf_environment() -> jinja2.Environment:
    """The Jinja environment for certificate documents (autoescaped, strict)."""
    global _env
    with _env_lock:
        if _env is None:
            env = jinja2.Environment(
                loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
            )
            env.filters["govuk_date"] = _format_date
            _env = env
        return _env


def qr_svg(url: str, *, title: str) -> str:
    """An inline SVG QR code for ``url`` (black modules, no background: prints in black and white)."""
    qr = segno.make(url, error="m", micro=False)
    return qr.svg_inline(scale=1, border=4, dark="#000", light=None, omitsize=True, title=title)


def render_html(context: dict, template: str = CERTIFICATE_TEMPLATE) -> str:
    return pdf_environment().get_template(template).render(**context)


def template_source_hash(template: str = CERTIFICATE_TEMPLATE) -> str:
    """A hash of the certificate templates (part of the render cache key through the HTML)."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(PDF_TEMPLATES_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


# --- PDF --------------------------------------------------------------------------------------------

PDF_OPTIONS = {
    "pdf_variant": "pdf/ua-1",  # tagged PDF with PDF/UA identification (WeasyPrint >= 63)
    "pdf_tags": True,
    "custom_metadata": True,  # <meta name="send-workforce-..."> into the PDF's Info dictionary
}


def render_pdf(html: str) -> bytes:
    """Render certificate HTML to PDF bytes, synchronously (call from a worker, not the event loop)."""
    from weasyprint import HTML

    fetcher = packaged_files_fetcher()
    try:
        document = HTML(string=html, base_url=FONTS_DIR.as_uri() + "/", url_fetcher=fetcher)
        pdf = document.write_pdf(**PDF_OPTIONS)
    except fetcher.RefusedURL as exc:
        raise CertificateRenderError(str(exc)) from None
    if fetcher.refused:
        # Some WeasyPrint code paths (SVG images) log and swallow fetch errors: refuse the document anyway.
        raise CertificateRenderError(f"refused to fetch {fetcher.refused[0][:200]!r}")
    return pdf


def _render_in_worker(html: str) -> bytes:
    return render_pdf(html)


def _worker_init(parent_pid: int) -> None:
    """In each worker process: exit when the app process is gone, however it ended (even SIGKILL)."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


_WARM_HTML = (
    '<!doctype html><html lang="en"><head><title>warm</title><style>'
    '@font-face{font-family:Lato;src:url("Lato-Regular.ttf")}body{font-family:Lato}'
    "</style></head><body><p>SEND Workforce</p></body></html>"
)

_pool_lock = threading.Lock()
_pool: concurrent.futures.ProcessPoolExecutor | None = None
_warm_future: asyncio.Future | None = None


def render_workers() -> int:
    raw = os.environ.get("CERTIFICATE_RENDER_WORKERS", "").strip()
    return max(1, int(raw)) if raw.isdigit() else 1


def _executor() -> concurrent.futures.ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            # "spawn": a fresh interpreter, never a fork of a process holding database connections.
            _pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=render_workers(),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_init,
                initargs=(os.getpid(),),
            )
        return _pool


def _discard_pool(pool) -> None:
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def render_mode() -> str:
    """``process`` (default: a pool of spawned worker processes) or ``thread`` (CERTIFICATE_RENDERER)."""
    global _mode
    if _mode is None:
        raw = os.environ.get("CERTIFICATE_RENDERER", "process").strip().lower() or "process"
        if raw not in ("process", "thread"):
            raise CertificateRenderError(f"CERTIFICATE_RENDERER must be process or thread, got {raw!r}")
        _mode = raw
    return _mode


_mode: str | None = None


def set_render_mode(mode: str) -> None:
    """Choose ``process`` or ``thread`` for this process (the CLI renders one document: a thread)."""
    global _mode
    if mode not in ("process", "thread"):
        raise ValueError(f"render mode must be process or thread, got {mode!r}")
    _mode = mode


async def render_pdf_async(html: str) -> bytes:
    """Render off the event loop: in the worker process pool, or a worker thread.

    A crashed pool is replaced once; if it fails again (for example a script without an
    ``if __name__ == "__main__":`` guard, which spawned workers cannot import) rendering continues in
    threads for the rest of the process, with a warning.
    """
    global _mode
    loop = asyncio.get_running_loop()
    if render_mode() == "process":
        for _attempt in (1, 2):
            pool = _executor()
            try:
                return await loop.run_in_executor(pool, _render_in_worker, html)
            except concurrent.futures.process.BrokenProcessPool:
                _discard_pool(pool)
        logger.warning("certificate PDF worker processes failed twice; rendering in threads from now on")
        _mode = "thread"
    return await anyio.to_thread.run_sync(render_pdf, html)


async def renderer_warm() -> None:
    """Start the worker pool and render a tiny document in the background (fonts loaded, code imported).

    Returns at once; call it at app start-up so the first certificate does not pay the start-up cost.
    """
    global _warm_future
    if _warm_future is None:
        if render_mode() == "process":
            loop = asyncio.get_running_loop()
            _warm_future = asyncio.ensure_future(
                loop.run_in_executor(_executor(), _render_in_worker, _WARM_HTML)
            )
        else:
            _warm_future = asyncio.ensure_future(anyio.to_thread.run_sync(render_pdf, _WARM_HTML))
        _warm_future.add_done_callback(_warm_done)


def _warm_done(future: asyncio.Future) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.warning("warming the certificate PDF worker failed: %s", future.exception())


def renderer_shutdown() -> None:
    """Stop the worker pool (the CLI and tests; the app keeps it for the life of the process)."""
    global _pool, _warm_future
    with _pool_lock:
        pool, _pool = _pool, None
    _warm_future = None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


# --- Reading a certificate's embedded data back ----------------------------------------------------

_STREAM_RE = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def _info_entries(data: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta, key in _INFO_KEYS.items():
        match = re.search(rb"/" + key.encode() + rb"\s*\(([A-Za-z0-9+/=_.:\-]*)\)", data)
        if match:
            found[meta] = match.group(1).decode("ascii")
    return found


def read_embedded_metadata(pdf: bytes) -> dict[str, str]:
    """The certificate code, signature, payload and key id embedded in a certificate PDF.

    Our PDFs carry them as ASCII strings in the Info dictionary, usually inside a compressed object
    stream; this reads the plain file and each Flate stream. Keys that are absent are left out.
    """
    found = _info_entries(pdf)
    if len(found) == len(_INFO_KEYS):
        return found
    for match in _STREAM_RE.finditer(pdf):
        try:
            data = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        for key, value in _info_entries(data).items():
            found.setdefault(key, value)
        if len(found) == len(_INFO_KEYS):
            break
    return found


def fast_font_subsetting() -> bool:
    """Whether WeasyPrint found HarfBuzz's subsetter (Debian: libharfbuzz-subset0).

    Without it WeasyPrint silently falls back to a font subsetter 2.5-4x slower.
    """
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))
