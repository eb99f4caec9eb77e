import { browserTimeZone } from '../format';
import { setParams } from '../route';
import { zoneNames } from '../zone';

/** The zone every time of the view is shown in: the browser's by default, any IANA zone, in the address (`tz=`). */
export function ZonePicker({ zone }: { zone: string }) {
  const browser = browserTimeZone();
  const names = zoneNames();
  return (
    <label className="field">
      <span>Time zone</span>
      <select value={names.includes(zone) ? zone : browser} onChange={(e) => setParams({ tz: e.target.value === browser ? null : e.target.value })}>
        {names.map((name) => (
          <option key={name} value={name}>
            {name === browser ? `${name} (this browser)` : name}
          </option>
        ))}
      </select>
    </label>
  );
}
