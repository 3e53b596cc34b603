import { cityZone, mainZone, resolveTimeZone, zoneLabel, zoneOptions } from './time-zones.js';

describe('time zones as people choose them', () => {
  it('finds a city’s zone in the country named in either language', () => {
    expect(resolveTimeZone({ city: 'Detroit', country: 'Estados Unidos' })).toEqual({
      zone: 'America/Detroit',
      source: 'city',
    });
    expect(resolveTimeZone({ city: 'Chicago', country: 'US' })?.zone).toBe('America/Chicago');
    expect(resolveTimeZone({ city: 'Tijuana', country: 'México' })?.zone).toBe('America/Tijuana');
    expect(cityZone('monterrey', 'mexico')).toBe('America/Monterrey');
  });

  it('takes the country’s city of that name over a bigger one elsewhere', () => {
    // There is a Mérida in Venezuela and in Spain too.
    expect(cityZone('Mérida', 'MX')).toBe('America/Merida');
    expect(cityZone('Merida', 'ES')).toBe('Europe/Madrid');
  });

  it('resolves a city typed into the zone field instead of refusing it', () => {
    expect(resolveTimeZone({ zone: 'Detroit' })).toEqual({ zone: 'America/Detroit', source: 'city' });
    expect(resolveTimeZone({ zone: 'detroit', country: 'Estados Unidos' })?.zone).toBe('America/Detroit');
  });

  it('keeps an IANA name as typed, in Intl’s spelling', () => {
    expect(resolveTimeZone({ zone: 'america/detroit', city: 'Silao', country: 'MX' })).toEqual({
      zone: 'America/Detroit',
      source: 'zone',
    });
  });

  it('falls back to the country’s main zone for a small town', () => {
    expect(resolveTimeZone({ city: 'Pueblito Inexistente', country: 'México' })).toEqual({
      zone: 'America/Mexico_City',
      source: 'country',
    });
    expect(mainZone('Guatemala')).toBe('America/Guatemala');
  });

  it('answers null when nothing fits, so the form can say what to type', () => {
    expect(resolveTimeZone({ zone: 'Eastern-ish' })).toBeNull();
    expect(resolveTimeZone({})).toBeNull();
    expect(resolveTimeZone({ city: 'Nowhere', country: 'Atlantis' })).toBeNull();
  });

  it('labels zones with names people recognise, in both languages', () => {
    expect(zoneLabel('America/Detroit', 'en')).toBe('Detroit — Eastern Time');
    expect(zoneLabel('America/Mexico_City', 'es')).toMatch(/^Mexico City — hora .*central/i);
    const us = zoneOptions('en', 'Estados Unidos').map((o) => o.zone);
    expect(us).toContain('America/Detroit');
    expect(us).toContain('America/Mexico_City');
    expect(new Set(us).size).toBe(us.length);
  });
});
