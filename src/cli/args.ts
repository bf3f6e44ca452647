// Flag parsing shared by every command: yargs, strict, usage errors as exit status 2.

import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { yargsFactory } from '../require-commonjs.js';
import { packageVersion } from '../version.js';

// A flag given twice collects both values, so that `array` flags (documented as repeatable) keep
// every one; any other flag given twice is refused (refuseRepeatedFlags), never silently narrowed
// to one of its values (which yargs would do for some: `--port 0 --port 1` parses as 1).
// No flag has dots in its name: `-c./sums` is the file ./sums, not an object.
const PARSER_CONFIGURATION = { 'camel-case-expansion': true, 'duplicate-arguments-array': true, 'dot-notation': false };

/**
 * A yargs parser for one command. `usage` is the first help line; `example` is a real pipeline
 * shown under --help.
 */
export function commandLine(name: string, argv: string[], usage: string, description: string, examples: string[]): Argv {
  const parser = yargsFactory()(argv)
    .scriptName(name)
    .usage(`${usage}\n\n${description}`)
    .version(packageVersion())
    .help()
    .alias('h', 'help')
    .strict()
    .wrap(Math.min(100, process.stderr.columns ?? 100))
    .parserConfiguration(PARSER_CONFIGURATION)
    .check(() => {
      // yargs's typings leave out getOptions(), which holds the flags as declared.
      const declared = (parser as Argv & { getOptions(): DeclaredFlags }).getOptions();
      refuseRepeatedFlags(argv, declared);
      refuseSwitchValues(argv, declared);
      return true;
    })
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

/** camelCase spelling of a kebab-case flag name, as yargs keys it. */
const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** `--kebab-case` spelling of a camel-cased flag name. */
export function flagName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

interface DeclaredFlags {
  /** Flags declared repeatable. */
  array: string[];
  /** Each flag's other names (-h for --help; yargs also lists camel-case spellings). */
  alias: Record<string, string[]>;
  /** Flags that are switches (--delete, --no-wait). */
  boolean: string[];
}

/**
 * Refuses `--switch=VALUE` with anything but true or false: yargs reads `--delete=yes` as false,
 * which would quietly do the opposite of what was asked.
 */
function refuseSwitchValues(words: string[], declared: DeclaredFlags): void {
  const switches = new Set(declared.boolean.map(camel));
  for (const word of words) {
    if (word === '--') break;
    const [, name, value] = /^--([^=]+)=([\s\S]*)$/.exec(word) ?? [];
    if (name !== undefined && switches.has(camel(name)) && value !== 'true' && value !== 'false') {
      throw new UsageError(`${word.slice(0, word.indexOf('='))}: "${value}" is not true or false (or leave the value out)`);
    }
  }
}

/**
 * Refuses a flag typed more than once before `--`, unless declared repeatable. Counted on the
 * words typed, not on yargs's result, where a repeated flag may show as one value. Every name of
 * a flag (-h and --help, --part-size and --partSize, --no-progress and --progress) counts as one.
 */
function refuseRepeatedFlags(words: string[], declared: DeclaredFlags): void {
  // Each name maps to the flag's longest name, which the message shows.
  const flagOf = new Map<string, string>();
  for (const [key, aliases] of Object.entries(declared.alias)) {
    const names = [key, ...aliases].map(camel);
    const longest = names.reduce((a, b) => (b.length > a.length ? b : a));
    for (const name of names) flagOf.set(name, flagOf.get(name) ?? longest);
  }
  const repeatable = new Set(declared.array.map((name) => flagOf.get(camel(name)) ?? camel(name)));
  const seen = new Set<string>();
  for (const word of words) {
    if (word === '--') break;
    for (const typed of flagsIn(word)) {
      let name = camel(typed);
      if (!flagOf.has(name) && /^no[A-Z]/.test(name)) name = name[2].toLowerCase() + name.slice(3);
      const flag = flagOf.get(name) ?? name;
      if (seen.has(flag) && !repeatable.has(flag)) throw new UsageError(`--${flagName(flag)} is given more than once`);
      seen.add(flag);
    }
  }
}

/**
 * The flags one word sets, as yargs-parser reads it: `--name` and `--name=value` one; a single
 * dash starts a group of one-letter flags (`-cc` gives -c twice), which ends where a value is
 * attached (`-c=x`, `-c5`, `-c/x`). A negative number (`-5`, `-.5`) is a value, not a flag.
 */
function flagsIn(word: string): string[] {
  const long = /^--([^-=\d][^=]*)/.exec(word);
  if (long) return [long[1]];
  if (!/^-[^-\d]/.test(word) || /^-\.\d+$/.test(word)) return [];
  const letters: string[] = [];
  for (let at = 1; at < word.length; at++) {
    letters.push(word[at]);
    const rest = word.slice(at + 1);
    if (rest === '' || /^\W/.test(rest) || /^-?\d+(\.\d*)?(e-?\d+)?$/.test(rest)) break;
  }
  return letters;
}
