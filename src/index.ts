// The library behind the commands, usable on its own.
export * from './errors.js';
export * from './units.js';
export * from './treehash/tree-hash.js';
export * from './records/types.js';
