// The record stream: the contract between gl- commands. docs/records.md is the prose version of
// this file; keep the two in step. Every record is one JSON object on one line with a `type`.
// Fields a command does not know are kept and passed on unchanged.

/** The schema version this code writes and the highest it reads. */
export const RECORD_VERSION = 1;

export interface RecordBase {
  type: string;
  /** Schema version, on the records that open a unit of work (upload, archive, job, ...). */
  v?: number;
  [extra: string]: unknown;
}

/** Opens one archive in an upload stream: what InitiateMultipartUpload needs. */
export interface UploadRecord extends RecordBase {
  type: 'upload';
  v: number;
  /** Where the bytes come from: a file path, or the --name given for a pipe ("-" if none). */
  name: string;
  /** The Glacier archive description (printable ASCII, at most 1,024 bytes). */
  description: string;
  /** Bytes per part: a power of two from 1 MiB to 4 GiB. */
  partSize: number;
  /** Total archive size when known up front (regular files); null for pipes. */
  size: number | null;
}

/**
 * One part of the archive: bytes [start, start + size). A part by reference names the file the
 * bytes are read from; an inline part is preceded by the `data` records that carry its bytes.
 */
export interface PartRecord extends RecordBase {
  type: 'part';
  /** 0-based; Glacier's part number is index + 1. */
  index: number;
  start: number;
  size: number;
  /** Absent for inline parts. The bytes are at the same offset in the file as in the archive. */
  file?: string;
  treeHash?: string;
  sha256?: string;
}

/**
 * Inline bytes of one part: at most one 1 MiB tree-hash leaf, starting on a leaf boundary.
 * Written before the `part` record they belong to, so a stage that hashes them can fill in the
 * part's hashes without holding the part.
 */
export interface DataRecord extends DataRecordHead {
  /** The bytes, standard base64 with padding. */
  data: string;
}

/** A data record as readers hand it over: without the base64 text, whose bytes come decoded beside it. */
export interface DataRecordHead extends RecordBase {
  type: 'data';
  /** The index of the part the bytes belong to. */
  part: number;
  /** Offset of the first byte in the archive: a multiple of 1 MiB. */
  offset: number;
}

/** Closes one archive in an upload stream. */
export interface EndRecord extends RecordBase {
  type: 'end';
  size: number;
  parts: number;
  treeHash?: string;
}

/** The ledger: one archive Glacier has confirmed. */
export interface ArchiveRecord extends RecordBase {
  type: 'archive';
  v: number;
  vault: string;
  archiveId: string;
  treeHash: string;
  size: number;
  description: string;
  /** The source name from the upload header. */
  name: string;
  /** ISO 8601 time Glacier created the archive (as near as the client can tell). */
  created: string;
}

export type JobAction = 'select' | 'archive-retrieval' | 'inventory-retrieval';

/** A Glacier job: everything gl-fetch-results needs to wait for it and read its output. */
export interface JobRecord extends RecordBase {
  type: 'job';
  v: number;
  vault: string;
  jobId: string;
  action: JobAction;
  archiveId?: string;
  tier?: 'Expedited' | 'Standard' | 'Bulk';
  created: string;
  /** Select jobs: where the results go. `path` is Glacier's JobOutputPath. */
  output?: { bucket: string; prefix: string; path: string };
  /** Select jobs: output column names when the query makes them known, for --format ndjson. */
  columns?: string[];
  /** Archive retrievals: the inclusive byte range asked for, and what the ledger says of the archive. */
  range?: { start: number; end: number };
  treeHash?: string;
  size?: number;
  /** Inventory jobs: CSV or JSON. */
  format?: 'CSV' | 'JSON';
  /** Archive retrievals: the ledger's source name, carried for the person reading the record. */
  name?: string;
}

/** A vault as DescribeVault or ListVaults shows it; the counts are Glacier's last inventory's. */
export interface VaultRecord extends RecordBase {
  type: 'vault';
  v: number;
  name: string;
  arn: string;
  created: string;
  /** Archives at the last inventory; null before the vault's first inventory. */
  archives: number | null;
  /** Bytes at the last inventory (Glacier adds a per-archive overhead); null before the first inventory. */
  size: number | null;
  /** When Glacier last took the vault's inventory; null before the first. */
  lastInventory: string | null;
}

/** An archive Glacier confirmed deleting: the ledger record it came from, with `type` changed and the time. */
export interface DeletedRecord extends Omit<ArchiveRecord, 'type'> {
  type: 'deleted';
  /** ISO 8601 time DeleteArchive was answered. */
  deleted: string;
}

export type UploadStreamRecord = UploadRecord | PartRecord | DataRecord | EndRecord;
