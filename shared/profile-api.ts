import { z } from 'zod';
import { TierSwitch } from './api/tier-switch';
import { EnvironmentOverrides } from './profile-env';
import { DeploymentProfile, ProfileFile, ProfileName, SeedConfig } from './profile';
import { TierName } from './tiers';

/** Params and results of the profile.* commands (configuration file, environment, profiles). */

/** A seed file is a few hundred bytes; this leaves room for whitespace and refuses anything absurd. */
export const PROFILE_TEXT_MAX = 64 * 1024;

export const ProfileState = z.object({
  tier: TierName,
  profiles: z.array(DeploymentProfile),
  /** The profile in effect: last applied and still matching the tier and its overrides. */
  active: ProfileName.nullable(),
  /** The seed's variables as set in the panel's own environment, each applied or refused. */
  environment: EnvironmentOverrides,
});
export type ProfileState = z.infer<typeof ProfileState>;

export const ProfileImportParams = z
  .object({ text: z.string().max(PROFILE_TEXT_MAX, { error: `at most ${PROFILE_TEXT_MAX} bytes` }) })
  .strict();

export const ProfileImportResult = z.discriminatedUnion('kind', [
  /** A seed file without a name: its tier and overrides are now in effect. */
  z.object({ kind: z.literal('applied'), config: SeedConfig, switch: TierSwitch, state: ProfileState }),
  /** A named profile file: saved to the list (replacing one of the same name), not applied. */
  z.object({
    kind: z.literal('saved'),
    profile: DeploymentProfile,
    replaced: z.boolean(),
    state: ProfileState,
  }),
]);
export type ProfileImportResult = z.infer<typeof ProfileImportResult>;

export const ProfileExportParams = z.object({ name: ProfileName.optional() }).strict().prefault({});

export const ProfileExportResult = z.object({
  fileName: z.string(),
  /** The file's text, exactly what is written or downloaded. */
  text: z.string(),
  file: z.union([ProfileFile, SeedConfig]),
});
export type ProfileExportResult = z.infer<typeof ProfileExportResult>;

export const ProfileApplyResult = z.object({ switch: TierSwitch, state: ProfileState });
export type ProfileApplyResult = z.infer<typeof ProfileApplyResult>;

export const ProfileNameParams = z.object({ name: ProfileName }).strict();
/** `replace`: the caller was told a profile of that name (ignoring case) exists and chose to replace it. */
export const ProfileSaveParams = z.object({ name: ProfileName, replace: z.boolean().optional() }).strict();
export const ProfileRenameParams = z.object({ from: ProfileName, to: ProfileName }).strict();
