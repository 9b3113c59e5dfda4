import { buildMetroNetwork, MetroStation } from './metro-network';

const station = (code: string, name: string, line: string, km: number, network = 'TEST-METRO'): MetroStation => ({
  code,
  name,
  network,
  line,
  km,
});

/*
 * Line 1 is a long detour Alpha – Beta – Gamma (20 km); line 2 cuts across Alpha – Delta – Gamma
 * (4 km). Line 3 leaves Delta for Epsilon, line 4 leaves Gamma for Zeta, so Epsilon → Zeta needs
 * two changes (3 → 2 at Delta, 2 → 4 at Gamma). Line 5 is on its own, unreachable from the rest.
 */
const stations: MetroStation[] = [
  station('L1-ALPHA', 'Alpha', '1', 0),
  station('L1-BETA', 'Beta', '1', 10),
  station('L1-GAMMA', 'Gamma', '1', 20),
  station('L2-ALPHA', 'Alpha', '2', 0),
  station('L2-DELTA', 'Delta', '2', 2),
  station('L2-GAMMA', 'Gamma', '2', 4),
  station('L3-DELTA', 'Delta', '3', 5),
  station('L3-EPSILON', 'Epsilon', '3', 8),
  station('L4-GAMMA', 'Gamma', '4', 0),
  station('L4-ZETA', 'Zeta', '4', 1.5),
  station('L5-ISLAND', 'Island', '5', 0),
  station('L5-REEF', 'Reef', '5', 3),
  station('OTHER-ALPHA', 'Alpha', '1', 0, 'OTHER-METRO'),
];

describe('buildMetroNetwork', () => {
  const network = buildMetroNetwork(stations);

  it('measures neighbours on one line by their km difference', () => {
    expect(network.distanceKm('L1-ALPHA', 'L1-BETA')).toBe(10);
    expect(network.distanceKm('L1-BETA', 'L1-ALPHA')).toBe(10);
  });

  it('takes the shorter way through an interchange rather than along one line', () => {
    // Along line 1 it is 20 km; changing to line 2 at Alpha and back at Gamma it is 4 km.
    expect(network.distanceKm('L1-ALPHA', 'L1-GAMMA')).toBe(4);
  });

  it('finds a route needing two changes of line', () => {
    // Epsilon → Delta 3 km (line 3), Delta → Gamma 2 km (line 2), Gamma → Zeta 1.5 km (line 4).
    expect(network.distanceKm('L3-EPSILON', 'L4-ZETA')).toBe(6.5);
  });

  it('charges no distance for entering and leaving at the same station, or changing lines there', () => {
    expect(network.distanceKm('L1-BETA', 'L1-BETA')).toBe(0);
    expect(network.distanceKm('L1-GAMMA', 'L4-GAMMA')).toBe(0);
  });

  it('answers null when the stations are not connected, in different networks, or unknown', () => {
    expect(network.distanceKm('L1-ALPHA', 'L5-REEF')).toBeNull();
    expect(network.distanceKm('L1-ALPHA', 'OTHER-ALPHA')).toBeNull();
    expect(network.distanceKm('L1-ALPHA', 'NOWHERE')).toBeNull();
  });

  it('gives the longest shortest path of a network, ignoring unreachable pairs', () => {
    // Beta → Epsilon: 10 km to Alpha or Gamma, 2 km to Delta, 3 km to Epsilon.
    expect(network.maxDistanceKm('TEST-METRO')).toBe(15);
    expect(network.maxDistanceKm('OTHER-METRO')).toBe(0);
    expect(network.maxDistanceKm('UNKNOWN')).toBe(0);
  });

  it('tells the network of a station', () => {
    expect(network.networkOf('OTHER-ALPHA')).toBe('OTHER-METRO');
    expect(network.networkOf('NOWHERE')).toBeNull();
  });

  it('rounds to 0.1 km so float noise cannot push a trip over a band edge', () => {
    // In floating point 4.1 − 0.1 is 3.9999999999999996 and 0.1 + 0.2 + 3.7 is 4.000000000000001.
    const noisy = buildMetroNetwork([
      station('A', 'A', '1', 0.1),
      station('B', 'B', '1', 4.1),
      station('C', 'C', '2', 0),
      station('D', 'D', '2', 0.1),
      station('E', 'E', '2', 0.3),
      station('F', 'F', '2', 4.0),
    ]);
    expect(noisy.distanceKm('A', 'B')).toBe(4);
    expect(noisy.distanceKm('C', 'F')).toBe(4);
    expect(noisy.distanceKm('D', 'E')).toBe(0.2);
  });

  it('sorts a line by km whatever order its stations are listed in', () => {
    const shuffled = buildMetroNetwork([station('C', 'C', '1', 7), station('A', 'A', '1', 0), station('B', 'B', '1', 3)]);
    expect(shuffled.distanceKm('A', 'B')).toBe(3);
    expect(shuffled.distanceKm('B', 'C')).toBe(4);
  });

  it('closes a ring line when told its full length', () => {
    const ringStations = [station('R0', 'R0', '7', 0), station('R1', 'R1', '7', 10), station('R2', 'R2', '7', 20)];
    expect(buildMetroNetwork(ringStations).distanceKm('R2', 'R0')).toBe(20);
    const ring = buildMetroNetwork(ringStations, { ringLines: [{ network: 'TEST-METRO', line: '7', lengthKm: 24 }] });
    expect(ring.distanceKm('R2', 'R0')).toBe(4);
    expect(ring.distanceKm('R1', 'R0')).toBe(10);
  });

  it('rejects a station code listed twice', () => {
    expect(() => buildMetroNetwork([station('A', 'A', '1', 0), station('A', 'B', '1', 2)])).toThrow('station A is listed twice');
  });
});
