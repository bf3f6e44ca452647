import t from 'tap';
import { commandLine } from '../../src/cli/args.js';
import { parseWholeNumber, wholeNumberOption } from '../../src/cli/whole-number.js';

t.test('parseWholeNumber reads decimal integers only', async (t) => {
  t.equal(parseWholeNumber('0'), 0);
  t.equal(parseWholeNumber('64'), 64);
  t.equal(parseWholeNumber('-7'), -7);
  for (const text of ['', 'abc', '1.5', '1e3', '0x10', ' 4', '4 ', '+4', '9007199254740993']) t.equal(parseWholeNumber(text), undefined, JSON.stringify(text));
});

t.test('a whole-number flag gives its value, its default, or an error quoting what was typed', async (t) => {
  const parse = async (args: string[]) =>
    commandLine('gl-test', args, 'gl-test [--concurrency N]', 'a test', [])
      .option('concurrency', wholeNumberOption('concurrency', { default: 4, min: 1, max: 64, describe: 'd' }))
      .parseAsync();
  t.equal((await parse([])).concurrency, 4, 'the default');
  t.equal((await parse(['--concurrency', '16'])).concurrency, 16);
  await t.rejects(parse(['--concurrency', 'abc']), { name: 'UsageError', message: '--concurrency: "abc" is not a whole number from 1 to 64' });
  await t.rejects(parse(['--concurrency', '65']), { message: '--concurrency: "65" is not a whole number from 1 to 64' });
});
