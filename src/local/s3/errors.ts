// S3 errors as the service names them: a stable code, the HTTP status, S3's message, and the extra
// elements S3 adds to some error bodies (BucketName, Key, RangeRequested, ...).

export class S3Error extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    /** Extra child elements of `<Error>`, in order. */
    readonly details: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = 'S3Error';
  }
}

export const noSuchBucket = (bucket: string) =>
  new S3Error('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: bucket });

export const noSuchKey = (key: string) => new S3Error('NoSuchKey', 404, 'The specified key does not exist.', { Key: key });

export const invalidBucketName = (bucket: string) =>
  new S3Error('InvalidBucketName', 400, 'The specified bucket is not valid.', { BucketName: bucket });

export const keyTooLong = (bytes: number) =>
  new S3Error('KeyTooLongError', 400, 'Your key is too long', { Size: bytes, MaxSizeAllowed: 1024 });

export const invalidArgument = (message: string, name?: string, value?: string) =>
  new S3Error('InvalidArgument', 400, message, name === undefined ? {} : { ArgumentName: name, ArgumentValue: value ?? '' });

export const invalidRequest = (message: string) => new S3Error('InvalidRequest', 400, message);

export const malformedXml = () =>
  new S3Error('MalformedXML', 400, 'The XML you provided was not well-formed or did not validate against our published schema');

export const malformedTrailer = () =>
  new S3Error(
    'MalformedTrailerError',
    400,
    'The request contained trailing data that was not well-formed or did not conform to our published schema.',
  );

export const incompleteBody = (message = 'You did not provide the number of bytes specified by the Content-Length HTTP header.') =>
  new S3Error('IncompleteBody', 400, message);

export const missingContentLength = () => new S3Error('MissingContentLength', 411, 'You must provide the Content-Length HTTP header.');

export const preconditionFailed = (condition: string) =>
  new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', { Condition: condition });

/** For everything outside the subset: names what was asked for, so nobody mistakes it for a bug. */
export const notImplemented = (what: string) =>
  new S3Error('NotImplemented', 501, `gl-local does not implement ${what}; it serves only the S3 subset in docs/s3-subset.md.`);

export const methodNotAllowed = (method: string, resourceType: 'SERVICE' | 'BUCKET' | 'OBJECT') =>
  new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', {
    Method: method,
    ResourceType: resourceType,
  });

export const internalError = (cause: unknown) => {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new S3Error('InternalError', 500, `We encountered an internal error. Please try again. (${why})`);
};
