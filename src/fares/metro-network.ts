/**
 * The metro graph: shortest distances between stations for the fare by distance. Along a line
 * the distance of neighbouring stations is their km difference; stations with the same name in
 * one network are one interchange, where changing lines costs nothing.
 */

export interface MetroStation {
  readonly code: string;
  readonly name: string;
  readonly network: string;
  readonly line: string;
  /** Position along the line. */
  readonly km: number;
}

/** A loop line (e.g. Chengdu line 7): its last station connects back to its first. */
export interface RingLine {
  readonly network: string;
  readonly line: string;
  /** Length of the full loop, so the closing section is lengthKm − (last km − first km). */
  readonly lengthKm: number;
}

export interface MetroNetwork {
  /** Shortest distance in km, rounded to 0.1 km; null when a station is unknown or unreachable. */
  distanceKm(fromCode: string, toCode: string): number | null;
  /** The longest shortest distance between two stations of a network (0 for fewer than two). */
  maxDistanceKm(network: string): number;
  /** The network of a station, or null when unknown. */
  networkOf(code: string): string | null;
}

interface Edge {
  readonly to: number;
  readonly metres: number;
}

export function buildMetroNetwork(
  stations: readonly MetroStation[],
  options: { readonly ringLines?: readonly RingLine[] } = {},
): MetroNetwork {
  // One node per interchange (network + name); stations are looked up by code.
  const nodeOfKey = new Map<string, number>();
  const nodeNetwork: string[] = [];
  const stationNode = new Map<string, number>();
  const stationNetwork = new Map<string, string>();
  const lines = new Map<string, { network: string; line: string; stops: { node: number; metres: number; code: string }[] }>();

  for (const station of stations) {
    if (stationNode.has(station.code)) throw new Error(`metro network: station ${station.code} is listed twice`);
    if (!Number.isFinite(station.km)) throw new Error(`metro network: station ${station.code} has no finite km`);
    const key = `${station.network}\u0000${station.name}`;
    let node = nodeOfKey.get(key);
    if (node === undefined) {
      node = nodeNetwork.length;
      nodeOfKey.set(key, node);
      nodeNetwork.push(station.network);
    }
    stationNode.set(station.code, node);
    stationNetwork.set(station.code, station.network);
    const lineKey = `${station.network}\u0000${station.line}`;
    const line = lines.get(lineKey) ?? { network: station.network, line: station.line, stops: [] };
    // Integer metres keep sums exact; only the final answer is rounded to 0.1 km.
    line.stops.push({ node, metres: Math.round(station.km * 1000), code: station.code });
    lines.set(lineKey, line);
  }

  const adjacency: Edge[][] = nodeNetwork.map(() => []);
  const connect = (a: number, b: number, metres: number): void => {
    if (a === b) return;
    adjacency[a].push({ to: b, metres });
    adjacency[b].push({ to: a, metres });
  };
  for (const { stops } of lines.values()) {
    stops.sort((a, b) => a.metres - b.metres || a.code.localeCompare(b.code));
    for (let index = 1; index < stops.length; index += 1) {
      connect(stops[index - 1].node, stops[index].node, stops[index].metres - stops[index - 1].metres);
    }
  }
  for (const ring of options.ringLines ?? []) {
    const line = lines.get(`${ring.network}\u0000${ring.line}`);
    if (!line || line.stops.length < 2) continue;
    const first = line.stops[0];
    const last = line.stops[line.stops.length - 1];
    const closing = Math.round(ring.lengthKm * 1000) - (last.metres - first.metres);
    if (!(closing > 0)) {
      throw new Error(`metro network: ring line ${ring.network} ${ring.line} is shorter than its stations span`);
    }
    connect(last.node, first.node, closing);
  }

  const fromSource = new Map<number, readonly number[]>();
  const shortestFrom = (source: number): readonly number[] => {
    let metres = fromSource.get(source);
    if (!metres) {
      metres = dijkstra(adjacency, source);
      fromSource.set(source, metres);
    }
    return metres;
  };

  const longest = new Map<string, number>();

  return {
    distanceKm(fromCode, toCode) {
      const from = stationNode.get(fromCode);
      const to = stationNode.get(toCode);
      if (from === undefined || to === undefined) return null;
      const metres = shortestFrom(from)[to];
      return Number.isFinite(metres) ? metresToKm(metres) : null;
    },
    maxDistanceKm(network) {
      let answer = longest.get(network);
      if (answer === undefined) {
        let maxMetres = 0;
        nodeNetwork.forEach((nodeNet, node) => {
          if (nodeNet !== network) return;
          for (const metres of shortestFrom(node)) {
            if (Number.isFinite(metres) && metres > maxMetres) maxMetres = metres;
          }
        });
        answer = metresToKm(maxMetres);
        longest.set(network, answer);
      }
      return answer;
    },
    networkOf(code) {
      return stationNetwork.get(code) ?? null;
    },
  };
}

function metresToKm(metres: number): number {
  return Math.round(metres / 100) / 10;
}

/** Shortest metres from `source` to every node (Infinity when unreachable); binary-heap Dijkstra. */
function dijkstra(adjacency: readonly (readonly Edge[])[], source: number): number[] {
  const best = adjacency.map(() => Infinity);
  best[source] = 0;
  const heap: [number, number][] = [[0, source]];
  while (heap.length > 0) {
    const [metres, node] = popMin(heap);
    if (metres > best[node]) continue;
    for (const edge of adjacency[node]) {
      const candidate = metres + edge.metres;
      if (candidate < best[edge.to]) {
        best[edge.to] = candidate;
        push(heap, [candidate, edge.to]);
      }
    }
  }
  return best;
}

function push(heap: [number, number][], item: [number, number]): void {
  heap.push(item);
  let index = heap.length - 1;
  while (index > 0) {
    const parent = (index - 1) >> 1;
    if (heap[parent][0] <= heap[index][0]) break;
    [heap[parent], heap[index]] = [heap[index], heap[parent]];
    index = parent;
  }
}

function popMin(heap: [number, number][]): [number, number] {
  const top = heap[0];
  const last = heap.pop() as [number, number];
  if (heap.length > 0) {
    heap[0] = last;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && heap[left][0] < heap[smallest][0]) smallest = left;
      if (right < heap.length && heap[right][0] < heap[smallest][0]) smallest = right;
      if (smallest === index) break;
      [heap[smallest], heap[index]] = [heap[index], heap[smallest]];
      index = smallest;
    }
  }
  return top;
}
