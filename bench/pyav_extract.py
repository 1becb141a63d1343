"""Frame extraction as an expert PyAV user writes it, one decoding thread. Usage:
    pyav_extract.py OUT_DIR NUM_FRAMES SIZE VIDEO...          NUM_FRAMES evenly spaced frames
    pyav_extract.py --fps RATE OUT_DIR SIZE VIDEO...          the frame shown at each t0 + k / RATE
    pyav_extract.py --scenes THRESHOLD OUT_DIR SIZE VIDEO...  scdet's cuts, each shot's middle frame
Evenly spaced frames: each video opened once, its packet index read first, a seek only when a
keyframe lies between the decoder and the next target, so each needed GOP prefix is decoded once.
fps: one pass that demuxes and decodes every frame and writes the frame whose interval
[t_i, t_(i+1)) holds each sampling time, the last one up to the video's end (its last packet's end).
Scenes: one pass decodes every frame to 64 px luma (the packet index read in the same pass), scores
each frame by scdet's rule, min(d_i, |d_i - d_(i-1)|) with d the mean absolute luma difference / 255,
and cuts where the score reaches THRESHOLD; then the shots' middle frames are decoded again by the
seeking extraction (keeping full-size candidates through a shot would hold half of it in memory).
Writes OUT_DIR/<video name>/frame_<index>.jpg and prints one JSON line per video."""
import json
import math
import os
import sys
import time

import av
import numpy

try:
    from PIL import Image  # noqa: F401  (frame.to_image needs Pillow)
    HAVE_PIL = True
except ImportError:
    HAVE_PIL = False

# A sampling time this close to a frame's start counts as that start (k / fps against pts * time base).
TIME_TOLERANCE = 1e-6
SCENE_FRAME_SIZE = 64


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


def scaled_size(stream, size):
    """Shorter side at `size`, aspect kept, both sides even."""
    scale = size / min(stream.codec_context.width, stream.codec_context.height)
    width = max(2, 2 * round(stream.codec_context.width * scale / 2))
    height = max(2, 2 * round(stream.codec_context.height * scale / 2))
    return width, height


def open_video(path):
    container = av.open(path)
    stream = container.streams.video[0]
    stream.thread_count = 1
    return container, stream


def write_wanted(container, stream, path, pts, keys, wanted, out_dir, size):
    """Frame-exact: seeks to the keyframe before a target only when the decoder cannot read on to it."""
    width, height = scaled_size(stream, size)
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


def evenly_spaced(path, out_dir, num_frames, size):
    container, stream = open_video(path)
    with container:
        packets = [(p.pts, p.is_keyframe) for p in container.demux(stream) if p.pts is not None]
        pts = sorted(p for p, _ in packets)
        keys = sorted(p for p, key in packets if key)
        count = len(pts)
        wanted = sorted({i * (count - 1) // (num_frames - 1) for i in range(num_frames)})
        write_wanted(container, stream, path, pts, keys, wanted, out_dir, size)
        return {"frames": wanted}


def fps_sampled(path, out_dir, fps, size):
    container, stream = open_video(path)
    with container:
        width, height = scaled_size(stream, size)
        os.makedirs(out_dir, exist_ok=True)
        base = stream.time_base
        indices, written = [], set()
        first = held = None
        index, end = -1, 0

        def write_held_until(limit):
            # The held frame shows every sampling time before `limit` (within the tolerance).
            while first is not None and len(indices) / fps < limit - TIME_TOLERANCE:
                if index not in written:
                    save_jpeg(held, os.path.join(out_dir, "frame_%06d.jpg" % index), width, height)
                    written.add(index)
                indices.append(index)

        for packet in container.demux(stream):
            if packet.pts is not None and packet.duration:
                end = max(end, packet.pts + packet.duration)
            for frame in packet.decode():
                first = frame.pts if first is None else first
                write_held_until(float((frame.pts - first) * base))
                held, index = frame, index + 1
        if not end:
            # PyAV 10 reads no packet durations from mp4: the stream's own duration says where it ends.
            end = (stream.start_time or 0) + stream.duration
        # Sampling times lie before the end: ceil((duration - tolerance) * fps) of them, as the rule counts.
        duration = float((end - first) * base)
        count = max(0, math.ceil((duration - TIME_TOLERANCE) * fps))
        write_held_until(count / fps + TIME_TOLERANCE)
        del indices[count:]
        return {"frames": indices}


def scene_cuts(path, out_dir, threshold, size):
    container, stream = open_video(path)
    with container:
        small_width, small_height = scaled_size(stream, SCENE_FRAME_SIZE)
        pts, keys, cuts = [], [], []
        previous, previous_difference, index = None, 0.0, 0
        for packet in container.demux(stream):
            if packet.pts is not None:
                pts.append(packet.pts)
                if packet.is_keyframe:
                    keys.append(packet.pts)
            for frame in packet.decode():
                luma = frame.reformat(width=small_width, height=small_height, format="gray", interpolation="BICUBIC").to_ndarray().astype(numpy.int16)
                if previous is not None:
                    difference = float(numpy.abs(luma - previous).mean()) / 255
                    if min(difference, abs(difference - previous_difference)) >= threshold:
                        cuts.append(index)
                    previous_difference = difference
                previous, index = luma, index + 1
        pts.sort()
        keys.sort()
        starts = [0] + cuts
        ends = cuts + [len(pts)]
        middles = [(start + end - 1) // 2 for start, end in zip(starts, ends)]
        write_wanted(container, stream, path, pts, keys, middles, out_dir, size)
        return {"frames": middles, "cuts": cuts}


def main():
    args = sys.argv[1:]
    if args[0] == "--fps":
        rate = float(args[1])
        out_dir, size, videos = args[2], int(args[3]), args[4:]
        run = lambda path, out: fps_sampled(path, out, rate, size)  # noqa: E731
    elif args[0] == "--scenes":
        threshold = float(args[1])
        out_dir, size, videos = args[2], int(args[3]), args[4:]
        run = lambda path, out: scene_cuts(path, out, threshold, size)  # noqa: E731
    else:
        out_dir, num_frames, size, videos = args[0], int(args[1]), int(args[2]), args[3:]
        run = lambda path, out: evenly_spaced(path, out, num_frames, size)  # noqa: E731
    for path in videos:
        started = time.perf_counter()
        name = os.path.splitext(os.path.basename(path))[0]
        result = run(path, os.path.join(out_dir, name))
        print(json.dumps({"video": path, **result, "seconds": time.perf_counter() - started}), flush=True)


if __name__ == "__main__":
    main()
