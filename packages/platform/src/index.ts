// What every CMCC service runs on: configuration from the environment, logs, metrics, tracing, the HTTP server with
// its request limits, graceful shutdown and command-line parsing. Depends only on @cmcc/contracts.
export * from './cli-args.ts';
export * from './config.ts';
export * from './database-password.ts';
export * from './database-config.ts';
export * from './env.ts';
export * from './graphql-errors.ts';
export * from './http.ts';
export * from './logger.ts';
export * from './metrics.ts';
export * from './observability-config.ts';
export * from './observe-http.ts';
export * from './operation-names.ts';
export * from './redis.ts';
export * from './request-limits.ts';
export * from './shutdown.ts';
export * from './tracing.ts';
