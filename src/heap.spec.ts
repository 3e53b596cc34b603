import { boundHeapGrowth } from './heap.js';

describe('boundHeapGrowth', () => {
  const saved = process.env.NODE_OPTIONS;
  afterEach(() => {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  });

  it('sets the growing factor when node was started without one', () => {
    delete process.env.NODE_OPTIONS;
    expect(boundHeapGrowth(['--enable-source-maps'])).toBe(true);
  });

  it('keeps a factor given on the command line or in NODE_OPTIONS', () => {
    delete process.env.NODE_OPTIONS;
    expect(boundHeapGrowth(['--heap-growing-percent=20'])).toBe(false);
    expect(boundHeapGrowth(['--heap_growing_percent=20'])).toBe(false);
    process.env.NODE_OPTIONS = '--max-old-space-size=512 --heap-growing-percent=30';
    expect(boundHeapGrowth([])).toBe(false);
  });
});
