/**
 * Rewrites an AVI of MPEG-4 Part 2 with single B-frames into the "packed bitstream" DivX 5 and Xvid
 * write: each B-frame travels in the chunk of the reference frame before it, and an empty VOP
 * (not coded) takes its place, so the AVI has one chunk per frame and no decoding delay. FFmpeg's
 * encoder cannot write this; its mpeg4_unpack_bframes filter does the reverse.
 */
import { FormatContext, Packet, Rational } from 'node-av/lib';
import { AV_PKT_FLAG_KEY, AVERROR_EOF } from 'node-av/constants';
import { avCheck } from '../kernel/src/decode/libav/avCheck';

const VOP_START = 0xb6;
const USER_DATA_START = 0xb2;
/** Where the decoder learns the stream is packed: DivX's user data, build 1393, 'p' for packed. */
const DIVX_USER_DATA = 'DivX503b1393p';
/**
 * A P-VOP marked not coded, for a time base of 1/25 (5 bits of vop_time_increment): coding type 01,
 * modulo_time_base 0, marker 1, increment 00000, marker 1, vop_coded 0, then stuffing 0111 1.
 */
const NOT_CODED_VOP = Buffer.from([0, 0, 1, VOP_START, 0x50, 0x4f]);
const B_VOP = 2;

function startCodeAt(data: Buffer, code: number): number {
  for (let i = 0; i + 3 < data.length; i++) if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1 && data[i + 3] === code) return i;
  return -1;
}

/** The VOP coding type (0 I, 1 P, 2 B) of a chunk's first VOP. */
function vopType(data: Buffer): number {
  const at = startCodeAt(data, VOP_START);
  return at >= 0 && at + 4 < data.length ? data[at + 4] >> 6 : -1;
}

/** Chunks in decode order, packed; the first one also carries the DivX user data. */
function packedChunks(chunks: { data: Buffer; key: boolean }[]): { data: Buffer; key: boolean }[] {
  const packed: { data: Buffer; key: boolean }[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const next = chunks[i + 1];
    if (next && vopType(next.data) === B_VOP) {
      packed.push({ data: Buffer.concat([chunks[i].data, next.data]), key: chunks[i].key }, { data: NOT_CODED_VOP, key: false });
      i++;
    } else packed.push(chunks[i]);
  }
  const first = packed[0].data;
  const vop = startCodeAt(first, VOP_START);
  packed[0].data = Buffer.concat([first.subarray(0, vop), Buffer.from([0, 0, 1, USER_DATA_START]), Buffer.from(DIVX_USER_DATA), first.subarray(vop)]);
  return packed;
}

/** Writes `target` (AVI, 25 fps) from `source`, an AVI of MPEG-4 Part 2 at 25 fps with `-bf 1`. */
export async function writePackedBFrames(source: string, target: string): Promise<void> {
  const input = new FormatContext();
  const output = new FormatContext();
  const packet = new Packet();
  packet.alloc();
  let outputOpen = false;
  try {
    avCheck(await input.openInput(source, null, null), 'cannot open', source);
    avCheck(await input.findStreamInfo(null), 'cannot read the streams of', source);
    const chunks: { data: Buffer; key: boolean }[] = [];
    while (input.readFrameSync(packet) !== AVERROR_EOF) {
      if (packet.streamIndex === 0 && packet.data) chunks.push({ data: Buffer.from(packet.data), key: (packet.flags & AV_PKT_FLAG_KEY) !== 0 });
      packet.unref();
    }
    avCheck(output.allocOutputContext2(null, 'avi', target), 'cannot create', target);
    const stream = output.newStream(null);
    avCheck(input.streams[0].codecpar.copy(stream.codecpar), 'cannot copy the stream parameters of', source);
    stream.codecpar.codecTag = 'DX50';
    const timeBase = new Rational(1, 25);
    stream.timeBase = timeBase;
    avCheck(await output.openOutput(), 'cannot create', target);
    outputOpen = true;
    avCheck(await output.writeHeader(null), 'cannot write the header of', target);
    for (const [index, chunk] of packedChunks(chunks).entries()) {
      packet.unref();
      packet.data = chunk.data;
      packet.pts = packet.dts = BigInt(index);
      packet.duration = 1n;
      packet.streamIndex = stream.index;
      if (chunk.key) packet.flags = AV_PKT_FLAG_KEY;
      packet.rescaleTs(timeBase, stream.timeBase);
      avCheck(await output.interleavedWriteFrame(packet), 'cannot write a packet to', target);
    }
    avCheck(await output.writeTrailer(), 'cannot finish', target);
  } finally {
    if (outputOpen) await output.closeOutput();
    output.freeContext();
    input.closeInputSync();
    packet.free();
  }
}
