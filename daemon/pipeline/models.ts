/**
 * Loads the committed models for the pipeline. A model that cannot load (no onnxruntime on
 * this machine, a missing file) is reported unavailable in health and left out: the box
 * keeps storing everything and computing the crowd state without it.
 */
import { AROUSAL_INPUTS } from '../../models/arousal/inputs.js';
import { AROUSAL_MODEL_PATH, AROUSAL_TFJS_DIR } from '../../models/arousal/model.js';
import { TfjsModel } from '../../models/runtime/tfjs-model.js';
import { loadGestureModel } from '../../models/patterns/gesture-model.js';
import { GESTURE_MODEL_PATH } from '../../models/patterns/model.js';
import { OnnxModel } from '../../models/runtime/batch-model.js';
import type { HealthReporter } from '../../drivers/health/registry.js';
import type { PipelineModels } from './pipeline.js';

export async function loadPipelineModels(
  health: HealthReporter,
  runtime: 'onnx' | 'tfjs' = 'onnx',
  paths = { arousal: AROUSAL_MODEL_PATH, arousalTfjs: AROUSAL_TFJS_DIR, gesture: GESTURE_MODEL_PATH },
): Promise<PipelineModels> {
  const models: PipelineModels = {};
  const arousalPath = runtime === 'tfjs' ? paths.arousalTfjs : paths.arousal;
  try {
    models.arousal =
      runtime === 'tfjs'
        ? await TfjsModel.load('arousal', arousalPath, AROUSAL_INPUTS.length, 1)
        : await OnnxModel.load('arousal', arousalPath, AROUSAL_INPUTS.length, 1);
    health.report('model:arousal', { type: 'subsystem', state: 'connected', detail: `${runtime}: ${arousalPath}` });
  } catch (err) {
    health.report('model:arousal', {
      type: 'subsystem',
      state: 'unavailable',
      detail: `${runtime}: ${arousalPath}: ${(err as Error).message}`,
    });
  }
  try {
    models.gesture = await loadGestureModel(paths.gesture);
    health.report('model:gesture', { type: 'subsystem', state: 'connected', detail: paths.gesture });
  } catch (err) {
    health.report('model:gesture', {
      type: 'subsystem',
      state: 'unavailable',
      detail: `${paths.gesture}: ${(err as Error).message}`,
    });
  }
  return models;
}
