import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * What a machine needs before FFmpeg can open a CUDA device, read without loading FFmpeg or CUDA.
 * FFmpeg itself reports a missing driver as "cannot open CUDA device 0: Operation not permitted"
 * (its words for error -1), which points nowhere; these checks name the missing piece instead.
 */
export interface CudaPrerequisites {
  /** NVIDIA device nodes (Linux: /dev/nvidia0, /dev/nvidiactl, …); empty where none or not Linux. */
  deviceNodes: string[];
  /**
   * CUDA devices this process may use: one per /dev/nvidiaN node, or as many as CUDA_VISIBLE_DEVICES
   * names; null where that cannot be read (not Linux).
   */
  visibleGpuCount: number | null;
  /** Where the CUDA driver library was found; null where it was not. */
  driverLibrary: string | null;
  /** The kernel driver's version line (/proc/driver/nvidia/version); null where there is none. */
  driverVersion: string | null;
  /** Why CUDA cannot work here, when these checks alone tell; undefined: only a real decode can. */
  blocker?: string;
}

const LINUX_LIBRARY_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/usr/local/cuda/lib64',
  '/usr/local/nvidia/lib64',
  // WSL 2 exposes the Windows driver's CUDA library here.
  '/usr/lib/wsl/lib',
];

/** libcuda.so.1 as the dynamic loader finds it: LD_LIBRARY_PATH, then its cache, then the usual folders. */
function findLinuxDriverLibrary(env: NodeJS.ProcessEnv): string | null {
  const name = 'libcuda.so.1';
  for (const dir of (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)) {
    if (existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  try {
    // The loader cache is a table of NUL-terminated names and paths; a path ending in the name is an entry.
    const cached = readFileSync('/etc/ld.so.cache', 'latin1')
      .split('\0')
      .find((entry) => entry.startsWith('/') && entry.endsWith(`/${name}`) && existsSync(entry));
    if (cached) return cached;
  } catch {
    // No loader cache (a minimal container): the folders below still tell.
  }
  return LINUX_LIBRARY_DIRS.map((dir) => path.join(dir, name)).find((file) => existsSync(file)) ?? null;
}

function firstLine(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').split('\n')[0]?.trim() || null;
  } catch {
    return null;
  }
}

function linuxPrerequisites(env: NodeJS.ProcessEnv): CudaPrerequisites {
  let deviceNodes: string[] = [];
  try {
    deviceNodes = readdirSync('/dev').filter((name) => /^nvidia(\d+|ctl|-uvm)$/.test(name)).sort().map((name) => `/dev/${name}`);
  } catch {
    // /dev unreadable: treated as no device nodes below.
  }
  const gpuNodes = deviceNodes.filter((node) => /^\/dev\/nvidia\d+$/.test(node)).length;
  const visible = env.CUDA_VISIBLE_DEVICES?.split(',').filter((entry) => entry.trim() !== '');
  const visibleGpuCount = visible ? Math.min(visible.length, gpuNodes) : gpuNodes;
  const driverLibrary = findLinuxDriverLibrary(env);
  const driverVersion = firstLine('/proc/driver/nvidia/version');
  const found = { deviceNodes, visibleGpuCount, driverLibrary, driverVersion };
  if (gpuNodes === 0) {
    return {
      ...found,
      blocker:
        'no NVIDIA GPU device node (/dev/nvidia0, …): this machine has no NVIDIA GPU, or its driver is not loaded ' +
        '(in a container, the GPU must be passed through, e.g. docker run --gpus all)',
    };
  }
  if (!driverLibrary) {
    return {
      ...found,
      blocker: `no CUDA driver library (libcuda.so.1) in LD_LIBRARY_PATH, the loader cache or ${LINUX_LIBRARY_DIRS.join(', ')}: install the NVIDIA driver's CUDA library (Debian: libcuda1)`,
    };
  }
  if (visibleGpuCount === 0) return { ...found, blocker: `CUDA_VISIBLE_DEVICES='${env.CUDA_VISIBLE_DEVICES}' hides every GPU` };
  return found;
}

function windowsPrerequisites(env: NodeJS.ProcessEnv): CudaPrerequisites {
  const library = path.join(env.SystemRoot ?? 'C:\\Windows', 'System32', 'nvcuda.dll');
  const driverLibrary = existsSync(library) ? library : null;
  const found = { deviceNodes: [], visibleGpuCount: null, driverLibrary, driverVersion: null };
  return driverLibrary ? found : { ...found, blocker: `no CUDA driver library (${library}): install the NVIDIA driver` };
}

/** The CUDA prerequisites of this machine, read from the file system (cheap: no library is loaded). */
export function readCudaPrerequisites(env: NodeJS.ProcessEnv = process.env): CudaPrerequisites {
  switch (process.platform) {
    case 'linux':
      return linuxPrerequisites(env);
    case 'win32':
      return windowsPrerequisites(env);
    default:
      return { deviceNodes: [], visibleGpuCount: null, driverLibrary: null, driverVersion: null, blocker: `CUDA is not available on ${process.platform}` };
  }
}
