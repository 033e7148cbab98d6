import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'sprint_token';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Headless mode's one secret. The token arrives in the URL the user opens; the server then sets it as
 * an HttpOnly, SameSite=Strict cookie so the page's own scripts and styles load without it in their
 * URLs. Every request, HTTP or WebSocket, must carry it one of those ways.
 */
export class TokenGate {
  private readonly expected: Buffer;
  constructor(readonly token: string) {
    this.expected = Buffer.from(token);
  }

  /** Where the request carried the token: in the URL, the cookie or a bearer header; null if nowhere. */
  check(request: IncomingMessage): 'query' | 'cookie' | 'header' | null {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (this.matches(url.searchParams.get('token'))) return 'query';
    if (this.matches(readCookie(request.headers.cookie, TOKEN_COOKIE))) return 'cookie';
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (this.matches(bearer)) return 'header';
    return null;
  }

  cookieHeader(): string {
    return `${TOKEN_COOKIE}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }

  private matches(candidate: string | null | undefined): boolean {
    if (!candidate) return false;
    const given = Buffer.from(candidate);
    return given.length === this.expected.length && timingSafeEqual(given, this.expected);
  }
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return null;
}

/**
 * The panel's own origins: the address it is bound to, and localhost for a loopback bind. A WebSocket
 * from any other origin is a page elsewhere trying to drive the panel through the user's browser.
 */
export function isOwnOrigin(origin: string | undefined, boundHost: string, port: number): boolean {
  // Non-browser clients (scripts, tests) send no Origin; the token still guards them.
  if (origin === undefined) return true;
  const own = new Set([`http://${boundHost}:${port}`]);
  if (boundHost === '127.0.0.1' || boundHost === 'localhost' || boundHost === '::1') {
    own.add(`http://127.0.0.1:${port}`).add(`http://localhost:${port}`).add(`http://[::1]:${port}`);
  }
  return own.has(origin);
}
