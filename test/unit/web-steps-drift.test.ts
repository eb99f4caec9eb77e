import fs from 'node:fs';
import path from 'node:path';
import { renderWebSteps, WEB_STEPS_FILE } from '../../tools/codegen/web-steps';

describe("the page's step catalogue (web/src/steps.generated.ts)", () => {
  it('is what src/domain/steps.ts renders (run `npm run codegen:web` after changing the steps)', () => {
    const committed = fs.readFileSync(path.join(__dirname, '../..', WEB_STEPS_FILE), 'utf8');
    expect(committed).toBe(renderWebSteps());
  });

  it('names the sets the page branches on, as the page had them by hand', () => {
    const text = renderWebSteps();
    expect(text).toContain(
      "DISCARD_STEPS = new Set<PipelineStepKind>(['FAILED_ON_INGEST', 'FILTERED_AT_SOURCE', 'FILTERED_AT_DESTINATION', 'FAILED_DELIVERY', 'FAILED_TO_EXTRACT', 'FILTERED_AT_MAPPING'])",
    );
    expect(text).toContain("ENTRY_STEPS = new Set<PipelineStepKind>(['SUCCESSFULLY_RECEIVED', 'RECORDS_EXTRACTED', 'MEMBERSHIP_CHANGES_COMPUTED'])");
    expect(text).toContain("SYNC_STEPS = new Set<PipelineStepKind>(['FAILED_TO_SYNC', 'SUCCESSFULLY_SYNCED'])");
    expect(text).toContain("RETRY_PENDING: 'Retry pending'");
  });
});
