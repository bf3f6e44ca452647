// The AWS SDK packages are CommonJS. When an ES module imports one, Node first scans its source
// for the names it exports (cjs-module-lexer, in its JavaScript build on Node 20): that doubled
// the time @aws-sdk/client-glacier takes to load, ~0.1 CPU-second on every command's start.
// Loaded with require() there is no scan; the types still come from the package, through
// `typeof import(...)`.

import { createRequire } from 'node:module';

export const requireCommonJs = createRequire(import.meta.url);
