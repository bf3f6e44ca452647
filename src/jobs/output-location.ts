// Where a select job's output goes in S3 (glacier-api.md §7.2), shared by the job starter
// (gl-select), the job runner (gl-local) and the reader (gl-fetch-results), so the limit and the
// layout are written down once:
//
//   s3://BUCKET/PREFIX/JOBID/job.txt
//   s3://BUCKET/PREFIX/JOBID/results/...          one or more result objects
//   s3://BUCKET/PREFIX/JOBID/result_manifest.txt  on success: one s3://BUCKET/KEY per line
//   s3://BUCKET/PREFIX/JOBID/errors/...           on failure
//   s3://BUCKET/PREFIX/JOBID/error_manifest.txt   on failure: one s3://BUCKET/KEY per line

/** The S3 location (the prefix, and bucket + "/" + prefix) may not exceed 512 bytes of UTF-8. */
export const MAX_OUTPUT_LOCATION_BYTES = 512;

export const JOB_TXT = 'job.txt';
export const RESULT_MANIFEST = 'result_manifest.txt';
export const ERROR_MANIFEST = 'error_manifest.txt';

/** What is wrong with an output location, in words, or undefined when Glacier would take it. */
export function outputLocationProblem(bucket: string, prefix: string): string | undefined {
  if (bucket === '') return 'the bucket name is empty';
  const bytes = Buffer.byteLength(`${bucket}/${prefix}`);
  if (bytes > MAX_OUTPUT_LOCATION_BYTES) {
    return `the S3 location ${bucket}/${prefix.length > 40 ? `${prefix.slice(0, 40)}...` : prefix} is ${bytes} bytes; Glacier allows ${MAX_OUTPUT_LOCATION_BYTES}`;
  }
  return undefined;
}

/** `PREFIX/JOBID/`, the job's folder in the bucket (Glacier's JobOutputPath); an empty prefix gives `JOBID/`. */
export function jobOutputPath(prefix: string, jobId: string): string {
  return prefix === '' ? `${jobId}/` : `${prefix}/${jobId}/`;
}

/** One manifest line: `s3://BUCKET/KEY`, the key written as it is (not URL-encoded). */
export function manifestLine(bucket: string, key: string): string {
  return `s3://${bucket}/${key}\n`;
}
