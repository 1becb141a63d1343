import type { ProgressSnapshot } from '../processor/progressEvents';

const BAR_WIDTH = 24;

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

function framesPerSecondText(snapshot: ProgressSnapshot): string {
  return (Object.entries(snapshot.framesPerSecond) as [string, number][])
    .filter(([, fps]) => fps > 0)
    .map(([device, fps]) => `${device} ${fps.toFixed(0)} frames/s`)
    .join(', ');
}

/** One line of progress: a bar on a terminal, plain text otherwise. */
export function formatProgressLine(snapshot: ProgressSnapshot, withBar: boolean): string {
  const fraction = snapshot.total ? snapshot.done / snapshot.total : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = withBar ? `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ` : '';
  const parts = [
    `${bar}${snapshot.done}/${snapshot.total} (${(fraction * 100).toFixed(1)}%)`,
    `${snapshot.videosPerSecond.toFixed(2)} videos/s`,
    `ETA ${snapshot.etaSeconds === null ? '?' : formatDuration(snapshot.etaSeconds)}`,
    `failed ${snapshot.failed}`,
  ];
  const fps = framesPerSecondText(snapshot);
  if (fps) parts.push(fps);
  if (snapshot.machines) parts.push(`${snapshot.machines.length} machines: ${snapshot.machines.map((machine) => `${machine.host} ${machine.videosPerSecond.toFixed(2)}/s`).join(', ') || 'none heard from'}`);
  return parts.join(' | ');
}
