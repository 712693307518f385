// The known asset and zone at an alert's source or destination address.
import { parseIp, type OtContext } from '@watchfloor/detection/ot';

export interface Endpoint {
  assetId: string | null;
  zoneId: string | null;
}

export type EndpointResolver = (ip: string | null) => Endpoint;

const UNKNOWN: Endpoint = Object.freeze({ assetId: null, zoneId: null });

/**
 * Resolves addresses against `lookup`, each distinct address once: a batch's alerts repeat the same
 * few hosts. Make one per batch (the cache lives as long as the resolver, and the model can change
 * between batches). The returned endpoints are shared: read them, do not change them.
 */
export function createEndpointResolver(lookup: OtContext | null): EndpointResolver {
  const resolved = new Map<string, Endpoint>();
  return (ip) => {
    if (!lookup || !ip) return UNKNOWN;
    let endpoint = resolved.get(ip);
    if (!endpoint) {
      endpoint = endpointAt(lookup, ip);
      resolved.set(ip, endpoint);
    }
    return endpoint;
  };
}

function endpointAt(lookup: OtContext, ip: string): Endpoint {
  const addr = parseIp(ip);
  if (!addr) return UNKNOWN;
  const asset = lookup.assetAt(addr);
  const zone = lookup.zoneOf(addr);
  return { assetId: asset?.id ?? null, zoneId: zone?.id ?? asset?.zoneId ?? null };
}
