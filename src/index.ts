// The library behind the commands, usable on its own.
export * from './errors.js';
export * from './units.js';
export * from './treehash/tree-hash.js';
export * from './treehash/file-hash.js';
export { HashPool, HashJobError, sharedHashPool } from './treehash/hash-pool.js';
export * from './treehash/checksum-list.js';
export * from './records/types.js';
export * from './records/limits.js';
export * from './records/validate.js';
export * from './records/lines.js';
export * from './records/data-line.js';
export * from './records/reader.js';
export * from './records/writer.js';
export * from './records/upload-stream.js';
export * from './chunk/part-size.js';
export * from './chunk/description.js';
export * from './chunk/chunk-file.js';
export * from './chunk/chunk-stream.js';
