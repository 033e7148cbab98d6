/** Reported on /health and /v1/btc/status; kept in step with the P2P user agent. */
export const RELAY_VERSION = '0.1.0';
