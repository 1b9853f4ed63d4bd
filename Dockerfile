# The gatecheck mock identity provider (Microsoft Entra ID compatible) and `gatecheck mint`, for
# running the mock where a gateway under test can reach it: docker compose, Kubernetes, CI services.
#
# Node 22.18 and later run the TypeScript sources as they are, so there is no build stage. The base
# image is the Node the project pins as its `node` devDependency (package-lock.json), which is why
# `npm ci --omit=dev` is enough here: on a developer's machine that devDependency brings Node 22, in the
# image the base does. The image carries the runtime dependencies only, so it runs `idp` and `mint`; the
# other commands (run, gateway, load, matrix) load devDependencies and run from a clone.
FROM node:22.23.3-bookworm-slim

ENV NODE_ENV=production
WORKDIR /opt/gatecheck

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY cli ./cli
COPY errors ./errors
COPY fixtures ./fixtures
COPY gateway-under-test ./gateway-under-test
COPY mock-idp ./mock-idp
COPY suites ./suites

# The official image's unprivileged user; the sources stay root-owned and read-only to it.
USER node

EXPOSE 9400
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s CMD ["node", "-e", "fetch('http://127.0.0.1:9400/').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Listening on 0.0.0.0 is what makes the mock reachable from outside the container; /_admin then
# answers only the admin token, which `--admin-token generate` takes from GATECHECK_ADMIN_TOKEN or
# generates and prints. The issuers and endpoints name --public-url: set GATECHECK_PUBLIC_URL to the
# origin your gateway uses when it is not http://127.0.0.1:9400 (another port, a compose service name).
ENTRYPOINT ["/bin/sh", "/opt/gatecheck/mock-idp/container/entrypoint.sh"]
CMD ["idp", "--host", "0.0.0.0", "--port", "9400", "--public-url", "http://127.0.0.1:9400", "--admin-token", "generate"]
