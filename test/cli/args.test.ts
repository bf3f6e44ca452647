import t from 'tap';
import { commandLine, withOperands } from '../../src/cli/args.js';

// Flags shaped like the commands' own: a one-letter alias with a value (gl-treehash -c LIST), a
// boolean, a repeatable flag, a whole number that may be negative (gl-local --fault-seed).
const parse = async (args: string[]) =>
  withOperands(commandLine('gl-test', args, 'gl-test [FILE...]', 'a test', []))
    .option('check', { alias: 'c', type: 'string', requiresArg: true, describe: 'list' })
    .option('quiet', { type: 'boolean', describe: 'q' })
    .option('vault', { type: 'string', array: true, requiresArg: true, describe: 'v' })
    .option('seed', { type: 'string', requiresArg: true, describe: 's' })
    .option('offset', { type: 'string', requiresArg: true, describe: 'o' })
    .parseAsync();

t.test('a flag given twice is refused, whichever way each is spelled', async (t) => {
  for (const args of [
    ['--check', 'a', '--check', 'b'],
    ['-c', 'a', '--check=b'],
    ['-cc', 'a'],
    ['-c/tmp/a', '-c/tmp/b'],
    ['-c=a', '-c', 'b'],
    ['-c5', '-c6'],
  ]) {
    await t.rejects(parse(args), { name: 'UsageError', message: '--check is given more than once' }, args.join(' '));
  }
  await t.rejects(parse(['--quiet', '--no-quiet']), { message: '--quiet is given more than once' });
});

t.test('values and operands that begin with a dash are not flags; repeatable flags collect', async (t) => {
  t.equal((await parse(['-c/tmp/a'])).check, '/tmp/a', 'a value attached to a one-letter flag');
  const negatives = await parse(['--seed', '-5', '--offset', '-5', 'f']);
  t.same([negatives.seed, negatives.offset, negatives._], ['-5', '-5', ['f']], 'the same negative number for two flags');
  const fractions = await parse(['--seed', '-.5', '--offset', '-.5']);
  t.same([fractions.seed, fractions.offset], ['-.5', '-.5']);
  t.same((await parse(['-c', 'a', '--', '-c', '--check']))._, ['-c', '--check'], 'after --, operands');
  t.same((await parse(['--vault', 'a', '--vault', 'b', 'c'])).vault, ['a', 'b', 'c']);
});

t.test('a flag that takes a value, given none, and a dotted one-letter flag are usage errors', async (t) => {
  await t.rejects(parse(['--check']), { name: 'UsageError', message: /Not enough arguments following: check/ });
  await t.rejects(parse(['--seed', '--quiet']), { name: 'UsageError', message: /Not enough arguments following: seed/ });
  t.equal((await parse(['--seed', ''])).seed, '', 'an empty value given as a word is a value');
  // yargs-parser reads `-c./list` as a dotted name; without dot notation that is an unknown flag,
  // not an object passed on as a path.
  await t.rejects(parse(['-c./list']), { name: 'UsageError', message: 'Unknown argument: c./list' });
});

t.test('a switch given a value other than true or false is refused, not read as false', async (t) => {
  t.equal((await parse(['--quiet=false'])).quiet, false);
  t.equal((await parse(['--quiet=true'])).quiet, true);
  for (const word of ['--quiet=yes', '--quiet=1', '--quiet=']) {
    await t.rejects(parse([word]), { name: 'UsageError', message: `${word.slice(0, word.indexOf('='))}: "${word.slice(word.indexOf('=') + 1)}" is not true or false (or leave the value out)` }, word);
  }
  t.same((await parse(['--', '--quiet=yes']))._, ['--quiet=yes'], 'after --, an operand');
});
