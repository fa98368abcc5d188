# raritan2mqtt: the bridge (SNMP poller, MQTT/Home Assistant, SQLite history, web panel) in one image.
#
# Two stages: the build stage has the compilers better-sqlite3 falls back to when no prebuilt binary
# fits (python3, make, g++) and all dependencies: Vite and Svelte build the panel into ui/dist, esbuild
# bundles the bridge into dist/raritan2mqtt.mjs, then the devDependencies are dropped. The runtime
# stage copies only what runs (the bundle, the panel, the production node_modules) onto a clean slim
# image: no compilers, no TypeScript sources, no tsx, esbuild or Vite.
FROM node:20-bookworm-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The lockfile first: the dependency layer is rebuilt only when package*.json change.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    R2M_DB_PATH=/data/raritan2mqtt.db \
    R2M_HTTP_HOST=0.0.0.0 \
    R2M_HTTP_PORT=5000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/ui/dist ./ui/dist
COPY --from=build /app/config/raritan2mqtt.example.json ./config/
# The history database lives on a volume owned by the unprivileged user the bridge runs as.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 5000
# /healthz answers 200 while the process serves (a PDU being offline is reported, not a failure).
# The slim image has no curl or wget: Node's fetch does it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.R2M_HTTP_PORT||5000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
# The bundle itself, as PID 1: SIGTERM from `docker stop` reaches the bridge (no npm or shell between).
# Node flags: bin/code.js (nodeFlags) says why.
ENTRYPOINT ["node", "--max-semi-space-size=4", "dist/raritan2mqtt.mjs"]
CMD ["run"]
