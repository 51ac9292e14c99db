# syntax=docker/dockerfile:1
# The HiAR collaboration service as one image: the deployable artifact `pnpm build` makes
# (apps/web/.next/standalone) on a plain Node.js runtime. The same image runs every process:
#   node server.mjs        the HTTP server (default; GET /healthz is the HEALTHCHECK)
#   node worker.mjs        the background worker (calling timeouts, webhooks, maintenance)
#   node migrate.mjs       applies pending migrations (run it before the servers; compose.yaml does)
#   node app-create.mjs --name "Acme"   registers an app and prints its APPID and secret
# Settings are environment variables (.env.example, packages/settings/README.md).
# Not built on the machine this repository was developed on (no container runtime there): what was
# built and tested there is the artifact itself (root README, "Deploy").

ARG NODE_IMAGE=node:20.20-bookworm-slim

# ── build: the whole workspace, with pnpm ─────────────────────────────────────────────────────
FROM ${NODE_IMAGE} AS build
ENV NEXT_TELEMETRY_DISABLED=1 \
    CI=1
# pnpm at the version package.json pins (packageManager).
RUN npm install --global pnpm@12.4.2
WORKDIR /repo
# Manifests first, so that the dependency layer is rebuilt only when they change.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml turbo.json tsconfig.base.json ./
COPY apps/bench/package.json apps/bench/
COPY apps/web/package.json apps/web/
COPY packages/api/package.json packages/api/
COPY packages/contracts/package.json packages/contracts/
COPY packages/db/package.json packages/db/
COPY packages/domain/package.json packages/domain/
COPY packages/hiar-auth/package.json packages/hiar-auth/
COPY packages/metrics/package.json packages/metrics/
COPY packages/openapi/package.json packages/openapi/
COPY packages/sdk/package.json packages/sdk/
COPY packages/settings/package.json packages/settings/
COPY packages/tracing/package.json packages/tracing/
COPY packages/user-token/package.json packages/user-token/
COPY packages/worker/package.json packages/worker/
# The Prisma client is generated on install (packages/db's postinstall) from its schema and config.
COPY packages/db/prisma packages/db/prisma
COPY packages/db/prisma.config.ts packages/db/
COPY packages/db/scripts packages/db/scripts
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm install --frozen-lockfile --offline && pnpm build

# ── runtime: the artifact alone, as a non-root user ──────────────────────────────────────────
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    NODE_OPTIONS=--max-old-space-size=256
WORKDIR /app
# Owned by root, read-only to the user the processes run as.
COPY --from=build /repo/apps/web/.next/standalone ./
# Only for the embedded database (no DATABASE_URL): its default data directory, /app/.data/pglite.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server.mjs"]
