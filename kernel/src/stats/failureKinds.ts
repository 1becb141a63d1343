/**
 * What kind of failure a failed row's error is, in the terms a user acts on: a missing file is
 * fixed in the CSV, a timeout by a longer limit, a crash or out-of-memory by fewer workers, a
 * network failure by trying again later. Errors travel as text (the journal, the results, the
 * stats keep the decoder's own words), so the kind is read from that text, one rule for every
 * place that shows or counts kinds.
 */
export const FAILURE_KINDS = ['missing_file', 'unreadable', 'unsupported_codec', 'timeout', 'worker_crash', 'out_of_memory', 'network', 'other'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** How each kind reads in a list or a column header. */
export const FAILURE_KIND_LABELS: Record<FailureKind, string> = {
  missing_file: 'missing file',
  unreadable: 'unreadable or corrupt',
  unsupported_codec: 'unsupported codec',
  timeout: 'timeout',
  worker_crash: 'worker crash',
  out_of_memory: 'out of memory',
  network: 'network',
  other: 'other',
};

/**
 * First match wins, so the order matters: a worker killed for running out of memory is out of
 * memory, not a crash; a URL that stalled is the network, not the per-video timeout.
 */
const RULES: readonly { kind: FailureKind; pattern: RegExp }[] = [
  { kind: 'network', pattern: /^HTTP \d{3}\b|HTTP [45]XX|connection refused by|timed out: no data for|cannot resolve the host of/i },
  { kind: 'out_of_memory', pattern: /out of memory|heap limit|Cannot allocate memory|ENOMEM|ERR_WORKER_OUT_OF_MEMORY/i },
  { kind: 'timeout', pattern: /\btimed out after\b/i },
  { kind: 'worker_crash', pattern: /decoding worker (was killed|exited|could not start)/i },
  { kind: 'missing_file', pattern: /^(file not found|not a file): |ENOENT|No such file or directory/i },
  { kind: 'unsupported_codec', pattern: /no decoder for codec|Decoder not found|unsupported codec|codec not currently supported/i },
  {
    kind: 'unreadable',
    pattern: /Invalid data found|cannot (decode|read|open|index|seek)|moov atom not found|no video (stream|frames)|damaged|corrupt|End of file|Permission denied|EACCES/i,
  },
];

/** The kind of a failed row's error text; `other` for what no rule names (an exception of the processing function). */
export function failureKind(error: string): FailureKind {
  return RULES.find(({ pattern }) => pattern.test(error))?.kind ?? 'other';
}

/** How many failures of each kind, every kind present (0 when none), in FAILURE_KINDS order. */
export type FailureKindCounts = Record<FailureKind, number>;

export function noFailures(): FailureKindCounts {
  return Object.fromEntries(FAILURE_KINDS.map((kind) => [kind, 0])) as FailureKindCounts;
}

/** "missing file 3, unreadable or corrupt 1": the kinds that occur, most frequent first. */
export function failureKindsText(kinds: FailureKindCounts): string {
  return FAILURE_KINDS.filter((kind) => kinds[kind] > 0)
    .sort((a, b) => kinds[b] - kinds[a])
    .map((kind) => `${FAILURE_KIND_LABELS[kind]} ${kinds[kind]}`)
    .join(', ');
}
