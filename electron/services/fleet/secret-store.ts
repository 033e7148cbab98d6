import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Turns a secret into bytes at rest and back. The desktop app injects Electron's safeStorage (OS
 * keychain / DPAPI / libsecret; electron/shell/secret-codec.ts); headless mode has none and stores
 * the token as is, in a file only its owner can read, and says so.
 */
export interface SecretCodec {
  /** Shown to the user beside the token field: where the token goes and how it is protected. */
  readonly description: string;
  readonly encrypted: boolean;
  encrypt(plain: string): Buffer;
  decrypt(stored: Buffer): string;
}

export const PLAIN_FILE_CODEC: SecretCodec = {
  description:
    'Headless mode has no OS credential store: tokens are kept NOT ENCRYPTED in fleet-secrets.json (mode 0600, readable by this user only).',
  encrypted: false,
  encrypt: (plain) => Buffer.from(plain, 'utf8'),
  decrypt: (stored) => stored.toString('utf8'),
};

const MAX_SECRETS = 64;

const SecretsFile = z.object({
  note: z.string().optional(),
  encrypted: z.boolean(),
  secrets: z.record(z.string(), z.string()),
});

/**
 * Remote panel tokens, by fleet entry id, in their own file (never settings.json): base64 of the
 * codec's bytes. Written atomically with mode 0600.
 */
export class SecretStore {
  private secrets: Record<string, string> = {};

  constructor(
    readonly filePath: string,
    private readonly codec: SecretCodec,
  ) {
    mkdirSync(path.dirname(filePath), { recursive: true });
    if (!existsSync(filePath)) return;
    let json: unknown = null;
    try {
      json = JSON.parse(readFileSync(filePath, 'utf8'));
    } catch {
      // Unreadable: treated as empty; the next save replaces it.
    }
    const parsed = SecretsFile.safeParse(json);
    // A file written under another codec (encrypted before, plain now) cannot be read back: start empty.
    if (parsed.success && parsed.data.encrypted === codec.encrypted) this.secrets = parsed.data.secrets;
  }

  get description(): string {
    return this.codec.description;
  }

  get(id: string): string | null {
    const stored = this.secrets[id];
    if (stored === undefined) return null;
    try {
      return this.codec.decrypt(Buffer.from(stored, 'base64'));
    } catch {
      return null;
    }
  }

  set(id: string, secret: string): void {
    if (!(id in this.secrets) && Object.keys(this.secrets).length >= MAX_SECRETS) {
      throw new Error(`at most ${MAX_SECRETS} stored tokens`);
    }
    this.secrets[id] = this.codec.encrypt(secret).toString('base64');
    this.save();
  }

  delete(id: string): void {
    if (!(id in this.secrets)) return;
    delete this.secrets[id];
    this.save();
  }

  private save(): void {
    const body = {
      note: this.codec.encrypted
        ? 'Remote panel tokens, encrypted with the OS credential store (Electron safeStorage).'
        : 'Remote panel tokens, NOT ENCRYPTED (headless mode has no OS credential store). Keep this file private (mode 0600).',
      encrypted: this.codec.encrypted,
      secrets: this.secrets,
    };
    const temp = `${this.filePath}.tmp`;
    writeFileSync(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, this.filePath);
  }
}
