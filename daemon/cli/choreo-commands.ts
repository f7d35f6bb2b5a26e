/** `codance analyze` and `codance choreo`: what the box hears in a song, and choreographies planned to it. */
import type { Command } from 'commander';
import { EXIT_CONFIG, integerOption, withConfig } from './options.js';

export function addChoreoCommands(program: Command): void {
  program
    .command('analyze')
    .description(
      'analyse a song (any audio ffmpeg reads): tempo, beats, downbeats, 8-count phrases, sections, loudness; a progress bar on a terminal',
    )
    .argument('<file>', 'the audio file')
    .option('--json', 'print the analysis as JSON (tempo, beats, downbeats, phrases, sections, durationS, ...)')
    .option('--style <style>', 'tempo prior: any, or bachata (95-165 bpm)', 'any')
    .action(async (file: string, opts: { json?: boolean; style: string }) => {
      if (opts.style !== 'any' && opts.style !== 'bachata') {
        console.error(`codance analyze: --style "${opts.style}" must be any or bachata`);
        process.exit(EXIT_CONFIG);
      }
      const { analyzeCommand, renderAnalysis } = await import('./analyze.js');
      let analysis;
      try {
        analysis = await analyzeCommand(file, opts.style);
      } catch (err) {
        console.error(`codance analyze: ${(err as Error).message}`);
        process.exit(1);
      }
      console.log(opts.json ? JSON.stringify(analysis) : renderAnalysis(file, analysis));
    });

  const choreo = program.command('choreo').description('choreographies to songs (Bachata)');
  choreo
    .command('generate')
    .description(
      'analyse SONG, plan a blueprint for the request, and with --out render the practice video (MP4, the song as audio)',
    )
    .argument('<song>', 'an audio file ffmpeg reads')
    .option('--describe <text>', 'the request in words, e.g. "romantic beginner routine, slow and smooth"', '')
    .option('--seed <n>', 'another seed, another routine', '1')
    .option('--style <style>', 'tempo prior: bachata or any', 'bachata')
    .option('--out <file>', 'write the video here')
    .option('--json', 'print { analysis, blueprint, video } as JSON')
    .option('-c, --config <file>', 'YAML configuration file (for the clip cache next to the store)')
    .action(
      async (
        song: string,
        opts: { describe: string; seed: string; style: string; out?: string; json?: boolean; config?: string },
      ) => {
        const seed = integerOption('choreo generate', '--seed', opts.seed, 0, 2 ** 31);
        if (opts.style !== 'any' && opts.style !== 'bachata') {
          console.error(`codance choreo generate: --style "${opts.style}" must be bachata or any`);
          process.exit(EXIT_CONFIG);
        }
        const cfg = withConfig(opts.config);
        const path = await import('node:path');
        const { choreoGenerate, renderGenerated } = await import('./choreo.js');
        try {
          const r = await choreoGenerate(song, {
            describe: opts.describe,
            seed,
            style: opts.style,
            ...(opts.out ? { out: opts.out } : {}),
            cacheDir: path.resolve(path.dirname(cfg.store.path), 'video-cache'),
          });
          console.log(opts.json ? JSON.stringify(r) : renderGenerated(r));
        } catch (err) {
          console.error(`codance choreo generate: ${(err as Error).message}`);
          process.exit(1);
        }
      },
    );
}
