/** Time zones: the browser's by default, any IANA zone the browser knows, checked before use. */
import { browserTimeZone } from './format';

export function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

let zones: string[] | null = null;

/** Every IANA zone the browser knows (the zone picker's list), with UTC. */
export function zoneNames(): string[] {
  if (zones) return zones;
  const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  zones = [...new Set(['UTC', browserTimeZone(), ...supported])].sort();
  return zones;
}

/** The zone of the address (`tz=`), the browser's when absent; `problem` when the address names no zone. */
export function zoneFromParams(params: URLSearchParams): { zone: string; problem: string | null } {
  const asked = params.get('tz');
  if (!asked) return { zone: browserTimeZone(), problem: null };
  return isKnownZone(asked) ? { zone: asked, problem: null } : { zone: browserTimeZone(), problem: asked };
}
