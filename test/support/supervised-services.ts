// A small `npm start`: supervises the services given as JSON on the command line (name and a `node -e` script each) with
// short delays, stops them all on SIGINT/SIGTERM, prints each supervisor log line as `LOG <line>`, and fails on SIGUSR2.
import { stopOnSignals, Supervisor } from '../../scripts/supervisor.ts';

const services = JSON.parse(process.argv[2] ?? '[]') as { name: string; script: string }[];
const supervisor = new Supervisor({ initialDelayMs: 20, maxDelayMs: 100, killAfterMs: 300, log: (line) => console.log(`LOG ${line}`) });
for (const service of services) {
  supervisor.start({ name: service.name, command: process.execPath, args: ['-e', service.script], options: { stdio: ['ignore', 'inherit', 'inherit'] } });
}
stopOnSignals(supervisor);
// SIGUSR2 makes this process fail with an uncaught error, as a bug in the launcher would.
process.on('SIGUSR2', () => {
  throw new Error('launcher failure injected by the test');
});
