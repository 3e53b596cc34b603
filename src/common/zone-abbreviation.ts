/**
 * The zone's short name as people on both sides of the border read it ("CST", "EDT"). Taken from US
 * English whatever the reader's language: Spanish Intl data only has "GMT-6".
 */
export function zoneAbbreviation(at: Date, zone: string): string {
  const format = abbreviationFormat(zone);
  return format?.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? zone;
}

/**
 * One formatter per zone, made on first use: building an Intl.DateTimeFormat costs far more than using
 * one, and every RSVP mail names its zone (luxon's offsetNameShort builds a new one per call).
 */
const ABBREVIATIONS = new Map<string, Intl.DateTimeFormat | null>();
function abbreviationFormat(zone: string): Intl.DateTimeFormat | null {
  let format = ABBREVIATIONS.get(zone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' });
    } catch {
      format = null; // not a zone Intl knows: the caller shows the zone's name
    }
    // Bounded by the zones Intl knows (a few hundred) plus what was refused; zones come from
    // validated events and supporters.
    if (ABBREVIATIONS.size < 1000) ABBREVIATIONS.set(zone, format);
  }
  return format;
}
