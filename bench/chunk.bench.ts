// The inline data path: gl-chunk turning a pipe into data records, and the round trip through
// gl-treehash --records, against `cat` moving the same bytes through the same pipes. Then peak
// memory on a 4 GiB pipe, the record reader against split2 on megabyte data lines, and the
// 10,000-part limit tripping on a real pipe.

import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import split2 from 'split2';
import { readRecords } from '../src/records/reader.js';
import { measureShell, mibPerSecond, printTable, scratchDir } from './lib.js';
import { interleaved, ROUNDS, writeRandomFile } from './treehash.bench.js';

const MiB = 1024 * 1024;
const SIZE = 1024 * MiB;

export default async function chunkBench(): Promise<void> {
  const scratch = scratchDir();
  try {
    const file = join(scratch.dir, 'random-1GiB');
    await writeRandomFile(file, SIZE);
    await measureShell(`cat ${file} > /dev/null`);

    const runs = await interleaved({
      'cat < FILE | cat | cat': `cat < ${file} | $(measure cat) cat | cat > /dev/null`,
      'cat < FILE | gl-chunk | cat': `cat < ${file} | $(measure gl-chunk) gl-chunk --part-size 64MiB | cat > /dev/null`,
      'cat < FILE | gl-chunk | gl-treehash --records | cat': `cat < ${file} | $(measure gl-chunk) gl-chunk --part-size 64MiB | $(measure gl-treehash) gl-treehash --records | cat > /dev/null`,
    });
    const cat = runs['cat < FILE | cat | cat'].seconds;
    printTable(
      `A 1 GiB pipe (best of ${ROUNDS}, interleaved; MiB/s of input bytes; output is base64, 4/3 larger)`,
      ['pipeline', 'seconds', 'MiB/s', 'vs cat', 'peak RSS MiB per stage'],
      Object.entries(runs).map(([name, run]) => [name, run.seconds, mibPerSecond(SIZE, run.seconds), cat / run.seconds, run.stages.map((stage) => `${stage.label} ${(stage.maxRssBytes / MiB).toFixed(0)}`).join(', ')]),
    );

    const big = 4 * 1024 * MiB;
    const memory = await measureShell(`head -c ${big} /dev/zero | $(measure gl-chunk) gl-chunk --part-size 64MiB | $(measure gl-treehash) gl-treehash --records | tail -n 1 > ${scratch.dir}/end`);
    printTable(
      '4 GiB pipe: head -c 4GiB /dev/zero | gl-chunk | gl-treehash --records (goal for gl-chunk: < 100 MB peak RSS)',
      ['stage', 'peak RSS MB', 'MiB/s of the whole pipeline'],
      memory.stages.map((stage) => [stage.label, stage.maxRssBytes / 1e6, mibPerSecond(big, memory.seconds)]),
    );

    await readerAgainstSplit2(scratch.dir);
    await partLimit(scratch.dir);
  } finally {
    scratch.remove();
  }
}

/** Reading 256 MiB of inline upload records: readRecords (Buffer splitting, base64 decoded from the line) against split2 + JSON.parse + Buffer.from. */
async function readerAgainstSplit2(dir: string): Promise<void> {
  const records = join(dir, 'records.ndjson');
  const size = 256 * MiB;
  await measureShell(`head -c ${size} /dev/urandom | gl-chunk --part-size 64MiB > ${records}`);
  const timed = async (read: () => Promise<number>) => {
    const started = process.hrtime.bigint();
    const bytes = await read();
    if (bytes !== size) throw new Error(`read ${bytes} bytes, expected ${size}`);
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
  const ours = await timed(async () => {
    let bytes = 0;
    for await (const line of readRecords(createReadStream(records))) bytes += line.bytes?.length ?? 0;
    return bytes;
  });
  const theirs = await timed(async () => {
    let bytes = 0;
    for await (const line of createReadStream(records).pipe(split2())) {
      const record = JSON.parse(line as string) as { type: string; data?: string };
      if (record.type === 'data') bytes += Buffer.from(record.data!, 'base64').length;
    }
    return bytes;
  });
  printTable('Reading 256 MiB of data records in-process (1.4 MB lines)', ['reader', 'seconds', 'MiB/s'], [
    ['readRecords (indexOf(10), base64 from the line bytes)', ours, mibPerSecond(size, ours)],
    ['split2 + JSON.parse + Buffer.from(base64)', theirs, mibPerSecond(size, theirs)],
  ]);
}

/** A real pipe that needs part 10,001 of 1 MiB: gl-chunk must fail as it reads that byte, with no end record. */
async function partLimit(dir: string): Promise<void> {
  const bytes = 10000 * MiB + 1;
  const run = await measureShell(`set +o pipefail
    head -c ${bytes} /dev/zero | gl-chunk --part-size 1MiB 2> ${dir}/limit.err | tail -n 1 | cut -c 1-70 > ${dir}/last
    status=("\${PIPESTATUS[@]}")
    echo "gl-chunk exit status \${status[1]}; stderr: $(cat ${dir}/limit.err)"
    echo "last record written: $(cat ${dir}/last)"
    [ "\${status[1]}" = 1 ] && ! grep -q '"type":"end"' ${dir}/last`);
  printTable('10,000-part limit on a real pipe (10,000 MiB + 1 byte in 1 MiB parts): failed as required', ['seconds', 'input MiB/s'], [[run.seconds, mibPerSecond(bytes, run.seconds)]]);
}
