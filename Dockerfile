# syntax=docker/dockerfile:1
# Sound Off bot image: the bot as uid 10001, its database in the /data volume.
#   docker build -t soundoff .
#   docker run --env-file .env -v soundoff-data:/data soundoff
#
# The base is pinned to an exact patch release of the official image. Pin its digest as well where a registry
# is reachable (`docker buildx imagetools inspect python:3.11.14-slim-bookworm`, then FROM name@sha256:…): the
# project's machines reach no image registry, so no digest could be fetched or checked here. scripts/build-image
# builds this file against a Debian 12 stand-in tagged with this name, so every step must work on both: only
# `python3` and its venv module are assumed of the base.
ARG BASE=python:3.11.14-slim-bookworm
FROM ${BASE}

# fonts-dejavu-core: the sound-off results chart's font (Pillow finds it under /usr/share/fonts). The SoundFont
# ships inside the pretty_midi wheel and the engraving fonts inside the verovio wheel.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
    && useradd --uid 10001 --user-group --create-home --shell /usr/sbin/nologin soundoff \
    && install -d -o soundoff -g soundoff -m 0750 /data

ENV PATH=/opt/soundoff/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    SOUNDOFF_DATABASE=/data/soundoff.db \
    XDG_CACHE_HOME=/home/soundoff/.cache

# Dependencies first, from the lock alone: this layer is rebuilt only when requirements.lock changes. The venv
# has no pip of its own; a throwaway one installs into it (`--python`) and is removed in the same step, and
# --no-cache-dir leaves no wheel behind. Left out, because the bot never runs them:
#   matplotlib and what only it needs (music21 declares it for plots; charts are drawn with Pillow),
#   music21's corpus of 60+ MB of classical scores (the bot writes and parses scores, it never loads the corpus).
COPY requirements.lock /tmp/requirements.lock
RUN python3 -m venv --without-pip /opt/soundoff \
    && python3 -m venv /tmp/pip \
    && grep -v -E '^(matplotlib|contourpy|cycler|kiwisolver|pyparsing|python-dateutil)==' /tmp/requirements.lock \
        > /tmp/runtime.lock \
    && /tmp/pip/bin/pip --python /opt/soundoff/bin/python install --no-cache-dir --no-deps -r /tmp/runtime.lock \
    && find /opt/soundoff/lib/python3*/site-packages/music21/corpus -mindepth 1 -maxdepth 1 -type d \
        ! -name __pycache__ -exec rm -rf {} + \
    && rm -rf /tmp/pip /tmp/requirements.lock /tmp/runtime.lock

# Then the source: only what the package is built from (see also .dockerignore).
COPY pyproject.toml README.md /src/
COPY bot /src/bot
COPY cogs /src/cogs
COPY prompts /src/prompts
RUN python3 -m venv /tmp/pip \
    && /tmp/pip/bin/pip --python /opt/soundoff/bin/python install --no-cache-dir --no-deps /src \
    && rm -rf /tmp/pip /src/build /src/*.egg-info

USER soundoff
WORKDIR /home/soundoff
# Decode verovio's engraving fonts once, into the user's cache (the score image needs them); tell music21 not to
# warn at every render worker's start about the plotting library it does not get.
RUN python3 -c "from bot.songwriting.render.fonts import font_dir; font_dir()" \
    && python3 -c "from music21 import environment as e; s = e.UserSettings(); s['warnings'] = 0" 2>/dev/null

VOLUME ["/data"]
# Healthy while the database reads and the bot's gateway heartbeat (rewritten every 30 s) is fresh.
HEALTHCHECK --interval=60s --timeout=15s --start-period=120s --retries=3 CMD ["soundoff", "health"]
ENTRYPOINT ["soundoff"]
CMD ["run"]
