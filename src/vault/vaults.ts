// Vaults (glacier-api.md §2.1-2.4): create, describe, list and delete, each answer as a `vault`
// record. All four operations are idempotent, so each is retried on throttling, 5xx and dropped
// connections. A refused delete says what to do about it.

import type { DescribeVaultOutput, GlacierClient } from '@aws-sdk/client-glacier';
import { glacierSdk } from '../require-commonjs.js';
import { awsErrorCode, describeAwsError } from '../aws/errors.js';
import { withRetries } from '../aws/retry.js';
import { PipesError, UsageError } from '../errors.js';
import { RECORD_VERSION, type VaultRecord } from '../records/types.js';
import { formatBytes } from '../units.js';

const { CreateVaultCommand, DeleteVaultCommand, DescribeVaultCommand, ListVaultsCommand } = glacierSdk();

const VAULT_NAME = /^[A-Za-z0-9_.-]{1,255}$/;

export interface VaultCallOptions {
  signal?: AbortSignal;
  /** Attempts per request, the first included (default 8). */
  attempts?: number;
}

/** Glacier's vault-name rule (§1.3); a name outside it is a usage error before any request. */
export function checkVaultName(name: string): string {
  if (!VAULT_NAME.test(name)) throw new UsageError(`"${name}" is not a vault name: 1 to 255 characters from a-z, A-Z, 0-9, '_', '-' and '.'`);
  return name;
}

/** DescribeVault's or ListVaults' answer for one vault as a record; nulls stay null (no inventory yet). */
export function vaultRecord(description: DescribeVaultOutput): VaultRecord {
  return {
    type: 'vault',
    v: RECORD_VERSION,
    name: description.VaultName ?? '',
    arn: description.VaultARN ?? '',
    created: description.CreationDate ?? '',
    archives: description.NumberOfArchives ?? null,
    size: description.SizeInBytes ?? null,
    lastInventory: description.LastInventoryDate ?? null,
  };
}

function retried<T>(call: () => Promise<T>, options: VaultCallOptions): Promise<T> {
  return withRetries(call, { signal: options.signal, attempts: options.attempts });
}

export async function describeVault(glacier: GlacierClient, name: string, options: VaultCallOptions = {}): Promise<VaultRecord> {
  const answer = await retried(() => glacier.send(new DescribeVaultCommand({ accountId: '-', vaultName: name }), { abortSignal: options.signal }), options);
  return vaultRecord(answer);
}

/** Creates the vault, or leaves it as it is when it exists (CreateVault is idempotent), and describes it. */
export async function createVault(glacier: GlacierClient, name: string, options: VaultCallOptions = {}): Promise<VaultRecord> {
  await retried(() => glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: name }), { abortSignal: options.signal }), options);
  return describeVault(glacier, name, options);
}

/** Every vault of the account in this region, page after page (ListVaults, name order). */
export async function* listVaults(glacier: GlacierClient, options: VaultCallOptions = {}): AsyncGenerator<VaultRecord> {
  let marker: string | undefined;
  do {
    const page = await retried(() => glacier.send(new ListVaultsCommand({ accountId: '-', marker }), { abortSignal: options.signal }), options);
    for (const vault of page.VaultList ?? []) yield vaultRecord(vault);
    marker = page.Marker ?? undefined;
  } while (marker);
}

/** DeleteVault refused because the vault holds archives, or held some since its last inventory. */
export class VaultNotEmptyError extends PipesError {
  constructor(
    readonly vault: string,
    /** What Glacier's last inventory says of the vault, when DescribeVault could tell. */
    readonly described: VaultRecord | undefined,
    cause: unknown,
  ) {
    super('VAULT_NOT_EMPTY', notEmptyAdvice(vault, described, cause), { cause });
    this.name = 'VaultNotEmptyError';
  }
}

function notEmptyAdvice(vault: string, described: VaultRecord | undefined, cause: unknown): string {
  const counted =
    described === undefined
      ? ''
      : described.lastInventory === null
        ? ' Glacier has taken no inventory of it yet.'
        : ` Its last inventory (${described.lastInventory}) counted ${described.archives ?? 0} archive(s), ${formatBytes(described.size ?? 0)}.`;
  return [
    `cannot delete vault ${vault}: it is not empty, or was written to since Glacier's last inventory (${describeAwsError(cause)})`,
    `  Glacier deletes a vault only when its last inventory counted no archives and nothing was written to it since.${counted}`,
    `  To empty it, delete its archives, then wait for Glacier's next inventory (it takes one about once a day):`,
    `    gl-inventory --vault ${vault} | gl-fetch-results > ${vault}.ndjson   # every archive Glacier knows of (takes hours)`,
    `    gl-rm < ${vault}.ndjson > ${vault}-deleted.ndjson                     # delete them (or: gl-rm < your ledger)`,
    `    gl-vault describe ${vault}   # a day later: once it says "archives":0 with a newer "lastInventory",`,
    `    gl-vault delete ${vault}     # the delete goes through`,
  ].join('\n');
}

/**
 * Deletes an empty vault. A refusal because it is not empty is a VaultNotEmptyError whose message
 * explains what to run; a vault that does not exist is an error too (a misspelt name should not
 * pass for a deleted vault).
 */
export async function deleteVault(glacier: GlacierClient, name: string, options: VaultCallOptions = {}): Promise<void> {
  try {
    await retried(() => glacier.send(new DeleteVaultCommand({ accountId: '-', vaultName: name }), { abortSignal: options.signal }), options);
  } catch (err) {
    if (awsErrorCode(err) === 'InvalidParameterValueException' && /not empty|recently written/i.test((err as Error).message)) {
      const described = await describeVault(glacier, name, options).catch(() => undefined);
      throw new VaultNotEmptyError(name, described, err);
    }
    throw err;
  }
}
