// Dispatches a routed, authenticated Glacier request to its operation.

import { abortMultipartUpload, completeMultipartUpload, initiateMultipartUpload, listMultipartUploads, listParts, uploadMultipartPart } from './multipart-ops.js';
import { deleteArchive, uploadArchive } from './archive-ops.js';
import { header, type GlacierCall, type GlacierContext, type Reply } from './context.js';
import { GlacierError, missingParameter } from './errors.js';
import { initiateJob } from './initiate-job.js';
import { describeJobOp, listJobs } from './job-ops.js';
import { getJobOutput } from './job-output.js';
import type { GlacierOperationName } from './routes.js';
import { createVault, deleteVault, describeVault, listVaults } from './vault-ops.js';

const OPERATIONS: Record<GlacierOperationName, (context: GlacierContext, call: GlacierCall) => Promise<Reply>> = {
  CreateVault: createVault,
  DescribeVault: describeVault,
  ListVaults: listVaults,
  DeleteVault: deleteVault,
  UploadArchive: uploadArchive,
  DeleteArchive: deleteArchive,
  InitiateMultipartUpload: initiateMultipartUpload,
  UploadMultipartPart: uploadMultipartPart,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
  ListMultipartUploads: listMultipartUploads,
  InitiateJob: initiateJob,
  DescribeJob: describeJobOp,
  ListJobs: listJobs,
  GetJobOutput: getJobOutput,
};

/** The two operations whose bodies are streamed to disk instead of read up front. */
export function streamsBody(operation: string): boolean {
  return operation === 'UploadArchive' || operation === 'UploadMultipartPart';
}

export async function handleGlacier(context: GlacierContext, call: GlacierCall): Promise<Reply> {
  const { route } = call;
  if (route.account !== '-' && route.account !== context.accountId) {
    throw new GlacierError(403, 'AccessDeniedException', `The account ID ${route.account} in the request is not the account of the signing key (${context.accountId}).`);
  }
  if (header(call, 'x-amz-glacier-version') === undefined) throw missingParameter('API version');
  if (route.operation === undefined) {
    throw new GlacierError(501, 'NotImplemented', `gl-local does not serve ${call.req.method} ${call.req.url?.split('?')[0]}: only the 16 vault, archive, multipart and job operations are built.`);
  }
  return OPERATIONS[route.operation](context, call);
}
