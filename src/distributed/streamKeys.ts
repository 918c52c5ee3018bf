/**
 * Redis key layout of the results plane, shared by producers, consumers and gateways:
 *
 * ```
 * <prefix>:results:<sourceId>   stream, one entry per record: r = MessagePack record, e = lease epoch
 * <prefix>:sources              hash  sourceId -> SourceInfo (JSON), for gateways' hello
 * <prefix>:model                string: the model card (JSON), for gateways' hello
 * ```
 */
export const DEFAULT_STREAM_PREFIX = 'auformer';

export function resultsKey(prefix: string, sourceId: string): string {
  return `${prefix}:results:${sourceId}`;
}

export function sourcesKey(prefix: string): string {
  return `${prefix}:sources`;
}

export function modelKey(prefix: string): string {
  return `${prefix}:model`;
}
