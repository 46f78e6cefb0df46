# One image recipe for every MCP service: `docker build --build-arg APP=registry .`
# (docker-compose.yml builds gateway, registry, config and scheduler from it).

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: install the workspace, compile one app with Nx, then drop dev dependencies ---
FROM ${NODE_IMAGE} AS build
ARG APP
RUN test -n "${APP}" || { echo 'build with --build-arg APP=<gateway|registry|config|scheduler>' >&2; exit 1; }
WORKDIR /workspace
ENV NX_DAEMON=false \
    NX_NO_CLOUD=true
# Manifests first, so the dependency layer is reused until they change.
COPY package.json package-lock.json ./
# npm install, not npm ci: npm 11 omits other platforms' optional packages from the lockfile and
# npm ci then rejects it; npm install still installs the locked versions.
RUN npm install --no-audit --no-fund --loglevel=error
COPY . .
RUN npx nx build "${APP}"
RUN npm prune --omit=dev --no-audit --no-fund --loglevel=error

# --- runtime: production dependencies and the one compiled app, run by the unprivileged user ---
FROM ${NODE_IMAGE} AS runtime
# Re-declared: a build argument is visible only in the stage that declares it.
ARG APP
ENV NODE_ENV=production \
    APP=${APP}
WORKDIR /app
COPY --from=build /workspace/package.json ./package.json
COPY --from=build /workspace/node_modules ./node_modules
# nx build keeps the workspace layout under dist/apps/<app> (tsc rootDir is the workspace root).
COPY --from=build /workspace/dist/apps/${APP} ./dist/apps/${APP}
# The official node image ships this user (uid 1000); the files above stay root-owned, read-only to it.
USER node
# gateway: admin 8080 + proxy 8000; registry 8081, config 8082, scheduler 8083 (health + metrics).
EXPOSE 8000 8080 8081 8082 8083
# exec replaces the shell, so node is PID 1 and receives SIGTERM for its graceful shutdown.
CMD ["/bin/sh", "-c", "exec node dist/apps/${APP}/apps/${APP}/src/main.js"]
