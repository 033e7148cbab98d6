import path from 'node:path';
import type { LogLine, TimelineEntry } from '../../shared/logs';
import type { EventBus } from './api/event-bus';
import { RingBuffer } from './util/ring-buffer';
import { RotatingLogFile } from './supervisor/log-file';
import type { RelayService } from './supervisor/relay-service';
import { toTimelineEntry } from './supervisor/timeline';

/**
 * What the relay and the supervisor said: recent lines and timeline entries in memory for the Logs
 * view, every line in a rotating file in the logs folder, and each item as a live event.
 */
export class ActivityLog {
  private readonly lines = new RingBuffer<LogLine>(2000);
  private readonly timeline = new RingBuffer<TimelineEntry>(500);
  private readonly file: RotatingLogFile;

  constructor(
    logsDir: string,
    relay: RelayService,
    private readonly events: EventBus,
  ) {
    this.file = new RotatingLogFile(path.join(logsDir, 'relay.log'), {
      // Shown in the Logs view (and tried once more in the file, which fails quietly by then).
      onError: (message) => this.note('panel', 'error', message),
    });
    relay.on((event) => {
      if (event.kind === 'log') this.addLine(event.line);
      if (event.kind === 'supervisor') this.addTimeline(toTimelineEntry(event.source, event.event));
      if (event.kind === 'timeline') this.addTimeline(event.entry);
    });
  }

  addLine(line: LogLine): void {
    this.lines.push(line);
    this.file.append(JSON.stringify(line));
    this.events.emit('log.line', line);
  }

  /** A line from the panel itself (not a child process), e.g. a history file kept aside. */
  note(source: string, level: LogLine['level'], message: string): void {
    this.addLine({ at: Date.now(), source, stream: 'stderr', level, message });
  }

  addTimeline(entry: TimelineEntry): void {
    this.timeline.push(entry);
    this.file.append(
      JSON.stringify({ at: entry.at, source: 'supervisor', kind: entry.kind, message: entry.summary }),
    );
    this.events.emit('supervisor.event', entry);
  }

  /** Writes every queued line to the log file; the panel awaits this on quit. */
  close(): Promise<void> {
    return this.file.close();
  }

  tail(limit: number): { lines: LogLine[]; timeline: TimelineEntry[] } {
    return { lines: this.lines.last(limit), timeline: this.timeline.last(limit) };
  }
}
