import path from 'node:path';
import { z } from 'zod';
import { parseNodeList } from '../shared/node-address';
import { BitcoinNetwork, RELAY_ENV } from '../shared/relay-contract';
import { TierName, type TierSpec, TIERS } from '../shared/tiers';
import { BOOLEAN, type KnobConfig, readKnobs } from './health/knob-config';
import type { LogLevel } from './util/log';
import { NETWORKS } from './wire/constants';
import type { NodeAddress } from './p2p/upstream';
import { type HygieneConfig, HygieneConfigError, parseHygiene } from './p2p/hygiene/config';

/** A startup error always names the variable, so the panel can point at the setting to fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

export type { GcPercent } from './health/knob-config';

export interface RelayConfig extends KnobConfig {
  readonly tier: TierSpec;
  readonly apiHost: string;
  /** 0 binds both servers on ephemeral ports. */
  readonly apiPort: number;
  readonly healthPort: number;
  /** The first key is the panel's own and is exempt from rate limits. */
  readonly apiKeys: readonly string[];
  readonly network: BitcoinNetwork;
  readonly nodes: readonly NodeAddress[];
  readonly parentWatch: boolean;
  /** Header store folder (DATA_DIR); null keeps headers in memory only. */
  readonly dataDir: string | null;
  readonly logLevel: LogLevel;
  /** Peer hygiene limits (P2P_* variables, see relay/p2p/hygiene/config.ts). */
  readonly hygiene: HygieneConfig;
  /** How often to ask again an upstream node that is itself still syncing (UPSTREAM_SYNC_RETRY_MS). */
  readonly upstreamSyncRetryMs: number;
  /** Overrides the network's minimum chain work (MINIMUM_CHAIN_WORK, hex; Core's -minimumchainwork). */
  readonly minimumChainWork: bigint | null;
}

type Env = Readonly<Record<string, string | undefined>>;

const PORT = z.coerce.number().int().min(0).max(65534);
const KEYS = z
  .string()
  .transform((s) => s.split(',').map((k) => k.trim()))
  .pipe(
    z
      .array(
        z
          .string()
          .min(1, 'empty key in list')
          .regex(/^[\x21-\x7e]+$/, 'keys are printable ASCII'),
      )
      .min(1),
  );

/** Unset and empty are the same: a launcher that passes `VAR=` means "use the default". */
function read<T>(env: Env, name: string, schema: z.ZodType<T>): T | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const result = schema.safeParse(raw);
  if (!result.success) {
    const why = result.error.issues.map((i) => i.message).join('; ');
    throw new ConfigError(name, `invalid value ${JSON.stringify(raw)} (${why})`);
  }
  return result.data;
}

/** host:port[,host:port...]; IPv6 as [addr]:port; a missing port is the network's default. */
export function parseNodes(value: string, defaultPort: number): NodeAddress[] {
  // The same rules the panel applies when the setting is saved (shared/node-address.ts).
  const result = parseNodeList(value, defaultPort);
  if (!result.ok) throw new ConfigError(RELAY_ENV.bitcoinNode, result.problem);
  return result.nodes;
}

export function parseConfig(env: Env): RelayConfig {
  const tierName = read(env, RELAY_ENV.tier, TierName) ?? 'free';
  const tier = TIERS[tierName];
  const network = read(env, RELAY_ENV.bitcoinNetwork, BitcoinNetwork) ?? 'regtest';
  read(env, RELAY_ENV.logFormat, z.literal('json'));
  const apiKeys = read(env, RELAY_ENV.apiKeys, KEYS);
  if (!apiKeys)
    throw new ConfigError(RELAY_ENV.apiKeys, 'required: comma-separated keys, the panel key first');
  const apiPort = read(env, RELAY_ENV.apiPort, PORT) ?? 8080;
  const defaultPort = NETWORKS[network].defaultPort;
  const nodeValue = env[RELAY_ENV.bitcoinNode];
  const nodes = nodeValue ? parseNodes(nodeValue, defaultPort) : [{ host: '127.0.0.1', port: defaultPort }];
  return {
    tier,
    apiHost:
      read(env, RELAY_ENV.apiHost, z.string().regex(/^[\w.:[\]-]+$/, 'a host name or address')) ??
      '127.0.0.1',
    apiPort,
    healthPort: apiPort === 0 ? 0 : apiPort + 1,
    apiKeys,
    network,
    nodes,
    // The tier supplies the knobs' defaults; anything set explicitly in the environment wins.
    ...readKnobs(tier, (name, schema) => read(env, name, schema)),
    parentWatch: read(env, RELAY_ENV.parentWatch, BOOLEAN) ?? false,
    dataDir:
      read(
        env,
        RELAY_ENV.dataDir,
        z.string().refine((p) => path.isAbsolute(p), 'an absolute path'),
      ) ?? null,
    logLevel: read(env, 'LOG_LEVEL', z.enum(['debug', 'info', 'warn', 'error'])) ?? 'info',
    hygiene: readHygiene(env),
    upstreamSyncRetryMs:
      read(env, 'UPSTREAM_SYNC_RETRY_MS', z.coerce.number().int().min(100).max(3_600_000)) ?? 60_000,
    minimumChainWork:
      read(
        env,
        'MINIMUM_CHAIN_WORK',
        z
          .string()
          .regex(/^(0x)?[0-9a-fA-F]{1,64}$/, 'hex, up to 64 digits')
          .transform((v) => BigInt(v.startsWith('0x') ? v : `0x${v}`)),
      ) ?? null,
  };
}

function readHygiene(env: Env): HygieneConfig {
  try {
    return parseHygiene(env);
  } catch (err) {
    if (err instanceof HygieneConfigError) throw new ConfigError(err.variable, err.message);
    throw err;
  }
}
