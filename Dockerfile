# One image for the gateway and every subgraph; the command picks which one runs:
#   docker run cmcc-supergraph                                   # gateway (dist/gateway.js)
#   docker run cmcc-supergraph dist/subgraphs/security.js        # a subgraph
#   docker run cmcc-supergraph dist/scripts/schema.js history    # a tool: schema, token, apikey, audit-verify, audit-export
# The image runs JavaScript built by `npm run build` (esbuild, in the build stage): no TypeScript loader, no esbuild and
# no development dependency at run time.
FROM node:24-bookworm-slim AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
# npm workspaces: every package's manifest, so `npm ci` links them.
COPY packages/contracts/package.json packages/contracts/
COPY packages/platform/package.json packages/platform/
COPY packages/subgraph-kit/package.json packages/subgraph-kit/
COPY packages/audit-trail/package.json packages/audit-trail/
COPY governance/package.json governance/
COPY gateway/package.json gateway/
COPY test/support/package.json test/support/
COPY subgraphs/audit/package.json subgraphs/audit/
COPY subgraphs/civil-administration/package.json subgraphs/civil-administration/
COPY subgraphs/coordination/package.json subgraphs/coordination/
COPY subgraphs/engineering/package.json subgraphs/engineering/
COPY subgraphs/humanitarian/package.json subgraphs/humanitarian/
COPY subgraphs/intelligence/package.json subgraphs/intelligence/
COPY subgraphs/multinational-force/package.json subgraphs/multinational-force/
COPY subgraphs/security/package.json subgraphs/security/

# Build stage: every dependency (tsx, esbuild, GraphiQL's sources), the sources, and `npm run build` into /out:
# dist/ (the bundles and the prebuilt explorer) and the files they read at their repository paths.
FROM manifests AS build
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build -- --out /out

# Production dependencies only; install scripts stay off (nothing here needs one).
FROM manifests AS deps
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /out ./
# Embedded data (PGlite) lives under /app/data when no DATABASE_URL is set; the image runs as the unprivileged user.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 4000 4001 4002 4003 4004 4005 4006 4007 4008
ENTRYPOINT ["node", "--enable-source-maps"]
CMD ["dist/gateway.js"]
