"""Frame-exact keyframe extraction as an expert PyAV user writes it: each video opened once, its
packet index read first, a seek only when a keyframe lies between the decoder and the next target,
so each needed GOP prefix is decoded once; one decoding thread. Usage:
    pyav_extract.py OUT_DIR NUM_FRAMES SIZE VIDEO...
Writes OUT_DIR/<video name>/frame_<index>.jpg and prints one JSON line per video."""
import json
import os
import sys
import time

import av

try:
    from PIL import Image  # noqa: F401  (frame.to_image needs Pillow)
    HAVE_PIL = True
except ImportError:
    HAVE_PIL = False


def save_jpeg(frame, path, width, height):
    if HAVE_PIL:
        frame.to_image(width=width, height=height, interpolation="BICUBIC").save(path, quality=90)
        return
    encoder = av.CodecContext.create("mjpeg", "w")
    encoder.width, encoder.height, encoder.pix_fmt = width, height, "yuvj420p"
    encoder.time_base = "1/25"
    encoder.options = {"qscale": "5"}
    picture = frame.reformat(width=width, height=height, format="yuvj420p", interpolation="BICUBIC")
    with open(path, "wb") as out:
        for packet in encoder.encode(picture):
            out.write(bytes(packet))
        for packet in encoder.encode(None):
            out.write(bytes(packet))


def extract(path, out_dir, num_frames, size):
    with av.open(path) as container:
        stream = container.streams.video[0]
        stream.thread_count = 1
        packets = [(p.pts, p.is_keyframe) for p in container.demux(stream) if p.pts is not None]
        pts = sorted(p for p, _ in packets)
        keys = sorted(p for p, key in packets if key)
        count = len(pts)
        wanted = sorted({i * (count - 1) // (num_frames - 1) for i in range(num_frames)})
        scale = size / min(stream.codec_context.width, stream.codec_context.height)
        width = max(2, 2 * round(stream.codec_context.width * scale / 2))
        height = max(2, 2 * round(stream.codec_context.height * scale / 2))
        os.makedirs(out_dir, exist_ok=True)
        last = None
        for index in wanted:
            target = pts[index]
            key = max(k for k in keys if k <= target)
            if last is None or key > last or target <= last:
                container.seek(key, stream=stream, backward=True)
            for frame in container.decode(stream):
                last = frame.pts
                if frame.pts == target:
                    save_jpeg(frame, os.path.join(out_dir, "frame_%06d.jpg" % index), width, height)
                    break
                if frame.pts > target:
                    raise RuntimeError("%s: passed frame %d" % (path, index))
        return wanted


def main():
    out_dir, num_frames, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for path in sys.argv[4:]:
        started = time.perf_counter()
        name = os.path.splitext(os.path.basename(path))[0]
        wanted = extract(path, os.path.join(out_dir, name), num_frames, size)
        print(json.dumps({"video": path, "frames": wanted, "seconds": time.perf_counter() - started}), flush=True)


if __name__ == "__main__":
    main()
