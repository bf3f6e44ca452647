// Putting a file into a vault for tests that need an archive, the way a user does it:
// `gl-chunk FILE | gl-put-parts --vault V` (1 MiB parts), returning the ledger record it wrote.

import { CreateVaultCommand } from '@aws-sdk/client-glacier';
import type { LocalServer } from '../../src/local/index.js';
import type { ArchiveRecord } from '../../src/records/types.js';
import { awsEnv, glacierClient } from './local.js';
import { quote, records, sh } from './shell.js';

/** Uploads `file` into `vault` (created if need be) and returns its ledger record. */
export async function uploadArchive(server: LocalServer, vault: string, file: string): Promise<ArchiveRecord> {
  await glacierClient(server).send(new CreateVaultCommand({ accountId: '-', vaultName: vault }));
  const result = await sh(`gl-chunk --part-size 1MiB ${quote(file)} | gl-put-parts --vault ${quote(vault)} --endpoint-url "$GL_LOCAL_URL"`, { env: awsEnv(server) });
  if (result.status !== 0) throw new Error(`gl-chunk | gl-put-parts failed (${result.status}): ${result.stderr}`);
  const ledger = records(result).filter((record) => record.type === 'archive') as ArchiveRecord[];
  if (ledger.length !== 1) throw new Error(`gl-put-parts wrote ${ledger.length} archive records for one file`);
  return ledger[0];
}
