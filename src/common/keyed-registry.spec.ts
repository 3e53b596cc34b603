import { CampaignTotalsRegistry } from '../campaigns/campaign-totals.registry.js';
import { ReportRegistry } from '../reports/report-registry.js';
import { SupporterActivityRegistry } from '../supporters/supporter-activity.registry.js';
import { ExportRegistry } from '../reports/export-registry.js';
import { KeyedRegistry } from './keyed-registry.js';

describe('KeyedRegistry', () => {
  it('keeps entries in the order added and finds them by key', () => {
    const r = new KeyedRegistry<string, number>('numbers');
    r.add('b', 2);
    r.add('a', 1);
    expect(r.values()).toEqual([2, 1]);
    expect(r.get('a')).toBe(1);
    expect(r.get('c')).toBeUndefined();
  });

  it('refuses a key added twice, keeping the first entry', () => {
    const r = new KeyedRegistry<string, number>('numbers');
    r.add('a', 1);
    expect(() => r.add('a', 2)).toThrow('numbers: a is registered twice');
    expect(r.values()).toEqual([1]);
  });
});

describe("the app's registries refuse a duplicate key", () => {
  it('campaign totals', () => {
    const r = new CampaignTotalsRegistry();
    const compute = () => Promise.resolve({ total: 0, byAction: [] });
    r.register({ key: 'signatures', compute });
    expect(() => r.register({ key: 'signatures', compute })).toThrow(
      'campaign totals: signatures is registered twice',
    );
  });

  it('supporter activity', () => {
    const r = new SupporterActivityRegistry();
    r.register({ key: 'rsvps', activity: () => Promise.resolve([]) });
    expect(() => r.register({ key: 'rsvps', activity: () => Promise.resolve([]) })).toThrow(
      'supporter activity: rsvps is registered twice',
    );
  });

  it('report sections', () => {
    const r = new ReportRegistry();
    r.register({ key: 'letters', build: () => Promise.resolve(null) });
    expect(() => r.register({ key: 'letters', build: () => Promise.resolve(null) })).toThrow(
      'report sections: letters is registered twice',
    );
  });

  it('exports', () => {
    const r = new ExportRegistry();
    const definition = { kind: 'supporters' } as Parameters<ExportRegistry['register']>[0];
    r.register(definition);
    expect(() => r.register(definition)).toThrow('exports: supporters is registered twice');
  });
});
