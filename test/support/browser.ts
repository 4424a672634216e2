import fs from 'node:fs';
import { REQUIRE_SERVICES } from './services.ts';

/** The browser the browser tests drive: Debian's package; CHROMIUM_PATH points elsewhere (another distribution's Chromium). */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Headless, sandbox off (containers), nothing fetched from the internet. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Whether Chromium is installed; without it the test named by `what` skips, saying so, or fails under REQUIRE_SERVICES=1. */
export function chromiumAvailable(what: string): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (REQUIRE_SERVICES) throw new Error(`REQUIRE_SERVICES=1 but Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)`);
  console.warn(`Skipping ${what}: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  return false;
}
