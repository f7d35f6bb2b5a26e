/** `codance db restore FILE [--stop]`: the restore, with systemd stopping and starting the daemon around it when asked. */
import { execFileSync } from 'node:child_process';
import { RestoreError, restoreDatabase, storeHolders } from '../store/restore.js';

function systemctl(verb: 'stop' | 'start', unit: string): void {
  try {
    execFileSync('systemctl', [verb, unit], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    throw new RestoreError(`systemctl ${verb} ${unit} failed: ${stderr || (err as Error).message}`);
  }
}

/** Returns the exit code: 0 restored, 1 refused or failed (the reason on stderr). */
export async function restoreCommand(
  storePath: string,
  file: string,
  opts: { stop?: boolean; unit: string },
): Promise<number> {
  let stopped = false;
  let code = 0;
  try {
    if (opts.stop && storeHolders(storePath).length > 0) {
      systemctl('stop', opts.unit);
      stopped = true;
      console.log(`stopped ${opts.unit}`);
    }
    const r = await restoreDatabase(storePath, file);
    console.log(`restored ${r.from} into ${r.store} (backup schema ${r.backupSchema})`);
    console.log(r.migrated.length > 0 ? `migrated: ${r.migrated.join(', ')}` : 'schema: up to date');
    console.log(r.keptAt ? `the previous store is kept at ${r.keptAt}` : 'there was no previous store');
  } catch (err) {
    console.error(`codance db restore: ${err instanceof Error ? err.message : String(err)}`);
    code = 1;
  }
  // Started again whether or not the restore went through: the box goes back into service.
  if (stopped) {
    try {
      systemctl('start', opts.unit);
      console.log(`started ${opts.unit}`);
    } catch (err) {
      console.error(`codance db restore: ${(err as Error).message}`);
      code = 1;
    }
  }
  return code;
}
