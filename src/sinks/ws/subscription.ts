/**
 * Which sources one client receives records for.
 *
 * Either a set of named sources, or every source (`'*'`, including sources added later) minus
 * the ones unsubscribed one by one since. Bounded: a client may name at most
 * `MAX_SUBSCRIBED_IDS` sources, so repeated subscribes cannot grow server memory.
 */
import { AufError } from '../../errors.js';
import type { SourceSelector, SubscriptionState } from './protocol.js';

/** Most source ids one client's subscription (or exclusion list) may hold. */
export const MAX_SUBSCRIBED_IDS = 1024;

export class Subscription {
  /** True: every source except `ids`. False: only `ids`. */
  private all = false;
  private readonly ids = new Set<string>();

  /** True when records of `sourceId` go to this client. */
  includes(sourceId: string): boolean {
    return this.all !== this.ids.has(sourceId);
  }

  subscribe(sources: SourceSelector): void {
    if (sources === '*') {
      this.all = true;
      this.ids.clear();
      return;
    }
    this.apply(sources, !this.all);
  }

  unsubscribe(sources: SourceSelector): void {
    if (sources === '*') {
      this.all = false;
      this.ids.clear();
      return;
    }
    this.apply(sources, this.all);
  }

  state(): SubscriptionState {
    const ids = [...this.ids];
    return this.all ? { sources: '*', except: ids } : { sources: ids };
  }

  /** Adds (`add`) or removes each id; all or nothing when the result would be too large. */
  private apply(sources: readonly string[], add: boolean): void {
    if (add) {
      const fresh = new Set(sources.filter((id) => !this.ids.has(id)));
      if (this.ids.size + fresh.size > MAX_SUBSCRIBED_IDS) {
        throw new AufError(
          'AUF_ERR_CLIENT_MESSAGE',
          `A subscription may name at most ${MAX_SUBSCRIBED_IDS} sources; subscribe to "*" instead ` +
            `or unsubscribe from some first.`,
        );
      }
      for (const id of fresh) this.ids.add(id);
    } else {
      for (const id of sources) this.ids.delete(id);
    }
  }
}
