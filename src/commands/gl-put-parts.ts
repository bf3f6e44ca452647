import { notBuiltYet } from '../cli/args.js';

notBuiltYet('gl-put-parts', 'verified, resumable upload to a vault is planned; see the README');
