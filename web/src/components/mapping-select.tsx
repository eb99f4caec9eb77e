/** The Actions mapping dropdown ("" is every mapping), on the destination page and in alert rules. */
export function MappingSelect({
  mappings,
  value,
  onChange,
}: {
  mappings: { id: string; name: string }[];
  value: string;
  onChange: (mappingId: string) => void;
}) {
  return (
    <label className="field">
      <span>Mapping</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">All mappings</option>
        {mappings.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
          </option>
        ))}
      </select>
    </label>
  );
}
