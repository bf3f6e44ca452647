import { notBuiltYet } from '../cli/args.js';

notBuiltYet('gl-local', 'the local Glacier + S3 endpoint is planned; see the README');
