// `npm run bench [NAME...]`: runs every bench/*.bench.ts (or those whose name contains NAME).
// Each module's default export runs its benchmark and prints its own table.

import { readdirSync, readFileSync } from 'node:fs';
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
/** CPU time of the whole machine so far, in clock ticks: [all, stolen by the host]. */
function cpuTicks(): [number, number] {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return [fields.reduce((sum, ticks) => sum + ticks, 0), fields[7] ?? 0];
}

for (const file of files) {
  console.log(`\n# ${file.replace(/\.bench\.js$/, '')}`);
  const module = (await import(pathToFileURL(`${here}/${file}`).href)) as { default: () => Promise<void> };
  const before = cpuTicks();
  await module.default();
  // On a virtual machine the host may run other guests on these cores: wall-clock figures taken
  // while it took a large share are not comparable with others (this project's has seen 70%).
  const [all, stolen] = cpuTicks().map((ticks, i) => ticks - before[i]);
  console.log(`host steal during this bench: ${all > 0 ? ((100 * stolen) / all).toFixed(0) : 0}% of CPU time (/proc/stat)`);
}
