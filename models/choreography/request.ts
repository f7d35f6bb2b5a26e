/**
 * Request understanding without a network: a free-text request ("romantic beginner routine,
 * slow and smooth, about two minutes, no dips") becomes planning parameters through a small
 * lexicon of dance words, numbers and negations. Every parameter says which words set it.
 */
import type { DanceStyle } from '../../config/moves.js';

export type Level = 'beginner' | 'intermediate' | 'advanced';

export interface ChoreoParams {
  level: Level;
  /** Highest difficulty allowed (1-5) and the one aimed at. */
  maxDifficulty: number;
  targetDifficulty: number;
  style: DanceStyle | null;
  /** Overall energy wanted, 0..1 (the song's sections still shape it). */
  energy: number;
  /** Seconds of the song to choreograph; null = the whole song. */
  durationS: number | null;
  /** Move tags to favour and to leave out. */
  focus: string[];
  exclude: string[];
  /** Which words set what (for the explanation). */
  matched: Record<string, string[]>;
}

const levels: [RegExp, Level][] = [
  [/\b(beginners?|novice|first[- ]timers?|easy|simple|basic)\b/, 'beginner'],
  [/\b(intermediate|improvers?|medium level)\b/, 'intermediate'],
  [/\b(advanced|expert|pro|professional|show|performance|hard|difficult|challenging)\b/, 'advanced'],
];
/** The difficulty range each level allows and aims at (shared with the model path). */
export const levelDifficulty: Record<Level, { max: number; target: number }> = {
  beginner: { max: 2, target: 1.5 },
  intermediate: { max: 3, target: 2.5 },
  advanced: { max: 5, target: 4 },
};

const styles: [RegExp, DanceStyle][] = [
  [/\b(dominican|dominicana|traditional|authentic|tipica|típica)\b/, 'dominican'],
  [/\b(sensual|sensuality|bachata sensual)\b/, 'sensual'],
  [/\b(moderna|modern|urban|fusion)\b/, 'moderna'],
];

const energies: [RegExp, number][] = [
  [/\b(slow|calm|gentle|relaxed|chill|soft|low[- ]energy|mellow)\b/, 0.3],
  [/\b(moderate|medium energy|steady)\b/, 0.5],
  [/\b(fast|energetic|high[- ]energy|upbeat|lively|powerful|intense|party|fun)\b/, 0.8],
];

/** Words → move tags. */
const focusWords: [RegExp, string][] = [
  [/\b(romantic|romance|love|wedding|couple|intimate|tender)\b/, 'romantic'],
  [/\b(smooth|fluid|flowing|elegant|graceful)\b/, 'smooth'],
  [/\b(turns?|spins?|spinning|turning)\b/, 'turn'],
  [/\b(footwork|feet|steps|shines?|zapateo)\b/, 'footwork'],
  [/\b(dips?|dipping|drops?)\b/, 'dip'],
  [/\b(body ?waves?|ondulaci[oó]n|waves?|body movement)\b/, 'body-wave'],
  [/\b(playful|cheeky|flirty|fun)\b/, 'playful'],
  [/\b(shadow)\b/, 'shadow'],
  [/\b(hammerlocks?)\b/, 'hammerlock'],
  [/\b(sweetheart|cuddle)\b/, 'sweetheart'],
  [/\b(cross[- ]?body)\b/, 'cross-body'],
  [/\b(styling|arms?|hands?)\b/, 'styling'],
  [/\b(travel(l)?ing|moving around)\b/, 'travel'],
];

const numberWords: Record<string, number> = { one: 1, a: 1, an: 1, two: 2, three: 3, four: 4, five: 5, half: 0.5 };

export function parseRequest(text: string): ChoreoParams {
  const t = text.toLowerCase().replace(/\s+/g, ' ');
  const matched: Record<string, string[]> = {};
  const note = (key: string, word: string) => (matched[key] ??= []).push(word);

  let level: Level = 'beginner';
  let levelSet = false;
  for (const [re, l] of levels) {
    const m = re.exec(t);
    if (m && !levelSet) {
      level = l;
      levelSet = true;
      note('level', m[0]);
    }
  }
  const d = levelDifficulty[level];

  let style: DanceStyle | null = null;
  for (const [re, s] of styles) {
    const m = re.exec(t);
    if (m && style === null) {
      style = s;
      note('style', m[0]);
    }
  }

  const energyHits: number[] = [];
  for (const [re, e] of energies) {
    const m = re.exec(t);
    if (m) {
      energyHits.push(e);
      note('energy', m[0]);
    }
  }
  const energy = energyHits.length ? energyHits.reduce((a, b) => a + b, 0) / energyHits.length : 0.5;

  // "2 minutes", "two minutes", "90 seconds", "1:30", "short" / "full song"
  let durationS: number | null = null;
  const clock = /\b(\d{1,2}):([0-5]\d)\b/.exec(t);
  const unit =
    /\b(\d+(?:\.\d+)?|one|two|three|four|five|a|an|half)\s*(?:-|\s)?(minutes?|mins?|m\b|seconds?|secs?|s\b)/.exec(t);
  if (clock) {
    durationS = Number(clock[1]) * 60 + Number(clock[2]);
    note('duration', clock[0]);
  } else if (unit) {
    const n = numberWords[unit[1]!] ?? Number(unit[1]);
    durationS = Math.round(/^m/.test(unit[2]!) ? n * 60 : n);
    note('duration', unit[0]);
  } else if (/\b(short|quick|brief)\b/.test(t)) {
    durationS = 60;
    note('duration', 'short');
  }

  const focus: string[] = [];
  const exclude: string[] = [];
  for (const [re, tag] of focusWords) {
    const global = new RegExp(re.source, 'g');
    for (let m = global.exec(t); m; m = global.exec(t)) {
      // a negation within the three words before: "no dips", "without any turns", "not too many spins"
      const before = t
        .slice(Math.max(0, m.index - 30), m.index)
        .split(' ')
        .slice(-4)
        .join(' ');
      const negated = /\b(no|not|without|avoid|avoiding|except|skip|never|less)\b/.test(before);
      const list = negated ? exclude : focus;
      if (!list.includes(tag)) list.push(tag);
      note(negated ? 'exclude' : 'focus', m[0]);
    }
  }
  return {
    level,
    maxDifficulty: d.max,
    targetDifficulty: d.target,
    style,
    energy,
    durationS,
    focus: focus.filter((f) => !exclude.includes(f)),
    exclude,
    matched,
  };
}
