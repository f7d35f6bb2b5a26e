import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';

/**
 * The one interface every model runtime offers the pipeline: a batch of rows in, a batch of
 * outputs out, so all dancers are scored in one call. onnxruntime-node is loaded lazily: a box
 * without it still starts, with the models reported unavailable.
 */
export interface BatchModel {
  readonly name: string;
  /** Features per input row. */
  readonly inputWidth: number;
  /** Outputs per row. */
  readonly outputWidth: number;
  /** `x` is row-major [n × inputWidth]; the result is [n × outputWidth]. */
  run(x: Float32Array, n: number): Promise<Float32Array>;
  close(): Promise<void>;
}

export class OnnxModel implements BatchModel {
  private constructor(
    readonly name: string,
    readonly inputWidth: number,
    readonly outputWidth: number,
    private readonly session: InferenceSession,
    private readonly Tensor: typeof OrtTensor,
    private readonly inputName: string,
    private readonly outputName: string,
  ) {}

  static async load(
    name: string,
    source: string | Uint8Array,
    inputWidth: number,
    outputWidth: number,
  ): Promise<OnnxModel> {
    const ort = await import('onnxruntime-node');
    // One thread each: the box runs one model call per pipeline tick, and sensor I/O needs the other cores.
    const options = { intraOpNumThreads: 1, interOpNumThreads: 1 };
    const session =
      typeof source === 'string'
        ? await ort.InferenceSession.create(source, options)
        : await ort.InferenceSession.create(source, options);
    return new OnnxModel(
      name,
      inputWidth,
      outputWidth,
      session,
      ort.Tensor,
      session.inputNames[0]!,
      session.outputNames[0]!,
    );
  }

  async run(x: Float32Array, n: number): Promise<Float32Array> {
    if (n === 0) return new Float32Array(0);
    if (x.length !== n * this.inputWidth)
      throw new RangeError(`${this.name}: expected ${n}×${this.inputWidth} inputs, got ${x.length}`);
    const out = await this.session.run({ [this.inputName]: new this.Tensor('float32', x, [n, this.inputWidth]) });
    return out[this.outputName]!.data as Float32Array;
  }

  close(): Promise<void> {
    return this.session.release();
  }
}
