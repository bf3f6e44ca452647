import { notBuiltYet } from '../cli/args.js';

notBuiltYet('gl-fetch-results', 'fetching job output is planned; see the README');
