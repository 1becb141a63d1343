/**
 * The CLI's flags as data: the parser takes its options from here and `--help` prints every flag
 * with its default from here, so the two cannot drift apart.
 */
export interface FlagSpec {
  name: string;
  /** What the value looks like in the usage (`N`, `DIR`); absent: a switch that takes no value. */
  value?: string;
  short?: string;
  description: string;
  /** The default as it reads in the help (the value itself lives where the engine defines it). */
  defaultText?: string;
}

export interface CommandSpec {
  name: string;
  /** The command's positional arguments, as the usage shows them. */
  positionals: string;
  summary: string;
  /** Lines after the flags: what it does, its exit codes. */
  details: string[];
  flags: FlagSpec[];
}

/** Bad command-line input; the CLI prints it with a pointer to --help and exits 2. */
export class UsageError extends Error {}

export const HELP_FLAG: FlagSpec = { name: 'help', short: 'h', description: 'Print this help and exit' };

function flagUsage(flag: FlagSpec): string {
  const long = `--${flag.name}${flag.value ? ` ${flag.value}` : ''}`;
  return flag.short ? `-${flag.short}, ${long}` : `    ${long}`;
}

/** `<command> --help`: the usage, every flag with its default, and the command's notes. */
export function commandHelp(program: string, command: CommandSpec): string {
  const flags = [...command.flags, HELP_FLAG];
  const width = Math.max(...flags.map((flag) => flagUsage(flag).length)) + 2;
  const lines = [`Usage: ${program} ${command.name}${command.positionals ? ` ${command.positionals}` : ''} [flags]`, '', command.summary, '', 'Flags:'];
  for (const flag of flags) {
    const defaultText = flag.defaultText ? ` (default: ${flag.defaultText})` : '';
    lines.push(`  ${flagUsage(flag).padEnd(width)}${flag.description}${defaultText}`);
  }
  return [...lines, '', ...command.details].join('\n');
}

/** The option table node:util's parseArgs takes, for a command's flags and --help. */
export function parseArgsOptions(command: CommandSpec): Record<string, { type: 'string' | 'boolean'; short?: string }> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const flag of [...command.flags, HELP_FLAG]) {
    options[flag.name] = { type: flag.value ? 'string' : 'boolean', ...(flag.short ? { short: flag.short } : {}) };
  }
  return options;
}
