import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { isExecutable } from '../../kernel/src/pathLookup';

const execFileAsync = promisify(execFile);

/** Debian's own Python, whose stdlib tarfile is the reader under test; a version manager's shim on PATH may not be it. */
const PYTHON = isExecutable('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/**
 * Reads each shard named in argv with tarfile and groups members by the WebDataset rule: a
 * member's key is its path up to the first dot of the basename, consecutive members of one key
 * are one sample. tarfile stops silently at a damaged header past the first, so the script also
 * demands that the archive end with exactly the two zero blocks after the last member.
 */
const READ_SHARDS = `
import hashlib, json, os, sys, tarfile
shards = []
for path in sys.argv[1:]:
    samples = []
    with tarfile.open(path, mode='r:') as archive:
        for member in archive:
            if not member.isfile():
                sys.exit(f'{path}: {member.name} is not a regular file')
            folder, _, base = member.name.rpartition('/')
            stem, _, extension = base.partition('.')
            key = f'{folder}/{stem}' if folder else stem
            data = archive.extractfile(member).read()
            if not samples or samples[-1]['key'] != key:
                samples.append({'key': key, 'files': []})
            samples[-1]['files'].append({
                'extension': extension, 'size': len(data), 'sha256': hashlib.sha256(data).hexdigest(),
                'text': data.decode('utf-8', 'replace') if extension == 'json' else None,
                'mode': member.mode, 'mtime': member.mtime, 'uid': member.uid, 'gid': member.gid,
                'uname': member.uname, 'gname': member.gname,
            })
            samples[-1]['endBytes'] = member.offset_data + -(-member.size // 512) * 512
        end = archive.offset
    with open(path, 'rb') as file:
        file.seek(end)
        tail = file.read()
    if tail != bytes(1024):
        sys.exit(f'{path}: {len(tail)} bytes after the last member at {end}, not the end-of-archive marker')
    shards.append({'path': path, 'samples': samples})
print(json.dumps(shards))
`;

export interface ReadMember {
  extension: string;
  size: number;
  sha256: string;
  /** The member's text when its extension is `json`. */
  text: string | null;
  mode: number;
  mtime: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
}

export interface ReadSample {
  key: string;
  files: ReadMember[];
  /** Where the sample's last member ends in its shard (data padded to a block). */
  endBytes: number;
}

export interface ReadShard {
  path: string;
  samples: ReadSample[];
}

/** Python's view of `shards`: their samples in order, grouped by the WebDataset rule. */
export async function readShardsWithPython(shards: string[]): Promise<ReadShard[]> {
  const { stdout } = await execFileAsync(PYTHON, ['-c', READ_SHARDS, ...shards], { maxBuffer: 256 * 2 ** 20 });
  return JSON.parse(stdout) as ReadShard[];
}

/** GNU tar's listing of an archive's member names (UTF-8, unquoted). */
export async function listWithGnuTar(archive: string): Promise<string[]> {
  const { stdout } = await execFileAsync('tar', ['--quoting-style=literal', '-tf', archive], { env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  return stdout.split('\n').filter(Boolean);
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
