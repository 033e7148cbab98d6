import type { BitcoinNetwork } from '../../shared/relay-contract';

export const PROTOCOL_VERSION = 70016;
/** Below this a peer cannot send headers announcements (BIP 130); we relay nothing useful from it. */
export const MIN_PEER_PROTOCOL_VERSION = 70002;
export const SENDHEADERS_VERSION = 70012;
export const SHORT_IDS_BLOCKS_VERSION = 70014;
export const USER_AGENT = '/SprintRelay:0.1.0/';
/** Bitcoin Core's MAX_PROTOCOL_MESSAGE_LENGTH: no single message may claim more than this. */
export const MAX_MESSAGE_BYTES = 4_000_000;
export const MAX_HEADERS_PER_MESSAGE = 2000;
export const MAX_INV_ENTRIES = 50_000;
export const MAX_LOCATOR_HASHES = 101;

export const INV_BLOCK = 2;
export const INV_WITNESS_FLAG = 0x40000000;
export const INV_CMPCT_BLOCK = 4;

export interface NetworkParams {
  readonly name: BitcoinNetwork;
  readonly magic: Buffer;
  readonly defaultPort: number;
  /** The real genesis header of the network: every chain we accept starts here. */
  readonly genesisHeaderHex: string;
  readonly genesisHash: string;
  /** Easiest target the network allows, as compact bits; a header claiming an easier one is invalid. */
  readonly powLimitBits: number;
}

// All four genesis blocks share the same coinbase, hence the same merkle root; they differ in time,
// bits and nonce. The hashes are asserted by computing them in header.test.ts.
const GENESIS_PREFIX =
  '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a';

export const NETWORKS: Readonly<Record<BitcoinNetwork, NetworkParams>> = {
  mainnet: {
    name: 'mainnet',
    magic: Buffer.from('f9beb4d9', 'hex'),
    defaultPort: 8333,
    genesisHeaderHex: `${GENESIS_PREFIX}29ab5f49ffff001d1dac2b7c`,
    genesisHash: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
    powLimitBits: 0x1d00ffff,
  },
  testnet: {
    name: 'testnet',
    magic: Buffer.from('0b110907', 'hex'),
    defaultPort: 18333,
    genesisHeaderHex: `${GENESIS_PREFIX}dae5494dffff001d1aa4ae18`,
    genesisHash: '000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943',
    powLimitBits: 0x1d00ffff,
  },
  testnet4: {
    name: 'testnet4',
    magic: Buffer.from('1c163f28', 'hex'),
    defaultPort: 48333,
    // Its own coinbase (the "03/May/2024 …" message), so its own merkle root.
    genesisHeaderHex:
      '0100000000000000000000000000000000000000000000000000000000000000000000004e7b2b9128fe0291db0693af2ae418b767e657cd407e80cb1434221eaea7a07a046f3566ffff001dbb0c7817',
    genesisHash: '00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043',
    powLimitBits: 0x1d00ffff,
  },
  signet: {
    name: 'signet',
    magic: Buffer.from('0a03cf40', 'hex'),
    defaultPort: 38333,
    genesisHeaderHex: `${GENESIS_PREFIX}008f4d5fae77031e8ad22203`,
    genesisHash: '00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6',
    powLimitBits: 0x1e0377ae,
  },
  regtest: {
    name: 'regtest',
    magic: Buffer.from('fabfb5da', 'hex'),
    defaultPort: 18444,
    genesisHeaderHex: `${GENESIS_PREFIX}dae5494dffff7f2002000000`,
    genesisHash: '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
    powLimitBits: 0x207fffff,
  },
};
