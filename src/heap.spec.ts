import { boundHeapGrowth } from './heap.js';

describe('boundHeapGrowth', () => {
  it('sets the growing factor when node was started without one', () => {
    expect(boundHeapGrowth(['--enable-source-maps'])).toBe(true);
  });

  it('keeps a factor given on the command line', () => {
    expect(boundHeapGrowth(['--heap-growing-percent=20'])).toBe(false);
    expect(boundHeapGrowth(['--heap_growing_percent=20'])).toBe(false);
  });
});
