import type { z } from 'zod';
import { RelayStatus } from '../relay-status';
import { LogLine, TimelineEntry } from '../logs';
import { BlockRelayed, MetricsTick } from '../metrics';
import { ReportProgressEvent } from '../report';
import { SlaTestProgress } from '../sla-test';
import { Settings } from '../settings';
import { ConformanceProgress } from '../conformance';
import { TuneProgress } from '../tuning';

/** Every event the main side pushes to the UI, with its payload schema. */
export const EVENTS = {
  'relay.state': RelayStatus,
  'log.line': LogLine,
  'supervisor.event': TimelineEntry,
  'metrics.tick': MetricsTick,
  'block.relayed': BlockRelayed,
  'report.progress': ReportProgressEvent,
  'slaTest.progress': SlaTestProgress,
  /** One clause of a running relay.checkBinary as it finishes. */
  'conformance.progress': ConformanceProgress,
  'tune.progress': TuneProgress,
  /** After every saved change, whoever made it (a form, the tray, another window). */
  'settings.changed': Settings,
} as const;

export type Events = typeof EVENTS;
export type EventName = keyof Events;
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(EVENTS, name);
}
