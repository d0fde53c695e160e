# syntax=docker/dockerfile:1
# One image for every Latent Lab process (docker-compose.yml, Kubernetes, any container platform):
#   node apps/server/dist/main.js                  the API (GraphQL, files; SERVE_DASHBOARD=true adds the dashboard)
#   node apps/server/dist/worker.js                a render worker
#   node packages/db/dist/scripts/migrate.js       the migration one-shot
#   node apps/server/dist/health/check-heartbeat.js FILE   a worker's health check
# Compiled JavaScript on the current Node LTS, production dependencies only (no tsx, no compiler),
# the Next.js dashboard built here and never at start-up, a non-root user. Model weights live in a
# volume (LATENT_LAB_MODELS_DIR) or are downloaded into it, never in the image.
ARG NODE_IMAGE=node:24-bookworm-slim

# 1. Every dependency, dev included, for building. Only the manifests are copied, so this layer
#    stays cached until a package.json or the lockfile changes. Install scripts are skipped: the
#    Prisma client is generated in the build stage, onnxruntime-node ships its CPU binaries.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY packages/engine/package.json packages/engine/
COPY packages/db/package.json packages/db/
COPY apps/cli/package.json apps/cli/
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
RUN npm ci --ignore-scripts --no-audit --no-fund

# 2. Build: the Prisma client (offline), the server side compiled to each workspace's dist/
#    (npm run build) and the dashboard (next build).
FROM deps AS build
COPY . .
RUN npm run db:generate \
 && npm run build \
 && npm run build:web \
 && rm -rf apps/web/.next/cache

# 3. Production dependencies of the workspaces the image runs (server, and web for the dashboard;
#    not the CLI), without the onnxruntime binaries of other platforms (about 250 MB).
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY packages/engine/package.json packages/engine/
COPY packages/db/package.json packages/db/
COPY apps/cli/package.json apps/cli/
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
      --workspace=@latent-lab/server --workspace=@latent-lab/web \
 && for bin in node_modules/onnxruntime-node/bin/napi-v*; do \
      rm -rf "$bin/darwin" "$bin/win32"; \
      case "$(uname -m)" in \
        x86_64) rm -rf "$bin/linux/arm64" ;; \
        aarch64) rm -rf "$bin/linux/x64" ;; \
      esac; \
    done \
 && npm cache clean --force

# 4. Runtime: dependencies, compiled output, migrations, model manifests, the dashboard build.
#    Files belong to root and are read-only for the app user; it writes only to /data, /models
#    and the dashboard's cache.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS=--conditions=latent-lab-dist \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=4000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data \
    LATENT_LAB_MODELS_DIR=/models
WORKDIR /app
COPY --from=prod-deps /app ./
COPY --from=build /app/packages/engine/dist packages/engine/dist
COPY --from=build /app/packages/db/dist packages/db/dist
COPY --from=build /app/apps/server/dist apps/server/dist
COPY --from=build /app/apps/server/schema.graphql apps/server/
COPY --from=build /app/apps/web/dist apps/web/dist
COPY --from=build /app/apps/web/.next apps/web/.next
COPY --from=build /app/apps/web/next.config.ts apps/web/
COPY --from=build /app/prisma prisma
COPY --from=build /app/models models
RUN mkdir -p /data /models apps/web/.next/cache \
 && chown node:node /data /models apps/web/.next/cache
# The node image's unprivileged user (uid 1000).
USER node
EXPOSE 4000
# node runs as PID 1: main.js, worker.js and migrate.js handle SIGTERM/SIGINT or exit by
# themselves, and none starts child processes that would need reaping (renders run on worker
# threads), so no init (tini, --init) is needed.
CMD ["node", "apps/server/dist/main.js"]
