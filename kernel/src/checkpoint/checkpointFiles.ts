/**
 * The names a checkpoint's files carry on disk, for the engine and for readers that only look
 * (the editor's status bar), so both agree on what a checkpoint is.
 */

/** The manifest's `format` field. */
export const CHECKPOINT_FORMAT = 'video-batch-kernel-checkpoint';

/** The append-only journal beside the manifest. */
export const journalPathOf = (checkpointPath: string): string => `${checkpointPath}.journal`;
