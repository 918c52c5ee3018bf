/**
 * Reads the part files of one input back as the records a single `analyze` run would have
 * emitted: output frames only (pre-roll dropped), in `ptsMs` order, renumbered, with global
 * track ids, AU events placed before the first frame after their end, and blinks before the
 * frame that reopened the eyes (each part wrote them there; a blink needs no join, since the
 * part that outputs its reopening frame decoded the whole closure, pre-roll included).
 *
 * Two passes: the first joins the events (an episode cut by a part boundary is closed by one
 * part and continued in the next one's pre-roll: the two become one), the second streams the
 * frames, checks that they are contiguous (no frame missing or repeated across parts), and
 * turns the events' part-local frame indices into merged ones.
 */
import { DistributedError } from '../errors.js';
import type { AnalysisRecord, AUEvent, BlinkEvent } from '../index.js';
import { readPartLines } from './partFiles.js';
import { TrackJoiner } from './joinTracks.js';

/** A boundary gap may exceed the frame interval before it by this factor (plus 1 ms). */
const MAX_GAP_FACTOR = 1.5;

export interface MergeInput {
  readonly files: readonly string[];
  readonly preRollMs: number;
  readonly tracking: boolean;
}

/** An event and the segments (part starts and resumes, counted from 1) of its two indices. */
export interface JoinedEvent {
  readonly event: AUEvent;
  readonly startSegment: number;
  readonly endSegment: number;
}

/** The joined events, sorted by end time. */
export async function joinedEvents(input: MergeInput): Promise<JoinedEvent[]> {
  const joiner = new TrackJoiner(input.preRollMs + 1000, input.tracking);
  const events: JoinedEvent[] = [];
  let segment = 0;
  let segmentStart = 0;
  let lastPtsBefore = -Infinity;
  let lastPts = -Infinity;
  for (const file of input.files) {
    for await (const line of readPartLines(file)) {
      if (line.t === 's') {
        joiner.startSegment();
        segment += 1;
        segmentStart = line.startMs;
        lastPtsBefore = lastPts;
      } else if (line.t === 'p') joiner.addPreRoll(line.r);
      else if (line.t === 'b') joiner.mapEvent(line.r);
      else if (line.t === 'f') lastPts = joiner.mapFrame(line.r).ptsMs;
      else if (line.t === 'e') {
        const event = joiner.mapEvent(line.r);
        const cut =
          event.startMs < segmentStart
            ? events.findIndex(
                ({ event: e }) =>
                  e.trackId === event.trackId && e.au === event.au && e.endMs >= lastPtsBefore - 0.5,
              )
            : -1;
        if (cut < 0) events.push({ event, startSegment: segment, endSegment: segment });
        else
          events[cut] = {
            ...events[cut]!,
            event: joinEpisodes(events[cut]!.event, event),
            endSegment: segment,
          };
      }
    }
  }
  return events.sort((a, b) => a.event.endMs - b.event.endMs);
}

function joinEpisodes(first: AUEvent, rest: AUEvent): AUEvent {
  const peak = rest.peakProbability > first.peakProbability ? rest : first;
  return {
    ...first,
    endMs: rest.endMs,
    endIndex: rest.endIndex,
    peakMs: peak.peakMs,
    peakProbability: peak.peakProbability,
  };
}

/** Frames and events in output order; throws `AUF_ERR_PARTS_INCOMPLETE` on a gap or repeat. */
export async function* mergedRecords(
  input: MergeInput,
  events: readonly JoinedEvent[],
): AsyncGenerator<AnalysisRecord> {
  const joiner = new TrackJoiner(input.preRollMs + 1000, input.tracking);
  // Part-local frame index -> merged index, per segment, for the events' start and end frames.
  const starts = new Map<string, number[]>();
  const ends = new Map<string, number[]>();
  const at = (map: Map<string, number[]>, key: string, i: number): void =>
    void map.set(key, [...(map.get(key) ?? []), i]);
  events.forEach(({ event, startSegment, endSegment }, i) => {
    at(starts, `${startSegment}:${event.startIndex}`, i);
    at(ends, `${endSegment}:${event.endIndex}`, i);
  });
  const indices = events.map(({ event }) => ({ startIndex: event.startIndex, endIndex: event.endIndex }));
  // A continued episode that starts in a pre-roll (its first part never emitted it) starts at
  // the merged frame of the same time.
  const byStart = events.map((_, i) => i).sort((a, b) => events[a]!.event.startMs - events[b]!.event.startMs);
  let startCursor = 0;
  let nextEvent = 0;
  const withIndices = (i: number): AUEvent => ({ ...events[i]!.event, ...indices[i]! });
  let segment = 0;
  let index = 0;
  let lastPts: number | undefined;
  let lastGap: number | undefined;
  let atBoundary = false;
  let blinks: BlinkEvent[] = [];
  for (const [part, file] of input.files.entries()) {
    for await (const line of readPartLines(file)) {
      if (line.t === 's') {
        joiner.startSegment();
        segment += 1;
        atBoundary = true;
      } else if (line.t === 'p') joiner.addPreRoll(line.r);
      else if (line.t === 'e')
        joiner.mapEvent(line.r); // same id assignments as the first pass
      else if (line.t === 'b') blinks.push(joiner.mapEvent(line.r));
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
        for (const i of starts.get(`${segment}:${line.r.index}`) ?? []) indices[i]!.startIndex = index;
        for (const i of ends.get(`${segment}:${line.r.index}`) ?? []) indices[i]!.endIndex = index;
        for (; startCursor < byStart.length; startCursor += 1) {
          const i = byStart[startCursor]!;
          const { event, startSegment } = events[i]!;
          if (event.startMs > frame.ptsMs + 0.5) break;
          if (Math.abs(event.startMs - frame.ptsMs) < 0.5 && startSegment !== segment)
            indices[i]!.startIndex = index;
        }
        while (nextEvent < events.length && events[nextEvent]!.event.endMs < frame.ptsMs)
          yield withIndices(nextEvent++);
        yield* blinks; // after the AU events, as detectBlinks follows detectEvents
        blinks = [];
        yield { ...frame, index };
        index += 1;
        lastPts = frame.ptsMs;
      }
    }
  }
  while (nextEvent < events.length) yield withIndices(nextEvent++);
}
