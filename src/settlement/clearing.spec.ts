import { netPositions } from './clearing';

describe('netPositions', () => {
  it('nets opposite flows into one payment from the larger debtor', () => {
    expect(
      netPositions([
        { issuerRegion: 'CHONGQING', acquirerRegion: 'SICHUAN', count: 3, amountFen: 900 },
        { issuerRegion: 'SICHUAN', acquirerRegion: 'CHONGQING', count: 1, amountFen: 250 },
        { issuerRegion: 'SICHUAN', acquirerRegion: 'SICHUAN', count: 9, amountFen: 5000 },
      ]),
    ).toEqual([{ from: 'CHONGQING', to: 'SICHUAN', amountFen: 650 }]);
  });

  it('owes nothing within a region and nothing when flows cancel out', () => {
    expect(netPositions([{ issuerRegion: 'SICHUAN', acquirerRegion: 'SICHUAN', count: 1, amountFen: 180 }])).toEqual([]);
    expect(
      netPositions([
        { issuerRegion: 'CHONGQING', acquirerRegion: 'SICHUAN', count: 1, amountFen: 180 },
        { issuerRegion: 'SICHUAN', acquirerRegion: 'CHONGQING', count: 1, amountFen: 180 },
      ]),
    ).toEqual([]);
  });

  it('keeps a one-way flow as it is', () => {
    expect(netPositions([{ issuerRegion: 'SICHUAN', acquirerRegion: 'CHONGQING', count: 2, amountFen: 360 }])).toEqual([
      { from: 'SICHUAN', to: 'CHONGQING', amountFen: 360 },
    ]);
  });
});
