/** The local intelligence's section of the configuration: features, models, crowd state and pattern matching. */
import { z } from 'zod';

export const pipelineSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Features, models and the crowd state; off leaves only storage.'),
    arousalRuntime: z
      .enum(['onnx', 'tfjs'])
      .default('onnx')
      .describe('Which runtime runs the arousal model: onnxruntime-node, or TensorFlow.js on its WASM backend.'),
    crowdHz: z.number().min(0.1).max(20).default(1).describe('Crowd states per second.'),
    movementWindowS: z
      .number()
      .min(1)
      .max(10)
      .default(4)
      .describe('Seconds of wrist acceleration behind each movement reading.'),
    patternEveryMs: z
      .number()
      .int()
      .min(100)
      .max(10_000)
      .default(500)
      .describe('How often each active dancer is matched against the learned movement patterns.'),
    patternConfidence: z
      .number()
      .min(0)
      .max(1)
      .default(0.6)
      .describe('A pattern is reported at this confidence or above (0..1).'),
    activeWithinMs: z
      .number()
      .int()
      .min(500)
      .max(60_000)
      .default(5000)
      .describe('A dancer counts as active with movement this recent (ms) and this strong (g RMS).'),
    activeIntensityG: z
      .number()
      .min(0)
      .max(4)
      .default(0.05)
      .describe('Intensity (g RMS) above which a dancer counts as active.'),
    arousalMaxAgeMs: z
      .number()
      .int()
      .min(1000)
      .max(600_000)
      .default(30_000)
      .describe('Arousal readings older than this are left out of the crowd state.'),
    fullEnergyG: z
      .number()
      .min(0.05)
      .max(4)
      .default(0.6)
      .describe('Movement intensity (g RMS) that counts as full energy.'),
  })
  .prefault({});
