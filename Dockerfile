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

# 0. The manifests npm needs: the root package.json, the lockfile, .npmrc and the package.json of
#    every workspace in the root's "workspaces" list (no hand-kept list here). The later COPY of
#    this stage's output is compared by content, so the install layers below stay cached until a
#    manifest or the lockfile changes.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && cp package.json package-lock.json .npmrc /manifests/ \
 && for workspace in $(node -p "require('./package.json').workspaces.join(' ')"); do \
      mkdir -p "/manifests/$workspace" && cp "$workspace/package.json" "/manifests/$workspace/"; \
    done

# 1. Every dependency, dev included, for building. Install scripts are skipped: the Prisma client
#    is generated in the build stage, onnxruntime-node ships its CPU binaries.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=manifests /manifests ./
RUN npm ci --ignore-scripts --no-audit --no-fund

# 2. Build: the Prisma client (offline), the server side compiled to each workspace's dist/
#    (npm run build) and the dashboard (next build). /out receives every workspace's dist/.
FROM deps AS build
COPY . .
RUN npm run db:generate \
 && npm run build \
 && npm run build:web \
 && rm -rf apps/web/.next/cache \
 && for workspace in $(node -p "require('./package.json').workspaces.join(' ')"); do \
      if [ -d "$workspace/dist" ]; then mkdir -p "/out/$workspace" && cp -r "$workspace/dist" "/out/$workspace/"; fi; \
    done
# The dashboard's config as JavaScript: loading next.config.ts at start would need Next.js's
# compiler, which the runtime does not have (stage 3); Node strips the types here.
RUN node -e "const { readFileSync, writeFileSync } = require('node:fs'); \
      writeFileSync('/out/apps/web/next.config.mjs', \
        require('node:module').stripTypeScriptTypes(readFileSync('apps/web/next.config.ts', 'utf8')))"

# 3. Production dependencies of the workspaces the image runs (server, and web for the dashboard;
#    not the CLI), without what serving never loads: packages that are dev dependencies of one
#    workspace and optional peers of a production one (the Prisma CLI and TypeScript, optional
#    peers of @prisma/client: about 200 MB; --omit=dev keeps these, which the lockfile marks
#    devOptional), the onnxruntime binaries of
#    other platforms (about 250 MB), Next.js's compiler (about 100 MB: `next build` ran in stage
#    2, and Node 24 loads next.config.ts by stripping its types), Prisma's query compilers for
#    other databases (about 60 MB) and the dependencies' source maps (about 110 MB).
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY --from=manifests /manifests ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
      --workspace=@latent-lab/server --workspace=@latent-lab/web \
 && node -e "const { rmSync } = require('node:fs'); \
      for (const [path, entry] of Object.entries(require('./package-lock.json').packages)) \
        if (entry.devOptional) rmSync(path, { recursive: true, force: true })" \
 && for bin in node_modules/onnxruntime-node/bin/napi-v*; do \
      rm -rf "$bin/darwin" "$bin/win32"; \
      case "$(uname -m)" in \
        x86_64) rm -rf "$bin/linux/arm64" ;; \
        aarch64) rm -rf "$bin/linux/x64" ;; \
      esac; \
    done \
 && rm -rf node_modules/@next/swc-* \
 && find node_modules/@prisma/client/runtime -name 'query_compiler_*' ! -name '*.postgresql.*' -delete \
 && find node_modules -name '*.map' -type f -delete \
 && npm cache clean --force

# 4. Runtime: dependencies, compiled output, migrations, model manifests, the dashboard build.
#    Files belong to root and are read-only for the app user; it writes only to /data, /models
#    and the dashboard's cache.
FROM ${NODE_IMAGE} AS runtime
# GLIBC_TUNABLES: glibc's malloc asks for transparent huge pages on the blocks it maps (ONNX
# Runtime's arena, decoded frames), which the kernel grants where its THP mode is madvise or always;
# see the README's Benchmarks for what it saves. `-e GLIBC_TUNABLES=` turns it off.
ENV NODE_ENV=production \
    GLIBC_TUNABLES=glibc.malloc.hugetlb=1 \
    NODE_OPTIONS=--conditions=latent-lab-dist \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=4000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data \
    LATENT_LAB_MODELS_DIR=/models
WORKDIR /app
COPY --from=prod-deps /app ./
COPY --from=build /out ./
COPY --from=build /app/apps/server/schema.graphql apps/server/
COPY --from=build /app/apps/web/.next apps/web/.next
COPY --from=build /app/prisma prisma
COPY --from=build /app/models models
# The workspaces the processes import must resolve to compiled files here: an image that once left
# out packages/domain, packages/config and packages/storage built fine and then every process
# exited at start. The CLI (apps/cli) is not in the image: no process here runs it.
RUN node --input-type=module -e " \
      import { existsSync } from 'node:fs'; \
      import { fileURLToPath } from 'node:url'; \
      for (const name of ['@latent-lab/domain', '@latent-lab/config', '@latent-lab/storage', \
                          '@latent-lab/engine', '@latent-lab/db', '@latent-lab/server']) { \
        const file = fileURLToPath(import.meta.resolve(name)); \
        if (!existsSync(file)) throw new Error(name + ' resolves to ' + file + ', which is missing'); \
      }" \
 && mkdir -p /data /models apps/web/.next/cache \
 && chown node:node /data /models apps/web/.next/cache
# The node image's unprivileged user (uid 1000).
USER node
EXPOSE 4000
# node runs as PID 1: main.js, worker.js and migrate.js handle SIGTERM/SIGINT or exit by
# themselves, and none starts child processes that would need reaping (renders run on worker
# threads), so no init (tini, --init) is needed.
CMD ["node", "apps/server/dist/main.js"]
