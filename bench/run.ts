// `npm run bench [NAME...]`: runs every bench/*.bench.ts (or those whose name contains NAME).
// Each module's default export runs its benchmark and prints its own table.

import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Every bench talks to local servers with SDK clients; Node 20 makes the SDK warn on each one.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((name) => name.endsWith('.bench.js'))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

if (files.length === 0) {
  console.error(`bench: nothing matches ${filters.join(' ') || '*.bench.ts'}`);
  process.exit(2);
}
for (const file of files) {
  console.log(`\n# ${file.replace(/\.bench\.js$/, '')}`);
  const module = (await import(pathToFileURL(`${here}/${file}`).href)) as { default: () => Promise<void> };
  await module.default();
}
