/** Bytes of randomness in a generated API key (64 hex characters). */
export const API_KEY_BYTES = 32;

/** A new API key from the platform CSPRNG, as lowercase hex. */
export function generateApiKey(
  fill: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array<ArrayBuffer> = (b) => crypto.getRandomValues(b),
): string {
  const bytes = fill(new Uint8Array(API_KEY_BYTES));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** "a1b2••••••••9f0e": enough to recognise a key without revealing it. */
export function maskApiKey(key: string): string {
  if (key.length <= 8) return '•'.repeat(key.length);
  return `${key.slice(0, 4)}${'•'.repeat(12)}${key.slice(-4)}`;
}
