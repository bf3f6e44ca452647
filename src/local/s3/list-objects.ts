// ListObjectsV2 (GET /bucket?list-type=2): parameters, continuation tokens and the XML result.

import { invalidArgument } from './errors.js';
import { OWNER, type Exchange } from './exchange.js';
import { listPage, type ListPosition } from './list.js';
import { urlEncodeName } from './names.js';
import { quoted } from './objects.js';
import { sendXml } from './respond.js';
import { S3_NAMESPACE, element } from './xml.js';

const MAX_KEYS = 1000;

export async function listObjectsV2({ res, store, bucket, query }: Exchange): Promise<void> {
  const keys = store.keys(bucket);
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const encodingType = query.get('encoding-type');
  if (encodingType !== null && encodingType !== 'url') {
    throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encodingType);
  }
  const maxKeysText = query.get('max-keys');
  if (maxKeysText !== null && !/^\d{1,10}$/.test(maxKeysText)) {
    throw invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', maxKeysText);
  }
  const maxKeys = Math.min(maxKeysText === null ? MAX_KEYS : Number(maxKeysText), MAX_KEYS);
  const token = query.get('continuation-token');
  const startAfter = query.get('start-after');
  // A continuation token, when given, decides where the page starts; start-after is only echoed.
  const after = token !== null ? decodeToken(token) : startAfter ? { name: startAfter, isPrefix: false } : undefined;
  const page = listPage(keys, { prefix, delimiter, maxKeys, after });
  const encode = encodingType === 'url' ? urlEncodeName : (name: string) => name;
  const fetchOwner = query.get('fetch-owner') === 'true';
  const owner = `<Owner>${element('ID', OWNER.id)}${element('DisplayName', OWNER.displayName)}</Owner>`;
  const contents = page.keys.map((key) => {
    const record = store.getObject(bucket, key)!;
    const checksum = record.checksumAlgorithm
      ? element('ChecksumAlgorithm', record.checksumAlgorithm) + element('ChecksumType', 'FULL_OBJECT')
      : '';
    return (
      `<Contents>${element('Key', encode(key))}${element('LastModified', record.lastModified)}${element('ETag', quoted(record.etag))}` +
      `${checksum}${element('Size', record.size)}${element('StorageClass', 'STANDARD')}${fetchOwner ? owner : ''}</Contents>`
    );
  });
  const commonPrefixes = page.commonPrefixes.map((common) => `<CommonPrefixes>${element('Prefix', encode(common))}</CommonPrefixes>`);
  sendXml(
    res,
    200,
    `<ListBucketResult xmlns="${S3_NAMESPACE}">` +
      element('Name', bucket) +
      element('Prefix', encode(prefix)) +
      (delimiter ? element('Delimiter', encode(delimiter)) : '') +
      element('MaxKeys', maxKeys) +
      (encodingType ? element('EncodingType', encodingType) : '') +
      element('KeyCount', page.keys.length + page.commonPrefixes.length) +
      element('IsTruncated', page.truncated) +
      (token !== null ? element('ContinuationToken', token) : '') +
      (page.next ? element('NextContinuationToken', encodeToken(page.next)) : '') +
      (startAfter ? element('StartAfter', encode(startAfter)) : '') +
      contents.join('') +
      commonPrefixes.join('') +
      '</ListBucketResult>',
  );
}

// Tokens are opaque to clients; inside, the last key or common prefix handed out.
function encodeToken(position: ListPosition): string {
  return Buffer.from((position.isPrefix ? 'P' : 'K') + position.name).toString('base64');
}

function decodeToken(token: string): ListPosition {
  const text = Buffer.from(token, 'base64').toString('utf8');
  if (!/^[PK]/.test(text) || Buffer.from(text).toString('base64') !== token) {
    throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  }
  return { name: text.slice(1), isPrefix: text[0] === 'P' };
}
