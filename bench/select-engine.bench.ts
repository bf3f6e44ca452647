// The select engine filtering a 200 MB CSV, next to csv-parse alone parsing the same file with
// the same options, in the same run. Goal: the engine keeps at least half csv-parse's rate.
// Each measurement is a separate process (this file run as a worker) so peak RSS is its own.

import { once } from 'node:events';
import { createReadStream, createWriteStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Parser } from 'csv-parse';
import { compileSelect, selectParameters } from '../src/select/index.js';
import { csvParseOptions } from '../src/select/parameters.js';
import { formatBytes } from '../src/units.js';
import { measureShell, mibPerSecond, printTable, scratchDir } from './lib.js';

const SIZE = 200 * 2 ** 20;
const ROUNDS = 2;
const FILTER = "SELECT id, name, amount FROM archive WHERE region = 'EU' AND CAST(amount AS INT) > 5000";
const PASS_THROUGH = 'SELECT * FROM archive';

/** Writes `bytes` of CSV from a seeded generator (the same file every run). */
async function generate(file: string, bytes: number): Promise<void> {
  let state = 12345;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  const regions = ['EU', 'US', 'APAC', 'LATAM'];
  const out = createWriteStream(file);
  let written = 0;
  let id = 0;
  let chunk = 'id,name,region,amount,price,created,note\n';
  while (written < bytes) {
    for (let i = 0; i < 2000; i++, id++) {
      const month = String(1 + Math.floor(random() * 12)).padStart(2, '0');
      chunk += `${id},user${Math.floor(random() * 1e6)},${regions[Math.floor(random() * 4)]},${Math.floor(random() * 10_000)},${(random() * 1000).toFixed(2)},2020-${month}-15T10:00Z,"note ${id}, ""quoted"""\n`;
    }
    written += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
    chunk = '';
  }
  await new Promise<void>((resolve, reject) => {
    out.on('error', reject);
    out.end(resolve);
  });
}

function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

/** Worker: `parse FILE RESULT` or `engine FILE RESULT SQL`; writes its counts to RESULT. */
async function worker([mode, file, result, sql]: string[]): Promise<void> {
  const query = compileSelect(selectParameters(sql ?? PASS_THROUGH, { FileHeaderInfo: 'USE' }));
  let records = 0;
  let bytesOut = 0;
  if (mode === 'parse') {
    const sink = new Writable({ objectMode: true, highWaterMark: 64, write: (_record, _encoding, callback) => (records++, callback()) });
    await pipeline(createReadStream(file), new Parser(csvParseOptions(query.input)), sink);
  } else {
    const stream = query.stream();
    const sink = new Writable({ write: (chunk: Buffer, _encoding, callback) => ((bytesOut += chunk.length), callback()) });
    await pipeline(createReadStream(file), stream, sink);
    records = stream.stats.recordsOut;
  }
  writeFileSync(result, JSON.stringify({ records, bytesOut }));
}

export default async function selectEngineBench(): Promise<void> {
  const scratch = scratchDir('glp-select-bench-');
  try {
    const file = join(scratch.dir, 'data.csv');
    await generate(file, SIZE);
    const size = statSync(file).size;
    const self = fileURLToPath(import.meta.url);
    const runs = [
      { label: 'csv-parse alone (baseline)', args: ['parse'] },
      { label: `engine: ${FILTER}`, args: ['engine', FILTER] },
      { label: `engine: ${PASS_THROUGH}`, args: ['engine', PASS_THROUGH] },
    ];
    const best = new Map<string, { seconds: number; rss: number; records: number; bytesOut: number }>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const run of runs) {
        const result = join(scratch.dir, 'result.json');
        const rssFile = join(scratch.dir, 'rss');
        const [mode, sql] = run.args;
        const quoted = [self, '--worker', mode, file, result, ...(sql ? [sql] : [])].map(shellQuote).join(' ');
        // GNU time directly: lib.ts's `measure` label keeps its $'…' quoting and reads as NaN.
        const { seconds } = await measureShell(`/usr/bin/time -f %M -o ${shellQuote(rssFile)} node ${quoted}`);
        const counts = JSON.parse(readFileSync(result, 'utf8')) as { records: number; bytesOut: number };
        const rss = Number(readFileSync(rssFile, 'utf8').trim()) * 1024;
        const previous = best.get(run.label);
        if (!previous || seconds < previous.seconds) best.set(run.label, { seconds, rss, ...counts });
      }
    }
    const baseline = best.get(runs[0].label)!;
    printTable(
      `select engine over ${formatBytes(size)} of CSV (best of ${ROUNDS}; goal: engine filter >= 0.5x csv-parse)`,
      ['run', 'seconds', 'MiB/s', 'x csv-parse', 'records out', 'peak RSS'],
      runs.map(({ label }) => {
        const { seconds, rss, records, bytesOut } = best.get(label)!;
        return [label, seconds, mibPerSecond(size, seconds), baseline.seconds / seconds, `${records}${bytesOut ? ` (${formatBytes(bytesOut)})` : ''}`, formatBytes(rss)];
      }),
    );
  } finally {
    scratch.remove();
  }
}

if (process.argv[2] === '--worker' && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await worker(process.argv.slice(3));
}
