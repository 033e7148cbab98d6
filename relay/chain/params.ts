import type { BitcoinNetwork } from '../../shared/relay-contract';
import { NETWORKS, type NetworkParams } from '../wire/constants';

export interface Checkpoint {
  readonly height: number;
  /** Display (big-endian) hex, as Bitcoin Core lists them. */
  readonly hash: string;
}

/**
 * What an SPV client needs beyond the wire parameters to judge headers: the difficulty schedule,
 * the work a real chain has at least, and the compiled-in checkpoints. Values are Bitcoin Core's
 * (src/kernel/chainparams.cpp).
 */
export interface ChainParams extends NetworkParams {
  /** Blocks per difficulty period (nPowTargetTimespan / nPowTargetSpacing). */
  readonly retargetInterval: number;
  readonly targetTimespan: number;
  readonly targetSpacing: number;
  /** Regtest: difficulty never changes, every header repeats its parent's bits. */
  readonly noRetargeting: boolean;
  /** Testnet: a block more than twice the spacing after its parent may use the easiest target. */
  readonly allowMinDifficulty: boolean;
  /** Below this the chain is not the real one, whatever a peer says: never "synced" on it. */
  readonly minimumChainWork: bigint;
  readonly checkpoints: readonly Checkpoint[];
  /**
   * BIP94 (testnet4): a retarget starts from the first block of the period's bits, not the last
   * (a min-difficulty block there cannot drag the next period down), and the first block of a period
   * may not be more than 600 s earlier than its parent (the timewarp attack).
   */
  readonly bip94?: boolean;
}

const SCHEDULE = { retargetInterval: 2016, targetTimespan: 14 * 24 * 60 * 60, targetSpacing: 600 };

export const CHAIN_PARAMS: Readonly<Record<BitcoinNetwork, ChainParams>> = {
  mainnet: {
    ...NETWORKS.mainnet,
    ...SCHEDULE,
    noRetargeting: false,
    allowMinDifficulty: false,
    minimumChainWork: 0x63c4ebd298db40af57541800n,
    checkpoints: [
      { height: 11111, hash: '0000000069e244f73d78e8fd29ba2fd2ed618bd6fa2ee92559f542fdb26e7c1d' },
      { height: 33333, hash: '000000002dd5588a74784eaa7ab0507a18ad16a236e7b1ce69f00d7ddfb5d0a6' },
      { height: 74000, hash: '0000000000573993a3c9e41ce34471c079dcf5f52a0e824a81e7f953b8661a20' },
      { height: 105000, hash: '00000000000291ce28027faea320c8d2b054b2e0fe44a773f3eefb151d6bdc97' },
      { height: 134444, hash: '00000000000005b12ffd4cd315cd34ffd4a594f430ac814c91184a0d42d2b0fe' },
      { height: 168000, hash: '000000000000099e61ea72015e79632f216fe6cb33d7899acb35b75c8303b763' },
      { height: 193000, hash: '000000000000059f452a5f7340de6682a977387c17010ff6e6c3bd83ca8b1317' },
      { height: 210000, hash: '000000000000048b95347e83192f69cf0366076336c639f9b7228e9ba171342e' },
      { height: 216116, hash: '00000000000001b4f4b433e81ee46494af945cf96014816a4e2370f11b23df4e' },
      { height: 225430, hash: '00000000000001c108384350f74090433e7fcf79a606b8e797f065b130575932' },
      { height: 250000, hash: '000000000000003887df1f29024b06fc2200b55f8af8f35453d7be294df2d214' },
      { height: 279000, hash: '0000000000000001ae8c72a0b0c301f67e3afca10e819efa9041e458e9bd7e40' },
      { height: 295000, hash: '00000000000000004d9b4ef50f0f9d686fd69db2e03af35a100370c64632a983' },
    ],
  },
  testnet: {
    ...NETWORKS.testnet,
    ...SCHEDULE,
    noRetargeting: false,
    allowMinDifficulty: true,
    minimumChainWork: 0xc59b14e264ba6c15db9n,
    checkpoints: [{ height: 546, hash: '000000002a936ca763904c3c35fce2f3556c559c0214345d31b1bcebf76acb70' }],
  },
  testnet4: {
    ...NETWORKS.testnet4,
    ...SCHEDULE,
    noRetargeting: false,
    allowMinDifficulty: true,
    bip94: true,
    minimumChainWork: 0x34a4690fe592dc49c7cn,
    checkpoints: [],
  },
  signet: {
    ...NETWORKS.signet,
    ...SCHEDULE,
    noRetargeting: false,
    allowMinDifficulty: false,
    minimumChainWork: 0x206e86f08e8n,
    checkpoints: [],
  },
  regtest: {
    ...NETWORKS.regtest,
    ...SCHEDULE,
    noRetargeting: true,
    allowMinDifficulty: true,
    minimumChainWork: 0n,
    checkpoints: [],
  },
};

export function lastCheckpointHeight(params: ChainParams): number {
  let last = 0;
  for (const c of params.checkpoints) last = Math.max(last, c.height);
  return last;
}
