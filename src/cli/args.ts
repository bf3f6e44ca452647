// Flag parsing shared by every command: yargs, strict, usage errors as exit status 2.

import yargs, { type Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { packageVersion } from '../version.js';

const PARSER_CONFIGURATION = { 'camel-case-expansion': true, 'duplicate-arguments-array': false };

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
    .parserConfiguration(PARSER_CONFIGURATION)
    .fail((message, err) => {
      // yargs reports some usage mistakes (a flag missing its value) as a YError, not a message.
      throw err && err.name !== 'YError' ? err : new UsageError(err?.message ?? message);
    });
  for (const example of examples) parser.example(example, '');
  return parser;
}

/**
 * For commands that take operands (FILE...): `strict()` refuses every positional argument, so
 * this keeps strictness for options only, and keeps operands as the strings typed (`-` stays
 * `-`, a file named `0x10` stays `0x10`). The operands are in `argv._`.
 */
export function withOperands(parser: Argv): Argv {
  return parser
    .strict(false)
    .strictOptions()
    .parserConfiguration({ ...PARSER_CONFIGURATION, 'parse-positional-numbers': false });
}

/** `--kebab-case` spelling of a camel-cased flag name. */
export function flagName(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * For parsers configured with 'duplicate-arguments-array' (so that the `repeatable` flags collect
 * every value): every other flag given more than once is a usage error.
 */
export function refuseRepeatedFlags(argv: Record<string, unknown>, repeatable: string[]): void {
  for (const [name, value] of Object.entries(argv)) {
    if (Array.isArray(value) && name !== '_' && !repeatable.includes(name) && !name.includes('-')) throw new UsageError(`--${flagName(name)} is given more than once`);
  }
}
