/**
 * The arousal model in TensorFlow.js layers format (one Dense unit with a sigmoid), written by
 * `npm run train` next to the ONNX file, so the pipeline can run it on either runtime. Layer
 * names are fixed, and nothing time-dependent is written, so the files are reproducible.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayersArtifacts } from '../runtime/tfjs-model.js';
import type { Logistic } from './logistic.js';

export async function arousalTfjs(
  m: Logistic,
  features: number,
): Promise<{ manifest: LayersArtifacts; weights: Buffer }> {
  await tf.setBackend('cpu');
  const model = tf.sequential({
    name: 'codance_arousal',
    layers: [tf.layers.dense({ name: 'arousal', units: 1, inputShape: [features], activation: 'sigmoid' })],
  });
  model.setWeights([
    tf.tensor2d(
      Array.from(m.w, (v) => [v]),
      [features, 1],
    ),
    tf.tensor1d([m.b]),
  ]);
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
