// The upload engine, usable without the CLI: gl-put-parts is a thin wrapper around putArchives.
export { putArchives, UploadStopped, LedgerNotWritten, type PutArchivesOptions, type PutArchivesResult, type UploadObserver } from './uploader.js';
export { UploadRequests, RequestError, type UploadRequestsOptions, type RetryEvent, type CallOptions, type PartHashes, type StoredArchive, type ListedPart, type ListedUpload } from './requests.js';
export { openPartBody, type PartSource } from './part-body.js';
export { Journal, readJournal, JOURNAL_VERSION, type JournalStep, type JournalState, type JournaledArchive } from './journal.js';
export { UploadReporter, type ReporterOptions } from './progress.js';
export { Slots } from './slots.js';
