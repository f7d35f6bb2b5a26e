/**
 * The second runtime: TensorFlow.js layers models on the WASM backend (tfjs-node cannot be
 * installed on the box: it downloads libtensorflow). Same `BatchModel` interface as ONNX, so
 * the pipeline runs either. The WASM binaries load from node_modules: nothing is fetched.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TfModule from '@tensorflow/tfjs';
import type { BatchModel } from './batch-model.js';

type Tf = typeof TfModule;

/**
 * tfjs keeps one engine per process (its own global); initialising the backend is therefore
 * done once, and every model shares it.
 */
let ready: Promise<Tf> | undefined;

export function tfjsWasm(): Promise<Tf> {
  ready ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js WASM backend did not initialise');
    await tf.ready();
    return tf;
  })();
  return ready;
}

/** A layers model saved as `model.json` + the weight files its manifest names. */
export interface LayersArtifacts {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: 'float32' }[] }[];
}

export class TfjsModel implements BatchModel {
  private constructor(
    readonly name: string,
    readonly inputWidth: number,
    readonly outputWidth: number,
    private readonly tf: Tf,
    private readonly model: Awaited<ReturnType<Tf['loadLayersModel']>>,
  ) {}

  static async load(name: string, dir: string, inputWidth: number, outputWidth: number): Promise<TfjsModel> {
    const tf = await tfjsWasm();
    const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as LayersArtifacts;
    const group = manifest.weightsManifest[0]!;
    const weightData = Buffer.concat(group.paths.map((p) => readFileSync(join(dir, p))));
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: manifest.modelTopology,
        weightSpecs: group.weights,
        weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
      }),
    );
    return new TfjsModel(name, inputWidth, outputWidth, tf, model);
  }

  run(x: Float32Array, n: number): Promise<Float32Array> {
    if (n === 0) return Promise.resolve(new Float32Array(0));
    if (x.length !== n * this.inputWidth)
      return Promise.reject(new RangeError(`${this.name}: expected ${n}×${this.inputWidth} inputs, got ${x.length}`));
    const out = this.tf.tidy(() => this.model.predict(this.tf.tensor2d(x, [n, this.inputWidth])) as TfModule.Tensor);
    try {
      // The WASM backend computes synchronously: reading back at once saves a trip through the event loop.
      return Promise.resolve(Float32Array.from(out.dataSync()));
    } finally {
      out.dispose();
    }
  }

  close(): Promise<void> {
    this.model.dispose();
    return Promise.resolve();
  }
}
