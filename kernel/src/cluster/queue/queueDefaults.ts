/*
 * The queue's defaults, in a module that loads nothing, so the CLI's help reads them without
 * loading BullMQ.
 */

/** The queue's name when none is given. */
export const DEFAULT_QUEUE = 'video-batch-kernel';

/** Rows a chunk holds when none is asked for: a few minutes of work for a worker, about 2 KB of Redis. */
export const DEFAULT_CHUNK_ROWS = 128;

/**
 * How long a chunk stays with a worker that stopped answering before the queue gives it to another
 * (BullMQ's lock duration, and its stalled-check interval): measured, the chunk moved on between
 * this and twice this after a SIGKILL.
 */
export const DEFAULT_LOCK_SECONDS = 30;
