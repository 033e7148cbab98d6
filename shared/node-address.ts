import { z } from 'zod';

/**
 * The contract's BITCOIN_NODE value: `host:port`, several separated by commas, IPv6 as `[addr]:port`,
 * a missing port meaning the network's default. One parser for both sides: the panel refuses at
 * save exactly what the relay would refuse at start (relay/config.ts uses the same function).
 */

export const MAX_NODES = 16;
export const MAX_NODE_LIST_LENGTH = 2048;
const MAX_HOST_NAME = 253;

export interface NodeAddress {
  readonly host: string;
  readonly port: number;
}

export type NodeListResult = { ok: true; nodes: NodeAddress[] } | { ok: false; problem: string };

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
// RFC 1123 labels: letters, digits and inner hyphens, 1–63 characters each.
const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;

function hostProblem(host: string, bracketed: boolean): string | null {
  if (bracketed) return IPV6.test(host) && host.includes(':') ? null : 'not an IPv6 address';
  const v4 = IPV4.exec(host);
  if (v4) return v4.slice(1).every((octet) => Number(octet) <= 255) ? null : 'not an IPv4 address';
  if (host.length > MAX_HOST_NAME) return `host name longer than ${MAX_HOST_NAME} characters`;
  const labels = host.replace(/\.$/, '').split('.');
  if (labels.every((label) => HOST_LABEL.test(label)) && !/^\d+$/.test(labels.at(-1) ?? '')) return null;
  return 'not a host name or address';
}

export function parseNodeList(value: string, defaultPort: number): NodeListResult {
  if (value.length > MAX_NODE_LIST_LENGTH)
    return { ok: false, problem: `longer than ${MAX_NODE_LIST_LENGTH} characters` };
  const parts = value.split(',');
  if (parts.length > MAX_NODES) return { ok: false, problem: `more than ${MAX_NODES} addresses` };
  const nodes: NodeAddress[] = [];
  for (const part of parts) {
    const item = part.trim();
    const match = /^(?:\[([^\]]*)\]|([^:[\]]*))(?::(\d{1,5}))?$/.exec(item);
    const host = match?.[1] ?? match?.[2] ?? '';
    const port = match?.[3] === undefined ? defaultPort : Number(match[3]);
    const why = !match
      ? 'want host:port'
      : host === ''
        ? 'no host'
        : (hostProblem(host, match[1] !== undefined) ??
          (port < 1 || port > 65535 ? `port ${port} is outside 1-65535` : null));
    if (why) return { ok: false, problem: `invalid address ${JSON.stringify(item.slice(0, 80))} (${why})` };
    nodes.push({ host, port });
  }
  return { ok: true, nodes };
}

function sentence(problem: string): string {
  return `${problem.charAt(0).toUpperCase()}${problem.slice(1)}.`;
}

/** For settings: the same rules (length first) as a zod string; the default port does not matter here. */
export const BitcoinNodeList = z.string().superRefine((value, context) => {
  const result = parseNodeList(value, 8333);
  // Shown under the field as a sentence; the relay prints the same problem after the variable name.
  if (!result.ok) context.addIssue({ code: 'custom', message: sentence(result.problem) });
});
