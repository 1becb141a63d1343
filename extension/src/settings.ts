import * as vscode from 'vscode';
import type { BackendChoice, DeviceChoice } from '../../kernel/src/config/decoderConfig';
import type { KernelSettings } from '../../kernel/src/notebookKernel/kernelProtocol';

const SECTION = 'videoBatchKernel';

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
    device: config.get<DeviceChoice>('device', 'auto'),
    backend: config.get<BackendChoice>('backend', 'libav'),
    // 0 and empty mean "the engine's default" (one worker per core; results beside the notebook).
    ...(numWorkers > 0 ? { numWorkers } : {}),
    ...(ffmpegPath ? { ffmpegPath } : {}),
    ...(outputDir ? { outputDir } : {}),
  };
}

export function readFormDefaults(): FormDefaults {
  const config = vscode.workspace.getConfiguration(SECTION);
  return { numFrames: config.get<number>('numFrames', 16), thumbnailSize: config.get<number>('thumbnailSize', 224) };
}

/** Seconds an interrupted cell may take to stop before the kernel is restarted. */
export function readInterruptGraceMs(): number {
  return vscode.workspace.getConfiguration(SECTION).get<number>('interruptGraceSeconds', 20) * 1000;
}

export function affectsKernelSettings(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(SECTION);
}
