// The only module that may import @tauri-apps/* (enforced by eslint no-restricted-imports).
import { Channel, invoke } from '@tauri-apps/api/core';

import type { GatherProgress } from '../bindings/GatherProgress';
import type { Progress } from '../bindings/Progress';
import type { VerifyBackend } from '../verify/backend';
import type { WizardBackend } from '../wizard/backend';
import { toErrorPayload } from './errors';
import type {
  AppInfo,
  Backend,
  ConnectionInfo,
  CredentialReport,
  ExportedFile,
  ForgetReport,
  KeychainStatus,
  OrgState,
  Profile,
} from './types';

/** Calls one Tauri command; rejections always come out as ErrorPayload. */
async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toErrorPayload(reason);
  }
}

/** A run with progress: the command streams `Progress` events through a Channel. */
function withProgress<T>(command: string, onProgress: (p: Progress) => void, args: Record<string, unknown> = {}): Promise<T> {
  const channel = new Channel<Progress>();
  channel.onmessage = onProgress;
  return call<T>(command, { ...args, onProgress: channel });
}

function wizardCommands(): WizardBackend {
  return {
    planDocument: () => call('plan_document'),
    savePlanDocument: (document) => call('save_plan_document', { document }),
    checkPlanDocument: (document) => call('check_plan_document', { document }),
    planPreview: (document) => call('plan_preview', { document: document ?? null }),
    applyPlan: (onProgress) => withProgress('apply_plan', onProgress),
    undoChanges: (onProgress, choice) =>
      withProgress('undo_changes', onProgress, { backTo: choice.backTo, forceDomains: choice.forceDomains }),
    applyReview: () => call('apply_review'),
    undoReview: () => call('undo_review'),
    runStatus: () => call('run_status'),
    cancelRun: () => call('cancel_run'),
    prerequisites: () => call('prerequisites'),
    verifyPlan: () => call('verify_plan'),
    domainProofs: () => call('domain_proofs'),
    autodiscoverRecords: () => call('autodiscover_records'),
    sharingActions: () => call('sharing_actions'),
  };
}

function verifyCommands(): VerifyBackend {
  return {
    runVerification: (onProgress) => {
      const channel = new Channel<GatherProgress>();
      channel.onmessage = onProgress;
      return call('run_verification', { onProgress: channel });
    },
    lastVerification: () => call('last_verification'),
    acknowledge: (checkId, reason, expires) => call('acknowledge', { checkId, reason, expires }),
    removeAcknowledgement: (checkId) => call('remove_acknowledgement', { checkId }),
    explainError: (text) => call('explain_error', { text }),
    partnerPreview: (domain) => call('partner_preview', { domain }),
    useProfile: (name) => call('use_profile', { name }),
    activeProfile: () => call('active_profile'),
    proveFreeBusy: (request) => call('prove_free_busy', { request }),
    freeBusyProofs: () => call('free_busy_proofs'),
    certificateStatus: () => call('certificate_status'),
    certificateRollPreview: () => call('certificate_roll_preview'),
    certificateRoll: (onProgress) => withProgress('certificate_roll', onProgress),
  };
}

export function createTauriBackend(): Backend {
  return {
    ...wizardCommands(),
    ...verifyCommands(),
    removalPreview: (source, forceDomains) => call('removal_preview', { source, forceDomains }),
    removalApply: (source, forceDomains, onProgress) => withProgress('removal_apply', onProgress, { source, forceDomains }),
    appInfo: () => call<AppInfo>('app_info'),
    windowReady: async () => {
      await call<null>('window_ready');
    },
    connection: () => call<ConnectionInfo>('connection_status'),
    orgStatus: () => call<OrgState>('org_status'),
    diagnostics: () => call<string>('copy_diagnostics'),
    mapSvg: () => call<string>('map_svg'),
    exportMap: (format) => call<ExportedFile | null>('export_map', { format }),
    exportReport: (format) => call<ExportedFile | null>('export_report', { format }),
    partnerDomains: () => call<string[]>('partner_domains'),
    partnerKit: (domain, format) => call<ExportedFile | null>('partner_kit', { domain, format }),
    openExport: async (path) => {
      await call<null>('open_export', { path });
    },
    revealExport: async (path) => {
      await call<null>('reveal_export', { path });
    },
    listProfiles: () => call<Profile[]>('list_profiles'),
    saveProfile: (profile, previous) => call<Profile[]>('save_profile', { profile, previous: previous ?? null }),
    removeProfile: (name) => call<Profile[]>('remove_profile', { name }),
    testProfile: (profile) => call<ConnectionInfo>('test_profile', { profile }),
    keychainStatus: () => call<KeychainStatus>('keychain_status'),
    setCredential: (request) => call<CredentialReport>('set_credential', { ...request }),
    testCredential: (profile, purpose, sessionOnly) =>
      call<CredentialReport>('test_credential', { profile, purpose, sessionOnly }),
    forgetCredential: (profile, purpose, sessionOnly) =>
      call<ForgetReport>('forget_credential', { profile, purpose, sessionOnly }),
  };
}
