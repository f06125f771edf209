// The removal as the lab fake plans it: the lab's one partner, Fabrikam, and its trust.
// A removal file whose path ends in "default-policy.toml" is refused as Exchange refuses
// removing the default sharing policy; `ran` records what actually ran (tests assert on it).
import type { ApplyReport } from '../bindings/ApplyReport';
import type { PlanView } from '../bindings/PlanView';
import type { Progress } from '../bindings/Progress';
import type { RemovalSource } from '../bindings/RemovalSource';
import type { StepView } from '../bindings/StepView';
import type { TakeDownBackend } from './backend';

export const FAKE_REFUSAL = {
  code: 'plan.refused',
  message:
    'Exchange would refuse this (CannotRemoveDefaultSharingPolicy): the sharing policy "Default Sharing Policy" is the organization\'s default, and Exchange does not remove the default policy; make another policy the default first (Set-SharingPolicy -Default), or leave it out of the removal',
};

function step(id: string, title: string, kind: StepView['kind'], commands: string[]): StepView {
  return { id, title, kind, commands, preconditions: [] };
}

export function fakeRemovalPlan(source: RemovalSource, forceDomains: boolean): PlanView {
  const force = forceDomains ? ' -Force' : '';
  const steps =
    source.kind === 'partner'
      ? [
          step(`relationship.disable:${source.relationship}`, `Turn off sharing with "${source.relationship}"`, 'organizationRelationships', [
            `Set-OrganizationRelationship -Identity '${source.relationship}' -Enabled $false`,
          ]),
          ...source.sharingPolicies.map((p) =>
            step(`policy.unassign:${p}`, `Move the mailboxes off the sharing policy "${p}"`, 'sharingPolicies', [
              `Set-Mailbox -Identity 'alexw' -SharingPolicy $null`,
            ]),
          ),
        ]
      : [
          step('relationship.remove:Fabrikam', 'Remove the organization relationship "Fabrikam"', 'organizationRelationships', [
            "Remove-OrganizationRelationship -Identity 'Fabrikam' -Confirm:$false",
          ]),
          step('domain.remove:contoso.test', 'Remove the federated domain contoso.test (the account namespace, last)', 'federationTrust', [
            `Remove-FederatedDomain -DomainName 'contoso.test'${force} -Confirm:$false`,
          ]),
          step('trust.remove', 'Remove the federation trust "Microsoft Federation Gateway"', 'federationTrust', [
            "Remove-FederationTrust -Identity 'Microsoft Federation Gateway' -Confirm:$false",
          ]),
        ];
  return { organization: 'Contoso', steps, script: steps.flatMap((s) => s.commands).join('\n') + '\n' };
}

export function fakeTakeDownBackend(ran: string[] = []): TakeDownBackend {
  const refuses = (source: RemovalSource) => source.kind === 'file' && source.path.endsWith('default-policy.toml');
  return {
    removalPreview: (source, forceDomains) =>
      refuses(source) ? Promise.reject(structuredClone(FAKE_REFUSAL)) : Promise.resolve(fakeRemovalPlan(source, forceDomains)),
    removalApply: (source, forceDomains, onProgress: (p: Progress) => void): Promise<ApplyReport> => {
      if (refuses(source)) return Promise.reject(structuredClone(FAKE_REFUSAL));
      const { steps } = fakeRemovalPlan(source, forceDomains);
      steps.forEach((s, index) => {
        onProgress({ kind: 'step', index, total: steps.length, id: s.id, title: s.title });
        ran.push(...s.commands);
        onProgress({ kind: 'stepDone', index, total: steps.length, id: s.id });
      });
      return Promise.resolve({ applied: steps.map((s) => s.id), remaining: 0 });
    },
  };
}
