/** `codance model` and `codance patterns`: score the trained models; teach, list and score movement patterns. */
import type { Command } from 'commander';
import { EXIT_CONFIG, integerOption, withConfig } from './options.js';

export function addModelCommands(program: Command): void {
  const model = program.command('model').description('the trained models');
  model
    .command('eval')
    .description(
      'score a model and print JSON (arousal: on a folder laid out like Stress-Predict; tempo: on the generated validation songs, and on a folder of clips named like 117bpm.wav)',
    )
    .argument('<name>', 'arousal or tempo')
    .option('--data <dir>', 'arousal: folder with labels.csv and Raw_data/Sxx/*.csv; tempo: folder of NNNbpm.wav clips')
    .option('--model <file>', 'arousal: an ONNX file other than the committed one')
    .option('--songs <n>', 'tempo: generated songs per genre', '6')
    .option('--seed <n>', 'tempo: the first song seed (2000 on: held out from the fitting seeds 1000-1099)', '2000')
    .option('--seconds <s>', 'tempo: length of each generated song', '30')
    .option('--style <style>', 'tempo: any or bachata (the tempo prior)', 'any')
    .action(
      async (
        name: string,
        opts: { data?: string; model?: string; songs: string; seed: string; seconds: string; style: string },
      ) => {
        if (name === 'tempo') {
          if (opts.style !== 'any' && opts.style !== 'bachata') {
            console.error(`codance model eval tempo: --style "${opts.style}" must be any or bachata`);
            process.exit(EXIT_CONFIG);
          }
          const { evaluateTempo } = await import('./tempo-eval.js');
          console.log(
            JSON.stringify(
              await evaluateTempo({
                perGenre: integerOption('model eval tempo', '--songs', opts.songs, 1, 100),
                seed: integerOption('model eval tempo', '--seed', opts.seed, 0, 2 ** 31),
                seconds: integerOption('model eval tempo', '--seconds', opts.seconds, 10, 600),
                style: opts.style,
                ...(opts.data && { data: opts.data }),
              }),
            ),
          );
          return;
        }
        if (name !== 'arousal') {
          console.error(`codance model eval: unknown model "${name}" (arousal, tempo)`);
          process.exit(EXIT_CONFIG);
        }
        if (!opts.data) {
          console.error('codance model eval arousal: --data <dir> is required (a folder laid out like Stress-Predict)');
          process.exit(EXIT_CONFIG);
        }
        const { evaluateArousal, EvalDataError } = await import('../../models/arousal/eval.js');
        try {
          console.log(JSON.stringify(await evaluateArousal(opts.data, opts.model)));
        } catch (err) {
          if (!(err instanceof EvalDataError)) throw err;
          console.error(`codance model eval arousal: ${err.message}`);
          process.exit(EXIT_CONFIG);
        }
      },
    );

  const patterns = program.command('patterns').description('movement patterns learned from examples');
  patterns
    .command('learn')
    .description(
      'teach a movement pattern from example recordings of wrist acceleration; the running daemon picks it up within 10 s',
    )
    .requiredOption('--name <name>', "the pattern's name (unique)")
    .argument('<files...>', 'one recording per file')
    .option('--format <f>', 'hmp (coded 0..63 as in shared/data/imu/hmp) or g (x y z in g per line)', 'hmp')
    .option('--rate <hz>', 'sample rate of the recordings', '32')
    .option('--description <text>', 'what the pattern is')
    .option('-c, --config <file>', 'YAML configuration file')
    .action(
      async (
        files: string[],
        opts: { name: string; format: string; rate: string; description?: string; config?: string },
      ) => {
        const cfg = withConfig(opts.config);
        const { UsageError } = await import('./users.js');
        const { learnPatternCommand, readExample } = await import('./patterns.js');
        try {
          const rate = Number(opts.rate);
          if (!Number.isFinite(rate) || rate < 1 || rate > 1000)
            throw new UsageError(`--rate "${opts.rate}" must be a sample rate in Hz (1..1000)`);
          if (opts.format !== 'hmp' && opts.format !== 'g')
            throw new UsageError(`--format "${opts.format}" must be hmp or g`);
          const format = opts.format;
          const examples = files.map((f) => {
            try {
              return readExample(f, format, rate);
            } catch (err) {
              throw new UsageError((err as Error).message);
            }
          });
          const { id, durationS } = await learnPatternCommand(cfg.store.path, {
            name: opts.name,
            description: opts.description,
            examples,
          });
          console.log(
            `learned pattern "${opts.name}" (id ${id}) from ${examples.length} example(s), typical duration ${durationS} s`,
          );
        } catch (err) {
          if (!(err instanceof UsageError)) throw err;
          console.error(`codance patterns learn: ${err.message}`);
          process.exit(EXIT_CONFIG);
        }
      },
    );
  patterns
    .command('eval')
    .description(
      'few-shot evaluation on a folder laid out like shared/data/imu/hmp: learn each class from K recordings of the first volunteers, score the others; prints JSON',
    )
    .requiredOption('--data <dir>', 'one folder per class, recordings named …-<volunteer>.txt')
    .option('--shots <k>', 'examples per class', '3')
    .action(async (opts: { data: string; shots: string }) => {
      const shots = integerOption('patterns eval', '--shots', opts.shots, 1, 50);
      const { evaluatePatterns, PatternDataError } = await import('../../models/patterns/eval.js');
      try {
        console.log(JSON.stringify(await evaluatePatterns(opts.data, shots)));
      } catch (err) {
        if (!(err instanceof PatternDataError)) throw err;
        console.error(`codance patterns eval: ${err.message}`);
        process.exit(EXIT_CONFIG);
      }
    });
}
