import { badUserInput } from '@cmcc/subgraph-kit';

/** A window must end after it starts; DateTime arguments arrive already parsed by the kit's scalar. */
export function checkWindow(since: Date | null | undefined, until: Date | null | undefined): { since: Date | null; until: Date | null } {
  if (since && until && until.getTime() <= since.getTime()) {
    throw badUserInput(`"until" must be later than "since"; got since ${since.toISOString()} and until ${until.toISOString()}`, 'until');
  }
  return { since: since ?? null, until: until ?? null };
}
