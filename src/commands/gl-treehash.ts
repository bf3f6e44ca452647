import { notBuiltYet } from '../cli/args.js';

notBuiltYet('gl-treehash', 'tree hashing is planned; see the README');
