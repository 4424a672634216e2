# One image for the gateway and every subgraph; the command picks which one runs:
#   docker run cmcc-supergraph                                   # gateway
#   docker run cmcc-supergraph subgraphs/security/src/index.ts   # a subgraph
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# npm workspaces: every package's manifest, so `npm ci` links them (their code comes in the runtime stage).
COPY packages/contracts/package.json packages/contracts/
COPY packages/platform/package.json packages/platform/
COPY packages/subgraph-kit/package.json packages/subgraph-kit/
COPY packages/audit-trail/package.json packages/audit-trail/
COPY governance/package.json governance/
COPY gateway/package.json gateway/
COPY test/support/package.json test/support/
COPY subgraphs/audit/package.json subgraphs/audit/
COPY subgraphs/civil-administration/package.json subgraphs/civil-administration/
COPY subgraphs/engineering/package.json subgraphs/engineering/
COPY subgraphs/humanitarian/package.json subgraphs/humanitarian/
COPY subgraphs/intelligence/package.json subgraphs/intelligence/
COPY subgraphs/multinational-force/package.json subgraphs/multinational-force/
COPY subgraphs/security/package.json subgraphs/security/
# Production dependencies only; install scripts stay off (nothing here needs one).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY packages ./packages
COPY governance ./governance
COPY gateway ./gateway
COPY subgraphs ./subgraphs
COPY schema ./schema
COPY scripts ./scripts
# Embedded data (PGlite) lives under /app/data when no DATABASE_URL is set; the image runs as the unprivileged user.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 4000 4001 4002 4003 4004 4005
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["gateway/src/index.ts"]
