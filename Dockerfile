# syntax=docker/dockerfile:1
# Build stage: the bot and its dependencies in a virtual environment, catalogs compiled.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN /opt/venv/bin/pip install . \
 && /opt/venv/bin/python -c "from bot.i18n_tool import compile_catalogs; compile_catalogs()"

# Run stage: the venv, the dataset, a non-root user and the database on a volume.
# MPLCONFIGDIR: matplotlib's font cache, built on the first /chart, kept on the writable volume.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DATABASE_PATH=/var/lib/bot/bot.sqlite3 \
    DATA_DIR=/app/data \
    WEB_SERVER_PORT=8080 \
    LOG_FORMAT=json \
    MPLCONFIGDIR=/var/lib/bot/matplotlib
RUN useradd --system --uid 10001 --home-dir /app bot \
 && mkdir -p /var/lib/bot && chown bot /var/lib/bot
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY data/*.toml ./data/
USER bot
VOLUME ["/var/lib/bot"]
EXPOSE 8080
# /healthz answers 200 while the database does (served in polling and webhook mode alike).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('WEB_SERVER_PORT', '8080') + '/healthz', timeout=4)"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
