// What taking sharing down asks of the Rust side: the removal's review (nothing runs) and the
// run with the journal. The Backend interface extends this; tauri.ts maps each to one command.
import type { ApplyReport } from '../bindings/ApplyReport';
import type { PlanView } from '../bindings/PlanView';
import type { Progress } from '../bindings/Progress';
import type { RemovalSource } from '../bindings/RemovalSource';

export interface TakeDownBackend {
  /** The steps and cmdlets in order; Exchange's refusals reject with `plan.refused`. */
  removalPreview(source: RemovalSource, forceDomains: boolean): Promise<PlanView>;
  /** Runs the removal with the journal; a second run resumes an interrupted one. */
  removalApply(source: RemovalSource, forceDomains: boolean, onProgress: (p: Progress) => void): Promise<ApplyReport>;
}
