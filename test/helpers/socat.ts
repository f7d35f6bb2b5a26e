/**
 * A real tty pair from socat (TESTING.md): `a` for the driver, `b` for the simulated
 * controller. Killing socat is the unplug; starting it again with the same links is the replug.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class SocatPair {
  readonly dir = mkdtempSync(join(tmpdir(), 'codance-tty-'));
  readonly a = join(this.dir, 'ttyA');
  readonly b = join(this.dir, 'ttyB');
  private proc: ChildProcess | undefined;

  async start(): Promise<void> {
    this.proc = spawn('socat', [`pty,raw,echo=0,link=${this.a}`, `pty,raw,echo=0,link=${this.b}`], { stdio: 'ignore' });
    const deadline = Date.now() + 5000;
    while (!(existsSync(this.a) && existsSync(this.b))) {
      if (Date.now() > deadline) throw new Error('socat did not create its tty links within 5 s');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async kill(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
    // socat removes its links on exit; wait until they are gone so the next start is clean.
    const deadline = Date.now() + 2000;
    while ((existsSync(this.a) || existsSync(this.b)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
  }
}
