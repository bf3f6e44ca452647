// Which S3 operation a request is, from its method, path and query: S3's own operation names, so
// request logs, fault rules and NotImplemented errors all speak the same language.

export type Level = 'SERVICE' | 'BUCKET' | 'OBJECT';

/** The operations gl-local serves. Anything else is named and refused. */
export const SUPPORTED = new Set([
  'ListBuckets',
  'CreateBucket',
  'HeadBucket',
  'DeleteBucket',
  'GetBucketLocation',
  'ListObjectsV2',
  'DeleteObjects',
  'PutObject',
  'GetObject',
  'HeadObject',
  'DeleteObject',
]);

const VERBS: Record<string, string> = { GET: 'Get', PUT: 'Put', DELETE: 'Delete' };

// Bucket subresources and the noun S3 names their Get/Put/Delete operations with.
const BUCKET_SUBRESOURCES: Record<string, string> = {
  accelerate: 'BucketAccelerateConfiguration',
  acl: 'BucketAcl',
  analytics: 'BucketAnalyticsConfiguration',
  cors: 'BucketCors',
  encryption: 'BucketEncryption',
  'intelligent-tiering': 'BucketIntelligentTieringConfiguration',
  inventory: 'BucketInventoryConfiguration',
  lifecycle: 'BucketLifecycleConfiguration',
  location: 'BucketLocation',
  logging: 'BucketLogging',
  metadataTable: 'BucketMetadataTableConfiguration',
  metrics: 'BucketMetricsConfiguration',
  notification: 'BucketNotificationConfiguration',
  'object-lock': 'ObjectLockConfiguration',
  ownershipControls: 'BucketOwnershipControls',
  policy: 'BucketPolicy',
  policyStatus: 'BucketPolicyStatus',
  publicAccessBlock: 'PublicAccessBlock',
  replication: 'BucketReplication',
  requestPayment: 'BucketRequestPayment',
  tagging: 'BucketTagging',
  versioning: 'BucketVersioning',
  website: 'BucketWebsite',
};

const OBJECT_SUBRESOURCES: Record<string, string> = {
  acl: 'ObjectAcl',
  attributes: 'ObjectAttributes',
  'legal-hold': 'ObjectLegalHold',
  retention: 'ObjectRetention',
  tagging: 'ObjectTagging',
  torrent: 'ObjectTorrent',
};

/** Names the operation; `Unknown` when the method has no meaning for that resource at all. */
export function operationName(method: string, level: Level, query: URLSearchParams): string {
  const verb = VERBS[method];
  if (level === 'SERVICE') return method === 'GET' ? 'ListBuckets' : 'Unknown';
  if (level === 'BUCKET') {
    if (method === 'POST' && query.has('delete')) return 'DeleteObjects';
    if (query.has('uploads')) return method === 'GET' ? 'ListMultipartUploads' : 'Unknown';
    if (query.has('versions')) return method === 'GET' ? 'ListObjectVersions' : 'Unknown';
    for (const [sub, noun] of Object.entries(BUCKET_SUBRESOURCES)) if (query.has(sub)) return verb ? verb + noun : 'Unknown';
    switch (method) {
      case 'PUT':
        return 'CreateBucket';
      case 'HEAD':
        return 'HeadBucket';
      case 'DELETE':
        return 'DeleteBucket';
      case 'GET':
        return query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
      case 'POST':
        return 'PostObject';
      default:
        return 'Unknown';
    }
  }
  if (query.has('uploads')) return method === 'POST' ? 'CreateMultipartUpload' : 'Unknown';
  if (query.has('uploadId')) {
    const multipart: Record<string, string> = { PUT: 'UploadPart', GET: 'ListParts', POST: 'CompleteMultipartUpload', DELETE: 'AbortMultipartUpload' };
    return multipart[method] ?? 'Unknown';
  }
  if (query.has('restore')) return method === 'POST' ? 'RestoreObject' : 'Unknown';
  if (query.has('select')) return method === 'POST' ? 'SelectObjectContent' : 'Unknown';
  for (const [sub, noun] of Object.entries(OBJECT_SUBRESOURCES)) if (query.has(sub)) return verb ? verb + noun : 'Unknown';
  const plain: Record<string, string> = { PUT: 'PutObject', GET: 'GetObject', HEAD: 'HeadObject', DELETE: 'DeleteObject' };
  return plain[method] ?? 'Unknown';
}

export function levelOf(bucket: string, key: string): Level {
  return bucket === '' ? 'SERVICE' : key === '' ? 'BUCKET' : 'OBJECT';
}
