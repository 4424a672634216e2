// `npm run floor:build -- --out <dir> --gateway <url>`: the floor dashboard as static files (index.html, assets/) for a
// web server on another origin, calling the gateway at <url> (which must allow that origin: GATEWAY_CORS_ORIGINS).
import path from 'node:path';
import { writeStaticFloor } from '@cmcc/gateway/floor/static';
import { parseCli, usageError } from '@cmcc/platform';

const USAGE = `Usage: npm run floor:build -- --out <dir> --gateway <url>
  writes the floor dashboard as static files for another origin
  --out <dir>       where (created if missing)
  --gateway <url>   the gateway the page calls, e.g. https://gateway.cmcc.example`;

const { values } = parseCli({ usage: USAGE, options: { out: { type: 'string' }, gateway: { type: 'string' } } });
if (!values.out || !values.gateway) usageError(USAGE, 'Both --out and --gateway are required.');
const { files } = await writeStaticFloor({ out: values.out!, gateway: values.gateway! });
console.log(
  `${files.length} files written to ${path.relative(process.cwd(), path.resolve(values.out)) || '.'}; open index.html from a web server whose origin the gateway allows (GATEWAY_CORS_ORIGINS).`,
);
