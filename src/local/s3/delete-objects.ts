// DeleteObjects (POST /bucket?delete): up to 1,000 keys in one XML document, each answered on its own.

import { readSmallBody } from './body.js';
import { S3Error, invalidRequest, malformedXml, notImplemented } from './errors.js';
import type { Exchange } from './exchange.js';
import { checkKey, urlEncodeName } from './names.js';
import { sendXml } from './respond.js';
import { S3_NAMESPACE, element, parseRequestXml, type XmlElement } from './xml.js';

const MAX_OBJECTS = 1000;
// 1,000 keys of 1,024 bytes, each character possibly written as a 6-byte reference, plus the markup.
const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

export async function deleteObjects({ req, res, store, bucket, query }: Exchange): Promise<void> {
  store.requireBucket(bucket);
  const checksummed = Object.keys(req.headers).some(
    (name) => name === 'content-md5' || (name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-mode') || name === 'x-amz-trailer',
  );
  if (!checksummed) throw invalidRequest('Missing required header for this request: Content-MD5');
  const { keys, quiet } = parseDelete((await readSmallBody(req, MAX_DOCUMENT_BYTES)).toString('utf8'));
  const encode = query.get('encoding-type') === 'url' ? urlEncodeName : (name: string) => name;
  const results = await Promise.all(
    keys.map(async ({ key, refused }) => {
      try {
        if (refused) throw notImplemented(refused);
        checkKey(key);
        await store.deleteObject(bucket, key);
        return quiet ? '' : `<Deleted>${element('Key', encode(key))}</Deleted>`;
      } catch (error) {
        const { code, message } = error instanceof S3Error ? error : { code: 'InternalError', message: String(error) };
        return `<Error>${element('Key', encode(key))}${element('Code', code)}${element('Message', message)}</Error>`;
      }
    }),
  );
  sendXml(res, 200, `<DeleteResult xmlns="${S3_NAMESPACE}">${results.join('')}</DeleteResult>`);
}

interface DeleteEntry {
  key: string;
  /** What in the entry gl-local cannot honour, if anything. */
  refused?: string;
}

function parseDelete(document: string): { keys: DeleteEntry[]; quiet: boolean } {
  const root = parseRequestXml(document, 'Delete');
  const keys: DeleteEntry[] = [];
  let quiet = false;
  for (const child of root.children) {
    if (child.name === 'Quiet') {
      const value = child.text.trim().toLowerCase();
      if (value !== 'true' && value !== 'false') throw malformedXml();
      quiet = value === 'true';
    } else if (child.name === 'Object') {
      keys.push(parseEntry(child));
    } else {
      throw malformedXml();
    }
  }
  if (keys.length === 0 || keys.length > MAX_OBJECTS) throw malformedXml();
  return { keys, quiet };
}

function parseEntry(object: XmlElement): DeleteEntry {
  let key: string | undefined;
  let refused: string | undefined;
  for (const field of object.children) {
    if (field.name === 'Key' && key === undefined) key = field.text;
    else if (['VersionId', 'ETag', 'LastModifiedTime', 'Size'].includes(field.name)) refused ??= `${field.name} in DeleteObjects`;
    else throw malformedXml();
  }
  if (!key) throw malformedXml();
  return { key, refused };
}
