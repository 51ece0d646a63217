/**
 * The release of this project a stack is deployed from, exported by every stack (`deployedVersions`)
 * so `fleet status` shows a half-upgraded fleet. Equal to package.json `version` (test/stacks/release.test.ts);
 * bump both when cutting a release (README "Upgrading").
 */
export const PROJECT_RELEASE = "0.1.0";
