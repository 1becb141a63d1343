import * as vscode from 'vscode';
import { DEFAULT_BACKEND, DEFAULT_DEVICE, type BackendChoice, type DeviceChoice } from '../../kernel/src/config/decoderConfig';
import { DEFAULT_INTERRUPT_GRACE_MS } from '../../kernel/src/notebookKernel/kernelProtocol';
import { DEFAULT_NUM_FRAMES } from '../../kernel/src/processingDefaults';
import type { KernelSettings } from '../../kernel/src/notebookKernel/kernelProtocol';

const SECTION = 'videoBatchKernel';
/**
 * JPEG size the "Process Video Dataset" form proposes (the engine's own default is the video's size).
 * The defaults package.json declares for these settings are checked against the engine's in a test.
 */
export const FORM_THUMBNAIL_SIZE = 224;

/** Defaults of the "Process Video Dataset" form, beside what the kernel itself honours. */
export interface FormDefaults {
  numFrames: number;
  thumbnailSize: number;
}

/** The settings a kernel starts with (runs use them where a cell sets nothing); read at each kernel start. */
export function readKernelSettings(): KernelSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const ffmpegPath = config.get<string>('ffmpegPath', '').trim();
  const outputDir = config.get<string>('outputDir', '').trim();
  const numWorkers = config.get<number>('numWorkers', 0);
  return {
    device: config.get<DeviceChoice>('device', DEFAULT_DEVICE),
    backend: config.get<BackendChoice>('backend', DEFAULT_BACKEND),
    // 0 and empty mean "the engine's default" (one worker per core; results beside the notebook).
    ...(numWorkers > 0 ? { numWorkers } : {}),
    ...(ffmpegPath ? { ffmpegPath } : {}),
    ...(outputDir ? { outputDir } : {}),
  };
}

export function readFormDefaults(): FormDefaults {
  const config = vscode.workspace.getConfiguration(SECTION);
  return { numFrames: config.get<number>('numFrames', DEFAULT_NUM_FRAMES), thumbnailSize: config.get<number>('thumbnailSize', FORM_THUMBNAIL_SIZE) };
}

/** Seconds an interrupted cell may take to stop before the kernel is restarted. */
export function readInterruptGraceMs(): number {
  return vscode.workspace.getConfiguration(SECTION).get<number>('interruptGraceSeconds', DEFAULT_INTERRUPT_GRACE_MS / 1000) * 1000;
}

export function affectsKernelSettings(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(SECTION);
}
