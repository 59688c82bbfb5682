/** IPv4 and IPv6 addresses and CIDR ranges, for IpAddress / NotIpAddress. */
import { InternTable } from './intern.js';

export interface ParsedAddress {
  version: 4 | 6;
  value: bigint;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  let head = text;
  let tailV4: bigint | undefined;
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.') && lastColon >= 0) {
    tailV4 = parseIpv4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups = s.split(':');
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = parseGroups(halves[0] as string);
  const right = halves.length === 2 ? parseGroups(halves[1] as string) : [];
  if (!left || !right) return undefined;
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...right];
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

export function parseIpAddress(text: string): ParsedAddress | undefined {
  const trimmed = text.trim();
  const v4 = parseIpv4(trimmed);
  if (v4 !== undefined) return { version: 4, value: v4 };
  const v6 = trimmed.includes(':') ? parseIpv6(trimmed) : undefined;
  return v6 === undefined ? undefined : { version: 6, value: v6 };
}

export interface CidrRange {
  version: 4 | 6;
  network: bigint;
  mask: bigint;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). */
export function parseCidr(text: string): CidrRange | undefined {
  const [address, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined || address === undefined) return undefined;
  const parsed = parseIpAddress(address);
  if (!parsed) return undefined;
  const bits = parsed.version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return undefined;
  const all = (1n << BigInt(bits)) - 1n;
  const mask = prefix === 0 ? 0n : (all << BigInt(bits - prefix)) & all;
  return { version: parsed.version, network: parsed.value & mask, mask };
}

export function cidrContainsAddress(range: CidrRange, parsed: ParsedAddress | undefined): boolean {
  if (!parsed || parsed.version !== range.version) return false;
  return (parsed.value & range.mask) === range.network;
}

const addresses = new InternTable<ParsedAddress | null>(10_000);

/** `parseIpAddress`, remembered per text: requests come from the same few addresses, and parsing takes BigInts. */
export function parseIpAddressCached(text: string): ParsedAddress | undefined {
  let parsed = addresses.get(text);
  if (parsed === undefined) parsed = addresses.set(text, parseIpAddress(text) ?? null);
  return parsed ?? undefined;
}
