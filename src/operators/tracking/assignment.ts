/**
 * Minimum-cost bipartite matching (Hungarian / Kuhn-Munkres with potentials) with a gate.
 *
 * Trackers match predicted track boxes to detections; greedy IoU matching swaps ids when two
 * faces overlap, the optimal assignment does not. Sizes are tiny (faces in a frame), so the
 * O(n^2 m) algorithm is plenty.
 */

/** Result of `assign`: matched `[row, column]` pairs and what stayed unmatched, ascending. */
export interface Assignment {
  readonly pairs: readonly (readonly [number, number])[];
  readonly unmatchedRows: readonly number[];
  readonly unmatchedColumns: readonly number[];
}

/** Cost given to pairs beyond the gate, so the solver only uses them when forced. */
const FORBIDDEN = 1e6;

/**
 * Solves the assignment for `cost` (`cost.length` rows x `columns`, any shape; `columns` is
 * explicit because a matrix with no rows cannot tell) and drops pairs whose cost is above
 * `maxCost` (they count as unmatched on both sides).
 */
export function assign(cost: readonly (readonly number[])[], columns: number, maxCost: number): Assignment {
  const rows = cost.length;
  const pairs: [number, number][] = [];
  if (rows > 0 && columns > 0) {
    // The solver needs rows <= columns: transpose when there are more rows.
    const transposed = rows > columns;
    const n = transposed ? columns : rows;
    const m = transposed ? rows : columns;
    const at = (i: number, j: number): number => {
      const value = transposed ? cost[j]?.[i] : cost[i]?.[j];
      return value === undefined || value > maxCost ? FORBIDDEN : value;
    };
    const rowOfColumn = solve(n, m, at);
    for (let j = 1; j <= m; j += 1) {
      const i = rowOfColumn[j] ?? 0;
      if (i === 0) continue;
      const [row, column] = transposed ? [j - 1, i - 1] : [i - 1, j - 1];
      if ((cost[row]?.[column] ?? Infinity) <= maxCost) pairs.push([row, column]);
    }
  }
  pairs.sort((a, b) => a[0] - b[0]);
  const matchedRows = new Set(pairs.map((p) => p[0]));
  const matchedColumns = new Set(pairs.map((p) => p[1]));
  return {
    pairs,
    unmatchedRows: range(rows).filter((i) => !matchedRows.has(i)),
    unmatchedColumns: range(columns).filter((j) => !matchedColumns.has(j)),
  };
}

/** e-maxx Hungarian, 1-based; returns for each column j (1..m) its row (0 = none). */
function solve(n: number, m: number, at: (i: number, j: number) => number): number[] {
  const u = new Array<number>(n + 1).fill(0);
  const v = new Array<number>(m + 1).fill(0);
  const p = new Array<number>(m + 1).fill(0);
  const way = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i += 1) {
    p[0] = i;
    let j0 = 0;
    const minv = new Array<number>(m + 1).fill(Infinity);
    const used = new Array<boolean>(m + 1).fill(false);
    do {
      used[j0] = true;
      const i0 = p[j0] ?? 0;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j += 1) {
        if (used[j]) continue;
        const cur = at(i0 - 1, j - 1) - (u[i0] ?? 0) - (v[j] ?? 0);
        if (cur < (minv[j] ?? Infinity)) {
          minv[j] = cur;
          way[j] = j0;
        }
        if ((minv[j] ?? Infinity) < delta) {
          delta = minv[j] ?? Infinity;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j += 1) {
        if (used[j]) {
          const row = p[j] ?? 0;
          u[row] = (u[row] ?? 0) + delta;
          v[j] = (v[j] ?? 0) - delta;
        } else {
          minv[j] = (minv[j] ?? Infinity) - delta;
        }
      }
      j0 = j1;
    } while ((p[j0] ?? 0) !== 0);
    do {
      const j1 = way[j0] ?? 0;
      p[j0] = p[j1] ?? 0;
      j0 = j1;
    } while (j0 !== 0);
  }
  return p;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
