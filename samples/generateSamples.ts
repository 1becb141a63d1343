/**
 * Writes the sample dataset: a dozen short videos of mixed size, codec and GOP, two more whose
 * names look like an option and a shell command, a few broken files, and videos.csv listing them
 * all (plus one row whose file does not exist).
 * Usage: node dist/generateSamples.js [dir] [--force]   (dir defaults to samples/data in the working directory)
 * A video is made again only when it is missing, its size differs from what was written, or its
 * spec or the generator changed (recorded in dir/samples.json); --force remakes every one.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeBrokenFiles } from './brokenFiles';
import { generateVideo, generatorFingerprint, type GeneratedVideoSpec } from './videoGenerator';

type SampleSpec = Omit<GeneratedVideoSpec, 'path'> & { name: string };

const SAMPLES: SampleSpec[] = [
  { name: 'street_day.mp4', codec: 'h264', width: 426, height: 240, fps: 25, frameCount: 100, gop: 25, bFrames: 2 },
  { name: 'street_night.mp4', codec: 'h264', width: 640, height: 360, fps: 30, frameCount: 120, gop: 250, bFrames: 0 },
  { name: 'highway.mp4', codec: 'h264', width: 854, height: 480, fps: 30, frameCount: 90, gop: 30, bFrames: 3 },
  { name: 'parking.mp4', codec: 'hevc', width: 640, height: 360, fps: 25, frameCount: 75, gop: 12, bFrames: 2 },
  { name: 'tunnel.mp4', codec: 'hevc', width: 426, height: 240, fps: 30, frameCount: 150, gop: 250, bFrames: 0 },
  { name: 'crossing.webm', codec: 'vp9', width: 640, height: 360, fps: 25, frameCount: 100, gop: 250 },
  { name: 'roundabout.webm', codec: 'vp9', width: 426, height: 240, fps: 30, frameCount: 60, gop: 30 },
  { name: 'dashcam_vfr.mkv', codec: 'h264', width: 640, height: 360, fps: 30, frameCount: 90, gop: 30, bFrames: 2, vfr: true },
  { name: 'trimmed.mp4', codec: 'h264', width: 426, height: 240, fps: 25, frameCount: 80, gop: 25, bFrames: 2, editList: true },
  { name: 'mandelbrot.mp4', codec: 'h264', width: 480, height: 360, fps: 25, frameCount: 100, gop: 250, bFrames: 2, source: 'mandelbrot=size=480x360:rate=25' },
  { name: 'life.mp4', codec: 'h264', width: 320, height: 240, fps: 15, frameCount: 60, gop: 15, source: 'life=size=320x240:rate=15:mold=10:ratio=0.3' },
  { name: 'rain.mp4', codec: 'h264', width: 640, height: 360, fps: 25, frameCount: 150, gop: 250, bFrames: 2 },
  // Names are data: ordinary videos whose names look like an option and a command.
  { name: '-i.mp4', codec: 'h264', width: 426, height: 240, fps: 25, frameCount: 50, gop: 25, bFrames: 2 },
  { name: '$(touch pwned).mp4', codec: 'hevc', width: 426, height: 240, fps: 25, frameCount: 50, gop: 12, bFrames: 2 },
];
/** The real video the broken files are cut from. */
const BROKEN_FROM = 'street_day.mp4';

/** What was written for each video, by its path relative to the dataset's folder. */
type Manifest = Record<string, { key: string; bytes: number }>;

function readManifest(file: string): Manifest {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return {}; // none yet, or damaged: every video is checked against nothing and made again
  }
}

function sampleKey(sample: SampleSpec, fingerprint: string): string {
  return createHash('sha256').update(JSON.stringify(sample)).update(fingerprint).digest('hex');
}

function isCurrent(file: string, recorded: Manifest[string] | undefined, key: string): boolean {
  return recorded?.key === key && existsSync(file) && statSync(file).size === recorded.bytes;
}

function describeSample(sample: SampleSpec): string {
  const bFrames = sample.bFrames ? `, ${sample.bFrames} B-frames` : '';
  const extras = [sample.vfr && 'VFR', sample.editList && 'edit list'].filter(Boolean).join(', ');
  return `${sample.codec} ${sample.width}x${sample.height}, ${sample.frameCount} frames at ${sample.fps} fps, GOP ${sample.gop}${bFrames}${extras ? `, ${extras}` : ''}`;
}

/** CSV field quoting: names with commas, quotes or newlines stay one field. */
function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function parseArguments(args: string[]): { dir: string; force: boolean } {
  const unknown = args.filter((arg) => arg.startsWith('--') && arg !== '--force');
  const dirs = args.filter((arg) => !arg.startsWith('--'));
  if (unknown.length || dirs.length > 1) throw new Error(`usage: generateSamples.js [dir] [--force] (got ${args.join(' ')})`);
  return { dir: path.resolve(dirs[0] ?? path.join('samples', 'data')), force: args.includes('--force') };
}

async function main(): Promise<void> {
  const started = performance.now();
  const { dir, force } = parseArguments(process.argv.slice(2));
  const videos = path.join(dir, 'videos');
  await mkdir(videos, { recursive: true });
  const manifestPath = path.join(dir, 'samples.json');
  const manifest = readManifest(manifestPath);
  const fingerprint = generatorFingerprint();
  const rows: [string, string][] = [];
  let made = 0;
  for (const sample of SAMPLES) {
    const relative = `videos/${sample.name}`;
    const file = path.join(dir, relative);
    const key = sampleKey(sample, fingerprint);
    rows.push([path.parse(sample.name).name, relative]);
    if (!force && isCurrent(file, manifest[relative], key)) {
      process.stdout.write(`kept  ${relative}\n`);
      continue;
    }
    const videoStarted = performance.now();
    // Written under a temporary name, so an interrupted run never leaves a partial video that looks done.
    const partial = path.join(videos, `.partial.${sample.name}`);
    const { name, ...spec } = sample;
    await generateVideo({ ...spec, path: partial });
    await rename(partial, file);
    manifest[relative] = { key, bytes: statSync(file).size };
    await writeFile(manifestPath, `${JSON.stringify(manifest, null, 1)}\n`);
    made++;
    process.stdout.write(`wrote ${relative}: ${describeSample(sample)} (${((performance.now() - videoStarted) / 1000).toFixed(2)} s)\n`);
  }
  const broken = await writeBrokenFiles(videos, path.join(videos, BROKEN_FROM));
  for (const [kind, file] of Object.entries(broken)) {
    const relative = path.relative(dir, file).split(path.sep).join('/');
    rows.push([`broken_${kind}`, relative]);
    process.stdout.write(`wrote ${relative}: broken (${kind})\n`);
  }
  rows.push(['missing', 'videos/does_not_exist.mp4']);
  const csvPath = path.join(dir, 'videos.csv');
  await writeFile(csvPath, `${['video_id,video_path', ...rows.map((row) => row.map(csvField).join(','))].join('\n')}\n`);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`wrote ${csvPath}: ${SAMPLES.length} videos (${made} made, ${SAMPLES.length - made} kept), ${Object.keys(broken).length} broken files and a missing one, in ${seconds} s\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
