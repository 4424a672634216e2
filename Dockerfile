# One image for the gateway and every subgraph; the command picks which one runs:
#   docker run cmcc-supergraph                                   # gateway
#   docker run cmcc-supergraph subgraphs/security/src/index.ts   # a subgraph
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; install scripts stay off (nothing here needs one).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
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
