import { HttpError } from './http-error.ts';

/**
 * Brackets nested deeper than this are refused before parsing: graphql-js parses (and JSON.stringify walks)
 * recursively, and a few thousand levels exhaust the stack. Real operations nest a dozen levels or so.
 */
export const MAX_NESTING = 64;

/** Tokens in one GraphQL document at most (graphql-js `maxTokens`); a dashboard operation has a few hundred. */
export const MAX_TOKENS = 20_000;

/** The deepest nesting of `{ [ (` in `text`, outside string literals and `#` comments (GraphQL) — stops counting past `limit`. */
export function nestingDepth(text: string, { comments = false, limit = Infinity } = {}): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x22 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
    } else if (comments && char === 0x23 /* # */) {
      while (i < text.length && text.charCodeAt(i) !== 0x0a) i++;
    } else if (char === 0x7b || char === 0x5b || char === 0x28) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (char === 0x7d || char === 0x5d || char === 0x29) {
      depth--;
    }
  }
  return deepest;
}

/** Refuses a JSON body or a GraphQL document nested deeper than MAX_NESTING, with a message saying so. */
export function assertNesting(text: string, what: 'body' | 'query'): void {
  const depth = nestingDepth(text, { comments: what === 'query', limit: MAX_NESTING });
  if (depth > MAX_NESTING) {
    throw new HttpError(
      400,
      'BAD_REQUEST',
      `The ${what === 'body' ? 'request body' : 'GraphQL document'} nests more than ${MAX_NESTING} levels deep; at most ${MAX_NESTING} are accepted`,
    );
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text; bytes that are not UTF-8 are refused rather than silently replaced. */
export function decodeUtf8(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'The request body is not valid UTF-8');
  }
}
