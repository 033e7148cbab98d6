import { EVENTS, type EventName, type EventPayload } from '../../../shared/api';

/** An event with its payload's type tied to its name, so listeners narrow with `event === …`. */
export type EventEnvelope = {
  [E in EventName]: { readonly event: E; readonly payload: EventPayload<E> };
}[EventName];
export type EventListener = (envelope: EventEnvelope) => void;

/** Typed fan-out of API events to every transport (IPC windows, WebSocket clients, tests). */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    // Validate on the way out too: a malformed event is a bug here, and must not reach the UI.
    const checked = EVENTS[event].parse(payload);
    for (const listener of this.listeners) {
      try {
        listener({ event, payload: checked } as EventEnvelope);
      } catch {
        // One broken transport must not stop the others from hearing about the relay.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
