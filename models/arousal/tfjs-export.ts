/**
 * The arousal model in TensorFlow.js layers format (the same dense layers, ReLU between, a
 * sigmoid at the end), written by `npm run train` next to the ONNX file, so the pipeline can
 * run it on either runtime. Layer names are fixed, and nothing time-dependent is written, so
 * the files are reproducible.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayersArtifacts } from '../runtime/tfjs-model.js';
import type { ArousalNetwork } from './network.js';

export async function arousalTfjs(n: ArousalNetwork): Promise<{ manifest: LayersArtifacts; weights: Buffer }> {
  await tf.setBackend('cpu');
  const last = n.layers.length - 1;
  const model = tf.sequential({
    name: 'codance_arousal',
    layers: n.layers.map((l, i) =>
      tf.layers.dense({
        name: i === last ? 'arousal' : `hidden${i}`,
        units: l.units,
        inputShape: [l.inputs],
        activation: i === last ? 'sigmoid' : 'relu',
      }),
    ),
  });
  model.setWeights(
    n.layers.flatMap((l) => [
      tf.tensor2d(Float32Array.from(l.w), [l.inputs, l.units]),
      tf.tensor1d(Float32Array.from(l.b)),
    ]),
  );
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler((a) => {
      artifacts = a;
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } });
    }),
  );
  model.dispose();
  if (!artifacts?.weightData || !artifacts.weightSpecs || !artifacts.modelTopology)
    throw new Error('tfjs did not produce model artifacts');
  const data = artifacts.weightData;
  const weights =
    data instanceof ArrayBuffer
      ? Buffer.from(new Uint8Array(data))
      : Buffer.concat(data.map((b) => Buffer.from(new Uint8Array(b))));
  return {
    manifest: {
      modelTopology: artifacts.modelTopology,
      weightsManifest: [
        { paths: ['weights.bin'], weights: artifacts.weightSpecs as LayersArtifacts['weightsManifest'][0]['weights'] },
      ],
    },
    weights,
  };
}
