// Flag parsing shared by every command: yargs, strict, usage errors as exit status 2.

import yargs, { type Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { packageVersion } from '../version.js';

/**
 * A yargs parser for one command. `usage` is the first help line; `example` is a real pipeline
 * shown under --help.
 */
export function commandLine(name: string, argv: string[], usage: string, description: string, examples: string[]): Argv {
  const parser = yargs(argv)
    .scriptName(name)
    .usage(`${usage}\n\n${description}`)
    .version(packageVersion())
    .help()
    .alias('h', 'help')
    .strict()
    .wrap(Math.min(100, process.stderr.columns ?? 100))
    .parserConfiguration({ 'camel-case-expansion': true, 'duplicate-arguments-array': false })
    .fail((message, err) => {
      throw err ?? new UsageError(message);
    });
  for (const example of examples) parser.example(example, '');
  return parser;
}

/** For commands whose issue has not landed: says so plainly and exits 2. */
export function notBuiltYet(name: string, what: string): never {
  process.stderr.write(`${name}: not built yet (${what})\n`);
  process.exit(2);
}
