import { MAX_TOKENS } from '@cmcc/platform';
import type { Stage } from './stage.ts';

/**
 * Apollo Server parses and validates the document against the API schema, with at most MAX_TOKENS tokens (a parser
 * bomb is refused before it is parsed in full).
 */
export function parseStage(): Stage {
  return { name: 'parse', does: 'parses and validates the document (at most MAX_TOKENS tokens)', server: { parseOptions: { maxTokens: MAX_TOKENS } } };
}
