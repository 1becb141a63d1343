/** The CSV's contents and the columns used: a checkpoint belongs to exactly one such dataset. */
export interface DatasetFingerprint {
  /** SHA-256 of the CSV's bytes, hex. */
  csvSha256: string;
  videoCol: string;
  idCol?: string;
}

/** What differs between the dataset a checkpoint was made for and this one, in words; empty when nothing does. */
export function datasetDifferences(recorded: DatasetFingerprint, current: DatasetFingerprint): string[] {
  const differences: string[] = [];
  if (recorded.csvSha256 !== current.csvSha256) {
    differences.push(`the CSV's contents changed (sha256 ${recorded.csvSha256.slice(0, 12)}… then, ${current.csvSha256.slice(0, 12)}… now)`);
  }
  if (recorded.videoCol !== current.videoCol) differences.push(`the video column was '${recorded.videoCol}', now '${current.videoCol}'`);
  if (recorded.idCol !== current.idCol) {
    const name = (column?: string) => (column === undefined ? 'none (row numbers)' : `'${column}'`);
    differences.push(`the id column was ${name(recorded.idCol)}, now ${name(current.idCol)}`);
  }
  return differences;
}
