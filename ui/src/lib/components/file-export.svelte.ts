import { toErrorPayload } from '../backend/errors';
import type { ExportedFile } from '../backend/types';
import type { ErrorPayload } from '../bindings/ErrorPayload';

/**
 * One export at a time (map, report, partner kit): what is being written, the file it
 * produced, or why it failed. A new export clears the previous outcome so a stale "saved"
 * line never sits next to a new error.
 */
export class FileExport {
  /** What is being written, while a write is in flight. */
  busy: string | undefined = $state();
  result: { what: string; file: ExportedFile } | undefined = $state();
  error: ErrorPayload | undefined = $state();

  /** `task` resolves to null when the person cancelled Save as: nothing is shown then. */
  async run(what: string, task: () => Promise<ExportedFile | null>): Promise<void> {
    this.busy = what;
    this.error = undefined;
    this.result = undefined;
    try {
      const file = await task();
      if (file !== null) this.result = { what, file };
    } catch (reason) {
      this.error = toErrorPayload(reason);
    } finally {
      this.busy = undefined;
    }
  }
}
