// The contracts every part of the platform shares: the marking, releasability rule v2, the principal and its signed
// header, error codes, shared scalars and vocabulary. Depends on no other package of the workspace.
export * from './change-events.ts';
export * from './event-transport.ts';
export * from './errors.ts';
export * from './marking.ts';
export * from './principal.ts';
export * from './principal-token.ts';
export * from './record-markings.ts';
export * from './releasability.ts';
export * from './scalars.ts';
export * from './sdl.ts';
export * from './requirements.ts';
