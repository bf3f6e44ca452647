// gl-treehash: Glacier tree hashes of files (like sha256sum), a check of such a list, or the
// hashes filled in on an upload stream (--records).

import { open, stat } from 'node:fs/promises';
import { addAbortSignal, type Readable } from 'node:stream';
import { runCommand, warn } from '../cli/run.js';
import { EXIT, PipesError, UsageError, errorMessage } from '../errors.js';
import { fileError } from '../records/file-problem.js';
import { formatCheckResult, formatChecksumLine, parseChecksumLine } from '../treehash/checksum-list.js';
import { treeHashFile } from '../treehash/file-hash.js';
import { sharedHashPool } from '../treehash/hash-pool.js';
import { TreeHasher } from '../treehash/tree-hash.js';

const NAME = 'gl-treehash';

// Starting the hashing workers takes tens of milliseconds: they start first, while the rest
// loads. (Only what hashing files needs is imported up front; --check and --records load theirs.)
sharedHashPool().warm();

interface Options {
  operands: string[];
  check?: string;
  quiet?: boolean;
  records?: boolean;
}

await runCommand(NAME, async ({ signal }) => {
  const options = await parseArguments(process.argv.slice(2));
  const { operands } = options;
  if (options.records) {
    if (operands.length > 1) throw new UsageError('--records reads one stream: stdin or one FILE');
    return fillInRecords(operands[0] ?? '-', signal);
  }
  if (options.check !== undefined) {
    if (operands.length > 0) throw new UsageError('--check takes the files to check from LIST, not from the command line');
    return checkList(options.check, options.quiet ?? false, signal);
  }
  let failed = false;
  for (const path of operands.length > 0 ? operands : ['-']) {
    try {
      process.stdout.write(formatChecksumLine(await treeHashOf(path, signal), path));
    } catch (err) {
      if (signal.aborted) throw err;
      warn(NAME, errorMessage(err));
      failed = true;
    }
  }
  return failed ? EXIT.failed : EXIT.ok;
});

/**
 * The command line. Plain file names need no parser, and loading yargs costs some 80 ms, an
 * eighth of hashing a 1 GiB file; anything that looks like a flag goes through yargs.
 */
async function parseArguments(args: string[]): Promise<Options> {
  if (args.every((arg) => !arg.startsWith('-'))) return { operands: args };
  const { commandLine, withOperands } = await import('../cli/args.js');
  const argv = await withOperands(
    commandLine(
      NAME,
      args,
      'gl-treehash [FILE...] | gl-treehash --check LIST | gl-treehash --records [FILE]',
      'Prints the Glacier SHA-256 tree hash of each FILE as "HASH  FILE" lines, like sha256sum (no FILE, or -, reads stdin). ' +
        'Large files are hashed on every core. --check verifies such a list. --records reads upload records (from gl-chunk) and ' +
        "writes them again with each part's treeHash and sha256 and the archive's treeHash on end filled in; other records pass unchanged.",
      [
        'gl-treehash backup-*.tar > backup.treehash && gl-treehash --check backup.treehash',
        'tar c photos/ | gl-chunk --name photos.tar | gl-treehash --records | gl-put-parts --vault photos >> archives.ndjson',
        'tar c photos/ | tee photos.tar | gl-chunk | gl-treehash --records | tail -1 | jq -r .treeHash',
      ],
    ),
  )
    .option('check', { alias: 'c', type: 'string', requiresArg: true, describe: 'read "HASH  FILE" lines from LIST (- for stdin) and check each file; exit 1 if any does not match' })
    .option('quiet', { type: 'boolean', describe: 'with --check, print only the files that fail' })
    .option('records', { type: 'boolean', describe: 'fill in the hashes on an upload-record stream (from FILE or stdin)' })
    .conflicts('check', 'records')
    .parseAsync();
  return { operands: argv._.map(String), check: argv.check, quiet: argv.quiet, records: argv.records };
}

/** The tree hash of a path: regular files on every core, stdin and other streams as they come. */
async function treeHashOf(path: string, signal: AbortSignal): Promise<string> {
  if (path !== '-') {
    const stats = await stat(path).catch((err: unknown) => {
      throw fileError(err, path);
    });
    if (stats.isFile()) return treeHashFile(path, { signal });
  }
  return treeHashOfStream(addAbortSignal(signal, await openInput(path)));
}

async function treeHashOfStream(stream: Readable): Promise<string> {
  const hasher = new TreeHasher({ linear: false });
  for await (const chunk of stream) hasher.update(chunk as Buffer);
  return hasher.treeDigest().toString('hex');
}

async function checkList(list: string, quiet: boolean, signal: AbortSignal): Promise<number> {
  const input = await openInput(list);
  const source = list === '-' ? 'stdin' : list;
  let mismatched = 0;
  let unreadable = 0;
  let malformed = 0;
  const { splitLines } = await import('../records/lines.js');
  const lines = splitLines(addAbortSignal(signal, input), {
    onTooLong: (line) => {
      throw new PipesError('BAD_INPUT', `${source}:${line}: line too long for a "HASH  FILE" list`);
    },
  });
  for await (const { number, bytes } of lines) {
    const text = bytes.toString('utf8');
    if (text.trim() === '') continue;
    const entry = parseChecksumLine(text);
    if (!entry) {
      warn(NAME, `${source}:${number}: not a "HASH  FILE" line`);
      malformed++;
      continue;
    }
    let actual: string;
    try {
      actual = await treeHashOf(entry.name, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      warn(NAME, errorMessage(err));
      process.stdout.write(formatCheckResult(entry.name, 'FAILED open or read'));
      unreadable++;
      continue;
    }
    if (actual === entry.hash) {
      if (!quiet) process.stdout.write(formatCheckResult(entry.name, 'OK'));
    } else {
      process.stdout.write(formatCheckResult(entry.name, 'FAILED'));
      mismatched++;
    }
  }
  if (malformed > 0) warn(NAME, `WARNING: ${malformed} line(s) are improperly formatted`);
  if (unreadable > 0) warn(NAME, `WARNING: ${unreadable} listed file(s) could not be read`);
  if (mismatched > 0) warn(NAME, `WARNING: ${mismatched} computed tree hash(es) did NOT match`);
  return mismatched + unreadable + malformed > 0 ? EXIT.failed : EXIT.ok;
}

/** Passes an upload stream through, writing the hashes on `part` and `end` records. */
async function fillInRecords(path: string, signal: AbortSignal): Promise<void> {
  const input = await openInput(path);
  const [{ readUploadStream }, { RecordWriter }] = await Promise.all([import('../records/upload-stream.js'), import('../records/writer.js')]);
  const writer = new RecordWriter(process.stdout);
  for await (const event of readUploadStream(addAbortSignal(signal, input), { source: path === '-' ? 'stdin' : path, signal, onWarning: (message) => warn(NAME, message) })) {
    if (event.kind === 'part' && (event.record.treeHash !== event.treeHash || event.record.sha256 !== event.sha256)) {
      await writer.write({ ...event.record, treeHash: event.treeHash, sha256: event.sha256 });
    } else if (event.kind === 'end' && event.treeHash !== undefined && event.record.treeHash !== event.treeHash) {
      await writer.write({ ...event.record, treeHash: event.treeHash });
    } else {
      await writer.writeRaw(event.raw);
    }
  }
}

/** stdin for `-`, else the file, opened now so that a missing file or a directory is said plainly. */
async function openInput(path: string): Promise<Readable> {
  if (path === '-') return process.stdin;
  const handle = await open(path, 'r').catch((err: unknown) => {
    throw fileError(err, path);
  });
  if ((await handle.stat()).isDirectory()) {
    await handle.close();
    throw new PipesError('BAD_FILE', `${path}: is a directory`);
  }
  return handle.createReadStream();
}
