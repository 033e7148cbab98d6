import { ApiError, describeIssues, type TierSwitch } from '../../../shared/api';
import type { TierOverrides } from '../../../shared/launch';
import {
  activeProfile,
  findProfile,
  overridesBeyondTier,
  overridesFromSeed,
  ProfileFile,
  profileFileName,
  PROFILES_MAX,
  SeedConfig,
  seedFromOverrides,
  SEED_OVERRIDE_KEYS,
  type DeploymentProfile,
  type ProfilesSettings,
} from '../../../shared/profile';
import type {
  ProfileApplyResult,
  ProfileExportResult,
  ProfileImportResult,
  ProfileState,
} from '../../../shared/profile-api';
import { layerOverrides, type EnvironmentOverrides } from '../../../shared/profile-env';
import { applySettingsPatch, type Settings, type SettingsPatch } from '../../../shared/settings';
import type { TierName } from '../../../shared/tiers';
import { panelEnvironmentOverrides } from './environment';

/** What the profile commands need of the rest of the panel. */
export interface ProfileDeps {
  readonly settings: {
    get(): Settings;
    update(patch: SettingsPatch): Settings;
  };
  /** Selects the tier; a running relay restarts under the new plan (RelayService.switchTier). */
  readonly switchTier: (tier: TierName) => Promise<TierSwitch>;
  readonly environment?: () => EnvironmentOverrides;
}

/** The seed's knobs (shared/profile.ts): an imported file replaces these and keeps the tier's OS overrides. */
const KNOB_KEYS: readonly string[] = SEED_OVERRIDE_KEYS;

const invalid = (message: string) => new ApiError('PROFILE_INVALID', message);

function parseJson(text: string): unknown {
  try {
    // Windows editors (Notepad) save UTF-8 with a byte order mark, which JSON.parse rejects.
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw invalid(`Not a JSON file: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function createProfileService(deps: ProfileDeps) {
  const environment = deps.environment ?? (() => panelEnvironmentOverrides());

  const state = (): ProfileState => {
    const settings = deps.settings.get();
    return {
      tier: settings.tier,
      profiles: settings.profiles.list,
      active: activeProfile(settings),
      environment: environment(),
    };
  };

  /** Checks the whole patch first, so a refusal writes nothing at all. */
  const checked = (patch: SettingsPatch): SettingsPatch => {
    const result = applySettingsPatch(deps.settings.get(), patch);
    if (!result.success) throw invalid(`Not applied: ${describeIssues(result.error)}`);
    return patch;
  };

  const profilesWith = (change: (profiles: ProfilesSettings) => ProfilesSettings): SettingsPatch =>
    checked({ profiles: change(deps.settings.get().profiles) });

  /** Writes the tier's overrides (and which profile that was), then switches to the tier. */
  const applyTier = async (tier: TierName, overrides: TierOverrides, applied: string | null) => {
    const settings = deps.settings.get();
    const all = { ...settings.overrides };
    if (Object.keys(overrides).length === 0) delete all[tier];
    else all[tier] = overrides;
    deps.settings.update(checked({ overrides: all, profiles: { ...settings.profiles, applied } }));
    // Restarts a running relay even when the tier is unchanged: its overrides may not be.
    return deps.switchTier(tier);
  };

  const named = (name: string): DeploymentProfile => {
    const profile = findProfile(deps.settings.get().profiles, name);
    if (!profile) throw invalid(`No profile named "${name}".`);
    return profile;
  };

  const upsert = (profile: DeploymentProfile): boolean => {
    const existing = findProfile(deps.settings.get().profiles, profile.name);
    deps.settings.update(
      profilesWith((profiles) => {
        if (!existing && profiles.list.length >= PROFILES_MAX)
          throw invalid(`At most ${PROFILES_MAX} profiles; delete one first.`);
        const list = existing
          ? profiles.list.map((p) => (p === existing ? profile : p))
          : [...profiles.list, profile];
        return { ...profiles, list };
      }),
    );
    return existing !== undefined;
  };

  return {
    state,

    async importFile(text: string): Promise<ProfileImportResult> {
      const raw = parseJson(text);
      const isNamed = typeof raw === 'object' && raw !== null && Object.hasOwn(raw, 'name');
      if (isNamed) {
        const file = ProfileFile.safeParse(raw);
        if (!file.success) throw invalid(`Profile file refused: ${describeIssues(file.error)}`);
        const { name, tier, performance_optimizations } = file.data;
        const profile = {
          name,
          tier,
          overrides: overridesBeyondTier(tier, overridesFromSeed(performance_optimizations)),
        };
        const replaced = upsert(profile);
        return { kind: 'saved', profile, replaced, state: state() };
      }
      const config = SeedConfig.safeParse(raw);
      if (!config.success) throw invalid(`Configuration file refused: ${describeIssues(config.error)}`);
      const { tier, performance_optimizations } = config.data;
      const kept = Object.fromEntries(
        Object.entries(deps.settings.get().overrides[tier] ?? {}).filter(([key]) => !KNOB_KEYS.includes(key)),
      );
      const change = await applyTier(
        tier,
        {
          ...kept,
          ...overridesBeyondTier(tier, overridesFromSeed(performance_optimizations), environment().values),
        },
        null,
      );
      return { kind: 'applied', config: config.data, switch: change, state: state() };
    },

    exportFile(name?: string): ProfileExportResult {
      let file: SeedConfig | ProfileFile;
      let fileName: string;
      if (name === undefined) {
        // The tier in effect with everything that shapes it: saved overrides over the environment.
        const settings = deps.settings.get();
        const saved = settings.overrides[settings.tier] ?? {};
        file = seedFromOverrides(settings.tier, layerOverrides(saved, environment().values));
        fileName = profileFileName(null, settings.tier);
      } else {
        // A profile is its own tier and overrides; the environment of this panel is not part of it.
        const profile = named(name);
        file = { name: profile.name, ...seedFromOverrides(profile.tier, profile.overrides) };
        fileName = profileFileName(profile.name, profile.tier);
      }
      return { fileName, text: `${JSON.stringify(file, null, 2)}\n`, file };
    },

    async apply(name: string): Promise<ProfileApplyResult> {
      const profile = named(name);
      const change = await applyTier(profile.tier, profile.overrides, profile.name);
      return { switch: change, state: state() };
    },

    save(name: string, replace = false): ProfileState {
      const settings = deps.settings.get();
      // "Production" beside the built-in "production" would silently replace it: ask first.
      const clash = findProfile(settings.profiles, name);
      if (clash && !replace)
        throw invalid(
          `A profile named "${clash.name}" already exists (names are compared ignoring case and look-alike letters). Choose another name, or replace "${clash.name}".`,
        );
      const overrides = settings.overrides[settings.tier] ?? {};
      upsert({ name, tier: settings.tier, overrides });
      deps.settings.update(profilesWith((profiles) => ({ ...profiles, applied: name })));
      return state();
    },

    rename(from: string, to: string): ProfileState {
      const profile = named(from);
      const clash = findProfile(deps.settings.get().profiles, to);
      if (clash && clash !== profile) throw invalid(`A profile named "${clash.name}" already exists.`);
      deps.settings.update(
        profilesWith((profiles) => ({
          list: profiles.list.map((p) => (p === profile ? { ...p, name: to } : p)),
          applied: profiles.applied === profile.name ? to : profiles.applied,
        })),
      );
      return state();
    },

    remove(name: string): ProfileState {
      const profile = named(name);
      deps.settings.update(
        profilesWith((profiles) => ({
          list: profiles.list.filter((p) => p !== profile),
          applied: profiles.applied === profile.name ? null : profiles.applied,
        })),
      );
      return state();
    },
  };
}

export type ProfileService = ReturnType<typeof createProfileService>;
