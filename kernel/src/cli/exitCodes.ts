/** The CLI's exit codes, a promise to the scripts and schedulers that branch on them. */
export const EXIT_OK = 0;
/** The environment failed mid-run (disk full, …): the checkpoint is valid, the same command resumes. */
export const EXIT_ENVIRONMENT = 1;
/** Unusable input or command line: the message says what exists or what is wrong. */
export const EXIT_BAD_INPUT = 2;
/** `merge`: some part of the job is not finished; the message names which. */
export const EXIT_UNFINISHED = 3;
/** Interrupted (Ctrl-C, SIGTERM): the checkpoint is saved, the same command resumes. */
export const EXIT_INTERRUPTED = 130;

export const PROCESS_EXIT_CODES = [
  'Exit codes:',
  `  ${EXIT_OK}    the run finished (failed videos are data, listed in the results, not a crash)`,
  `  ${EXIT_ENVIRONMENT}    the environment failed mid-run (disk full, …): fix it and run the same command to resume`,
  `  ${EXIT_BAD_INPUT}    unusable input: a missing file or column (the message names what exists), a bad flag`,
  `  ${EXIT_INTERRUPTED}  interrupted: the checkpoint is saved, the same command resumes`,
];

/** `verify`: a checked video's frame or frame count differs from a front-to-back decode. */
export const EXIT_FRAMES_DIFFER = 4;
