import { notBuiltYet } from '../cli/args.js';

notBuiltYet('gl-select', 'Glacier Select jobs are planned; see the README');
