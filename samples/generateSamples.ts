/**
 * Writes the sample dataset: a dozen short videos of mixed size, codec and GOP, a few broken files,
 * two files whose names look like an option and a shell command, and videos.csv listing them all
 * (plus one row whose file does not exist). Usage: node out/samples/generateSamples.js [dir] [--force]
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeBrokenFiles } from './brokenFiles';
import { generateVideo, type GeneratedVideoSpec } from './videoGenerator';

type SampleSpec = Omit<GeneratedVideoSpec, 'path'> & { name: string };

const SAMPLES: SampleSpec[] = [
  { name: 'street_day.mp4', codec: 'h264', width: 426, height: 240, fps: 25, frameCount: 100, gop: 25, bFrames: 2 },
  { name: 'street_night.mp4', codec: 'h264', width: 640, height: 360, fps: 30, frameCount: 120, gop: 250, bFrames: 0 },
  { name: 'highway.mp4', codec: 'h264', width: 854, height: 480, fps: 30, frameCount: 90, gop: 30, bFrames: 3 },
  { name: 'parking.mp4', codec: 'hevc', width: 640, height: 360, fps: 25, frameCount: 75, gop: 12, bFrames: 2 },
  { name: 'tunnel.mp4', codec: 'hevc', width: 426, height: 240, fps: 30, frameCount: 150, gop: 250, bFrames: 0 },
  { name: 'crossing.webm', codec: 'vp9', width: 640, height: 360, fps: 25, frameCount: 100, gop: 50 },
  { name: 'roundabout.webm', codec: 'vp9', width: 426, height: 240, fps: 30, frameCount: 60, gop: 30 },
  { name: 'dashcam_vfr.mkv', codec: 'h264', width: 640, height: 360, fps: 30, frameCount: 90, gop: 30, bFrames: 2, vfr: true },
  { name: 'trimmed.mp4', codec: 'h264', width: 426, height: 240, fps: 25, frameCount: 80, gop: 25, bFrames: 2, editList: true },
  { name: 'mandelbrot.mp4', codec: 'h264', width: 480, height: 360, fps: 25, frameCount: 100, gop: 50, source: 'mandelbrot=size=480x360:rate=25' },
  { name: 'life.mp4', codec: 'h264', width: 320, height: 240, fps: 15, frameCount: 60, gop: 15, source: 'life=size=320x240:rate=15:mold=10:ratio=0.3' },
  { name: 'rain.mp4', codec: 'h264', width: 640, height: 360, fps: 25, frameCount: 150, gop: 250, bFrames: 2 },
];

/** CSV field quoting: names with commas, quotes or newlines stay one field. */
function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const dir = path.resolve(args.find((arg) => !arg.startsWith('--')) ?? path.join(__dirname, '..', '..', 'samples', 'data'));
  const videos = path.join(dir, 'videos');
  await mkdir(videos, { recursive: true });
  const rows: [string, string][] = [];
  for (const sample of SAMPLES) {
    const file = path.join(videos, sample.name);
    if (force || !existsSync(file)) await generateVideo({ ...sample, path: file });
    rows.push([path.parse(sample.name).name, `videos/${sample.name}`]);
  }
  // Names are data: these are ordinary videos whose names look like an option and a command.
  for (const [name, copyOf] of [['-i.mp4', 'street_day.mp4'], ['$(touch pwned).mp4', 'parking.mp4']]) {
    await copyFile(path.join(videos, copyOf), path.join(videos, name));
    rows.push([`named ${name}`, `videos/${name}`]);
  }
  const broken = await writeBrokenFiles(videos, path.join(videos, 'street_day.mp4'));
  for (const [kind, file] of Object.entries(broken)) rows.push([`broken_${kind}`, path.relative(dir, file)]);
  rows.push(['missing', 'videos/does_not_exist.mp4']);
  const csv = ['video_id,video_path', ...rows.map((row) => row.map(csvField).join(','))].join('\n');
  await writeFile(path.join(dir, 'videos.csv'), `${csv}\n`);
  process.stdout.write(`sample dataset: ${SAMPLES.length + 2} videos, ${Object.keys(broken).length} broken files and a missing one in ${path.join(dir, 'videos.csv')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
