import { notBuiltYet } from '../cli/args.js';

notBuiltYet('gl-chunk', 'splitting input into upload records is planned; see the README');
