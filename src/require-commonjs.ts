// The AWS SDK packages are CommonJS. When an ES module imports one, Node first scans its source
// for the names it exports (cjs-module-lexer, in its JavaScript build on Node 20): that doubled
// the time @aws-sdk/client-glacier takes to load, ~0.1 CPU-second on every command's start.
// Loaded with require() there is no scan; the types still come from the package, through
// `typeof import(...)`. Each loader returns the one module object Node caches.
//
// yargs is held at 17, whose CommonJS build loads in ~16 ms: yargs 18 is ES modules only and its
// help-text layout (string-width 8: Unicode-set regular expressions and an Intl.Segmenter built at
// load) made it ~85 ms, most of gl-chunk's start.

import { createRequire } from 'node:module';

const requireCommonJs = createRequire(import.meta.url);

export const glacierSdk = (): typeof import('@aws-sdk/client-glacier') => requireCommonJs('@aws-sdk/client-glacier');
export const s3Sdk = (): typeof import('@aws-sdk/client-s3') => requireCommonJs('@aws-sdk/client-s3');
export const signatureV4Sdk = (): typeof import('@smithy/signature-v4') => requireCommonJs('@smithy/signature-v4');
export const yargsFactory = (): typeof import('yargs/yargs') => requireCommonJs('yargs/yargs');
