#!/usr/bin/env node
/**
 * `video-batch-kernel <command>`: the engine without VS Code. `--help` lists the commands,
 * `<command> --help` every flag with its default and the exit codes (see exitCodes.ts).
 */
import { errorText } from '../errorText';
import { packageVersion } from '../packageInfo';
import { PROCESS_COMMAND, parseProcessArguments } from './cliArguments';
import { commandHelp, UsageError, type CommandSpec } from './cliFlags';
import { DOCTOR_COMMAND, runDoctorCommand } from './doctorCommand';
import { MERGE_COMMAND, runMergeCommand, runStatusCommand, STATUS_COMMAND } from './jobCommands';
import { parseSubmitArguments, parseWorkerArguments, SUBMIT_COMMAND, WORKER_COMMAND } from './queueCommands';
import { EXIT_BAD_INPUT, EXIT_OK, PROCESS_EXIT_CODES } from './exitCodes';
import { parseVerifyArguments, VERIFY_COMMAND } from './verifyCommand';

const PROGRAM = 'video-batch-kernel';

interface Command {
  spec: CommandSpec;
  /** The exit code, or 'help' when the command's own --help was asked for. */
  run(argv: string[]): Promise<number | 'help'>;
}

const COMMANDS: Command[] = [
  {
    spec: PROCESS_COMMAND,
    run: async (argv) => {
      const command = parseProcessArguments(argv);
      if (command === 'help') return 'help';
      // Loaded only to run: the engine's modules, which --help and doctor do not need. FFmpeg's
      // libraries load in the decoding workers only (doctor is what says why they cannot load).
      const { runProcessCommand } = await import('./processCommand.js');
      return runProcessCommand(command);
    },
  },
  {
    spec: SUBMIT_COMMAND,
    run: async (argv) => {
      const command = parseSubmitArguments(argv);
      return command === 'help' ? 'help' : (await import('./queueRun.js')).runSubmitCommand(command);
    },
  },
  {
    spec: WORKER_COMMAND,
    run: async (argv) => {
      const command = parseWorkerArguments(argv);
      return command === 'help' ? 'help' : (await import('./queueRun.js')).runWorkerCommand(command);
    },
  },
  { spec: STATUS_COMMAND, run: runStatusCommand },
  { spec: MERGE_COMMAND, run: runMergeCommand },
  {
    spec: VERIFY_COMMAND,
    run: async (argv) => {
      const command = parseVerifyArguments(argv);
      return command === 'help' ? 'help' : (await import('./verifyRun.js')).runVerifyCommand(command);
    },
  },
  { spec: DOCTOR_COMMAND, run: runDoctorCommand },
];

function programHelp(): string {
  const width = Math.max(...COMMANDS.map(({ spec }) => `${spec.name} ${spec.positionals}`.length)) + 2;
  return [
    `Usage: ${PROGRAM} <command> [flags]`,
    '',
    'Keyframes, sampled frames and metadata out of every video of a CSV, with a crash-safe checkpoint.',
    '',
    'Commands:',
    ...COMMANDS.map(({ spec }) => `  ${`${spec.name} ${spec.positionals}`.padEnd(width)}${spec.summary}`),
    '',
    `Run '${PROGRAM} <command> --help' for a command's flags and defaults.`,
    `  ${PROGRAM} --version    prints the version`,
    '',
    ...PROCESS_EXIT_CODES,
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(`${programHelp()}\n`);
    return EXIT_BAD_INPUT;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${programHelp()}\n`);
    return EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  const command = COMMANDS.find(({ spec }) => spec.name === name);
  if (!command) {
    process.stderr.write(`error: unknown command '${name}' (commands: ${COMMANDS.map(({ spec }) => spec.name).join(', ')}); see ${PROGRAM} --help\n`);
    return EXIT_BAD_INPUT;
  }
  try {
    const outcome = await command.run(rest);
    if (outcome !== 'help') return outcome;
    process.stdout.write(`${commandHelp(PROGRAM, command.spec)}\n`);
    return EXIT_OK;
  } catch (error) {
    // parseArgs's own errors (an unknown flag, a missing value) are usage errors too.
    const usage = error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    if (!usage) throw error;
    process.stderr.write(`error: ${errorText(error)}\nsee ${PROGRAM} ${command.spec.name} --help\n`);
    return EXIT_BAD_INPUT;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
