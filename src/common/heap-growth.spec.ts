import { HEAP_GROWING_PERCENT, heapGrowthFlag } from './heap-growth';

describe('heapGrowthFlag', () => {
  it('bounds the old generation at HEAP_GROWING_PERCENT when node was started without a bound', () => {
    expect(heapGrowthFlag([])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(heapGrowthFlag(['--enable-source-maps', '--cpu-prof', '--heap-growing-percentage=9'])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  });

  it("leaves an operator's own bound alone, in either spelling V8 accepts", () => {
    expect(heapGrowthFlag(['--heap-growing-percent=60'])).toBeNull();
    expect(heapGrowthFlag(['--cpu-prof', '--heap_growing_percent=10'])).toBeNull();
    expect(heapGrowthFlag(['--heap-growing-percent'])).toBeNull();
  });
});
