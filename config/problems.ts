/** A configuration problem, printed to technicians as `path: what is wrong`. */
export interface ConfigProblem {
  /** Dotted path with [i] for array items, e.g. `osc.targets[0].port`; empty for the whole file. */
  path: string;
  message: string;
  /** Where the bad value came from: `demo.yaml line 4` or `env CODANCE_HTTP__PORT`. */
  source?: string;
}

export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    super(`invalid configuration:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.source ? ` (${p.source})` : '';
  return `${p.path || '(root)'}: ${p.message}${where}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}
