/** The real-time lane's section of the configuration: the priority of its thread. */
import { z } from 'zod';

export const laneSchema = z
  .strictObject({
    nice: z
      .number()
      .int()
      .min(-20)
      .max(19)
      .nullable()
      .default(-10)
      .describe(
        "Nice value of the real-time lane's process (mapping and OSC/DMX sending), below the rest of the box; needs systemd's LimitNICE (the unit sets it) or CAP_SYS_NICE, else it stays at the process's. null = leave it.",
      ),
    fifoPriority: z
      .number()
      .int()
      .min(1)
      .max(99)
      .nullable()
      .default(10)
      .describe(
        "SCHED_FIFO priority of the lane's process (set with chrt), so a busy box never makes it wait for a CPU; needs systemd's LimitRTPRIO (the unit sets it) or CAP_SYS_NICE, else the lane keeps its nice value. null = do not ask.",
      ),
  })
  .prefault({})
  .describe('The real-time lane: the thread that turns samples into datagrams (daemon/lane/README.md).');
