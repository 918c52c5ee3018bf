/** Queue names and job ids, derived in one place so submitters, workers and `jobs` agree. */

/** Defaults to `auformer`: queues `auformer-parts` and `auformer-merge`. */
export const DEFAULT_QUEUE_NAME = 'auformer';

export function partsQueueName(name: string): string {
  return `${name}-parts`;
}

export function mergeQueueName(name: string): string {
  return `${name}-merge`;
}

/** Part jobs are `<jobKey>-p<n>`; the merge job's id is the job key itself. */
export function partJobId(jobKey: string, part: number): string {
  return `${jobKey}-p${part}`;
}
