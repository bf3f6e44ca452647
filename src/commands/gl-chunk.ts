// gl-chunk: bytes in, upload records out. Files become parts by reference; stdin (or a FIFO)
// becomes inline data records.

import { createReadStream, fstatSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { addAbortSignal, type Readable } from 'node:stream';
import { commandLine, withOperands } from '../cli/args.js';
import { runCommand } from '../cli/run.js';
import { chunkStream } from '../chunk/chunk-stream.js';
import { fileUploadRecords, type ArchiveLabel } from '../chunk/chunk-file.js';
import { defaultDescription } from '../chunk/description.js';
import { choosePartSize, parsePartSize, parseSizeHint, type PartSizeChoice } from '../chunk/part-size.js';
import { PipesError, UsageError } from '../errors.js';
import { fileError } from '../records/file-problem.js';
import { descriptionProblem } from '../records/limits.js';
import { RecordWriter } from '../records/writer.js';

interface Input {
  path: string; // '-' for stdin
  /** The exact size of a regular file; undefined for streams. */
  size: number | undefined;
  label: ArchiveLabel;
}

await runCommand('gl-chunk', async ({ signal }) => {
  const argv = await withOperands(
    commandLine(
      'gl-chunk',
      process.argv.slice(2),
      'gl-chunk [FILE...] [--part-size SIZE|auto] [--size-hint SIZE] [--description TEXT] [--name NAME]',
      'Splits each FILE (or stdin) into upload records for one Glacier archive: parts of a regular file point into the file; ' +
        'stdin and other streams travel inline as data records of one 1 MiB leaf each. With no FILE, or FILE -, reads stdin.',
      [
        'tar c photos/ | gl-chunk --part-size 64MiB --name photos.tar | gl-treehash --records | gl-put-parts --vault photos >> archives.ndjson',
        'gl-chunk backup-2024.tar | gl-treehash --records > backup-2024.upload.ndjson',
        'pg_dump shop | gl-chunk --size-hint 2TB --name shop.sql | gl-treehash --records | ssh vault-host gl-put-parts --vault db',
      ],
    ),
  )
    .option('part-size', {
      type: 'string',
      requiresArg: true,
      describe: 'bytes per part, a power of two from 1MiB to 4GiB (64MiB, 1GiB, 4194304), or auto: for files the smallest that keeps 10,000 parts, at least 16MiB; for streams 64MiB unless --size-hint says more',
      default: 'auto',
    })
    .option('size-hint', { type: 'string', requiresArg: true, describe: 'expected size of stdin, so that auto picks a part size it fits in (and a wrong --part-size fails now)' })
    .option('description', { type: 'string', requiresArg: true, describe: 'archive description (printable ASCII, at most 1,024 bytes); default: the name' })
    .option('name', { type: 'string', requiresArg: true, describe: 'source name written on the upload record; default: the file path, or - for stdin' })
    .parseAsync();

  const paths = argv._.length > 0 ? argv._.map(String) : ['-'];
  if (paths.filter((path) => path === '-').length > 1) throw new UsageError('stdin (-) can be read only once');
  if (paths.length > 1 && (argv.description !== undefined || argv.name !== undefined)) {
    throw new UsageError('--description and --name name one archive; with several inputs each takes its file name');
  }
  if (argv.description !== undefined) {
    const problem = descriptionProblem(argv.description);
    if (problem) throw new UsageError(`--description: ${problem}`);
  }
  const choice = parsePartSize(argv.partSize);
  const sizeHint = argv.sizeHint === undefined ? undefined : parseSizeHint(argv.sizeHint);

  // Every input is checked before the first record is written, so a bad FILE fails cleanly.
  const inputs: Input[] = [];
  for (const path of paths) inputs.push(await describeInput(path, choice, sizeHint, argv.name, argv.description));

  const writer = new RecordWriter(process.stdout);
  for (const input of inputs) {
    if (input.size !== undefined) {
      for (const record of fileUploadRecords(input.path, input.size, input.label)) await writer.write(record);
      continue;
    }
    const stream: Readable = input.path === '-' ? process.stdin : createReadStream(input.path, { highWaterMark: 1024 * 1024 });
    await chunkStream(addAbortSignal(signal, stream), writer, { ...input.label, source: input.path === '-' ? 'stdin' : input.path });
  }
});

async function describeInput(path: string, choice: PartSizeChoice, sizeHint: number | undefined, name?: string, description?: string): Promise<Input> {
  const sourceName = name ?? path;
  // stdin has no name to describe it by unless --name gives one.
  const describedAs = path === '-' && name === undefined ? '' : sourceName;
  const label = (partSize: number): ArchiveLabel => ({ name: sourceName, description: description ?? defaultDescription(describedAs), partSize });
  if (path === '-') return { path, size: undefined, label: label(choosePartSize(choice, sizeHint ?? stdinFileSize(), 'stdin')) };

  const stats = await stat(path).catch((err: unknown) => {
    throw fileError(err, path);
  });
  if (stats.isDirectory()) throw new PipesError('BAD_FILE', `${path}: is a directory (make it one stream first: tar c ${path} | gl-chunk --name ${path}.tar)`);
  if (!stats.isFile()) return { path, size: undefined, label: label(choosePartSize(choice, sizeHint, path)) };
  if (stats.size === 0) throw new PipesError('EMPTY_INPUT', `${path}: empty file; a Glacier archive holds at least 1 byte`);
  return { path, size: stats.size, label: label(choosePartSize(choice, stats.size, path)) };
}

/** When stdin is redirected from a regular file its size is known: use it as a size hint. */
function stdinFileSize(): number | undefined {
  try {
    const stats = fstatSync(0);
    return stats.isFile() && stats.size > 0 ? stats.size : undefined;
  } catch {
    return undefined;
  }
}
