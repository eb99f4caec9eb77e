# syntax=docker/dockerfile:1
#
# Delivery Overview gateway image: built with dev dependencies, shipped without them.
#
#   docker build -t delivery-overview:0.1.0 .
#   docker build --build-arg EMBEDDED=false -t delivery-overview:0.1.0-server .   # CLICKHOUSE_URL only, no 543 MB engine
#
# This file has been parsed and reviewed, never built: no container engine runs where it was
# written (docs/deploy.md, "What has run, and what has not").

# An exact, digest-free tag: the same Node 20 minor and patch the tests run on. Pin a digest
# in your own registry mirror if you need byte-for-byte reproducible builds.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first: the dependency layer is reused until the lockfile changes.
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency needs its install script here (chDB's is a no-op and its
# engine comes as a prebuilt optional package; @swc/core and @parcel/watcher only check for
# their prebuilt binaries), and it keeps a root `prepare` script from compiling before the
# sources are copied. The build runs explicitly below.
RUN npm ci --ignore-scripts --no-audit --no-fund
# The whole context, minus .dockerignore: the gateway reads files next to dist/ at run time
# (migrations/, docs/, the IDE's assets), so copying the tree keeps the image right while the
# sources move around; tests, data and deploy files are excluded there.
COPY . .
RUN npm run build
# EMBEDDED=false also drops optional packages: the embedded engine's native library, which a
# gateway with CLICKHOUSE_URL never loads.
ARG EMBEDDED=true
RUN if [ "$EMBEDDED" = "true" ]; then npm prune --omit=dev --ignore-scripts; \
    else npm prune --omit=dev --omit=optional --ignore-scripts; fi \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATA_DIR=/data
WORKDIR /app
# Owned by root and not writable by the gateway's user: the code cannot be changed at run time.
COPY --from=build /app /app
# uid 1000 is the image's `node` user. Numeric on purpose: Kubernetes' runAsNonRoot can only
# verify a numeric USER.
RUN mkdir -p /data && chown 1000:1000 /data
USER 1000:1000
# The embedded engine's files, root-token and secrets.key (with CLICKHOUSE_URL, ROOT_TOKEN and
# SECRETS_KEY only the root-token fallback would land here).
VOLUME /data
EXPOSE 4000
# Slim images have no curl; Node 20 has fetch. /readyz answers 200 only when ClickHouse answers
# and every migration is applied, so "healthy" means "can serve".
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form, no shell: Node is PID 1 and gets SIGTERM itself. The gateway handles SIGTERM and
# SIGINT (drain, complete subscriptions, exit 0), and `serve` and `migrate` start no child
# processes, so there are no zombies to reap and no init is needed. Commands that do spawn
# children (`durability`) want `docker run --init`.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve"]
