# syntax=docker/dockerfile:1.7
#
# opsdesk: one image for the API and the Temporal worker.
#
#   docker build -t opsdesk .
#   docker run ... opsdesk                              -> API      (node dist/src/main.js)
#   docker run ... opsdesk node dist/src/worker.js      -> worker
#
# Needs BuildKit (the default builder since Docker 23 and in `docker compose`): the build uses
# cache and bind mounts. Configuration comes from the environment only; see docker-compose.yml.
# There is no HEALTHCHECK here because the worker serves no HTTP; the API's is in docker-compose.yml
# (GET /health/live).

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- base: node + the npm major the lockfile and package.json "allowScripts" are written for ----
FROM ${NODE_IMAGE} AS base
# npm 11 runs only the install scripts that package.json "allowScripts" lists (the node:20 image
# ships npm 10, which would run every script), so install the same npm as development uses.
ARG NPM_VERSION=11.19.1
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    SCARF_ANALYTICS=false
RUN npm install -g "npm@${NPM_VERSION}" && npm --version
WORKDIR /app

# ---- deps: everything needed to build (dev dependencies included) ----
FROM base AS deps
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci

# ---- prod-deps: runtime dependencies only ----
FROM base AS prod-deps
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev

# ---- build: compile the server, and the SPA when ui/package.json exists ----
FROM deps AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
COPY tsconfig.json tsconfig.build.json ./
# Copy only the sources, from whichever of these folders exist (git does not keep empty ones),
# never the host's node_modules/ or build output, whether or not a .dockerignore exists.
RUN --mount=type=bind,target=/ctx \
    set -eu; \
    set --; \
    for d in src workflows activities scripts bench ui; do \
      if [ -d "/ctx/$d" ]; then set -- "$@" "$d"; fi; \
    done; \
    tar -C /ctx -cf - --exclude=node_modules --exclude=ui/dist --exclude='*.tsbuildinfo' "$@" \
      | tar -C /app -xf -
RUN npm run build
RUN --mount=type=cache,target=/root/.npm \
    if [ -f ui/package.json ]; then \
      npm --prefix ui ci && npm --prefix ui run build; \
    else \
      echo 'ui/package.json not found: building without the SPA'; \
    fi \
 && mkdir -p ui/dist

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
# postgresql-client (15 on bookworm, same major as the databases) provides pg_dump/psql for
# backups into BACKUP_DIR; ca-certificates for TLS to external SMTP/Temporal/PostgreSQL.
# Not version-pinned on purpose: the bookworm point release decides (security updates).
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates postgresql-client \
 && rm -rf /var/lib/apt/lists/*

# HOST: src/main.ts listens on 127.0.0.1 unless told otherwise, unreachable from outside a container.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    OPSDESK_DATA_DIR=/var/lib/opsdesk/data \
    BACKUP_DIR=/var/lib/opsdesk/backups
WORKDIR /app

# Code and dependencies stay root-owned (read-only for the app); only /var/lib/opsdesk is writable.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/dist ./dist
COPY --from=build /app/ui/dist ./ui/dist
# promtool (the Prometheus image's own) checks a changed threshold's rules before Prometheus reads them (422 otherwise).
COPY --from=prom/prometheus:v2.42.0 /bin/promtool /usr/local/bin/promtool
ENV PROMTOOL_PATH=/usr/local/bin/promtool
# monitoring/: the volume docker compose shares with Prometheus and Alertmanager starts out owned by the app.
RUN mkdir -p /var/lib/opsdesk/data /var/lib/opsdesk/backups /var/lib/opsdesk/monitoring \
 && chown -R 1000:1000 /var/lib/opsdesk

# uid/gid 1000 is the unprivileged `node` user of the official image (numeric for runAsNonRoot).
USER 1000:1000
EXPOSE 3000
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
