// Maps a Glacier REST request (method + path) to one of the 16 operations gl-local serves.

export type GlacierOperationName =
  | 'CreateVault'
  | 'DescribeVault'
  | 'ListVaults'
  | 'DeleteVault'
  | 'UploadArchive'
  | 'DeleteArchive'
  | 'InitiateMultipartUpload'
  | 'UploadMultipartPart'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListParts'
  | 'ListMultipartUploads'
  | 'InitiateJob'
  | 'DescribeJob'
  | 'ListJobs'
  | 'GetJobOutput';

export interface GlacierRoute {
  /** An operation name, or undefined for a Glacier-shaped path gl-local does not serve. */
  operation: GlacierOperationName | undefined;
  account: string;
  vault?: string;
  archiveId?: string;
  uploadId?: string;
  jobId?: string;
}

/** True for paths shaped like Glacier's: /{account}/vaults... */
export function isGlacierPath(rawPath: string): boolean {
  return /^\/[^/]+\/vaults(\/|$)/.test(rawPath);
}

export function routeGlacier(method: string, rawPath: string): GlacierRoute | undefined {
  const segments = rawPath.split('/').slice(1).map(decodeSegment);
  if (segments.length < 2 || segments[1] !== 'vaults' || segments.some((s) => s === undefined)) return undefined;
  const [account, , vault, collection, id, tail] = segments as string[];
  const route: GlacierRoute = { operation: undefined, account };
  if (segments.length === 2) {
    if (method === 'GET') route.operation = 'ListVaults';
    return route;
  }
  route.vault = vault;
  if (segments.length === 3) {
    route.operation = ({ PUT: 'CreateVault', GET: 'DescribeVault', DELETE: 'DeleteVault' } as const)[method as 'PUT'];
    return route;
  }
  if (segments.length === 4) {
    const key = `${method} ${collection}`;
    route.operation = (
      {
        'POST archives': 'UploadArchive',
        'POST multipart-uploads': 'InitiateMultipartUpload',
        'GET multipart-uploads': 'ListMultipartUploads',
        'POST jobs': 'InitiateJob',
        'GET jobs': 'ListJobs',
      } as const
    )[key as 'POST archives'];
    return route;
  }
  if (segments.length === 5) {
    if (collection === 'archives') {
      route.archiveId = id;
      if (method === 'DELETE') route.operation = 'DeleteArchive';
    } else if (collection === 'multipart-uploads') {
      route.uploadId = id;
      route.operation = (
        { PUT: 'UploadMultipartPart', POST: 'CompleteMultipartUpload', DELETE: 'AbortMultipartUpload', GET: 'ListParts' } as const
      )[method as 'PUT'];
    } else if (collection === 'jobs') {
      route.jobId = id;
      if (method === 'GET') route.operation = 'DescribeJob';
    }
    return route;
  }
  if (segments.length === 6 && collection === 'jobs' && tail === 'output') {
    route.jobId = id;
    if (method === 'GET') route.operation = 'GetJobOutput';
  }
  return route;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
