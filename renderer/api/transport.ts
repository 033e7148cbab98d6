import type { ApiErrorShape } from '../../shared/api';

export type { Transport } from '../../shared/api/ws-client';

/** The surface the Electron preload exposes on window.sprint. */
export interface SprintBridge {
  commands: Record<
    string,
    (params: unknown, requestId?: string) => Promise<{ result: unknown } | { error: ApiErrorShape }>
  >;
  cancel(requestId: string): void;
  onEvent(listener: (envelope: { event: string; payload: unknown }) => void): () => void;
}

declare global {
  interface Window {
    sprint?: SprintBridge;
  }
}
