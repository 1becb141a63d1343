/** errno codes of a write that failed for want of space: the device's or the user's quota. */
const STORAGE_FULL_CODES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT']);

/**
 * A write failed because the disk (or quota) is full. Not any video's fault: the run stops, the
 * checkpoint keeps what was recorded, and the same run resumes once there is space.
 */
export class StorageFullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export function isStorageFullCode(code: string | undefined): boolean {
  return code !== undefined && STORAGE_FULL_CODES.has(code);
}

export function isStorageFull(error: unknown): boolean {
  return isStorageFullCode((error as NodeJS.ErrnoException | undefined)?.code);
}
