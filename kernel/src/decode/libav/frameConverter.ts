import { Filter, FilterGraph, Frame, avGetPixFmtName, type FilterContext } from 'node-av/lib';
import { AV_BUFFERSRC_FLAG_KEEP_REF, type AVPixelFormat } from 'node-av/constants';
import { formatStep, PLANAR_FIRST, scaleStep } from '../conversionFilters';
import { avErrorText } from './avCheck';

export interface FrameConverterOptions {
  /** The video the frames come from, named in errors. */
  file?: string;
  /** Code a YUV target as a JPEG's YUV (full-range BT.601) instead of in the source's matrix. */
  jpegYuv?: boolean;
}

/** One configured filter graph, `buffer → noformat → scale → format → buffersink`, and the frames it was built for. */
interface ScaleGraph {
  graph: FilterGraph;
  source: FilterContext;
  sink: FilterContext;
  /** Size, format, matrix and range of the frames the graph's source was declared with. */
  sourceKey: string;
}

/**
 * Converts decoded frames to one pixel format and size through FFmpeg's own `scale` filter, the
 * path `ffmpeg -pix_fmt` and `-vf scale` take: each frame's matrix (BT.601, BT.709, BT.2020), range
 * (limited or full, `yuvj` or flagged) and chroma siting are honoured, and swscale's unscaled fast
 * path applies exactly where it applies in the ffmpeg program, so the pixels equal its output.
 * A graph is kept per source size, format, matrix and range (a video's frames normally share one).
 */
export class FrameConverter {
  private scaleGraph?: ScaleGraph;
  /** The picture `convertShared` gave out last; its buffer returns to the graph's pool on the next call. */
  private shared?: Frame;

  constructor(
    private readonly format: AVPixelFormat,
    private readonly width: number,
    private readonly height: number,
    private readonly options: FrameConverterOptions = {},
  ) {}

  /** A new frame in the target format and size; the caller frees it. */
  convert(source: Frame): Frame {
    const target = new Frame();
    target.alloc();
    try {
      this.convertInto(target, source);
    } catch (error) {
      target.free();
      throw error;
    }
    return target;
  }

  /**
   * The converted frame, valid until the next call and freed with the converter. An encoder given
   * the previous picture keeps its own reference: the graph then hands out another buffer.
   */
  convertShared(source: Frame): Frame {
    if (!this.shared) {
      this.shared = new Frame();
      this.shared.alloc();
    } else this.shared.unref();
    this.convertInto(this.shared, source);
    return this.shared;
  }

  /** The converted pixels, packed row after row, in a buffer of their own. */
  convertToBuffer(source: Frame): Buffer {
    return this.convertShared(source).toBuffer();
  }

  free(): void {
    this.scaleGraph?.graph.free();
    this.scaleGraph = undefined;
    this.shared?.free();
    this.shared = undefined;
  }

  private convertInto(target: Frame, source: Frame): void {
    const { source: input, sink } = this.graphFor(source);
    // KEEP_REF: the graph takes a reference of its own and leaves the caller's frame as it was.
    this.check(input.buffersrcAddFrameSync(source, AV_BUFFERSRC_FLAG_KEEP_REF), 'cannot convert a frame');
    this.check(sink.buffersinkGetFrameSync(target), 'cannot convert a frame');
  }

  private graphFor(source: Frame): ScaleGraph {
    const sourceKey = `${source.width}x${source.height}:${source.format}:${source.colorSpace}:${source.colorRange}`;
    if (this.scaleGraph?.sourceKey === sourceKey) return this.scaleGraph;
    this.scaleGraph?.graph.free();
    this.scaleGraph = undefined;
    this.scaleGraph = this.buildGraph(source, sourceKey);
    return this.scaleGraph;
  }

  private buildGraph(source: Frame, sourceKey: string): ScaleGraph {
    const graph = new FilterGraph();
    graph.alloc();
    // One thread: conversions run inside decode workers that already fill the cores.
    graph.nbThreads = 1;
    try {
      const bufferArgs = `video_size=${source.width}x${source.height}:pix_fmt=${source.format}:time_base=1/1:pixel_aspect=1/1:colorspace=${source.colorSpace}:range=${source.colorRange}`;
      const steps = [PLANAR_FIRST, scaleStep(this.width, this.height, this.options.jpegYuv), formatStep(avGetPixFmtName(this.format) ?? String(this.format))];
      const chain = [
        this.filter(graph, 'buffer', bufferArgs),
        ...steps.map((step) => this.filter(graph, step.name, step.options)),
        this.filter(graph, 'buffersink', null),
      ];
      for (let at = 1; at < chain.length; at++) this.check(chain[at - 1]!.link(0, chain[at]!, 0), 'cannot link the conversion filters');
      this.check(graph.configSync(), `cannot convert ${avGetPixFmtName(source.format as AVPixelFormat)} ${source.width}x${source.height} frames to ${avGetPixFmtName(this.format)}`);
      return { graph, source: chain[0]!, sink: chain[chain.length - 1]!, sourceKey };
    } catch (error) {
      graph.free();
      throw error;
    }
  }

  private filter(graph: FilterGraph, name: string, args: string | null): FilterContext {
    const filter = Filter.getByName(name);
    const context = filter && graph.createFilter(filter, name, args);
    if (!context) throw new Error(`cannot set up FFmpeg's ${name} filter${args ? ` (${args})` : ''}${this.inFile()}`);
    return context;
  }

  private check(code: number, failure: string): void {
    if (code < 0) throw new Error(`${failure}${this.inFile()}: ${avErrorText(code)}`);
  }

  private inFile(): string {
    return this.options.file ? ` of ${this.options.file}` : '';
  }
}
