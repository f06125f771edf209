// The active profile as the whole window sees it: "Use this profile" on the Connection page
// bumps `version`, and the header reads the connection again.
export const activeProfile = $state({ name: '', version: 0 });

export function profileSwitched(name: string): void {
  activeProfile.name = name;
  activeProfile.version += 1;
}
