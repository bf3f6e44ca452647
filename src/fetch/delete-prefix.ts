// Removing a job's output from S3: every object under its output path (job.txt, results/,
// manifests, errors/), listed page by page and deleted a thousand at a time.

import type { S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from '../require-commonjs.js';
import { PipesError } from '../errors.js';
import { retried, type RequestOptions } from './s3-requests.js';

const { DeleteObjectsCommand, ListObjectsV2Command } = s3Sdk();

/** Deletes every object whose key starts with `prefix`; resolves with how many there were. */
export async function deletePrefix(s3: S3Client, bucket: string, prefix: string, options: RequestOptions): Promise<number> {
  let deleted = 0;
  let token: string | undefined;
  do {
    const page = await retried(
      `LIST s3://${bucket}/${prefix}`,
      (signal) => s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }), { abortSignal: signal }),
      options,
    );
    const objects = (page.Contents ?? []).map((object) => ({ Key: object.Key! }));
    if (objects.length > 0) {
      const answer = await retried(
        `DELETE ${objects.length} objects under s3://${bucket}/${prefix}`,
        (signal) => s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }), { abortSignal: signal }),
        options,
      );
      const failed = answer.Errors ?? [];
      if (failed.length > 0) {
        throw new PipesError('DELETE_FAILED', `could not delete s3://${bucket}/${failed[0].Key}: ${failed[0].Code} ${failed[0].Message ?? ''}`.trim() + (failed.length > 1 ? ` (and ${failed.length - 1} more)` : ''));
      }
      deleted += objects.length;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return deleted;
}
