/**
 * Reads the part files of one input back as the records a single `analyze` run would have
 * emitted: output frames only (pre-roll dropped), in `ptsMs` order, renumbered, with global
 * track ids, and AU events placed before the first frame after their end.
 *
 * Two passes: the first joins the events (an episode cut by a part boundary is closed by one
 * part and continued in the next one's pre-roll: the two become one), the second streams the
 * frames and checks that they are contiguous (no frame missing or repeated across parts).
 */
import { DistributedError } from '../errors.js';
import type { AnalysisRecord, AUEvent } from '../index.js';
import { readPartLines } from './partFiles.js';
import { TrackJoiner } from './joinTracks.js';

/** A boundary gap may exceed the frame interval before it by this factor (plus 1 ms). */
const MAX_GAP_FACTOR = 1.5;

export interface MergeInput {
  readonly files: readonly string[];
  readonly preRollMs: number;
  readonly tracking: boolean;
}

/** The joined events, sorted by end time. */
export async function joinedEvents(input: MergeInput): Promise<AUEvent[]> {
  const joiner = new TrackJoiner(input.preRollMs + 1000, input.tracking);
  const events: AUEvent[] = [];
  let segmentStart = 0;
  let lastPtsBefore = -Infinity;
  let lastPts = -Infinity;
  for (const file of input.files) {
    for await (const line of readPartLines(file)) {
      if (line.t === 's') {
        joiner.startSegment();
        segmentStart = line.startMs;
        lastPtsBefore = lastPts;
      } else if (line.t === 'p') joiner.addPreRoll(line.r);
      else if (line.t === 'f') lastPts = joiner.mapFrame(line.r).ptsMs;
      else if (line.t === 'e') {
        const event = joiner.mapEvent(line.r);
        const cut =
          event.startMs < segmentStart
            ? events.findIndex(
                (e) => e.trackId === event.trackId && e.au === event.au && e.endMs >= lastPtsBefore - 0.5,
              )
            : -1;
        if (cut < 0) events.push(event);
        else events[cut] = joinEpisodes(events[cut]!, event);
      }
    }
  }
  return events.sort((a, b) => a.endMs - b.endMs);
}

function joinEpisodes(first: AUEvent, rest: AUEvent): AUEvent {
  const peak = rest.peakProbability > first.peakProbability ? rest : first;
  return { ...first, endMs: rest.endMs, peakMs: peak.peakMs, peakProbability: peak.peakProbability };
}

/** Frames and events in output order; throws `AUF_ERR_PARTS_INCOMPLETE` on a gap or repeat. */
export async function* mergedRecords(
  input: MergeInput,
  events: readonly AUEvent[],
): AsyncGenerator<AnalysisRecord> {
  const joiner = new TrackJoiner(input.preRollMs + 1000, input.tracking);
  let nextEvent = 0;
  let index = 0;
  let lastPts: number | undefined;
  let lastGap: number | undefined;
  let atBoundary = false;
  for (const [part, file] of input.files.entries()) {
    for await (const line of readPartLines(file)) {
      if (line.t === 's') {
        joiner.startSegment();
        atBoundary = true;
      } else if (line.t === 'p') joiner.addPreRoll(line.r);
      else if (line.t === 'e')
        joiner.mapEvent(line.r); // same id assignments as the first pass
      else {
        const frame = joiner.mapFrame(line.r);
        if (lastPts !== undefined) {
          const gap = frame.ptsMs - lastPts;
          if (gap <= 0 || (atBoundary && lastGap !== undefined && gap > lastGap * MAX_GAP_FACTOR + 1)) {
            throw new DistributedError(
              'AUF_ERR_PARTS_INCOMPLETE',
              `Part ${part} of ${file}: frame at ${frame.ptsMs.toFixed(3)} ms follows ${lastPts.toFixed(3)} ms ` +
                `(${gap <= 0 ? 'repeated or out of order' : 'frames missing'}). Retry the job: its parts are rebuilt.`,
            );
          }
          if (!atBoundary) lastGap = gap;
        }
        atBoundary = false;
        while (nextEvent < events.length && events[nextEvent]!.endMs < frame.ptsMs)
          yield events[nextEvent++]!;
        yield { ...frame, index };
        index += 1;
        lastPts = frame.ptsMs;
      }
    }
  }
  while (nextEvent < events.length) yield events[nextEvent++]!;
}
