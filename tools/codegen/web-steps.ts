/**
 * Writes the page's step catalogue (web/src/steps.generated.ts) from src/domain/steps.ts, as
 * GraphQL Code Generator writes its documents from the schema: the page cannot import the
 * server's modules, and a list kept by hand drifts. `npm run codegen:web` runs it;
 * test/unit/web-steps-drift.test.ts fails when the committed file differs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DISCARD_STEP_KINDS, ENTRY_KINDS, MAPPING_NARROWED_KINDS, PIPELINE_STEPS, PipelineStepKind, SYNC_KINDS } from '../../src/domain/steps';

export const WEB_STEPS_FILE = 'web/src/steps.generated.ts';

const list = (kinds: readonly PipelineStepKind[]) => `new Set<PipelineStepKind>([${kinds.map((k) => `'${k}'`).join(', ')}])`;

/** The file's text: every box's label, and the sets of boxes the page treats alike. */
export function renderWebSteps(): string {
  const kinds = Object.values(PipelineStepKind);
  const labels = kinds.map((k) => `  ${k}: '${PIPELINE_STEPS[k].label.replace(/'/g, "\\'")}',`).join('\n');
  return `// Generated from src/domain/steps.ts by \`npm run codegen:web\` (tools/codegen/web-steps.ts). Do not edit.
import type { PipelineStepKind } from './gql/graphql';

/** Every box of every kind's pipeline. */
export const STEP_KINDS = ${list(kinds)};
/** Step names as the pipeline shows them (the API's labels), for skeletons, insights and the live tail. */
export const STEP_LABELS: Record<PipelineStepKind, string> = {
${labels}
};
/** Boxes where events leave the pipeline for a reason code (their detail lists the reasons). */
export const DISCARD_STEPS = ${list(DISCARD_STEP_KINDS)};
/** The first box of each kind: every share is a percent of it, and it opens the breakdown. */
export const ENTRY_STEPS = ${list(ENTRY_KINDS)};
/** The boxes a storage destination fills from its warehouse syncs (their detail lists sync runs). */
export const SYNC_STEPS = ${list(SYNC_KINDS)};
/** The boxes a selected mapping narrows (the others count the destination as a whole). */
export const MAPPING_NARROWED_STEPS = ${list(MAPPING_NARROWED_KINDS)};
`;
}

if (require.main === module) {
  const root = path.resolve(__dirname, '../../..');
  fs.writeFileSync(path.join(root, WEB_STEPS_FILE), renderWebSteps());
  console.log(`wrote ${WEB_STEPS_FILE}`);
}
