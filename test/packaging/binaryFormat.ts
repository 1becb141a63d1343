/** The object-file formats of the platforms the extension is packaged for. */
export type BinaryFormat = 'ELF x86-64' | 'ELF aarch64' | 'Mach-O x86_64' | 'Mach-O arm64' | 'PE x86-64' | 'PE arm64';

const ELF_MACHINES: Record<number, BinaryFormat> = { 0x3e: 'ELF x86-64', 0xb7: 'ELF aarch64' };
const MACH_O_CPUS: Record<number, BinaryFormat> = { 0x01000007: 'Mach-O x86_64', 0x0100000c: 'Mach-O arm64' };
const PE_MACHINES: Record<number, BinaryFormat> = { 0x8664: 'PE x86-64', 0xaa64: 'PE arm64' };

/**
 * The format and machine a native binary is for, read from its first bytes (a few hundred are
 * enough: PE's header offset is near the start); anything else is described, not named.
 */
export function binaryFormat(head: Buffer): BinaryFormat | string {
  // ELF: magic, EI_CLASS 2 (64-bit), EI_DATA 1 (little-endian), e_machine at 18.
  if (head.length >= 20 && head.readUInt32BE(0) === 0x7f454c46) {
    if (head[4] !== 2 || head[5] !== 1) return `ELF class ${head[4]} data ${head[5]}`;
    const machine = head.readUInt16LE(18);
    return ELF_MACHINES[machine] ?? `ELF machine 0x${machine.toString(16)}`;
  }
  // 64-bit little-endian Mach-O: magic 0xfeedfacf, cputype next. A universal binary starts 0xcafebabe.
  if (head.length >= 8 && head.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = head.readUInt32LE(4);
    return MACH_O_CPUS[cpu] ?? `Mach-O cpu 0x${cpu.toString(16)}`;
  }
  if (head.length >= 4 && head.readUInt32BE(0) === 0xcafebabe) return 'Mach-O universal';
  // PE: 'MZ', the PE header's offset at 0x3c, 'PE\0\0' there, then the machine.
  if (head.length >= 0x40 && head.toString('latin1', 0, 2) === 'MZ') {
    const peOffset = head.readUInt32LE(0x3c);
    if (peOffset + 6 > head.length) return `PE header at 0x${peOffset.toString(16)}, beyond the bytes read`;
    if (head.readUInt32BE(peOffset) !== 0x50450000) return 'MZ without a PE header';
    const machine = head.readUInt16LE(peOffset + 4);
    return PE_MACHINES[machine] ?? `PE machine 0x${machine.toString(16)}`;
  }
  return `unknown (${head.subarray(0, 8).toString('hex')})`;
}
