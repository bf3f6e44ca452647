// Bucket operations: CreateBucket, HeadBucket, DeleteBucket, ListBuckets, GetBucketLocation.

import { S3Error, invalidArgument, malformedXml, notImplemented } from './errors.js';
import { OWNER, allowOnly, refuseHeaders, type Exchange } from './exchange.js';
import { readSmallBody } from './body.js';
import { sendEmpty, sendXml } from './respond.js';
import { S3_NAMESPACE, element, parseRequestXml } from './xml.js';

const US_EAST_1 = 'us-east-1';

export async function createBucket({ req, res, store, bucket, region }: Exchange): Promise<void> {
  refuseHeaders(req.headers, [/^x-amz-grant-/, 'x-amz-bucket-object-lock-enabled']);
  allowOnly(req.headers, 'x-amz-acl', ['private']);
  allowOnly(req.headers, 'x-amz-object-ownership', ['BucketOwnerEnforced']);
  const constraint = locationConstraint((await readSmallBody(req, 64 * 1024)).toString('utf8'));
  checkLocation(constraint, region);
  const created = await store.createBucket(bucket);
  // Outside us-east-1 S3 refuses to create a bucket twice; us-east-1 answers 200 for legacy reasons.
  if (!created && region !== US_EAST_1) {
    const message = 'Your previous request to create the named bucket succeeded and you already own it.';
    throw new S3Error('BucketAlreadyOwnedByYou', 409, message, { BucketName: bucket });
  }
  sendEmpty(res, 200, { location: `/${bucket}` });
}

function locationConstraint(document: string): string {
  if (document.trim() === '') return '';
  const root = parseRequestXml(document, 'CreateBucketConfiguration');
  let constraint = '';
  for (const child of root.children) {
    if (child.name === 'LocationConstraint') constraint = child.text.trim();
    else if (['Location', 'Bucket', 'Tags'].includes(child.name)) throw notImplemented(`CreateBucketConfiguration/${child.name}`);
    else throw malformedXml();
  }
  return constraint;
}

function checkLocation(constraint: string, region: string): void {
  if (region === US_EAST_1 && constraint === US_EAST_1) {
    const message = 'The specified location-constraint is not valid';
    throw new S3Error('InvalidLocationConstraint', 400, message, { LocationConstraint: constraint });
  }
  const wanted = constraint === '' ? US_EAST_1 : constraint;
  if (wanted !== region) {
    throw new S3Error(
      'IllegalLocationConstraintException',
      400,
      `The ${constraint === '' ? 'unspecified' : constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
    );
  }
}

export async function headBucket({ res, store, bucket, region }: Exchange): Promise<void> {
  store.requireBucket(bucket);
  sendEmpty(res, 200, { 'x-amz-bucket-region': region, 'x-amz-access-point-alias': 'false' });
}

export async function deleteBucket({ res, store, bucket }: Exchange): Promise<void> {
  await store.deleteBucket(bucket);
  sendEmpty(res, 204);
}

export async function getBucketLocation({ res, store, bucket, region }: Exchange): Promise<void> {
  store.requireBucket(bucket);
  sendXml(res, 200, `<LocationConstraint xmlns="${S3_NAMESPACE}">${region === US_EAST_1 ? '' : region}</LocationConstraint>`);
}

export async function listBuckets({ res, store, query, region }: Exchange): Promise<void> {
  const prefix = query.get('prefix') ?? '';
  const maxText = query.get('max-buckets');
  if (maxText !== null && !(/^\d+$/.test(maxText) && Number(maxText) >= 1 && Number(maxText) <= 10000)) {
    throw invalidArgument('Argument max-buckets must be an integer between 1 and 10000.', 'max-buckets', maxText);
  }
  const max = maxText === null ? Infinity : Number(maxText);
  const after = decodeBucketToken(query.get('continuation-token'));
  const matching = store.listBuckets().filter(({ name }) => name.startsWith(prefix) && (after === undefined || name > after));
  const page = matching.slice(0, max);
  const next = matching.length > page.length ? Buffer.from(page.at(-1)!.name).toString('base64') : undefined;
  const buckets = page.map(
    ({ name, created }) => `<Bucket>${element('Name', name)}${element('CreationDate', created)}${element('BucketRegion', region)}</Bucket>`,
  );
  sendXml(
    res,
    200,
    `<ListAllMyBucketsResult xmlns="${S3_NAMESPACE}">` +
      `<Owner>${element('ID', OWNER.id)}${element('DisplayName', OWNER.displayName)}</Owner>` +
      `<Buckets>${buckets.join('')}</Buckets>` +
      (next ? element('ContinuationToken', next) : '') +
      (prefix ? element('Prefix', prefix) : '') +
      '</ListAllMyBucketsResult>',
  );
}

function decodeBucketToken(token: string | null): string | undefined {
  if (token === null) return undefined;
  const name = Buffer.from(token, 'base64').toString('utf8');
  if (name === '' || Buffer.from(name).toString('base64') !== token) {
    throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  }
  return name;
}
