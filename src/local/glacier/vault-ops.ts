// CreateVault, DescribeVault, ListVaults, DeleteVault (§2.1–2.4).

import { GlacierError, invalidParameter } from './errors.js';
import { findVault, isoNow, vaultArn, vaultPath, type GlacierCall, type GlacierContext, type Reply } from './context.js';
import type { Vault } from './store.js';
import { isValidVaultName, parseLimit } from './validate.js';

const MAX_VAULTS = 1000;

export async function createVault(context: GlacierContext, call: GlacierCall): Promise<Reply> {
  const name = call.route.vault!;
  if (!isValidVaultName(name)) {
    throw invalidParameter(`Invalid vault name: ${name}. A vault name is 1 to 255 characters from a-z, A-Z, 0-9, '_', '-' and '.'.`);
  }
  if (!context.store.vaults.has(name) && context.store.vaults.size >= MAX_VAULTS) {
    throw new GlacierError(400, 'LimitExceededException', `The number of vaults would exceed the limit of ${MAX_VAULTS} per account.`);
  }
  await context.store.createVault(name, isoNow());
  return { status: 201, headers: { location: vaultPath(context, name) } };
}

function vaultJson(context: GlacierContext, vault: Vault): Record<string, unknown> {
  let size = 0;
  for (const archive of vault.archives.values()) size += archive.size;
  return {
    CreationDate: vault.creationDate,
    LastInventoryDate: vault.lastInventoryDate,
    NumberOfArchives: vault.archives.size,
    SizeInBytes: size,
    VaultARN: vaultArn(context, vault.name),
    VaultName: vault.name,
  };
}

export async function describeVault(context: GlacierContext, call: GlacierCall): Promise<Reply> {
  return { status: 200, json: vaultJson(context, findVault(context, call.route.vault!)) };
}

export async function listVaults(context: GlacierContext, call: GlacierCall): Promise<Reply> {
  const limit = parseLimit(call.query.limit, 10);
  let vaults = context.store.sortedVaults();
  const marker = call.query.marker;
  if (marker !== undefined && marker !== '') {
    // The marker is the ARN of the first vault of the next page (§2.3, §9.1).
    const start = /:vaults\/([^/]+)$/.exec(marker)?.[1];
    if (start === undefined) throw invalidParameter(`Invalid marker: ${marker}`);
    vaults = vaults.filter((vault) => vault.name >= start);
  }
  const page = vaults.slice(0, limit);
  const next = vaults[limit];
  return {
    status: 200,
    json: { Marker: next ? vaultArn(context, next.name) : null, VaultList: page.map((vault) => vaultJson(context, vault)) },
  };
}

export async function deleteVault(context: GlacierContext, call: GlacierCall): Promise<Reply> {
  const name = call.route.vault!;
  await context.store.locks.run(`vault:${name}`, async () => {
    const vault = findVault(context, name);
    if (vault.archives.size > 0) throw invalidParameter(`Vault not empty or recently written to: ${vaultArn(context, name)}`);
    context.jobs.forgetVault(vault);
    await context.store.deleteVault(vault);
  });
  return { status: 204 };
}
