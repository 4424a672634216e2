// The audit trail: records, the hash chain and its signed checkpoints, sinks (file, Redis stream), the store the
// audit subgraph and governance read, the verifier, and evidence bundles (selected events, verifiable offline).
// Written by the gateway; depends on contracts and platform.
export * from './bundle.ts';
export * from './alerts.ts';
export * from './config.ts';
export * from './document.ts';
export * from './from-config.ts';
export * from './investigate.ts';
export * from './records.ts';
export * from './redact.ts';
export * from './signing.ts';
export * from './sinks.ts';
export * from './store.ts';
export * from './trail.ts';
export * from './verify.ts';
