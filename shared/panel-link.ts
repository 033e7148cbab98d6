import { z } from 'zod';

/**
 * How a command-line client finds a running headless panel: a small JSON file the server writes in
 * its data folder (owner-only, 0600) while it runs, and removes when it stops.
 */
export const PANEL_LINK_FILE = 'headless.json';

export const PanelLink = z
  .object({
    /** Base URL, without the token: http://127.0.0.1:8600 */
    url: z.url({ protocol: /^https?$/ }),
    token: z.string().min(16).max(256),
    pid: z.number().int().positive(),
    /** The writer's start time (/proc/PID/stat): a later process given the same pid is not the panel. */
    startTicks: z.string().max(32).nullable().optional(),
  })
  .strict();
export type PanelLink = z.infer<typeof PanelLink>;
