import { safeStorage } from 'electron';
import { PLAIN_FILE_CODEC, type SecretCodec } from '../services/fleet/secret-store';

/**
 * Remote panel tokens through the OS credential store: Keychain on macOS, DPAPI on Windows,
 * libsecret/KWallet on Linux. Call after app 'ready'. Where the OS offers none, say so rather than
 * pretend: Linux without a keyring falls back to Chromium's fixed-key "basic_text" obfuscation.
 */
export function safeStorageCodec(): SecretCodec {
  if (!safeStorage.isEncryptionAvailable()) {
    return {
      ...PLAIN_FILE_CODEC,
      description:
        'No OS credential store is available: tokens are kept NOT ENCRYPTED in fleet-secrets.json (mode 0600).',
    };
  }
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null;
  const weak = backend === 'basic_text';
  return {
    description: weak
      ? 'No keyring (GNOME Keyring or KWallet) was found: tokens are only obfuscated in fleet-secrets.json (mode 0600).'
      : 'Tokens are encrypted with the OS credential store (Electron safeStorage) in fleet-secrets.json.',
    encrypted: true,
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (stored) => safeStorage.decryptString(stored),
  };
}
