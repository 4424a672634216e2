import { badUserInput } from '@cmcc/subgraph-kit';

/** A period must end after it starts; `until` may be left open. */
export function checkPeriod(since: Date, until: Date | null): void {
  if (until !== null && until.getTime() <= since.getTime()) {
    throw badUserInput(`"until" must be later than "since"; got since ${since.toISOString()} and until ${until.toISOString()}`, 'until');
  }
}

/** Page sizes of this subgraph's lists: a default when `first` is omitted, and the largest `first` accepted. */
export const PAGES = Object.freeze({
  activities: { defaultFirst: 50, maxFirst: 500 },
  convoys: { defaultFirst: 50, maxFirst: 500 },
  consignments: { defaultFirst: 50, maxFirst: 200 },
  dailyReports: { defaultFirst: 60, maxFirst: 400 },
  reportedFigures: { defaultFirst: 50, maxFirst: 500 },
});
