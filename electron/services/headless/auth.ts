import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';

export const TOKEN_COOKIE = 'sprint_token';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** 22 base64url characters carry 132 bits; shorter cannot reach the 128 a token must have. */
export const MIN_TOKEN_LENGTH = 22;
const MAX_TOKEN_LENGTH = 256;
const TOKEN_CHARACTERS = /^[A-Za-z0-9._~+/=-]+$/;
/** A long token of few distinct characters ("aaaa…") is long without being random. */
const MIN_DISTINCT_CHARACTERS = 10;

/** Why a given --token cannot guard the panel, or null when it can. */
export function tokenProblem(token: string): string | null {
  if (token.length < MIN_TOKEN_LENGTH)
    return `the token must be at least ${MIN_TOKEN_LENGTH} characters (128 bits; e.g. \`openssl rand -hex 16\`), got ${token.length}`;
  if (token.length > MAX_TOKEN_LENGTH) return `the token must be at most ${MAX_TOKEN_LENGTH} characters`;
  if (!TOKEN_CHARACTERS.test(token))
    return 'the token may hold letters, digits and - _ . ~ + / = only (it travels in a URL)';
  if (new Set(token).size < MIN_DISTINCT_CHARACTERS)
    return 'the token repeats too few characters to be random; generate one (e.g. `openssl rand -hex 16`)';
  return null;
}

/**
 * Headless mode's one secret. The token arrives in the URL the user opens; the server then sets it as
 * an HttpOnly, SameSite=Strict cookie so the page's own scripts and styles load without it in their
 * URLs. Every request, HTTP or WebSocket, must carry it one of those ways.
 */
export class TokenGate {
  private readonly expected: Buffer;
  constructor(readonly token: string) {
    this.expected = digest(token);
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

  /** Whether the request carried any token at all (a wrong one counts as a guess; none does not). */
  presented(request: IncomingMessage): boolean {
    const url = new URL(request.url ?? '/', 'http://localhost');
    return (
      url.searchParams.has('token') ||
      readCookie(request.headers.cookie, TOKEN_COOKIE) !== null ||
      /^Bearer /.test(request.headers.authorization ?? '')
    );
  }

  cookieHeader(): string {
    return `${TOKEN_COOKIE}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }

  private matches(candidate: string | null | undefined): boolean {
    if (!candidate) return false;
    // Comparing fixed-length digests keeps the time independent of the guess, its length included.
    return timingSafeEqual(digest(candidate), this.expected);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return null;
}

/** True for the wildcard binds that serve every interface. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

function withPort(host: string, port: number): string {
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

/**
 * The `host:port` values a request may carry in its Host header: the loopback names, the bound
 * address, and for a wildcard bind every address of this machine and its name. Anything else is a
 * page elsewhere reaching the panel through DNS rebinding (evil.example resolving to 127.0.0.1).
 */
export function servedHosts(
  boundHost: string,
  port: number,
  machineAddresses: readonly string[] = localAddresses(),
  /** Names the operator vouches for (a DNS name or reverse proxy in front of the panel). */
  extraNames: readonly string[] = [],
): ReadonlySet<string> {
  const names = ['127.0.0.1', 'localhost', '::1', boundHost, ...extraNames];
  if (isWildcardHost(boundHost)) names.push(...machineAddresses, os.hostname());
  return new Set(names.map((name) => withPort(name, port).toLowerCase()));
}

function localAddresses(): string[] {
  return (
    Object.values(os.networkInterfaces())
      .flat()
      .filter((info) => info !== undefined)
      // A link-local IPv6 address needs its zone to be reached; browsers rarely send those in Host.
      .map((info) => info.address)
  );
}

export function isServedHost(hostHeader: string | undefined, served: ReadonlySet<string>): boolean {
  return hostHeader !== undefined && served.has(hostHeader.toLowerCase());
}

/**
 * A WebSocket's Origin must be one of the addresses the panel serves (the page was loaded from it,
 * for example 127.0.0.1 while the server is bound to 0.0.0.0). Any other origin is a page elsewhere
 * trying to drive the panel through the user's browser.
 */
export function isOwnOrigin(origin: string | undefined, served: ReadonlySet<string>): boolean {
  // Non-browser clients (scripts, tests) send no Origin; the token still guards them.
  if (origin === undefined) return true;
  const match = /^http:\/\/([^/]+)$/i.exec(origin);
  return match?.[1] !== undefined && served.has(match[1].toLowerCase());
}
