# syntax=docker/dockerfile:1
# Build stage: install the bot and its dependencies into a virtual environment.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN /opt/venv/bin/pip install .

# Run stage: the venv, the dataset, a non-root user and the database on a volume.
# MPLCONFIGDIR: matplotlib's font cache, built on the first /chart, kept on the writable volume.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 \
    DATABASE_PATH=/var/lib/bot/bot.sqlite3 DATA_DIR=/app/data \
    MPLCONFIGDIR=/var/lib/bot/matplotlib
RUN useradd --system --uid 10001 --home-dir /app bot && mkdir -p /var/lib/bot && chown bot /var/lib/bot
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY data/*.toml ./data/
USER bot
VOLUME ["/var/lib/bot"]
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
