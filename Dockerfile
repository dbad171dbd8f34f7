# SEND Workforce — production image. Runs against DATABASE_URL (PostgreSQL in production).
#   docker build -t send-workforce .
#   docker run -e DATABASE_URL=postgresql://user:pass@db:5432/workforce -e SECRET_KEY=... -e SIGNING_KEY=... -p 8000:8000 send-workforce
# SIGNING_KEY (certificate signing, `workforce certificate keygen`) must be set: production never generates one.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WORKFORCE_ENV=production \
    WORKFORCE_DATA_DIR=/var/lib/workforce

# WeasyPrint needs Pango; libharfbuzz-subset0 avoids a 2.5-4x slower font subsetter.
COPY system-packages.txt /tmp/system-packages.txt
RUN apt-get update \
 && grep -vE '^\s*(#|$)' /tmp/system-packages.txt | xargs apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY pyproject.toml README.md ./
COPY src ./src
COPY templates ./templates
COPY migrations ./migrations
COPY seed ./seed
COPY standards ./standards
RUN pip install --no-deps . \
 && useradd --system --uid 10001 --home-dir /var/lib/workforce --create-home workforce

USER workforce
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz').status==200 else 1)"
# Migrations are idempotent; run them before serving (or as a separate release step with `workforce migrate`).
CMD ["sh", "-c", "workforce migrate && exec workforce serve --host 0.0.0.0 --port 8000 --workers ${WEB_CONCURRENCY:-2}"]
