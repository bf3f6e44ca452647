import t from 'tap';
import { defaultDescription } from '../../src/chunk/description.js';
import { descriptionProblem } from '../../src/records/limits.js';

t.test('a legal name is its own description', async (t) => {
  t.equal(defaultDescription('backups/2024-01.tar'), 'backups/2024-01.tar');
  t.equal(defaultDescription('50%.tar'), '50%.tar');
  t.equal(defaultDescription(''), '');
});

t.test('other names are escaped into a legal description', async (t) => {
  t.equal(defaultDescription('Zürich 50%.tar'), 'Z%C3%BCrich 50%25.tar');
  t.equal(defaultDescription(' lead'), '%20lead');
  t.equal(defaultDescription('tab\there'), 'tab%09here');
  const long = defaultDescription(`${'é'.repeat(400)}`);
  t.equal(long.length, 1023, 'cut at 1,024 bytes without splitting a %XX escape');
  t.match(long, /^(%[0-9A-F]{2})+$/);
  t.equal(descriptionProblem(long), undefined);
  t.equal(descriptionProblem(defaultDescription('x'.repeat(2000) + '\n')), undefined, 'a long name with a newline');
});
