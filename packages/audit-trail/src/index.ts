// The audit trail: records, the hash chain and its signed checkpoints, sinks (file, Redis stream), the store the
// audit subgraph and governance read, and the verifier. Written by the gateway; depends on contracts and platform.
export * from './config.ts';
export * from './document.ts';
export * from './from-config.ts';
export * from './records.ts';
export * from './redact.ts';
export * from './signing.ts';
export * from './sinks.ts';
export * from './store.ts';
export * from './trail.ts';
export * from './verify.ts';
