/** Names that reach this machine's loopback: the same relay may be given under any of them. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1', '0.0.0.0']);

/** The address a URL reaches, as one comparable string: scheme, loopback-folded host, port, path. */
export function relayKey(url: string): string | null {
  try {
    const u = new URL(url);
    const host = LOOPBACK.has(u.hostname.toLowerCase()) ? 'loopback' : u.hostname.toLowerCase();
    const port = u.port || (u.protocol === 'https:' ? '443' : '80');
    return `${u.protocol}//${host}:${port}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return null;
  }
}

/** True when two URLs name the same relay (127.0.0.1 and localhost, a default port, a trailing slash). */
export function sameRelayUrl(a: string, b: string): boolean {
  const ka = relayKey(a);
  return ka !== null && ka === relayKey(b);
}
