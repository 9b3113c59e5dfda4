import { HEAP_GROWING_PERCENT, heapGrowthFlag } from './heap-growth';

describe('heapGrowthFlag', () => {
  it('sets the growing factor from HEAP_GROWING_PERCENT when node was started without one', () => {
    expect(heapGrowthFlag([])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(heapGrowthFlag(['--enable-source-maps', '--cpu-prof', '--heap-growing-percentage=9'])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  });

  it("leaves an operator's own value alone, in either spelling V8 accepts", () => {
    expect(heapGrowthFlag(['--heap-growing-percent=60'])).toBeNull();
    expect(heapGrowthFlag(['--cpu-prof', '--heap_growing_percent=10'])).toBeNull();
    // 0 gives the choice back to V8.
    expect(heapGrowthFlag(['--heap-growing-percent=0'])).toBeNull();
  });
});
