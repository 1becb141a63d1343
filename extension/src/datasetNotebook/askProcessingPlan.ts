import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DeviceChoice } from '../../../kernel/src/config/decoderConfig';
import { readFormDefaults, readKernelSettings } from '../settings';
import { DEFAULT_FORM_FPS, type ProcessingKind, type ProcessingPlan, type ProcessingPlanAnswers } from './processingPlan';
import { readCsvHeader } from './readCsvHeader';

const TITLE = 'Process Video Dataset';

interface Choice<T> extends vscode.QuickPickItem {
  value: T;
}

/** A single-choice pick whose preferred item comes first, so Enter takes it. Undefined: the user cancelled. */
async function pick<T>(step: string, choices: Choice<T>[], preferred?: (choice: Choice<T>) => boolean): Promise<T | undefined> {
  const ordered = preferred ? [...choices.filter(preferred), ...choices.filter((choice) => !preferred(choice))] : choices;
  const chosen = await vscode.window.showQuickPick(ordered, { title: `${TITLE}: ${step}`, ignoreFocusOut: true });
  return chosen?.value;
}

async function askCsvPath(): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({ title: `${TITLE}: the CSV listing the videos`, canSelectMany: false, filters: { CSV: ['csv'] } });
  return picked?.[0]?.fsPath;
}

const PROCESSING_CHOICES: Choice<ProcessingKind>[] = [
  { label: 'Keyframes', description: 'evenly spaced frames of every video as JPEGs, and a keyframe grid', value: 'keyframes' },
  { label: 'Frames per second', description: 'the frame shown at every 1/fps seconds (e.g. one a second) as JPEGs', value: 'fps' },
  { label: 'Scenes', description: 'shot boundaries at hard cuts, one keyframe per shot', value: 'scenes' },
  { label: 'Adaptive sampling', description: 'more frames for longer and busier videos', value: 'adaptive' },
  { label: 'Metadata', description: 'duration, size, frame rate, frame count, codec; decodes nothing', value: 'metadata' },
];

const DEVICE_CHOICES: Choice<DeviceChoice>[] = [
  { label: 'auto', description: 'the GPU when CUDA decoding works, else the CPU', value: 'auto' },
  { label: 'gpu', description: 'CUDA (NVDEC); a video that fails there is retried on the CPU', value: 'gpu' },
  { label: 'cpu', description: 'FFmpeg software decoding', value: 'cpu' },
];

function workerChoices(defaultWorkers: number | undefined): Choice<number | undefined>[] {
  const engineDefault: Choice<number | undefined> = { label: 'Default', description: defaultWorkers ? `${defaultWorkers} (setting)` : 'one per CPU core', value: defaultWorkers };
  return [engineDefault, ...[1, 2, 4, 8, 16].filter((count) => count !== defaultWorkers).map((count) => ({ label: String(count), value: count }))];
}

async function askOutputDir(csvPath: string, settingDir: string | undefined): Promise<string | undefined | null> {
  const choices: Choice<'default' | 'choose'>[] = [
    { label: 'Default', description: settingDir ? `${settingDir} (setting)` : 'a folder beside the notebook', value: 'default' },
    { label: 'Choose a folder…', value: 'choose' },
  ];
  const choice = await pick('output folder', choices);
  if (!choice) return null;
  if (choice === 'default') return undefined;
  const picked = await vscode.window.showOpenDialog({ title: `${TITLE}: output folder`, canSelectFiles: false, canSelectFolders: true, defaultUri: vscode.Uri.file(path.dirname(csvPath)) });
  return picked?.[0]?.fsPath ?? null;
}

/**
 * Asks, one quick pick at a time, for what `answers` does not already hold: the CSV, its video and
 * id columns (offered from its header, `video_path` / `video_id` first when present), the
 * processing, workers, device and output folder, with the settings as defaults. Undefined when
 * the user cancels a step.
 */
export async function askProcessingPlan(answers: ProcessingPlanAnswers): Promise<ProcessingPlan | undefined> {
  const settings = readKernelSettings();
  const defaults = readFormDefaults();
  const csvPath = answers.csvPath ?? (await askCsvPath());
  if (!csvPath) return undefined;
  const header = await readCsvHeader(csvPath);
  const columns = header.map((name) => ({ label: name, value: name }));

  const videoCol = answers.videoCol ?? (await pick('the column with video paths', columns, (choice) => choice.value === 'video_path'));
  if (!videoCol) return undefined;
  const idChoices: Choice<string | null>[] = [...columns.filter((choice) => choice.value !== videoCol), { label: '(none)', description: 'identify videos by row number', value: null }];
  const idCol = 'idCol' in answers ? answers.idCol : await pick('the column with video ids', idChoices, (choice) => choice.value === 'video_id');
  if (idCol === undefined && !('idCol' in answers)) return undefined;

  const processing = answers.processing ?? (await pick('processing', PROCESSING_CHOICES));
  if (!processing) return undefined;
  const fps = processing === 'fps' ? (answers.fps ?? (await askFps())) : undefined;
  if (processing === 'fps' && fps === undefined) return undefined;
  const workersAnswer = 'numWorkers' in answers ? { value: answers.numWorkers } : await pickWorkers(settings.numWorkers);
  if (!workersAnswer) return undefined;
  const device = answers.device ?? (await pick('device', DEVICE_CHOICES, (choice) => choice.value === settings.device));
  if (!device) return undefined;
  const outputDir = 'outputDir' in answers ? answers.outputDir : await askOutputDir(csvPath, settings.outputDir);
  if (outputDir === null) return undefined;

  return {
    csvPath,
    videoCol,
    ...(idCol ? { idCol } : {}),
    processing,
    numFrames: answers.numFrames ?? defaults.numFrames,
    ...(fps !== undefined ? { fps } : {}),
    thumbnailSize: answers.thumbnailSize ?? defaults.thumbnailSize,
    ...(workersAnswer.value ? { numWorkers: workersAnswer.value } : {}),
    device,
    ...(outputDir ? { outputDir } : {}),
  };
}

/** The sampling rate for fps sampling: a number > 0, the form's default proposed. Undefined: the user cancelled. */
async function askFps(): Promise<number | undefined> {
  const answer = await vscode.window.showInputBox({
    title: `${TITLE}: frames per second of video time`,
    value: String(DEFAULT_FORM_FPS),
    prompt: 'e.g. 1 for one frame a second, 0.5 for one every two seconds',
    ignoreFocusOut: true,
    validateInput: (text) => (Number(text) > 0 && Number.isFinite(Number(text)) ? undefined : 'a number of frames per second > 0'),
  });
  return answer === undefined ? undefined : Number(answer);
}

/** Wrapped, because "the default" is a real answer (undefined) that differs from a cancel. */
async function pickWorkers(defaultWorkers: number | undefined): Promise<{ value: number | undefined } | undefined> {
  const choices = workerChoices(defaultWorkers);
  const chosen = await vscode.window.showQuickPick(choices, { title: `${TITLE}: workers`, ignoreFocusOut: true });
  return chosen && { value: chosen.value };
}
