import { parseArgs } from 'node:util';
import { doctorReport } from '../doctor/doctorReport';
import { doctorText } from '../doctor/doctorText';
import { parseArgsOptions, UsageError, type CommandSpec } from './cliFlags';
import { EXIT_ENVIRONMENT, EXIT_OK } from './exitCodes';

export const DOCTOR_COMMAND: CommandSpec = {
  name: 'doctor',
  positionals: '',
  summary: 'Says what this machine can decode with: versions, decoders, hardware, a real decode on the CPU and on each CUDA device, the ffmpeg backend.',
  flags: [
    { name: 'json', description: 'Print one JSON object instead of text', defaultText: 'off' },
    { name: 'ffmpeg', value: 'PATH', description: 'The ffmpeg program of the ffmpeg backend to check', defaultText: '$FFMPEG_PATH, then ffmpeg on PATH' },
  ],
  details: [
    'Each CUDA device decodes a generated clip for real; when one cannot, the reason names the missing',
    'piece (no /dev/nvidia*, no libcuda.so.1, NVDEC refusing the stream, …).',
    '',
    'Exit codes:',
    `  ${EXIT_OK}  decoding works on the CPU (GPU problems are reported, not errors)`,
    `  ${EXIT_ENVIRONMENT}  decoding does not work at all here`,
  ],
};

/** `doctor`: answers 'help' when asked for it, else the exit code after printing the report. */
export async function runDoctorCommand(argv: string[]): Promise<number | 'help'> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: parseArgsOptions(DOCTOR_COMMAND) });
  if (values.help === true) return 'help';
  if (positionals.length) throw new UsageError(`doctor takes no arguments, got: ${positionals.join(' ')}`);
  const report = await doctorReport({ ffmpegPath: values.ffmpeg as string | undefined });
  process.stdout.write(`${values.json === true ? JSON.stringify(report, null, 2) : doctorText(report)}\n`);
  return report.ok ? EXIT_OK : EXIT_ENVIRONMENT;
}
