import type { TimelineEntry } from '../../../shared/logs';
import type { SupervisorEvent } from './managed-process';

/** Turns a supervisor event into the one-line entry the Logs view's timeline shows. */
export function toTimelineEntry(source: string, event: SupervisorEvent, at = Date.now()): TimelineEntry {
  const { kind, ...details } = event;
  return { at, source, kind, summary: summarize(event), details };
}

function summarize(event: SupervisorEvent): string {
  switch (event.kind) {
    case 'spawned':
      return `spawned pid ${event.pid}`;
    case 'ready':
      return `ready in ${event.msToReady} ms`;
    case 'exited':
      return `${event.expected ? 'stopped' : 'exited unexpectedly'} (${event.signal ? `signal ${event.signal}` : `code ${event.code}`})`;
    case 'backoff':
      return `restart ${event.attempt} in ${event.delayMs} ms`;
    case 'crash-loop':
      return `crash loop: ${event.crashes} crashes within ${Math.round(event.windowMs / 1000)} s, restarting stopped`;
    case 'degraded':
      return `degraded: ${event.reason}`;
    case 'spawn-failed':
      return `could not start: ${event.message}`;
    case 'stopped-on-exit-code':
      return `exited with code ${event.code}, not restarted (a restart cannot fix it)${event.reason ? `: ${event.reason}` : ''}`;
  }
}
