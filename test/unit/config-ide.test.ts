import { loadConfig } from '../../src/config/config';
import { AppError } from '../../src/domain/errors';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return (err as AppError).details!.problems as string[];
  }
  return [];
}

describe('IDE_ENABLED and INTROSPECTION_ENABLED', () => {
  it('default to true', () => {
    expect(loadConfig({})).toMatchObject({ graphql: { ide: true, introspection: true } });
  });

  it('accept true, false, 1 and 0 in any case', () => {
    expect(loadConfig({ IDE_ENABLED: 'FALSE', INTROSPECTION_ENABLED: '0' })).toMatchObject({ graphql: { ide: false, introspection: false } });
    expect(loadConfig({ IDE_ENABLED: '0' })).toMatchObject({ graphql: { ide: false, introspection: true } });
    expect(loadConfig({ IDE_ENABLED: '1', INTROSPECTION_ENABLED: 'True' })).toMatchObject({ graphql: { ide: true, introspection: true } });
  });

  it('refuse other values, listing the allowed ones', () => {
    expect(problems({ IDE_ENABLED: 'yes' })).toEqual(['IDE_ENABLED="yes" must be one of: true, false, 1, 0']);
  });

  it('refuse the IDE without introspection (it reads the schema through it)', () => {
    expect(problems({ INTROSPECTION_ENABLED: 'false' })).toEqual([expect.stringMatching(/INTROSPECTION_ENABLED=false needs IDE_ENABLED=false/)]);
  });
});
