import { z } from 'zod';
import { ApiErrorShape } from './api-error';

/**
 * Envelopes for transports that carry the API as messages (the headless WebSocket). Electron IPC
 * carries the same params and results through invoke/handle and needs no envelope.
 */

/** Largest message either side accepts; the biggest legitimate one (settings) is a few KB. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

const id = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const RequestMessage = z
  .object({ id, method: z.string().min(1).max(64), params: z.unknown().optional() })
  .strict();
export type RequestMessage = z.infer<typeof RequestMessage>;

/** Cancels the request with that id (long commands: the SLA test, a large export). */
export const CancelMessage = z.object({ id, cancel: z.literal(true) }).strict();
export type CancelMessage = z.infer<typeof CancelMessage>;

export const ClientMessage = z.union([RequestMessage, CancelMessage]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const ResultMessage = z.object({ id, result: z.unknown() });
export const ErrorMessage = z.object({ id: id.nullable(), error: ApiErrorShape });
export const EventMessage = z.object({ event: z.string(), payload: z.unknown() });
export const ServerMessage = z.union([ResultMessage, ErrorMessage, EventMessage]);
export type ServerMessage = z.infer<typeof ServerMessage>;
