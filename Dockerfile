# Sound Off bot image. Build: docker build -t soundoff .   Run: docker run --env-file .env -v soundoff-data:/data soundoff
FROM python:3.11-slim-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends build-essential portaudio19-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY prompts ./prompts
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
# libportaudio2: PyAudio's runtime library; fonts-dejavu-core: the results chart's font. The SoundFont
# ships inside the pretty_midi wheel and the engraving fonts inside the verovio wheel.
RUN apt-get update && apt-get install -y --no-install-recommends libportaudio2 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 soundoff \
    && mkdir /data && chown soundoff /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER soundoff
WORKDIR /home/soundoff
ENV SOUNDOFF_DATABASE=/data/soundoff.db PYTHONUNBUFFERED=1 XDG_CACHE_HOME=/home/soundoff/.cache
# Decode verovio's engraving fonts once, at build time, into the user's cache (the score image needs them).
RUN python -c "from bot.songwriting.render.fonts import font_dir; font_dir()"
VOLUME ["/data"]
ENTRYPOINT ["soundoff"]
CMD ["run"]
